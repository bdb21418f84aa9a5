"""Start-up support (seed 001 (四), seed 003): businesses relocated people start, and their
applications for a guaranteed start-up loan or the incubator rent subsidy."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class BusinessKind(StrEnum):
    MICRO_ENTERPRISE = "micro_enterprise"  # 小微企业
    COOPERATIVE = "cooperative"  # 农民专业合作社
    SELF_EMPLOYED = "self_employed"  # 个体经营


class ApplicationKind(StrEnum):
    STARTUP_LOAN = "startup_loan"  # 创业担保贷款 (with interest subsidy)
    INCUBATOR_RENT = "incubator_rent"  # 孵化基地费用补贴


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REFUSED = "refused"


class Business(Base):
    __tablename__ = "businesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # a BusinessKind
    started_on: Mapped[date] = mapped_column(Date)
    jobs_created: Mapped[int] = mapped_column(Integer, default=0)
    closed_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person")


class SupportApplication(Base):
    __tablename__ = "support_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # an ApplicationKind
    # Loan: the amount asked (yuan). Incubator: the actual monthly fees (rent, property, sanitation; yuan).
    amount: Mapped[int] = mapped_column(Integer)
    # Incubator: the first month the entity is in the incubator (the subsidy runs at most 36 months).
    starts_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ApplicationStatus.APPLIED)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person = relationship("Person")
    business = relationship("Business")
