"""Households and persons: the worker profiles of the employment ledger."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class MonitoringCategory(StrEnum):
    """Poverty-relapse monitoring (防返贫监测): the household's flag, as the roster column 监测对象 says it."""

    NONE = "none"
    UNSTABLE = "unstable"  # 脱贫不稳定户
    MARGINAL = "marginal"  # 边缘易致贫户
    HARDSHIP = "hardship"  # 突发严重困难户


class CannotLeaveReason(StrEnum):
    """Why a person cannot leave the settlement (roster column 不能离开安置点原因)."""

    CARING_ELDERS = "caring_elders"
    CARING_CHILDREN = "caring_children"
    CARING_SICK = "caring_sick"
    OWN_DISABILITY = "own_disability"
    OTHER = "other"


class NotInWorkforce(StrEnum):
    """Why a person without a job is not "未就业": computed from age, capacity and notes, never stored
    (jobmatch.services.households.status.work_status decides it)."""

    PRESCHOOL = "preschool"  # 学龄前
    IN_SCHOOL = "in_school"  # 在校
    NO_CAPACITY = "no_capacity"  # 无劳动能力


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("county_id", "household_no"),
        # The staff dashboard: a site's zero-employment households in listing order, read 20 at a time,
        Index("ix_households_zero_employment_listed", "settlement_id", "zero_employment_since", "id",
              postgresql_where=text("zero_employment"), sqlite_where=text("zero_employment")),
        # and a site's totals and follow-ups due from the index alone (PostgreSQL's index-only scan).
        Index("ix_households_settlement_id_last_follow_up_at", "settlement_id", "last_follow_up_at",
              postgresql_include=["labourers", "employed", "zero_employment", "household_no"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through uq_households_county_id and ix_households_settlement_id_last_follow_up_at.
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    household_no: Mapped[str] = mapped_column(String(40))
    # Kept by jobmatch.services.households.status.refresh_households and nothing else.
    labourers: Mapped[int] = mapped_column(Integer, default=0)
    employed: Mapped[int] = mapped_column(Integer, default=0)
    zero_employment: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    zero_employment_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by jobmatch.services.households.status.note_follow_up and nothing else.
    last_follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by jobmatch.services.households.monitoring and nothing else (a MonitoringCategory).
    monitoring: Mapped[str] = mapped_column(String(10), default=MonitoringCategory.NONE, index=True)
    monitoring_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a roster import first creates the household: its follow-up clock starts there (rule 6).
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    settlement = relationship("Settlement")
    county = relationship("County")
    members: Mapped[list["Person"]] = relationship(back_populates="household", order_by="Person.id")


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))  # ix_persons_household_id_members
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[date] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    phone_invalid: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[str] = mapped_column(String(8))  # full | half | weak | none
    wants_work: Mapped[bool | None] = mapped_column(Boolean)
    mobility: Mapped[str | None] = mapped_column(String(10))  # site | county | province | any
    max_commute_km: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    certificates: Mapped[list] = mapped_column(JSON, default=list)
    training_wishes: Mapped[list] = mapped_column(JSON, default=list)
    wage_expectation: Mapped[int | None] = mapped_column(Integer)
    disability: Mapped[str] = mapped_column(String(6), default="none")
    monitoring: Mapped[str] = mapped_column(String(10), default="none")
    notes: Mapped[str] = mapped_column(Text, default="")
    sms_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rule 2's first priority group; set only with a reason (jobmatch.services.people.site_bound).
    cannot_leave_site: Mapped[bool] = mapped_column(Boolean, default=False)
    cannot_leave_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")  # a CannotLeaveReason

    __table_args__ = (
        # A site's members from the index alone (the dashboard's waiting offers, heads' names): without it
        # PostgreSQL reads every person of the province to find a site's few thousand (issue 19).
        Index("ix_persons_household_id_members", "household_id", postgresql_include=["id", "name", "relation"]),
    )

    household: Mapped[Household] = relationship(back_populates="members")
    spells: Mapped[list["EmploymentSpell"]] = relationship(back_populates="person", order_by="EmploymentSpell.started_on")


from jobmatch.models.employment import EmploymentSpell  # noqa: E402  (relationship target)
