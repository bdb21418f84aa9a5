"""Organised labour export (劳务输出): a group travelling together to an employer elsewhere, and its members."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class TransportMode(StrEnum):
    CHARTERED_BUS = "chartered_bus"
    TRAIN = "train"


class ExportMemberStatus(StrEnum):
    """Where a worker stands with a labour-export group."""

    INVITED = "invited"          # the invitation went out; no answer yet
    SIGNED_UP = "signed_up"      # holds a seat
    WAITLISTED = "waitlisted"    # wanted to go when every seat was taken
    DECLINED = "declined"        # said no (or withdrew before departure)
    DEPARTED = "departed"        # checked in at the gathering point
    ARRIVED = "arrived"          # arrival confirmed by the worker or the group leader: employed there
    RETURNED = "returned"        # came back: the spell ended, back in the matching pool


# The statuses that hold one of the group's seats.
SEAT_HOLDING_STATUSES = (ExportMemberStatus.SIGNED_UP, ExportMemberStatus.DEPARTED, ExportMemberStatus.ARRIVED,
                         ExportMemberStatus.RETURNED)
# Went with the group (checked in at departure).
TRAVELLED_STATUSES = (ExportMemberStatus.DEPARTED, ExportMemberStatus.ARRIVED, ExportMemberStatus.RETURNED)


class ExportGroup(Base):
    """A labour-export group: destination employer, jobs and terms, departure and transport, its leader."""

    __tablename__ = "export_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)  # the county sending the group
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)  # the destination employer
    destination_province: Mapped[str] = mapped_column(String(30))
    destination_city: Mapped[str] = mapped_column(String(30), default="")
    jobs: Mapped[str] = mapped_column(String(120))
    monthly_wage: Mapped[int] = mapped_column(Integer)
    dormitory: Mapped[bool] = mapped_column(Boolean, default=False)
    meals: Mapped[bool] = mapped_column(Boolean, default=False)
    contract_months: Mapped[int] = mapped_column(Integer)
    departs_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    gathering_point: Mapped[str] = mapped_column(String(60))
    transport: Mapped[str] = mapped_column(String(16))  # a TransportMode
    seats: Mapped[int] = mapped_column(Integer)
    # Led by a staff member, or by a labour cooperative / labour-service company (an Employer of that kind).
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    county = relationship("County")
    employer = relationship("Employer", foreign_keys=[employer_id])
    cooperative = relationship("Employer", foreign_keys=[cooperative_id])
    leader = relationship("User")
    members: Mapped[list["ExportMember"]] = relationship(back_populates="group", order_by="ExportMember.id")


class ExportMember(Base):
    """One worker's way through a group: invited, signed up or waitlisted, departed, arrived, stayed or returned."""

    __tablename__ = "export_members"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("export_groups.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)  # an ExportMemberStatus
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_via: Mapped[str] = mapped_column(String(8), default="")  # sms | web | staff
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_in_method: Mapped[str] = mapped_column(String(10), default="")  # a fairs CheckInMethod
    arrival_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrived_on: Mapped[date | None] = mapped_column(Date)
    arrival_confirmed_by: Mapped[str] = mapped_column(String(40), default="")  # the actor: person:… or user:…
    spell_id: Mapped[int | None] = mapped_column(ForeignKey("employment_spells.id"))
    # Transport subsidy (seed 003): the county's amount when the arrival was confirmed, paid in that month.
    transport_subsidy_yuan: Mapped[int | None] = mapped_column(Integer)
    # Follow-ups at 1 and 3 months after arrival: None until recorded.
    stayed_1m: Mapped[bool | None] = mapped_column(Boolean)
    stayed_3m: Mapped[bool | None] = mapped_column(Boolean)
    returned_on: Mapped[date | None] = mapped_column(Date)
    return_reason: Mapped[str] = mapped_column(String(120), default="")

    group: Mapped[ExportGroup] = relationship(back_populates="members")
    person = relationship("Person")
    spell = relationship("EmploymentSpell")
