"""Employers and the vacancies they post."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class EmployerKind(StrEnum):
    COMPANY = "company"
    WORKSHOP = "workshop"
    COOPERATIVE = "cooperative"
    LABOUR_SERVICE = "labour_service"
    PUBLIC_WORKS = "public_works"
    PUBLIC = "public"


class EmployerApproval(StrEnum):
    """Derived from ``Employer.approved`` and its users: no column of its own."""

    PENDING = "pending"    # signed up, waiting for staff
    APPROVED = "approved"  # may post vacancies
    REJECTED = "rejected"  # staff said no: its users are switched off


class VacancyKind(StrEnum):
    REGULAR = "regular"
    GIG = "gig"
    WELFARE = "welfare"
    RELIEF = "relief"


class VacancyStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # the employer stopped recruiting


EMPLOYER_KINDS = tuple(EmployerKind)
VACANCY_STATUSES = tuple(VacancyStatus)


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=EmployerKind.COMPANY)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rule 9, set by staff: every vacancy of such an employer hires local relocated workers first.
    government_funded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    work_for_relief: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Rule 7 (seed 001): an entrepreneurial entity set up in the settlement area, set by staff with the site.
    entrepreneur_settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))

    county = relationship("County")
    entrepreneur_settlement = relationship("Settlement")
    vacancies: Mapped[list["Vacancy"]] = relationship(back_populates="employer")
    users = relationship("User", viewonly=True)

    @property
    def approval(self) -> EmployerApproval:
        """Approved; else rejected once staff switched its users off (decide()), else pending."""
        if self.approved:
            return EmployerApproval.APPROVED
        return EmployerApproval.PENDING if any(u.active for u in self.users) else EmployerApproval.REJECTED


class Vacancy(Base):
    __tablename__ = "vacancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    openings: Mapped[int] = mapped_column(Integer)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(10), default=VacancyKind.REGULAR)  # a VacancyKind
    physical_demand: Mapped[str] = mapped_column(String(8), default="medium")  # light | medium | heavy
    wage_min: Mapped[int | None] = mapped_column(Integer)
    wage_max: Mapped[int | None] = mapped_column(Integer)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    dormitory: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[str] = mapped_column(String(14), default="any")  # any | day | shift | school_hours
    # Rule 9: work-for-relief and government-funded projects hire local relocated workers first.
    government_funded: Mapped[bool] = mapped_column(Boolean, default=False)
    work_for_relief: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(8), default=VacancyStatus.OPEN, index=True)  # a VacancyStatus
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    employer: Mapped[Employer] = relationship(back_populates="vacancies")
    county = relationship("County")
