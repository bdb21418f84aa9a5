"""Recruitment fairs (专场招聘会): the vacancies shown, who came, and what came of it."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, String, Table, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime

DEFAULT_FAIR_START = time(9, 0)  # a fair set up without a start time opens at 9:00

fair_vacancies = Table(
    "fair_vacancies",
    Base.metadata,
    Column("fair_id", ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True),
    Column("vacancy_id", ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
)


class CheckInMethod(StrEnum):
    QR = "qr"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    NAME = "name"  # a walk-in known only by the name they gave at the door


class CheckInWindow(StrEnum):
    """Where the door stands for check-in (services.fairs.check_in.check_in_window); computed, never stored."""

    EARLY = "early"  # before an hour ahead of the start: the page says when it opens
    OPEN = "open"
    OVER = "over"  # the fair's day has passed


class OutcomeStage(StrEnum):
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRE = "hire"


class Attendance(StrEnum):
    """Where a worker stands with a fair; derived from the FairAttendee's times."""

    OPEN = "open"              # not invited: may still register
    INVITED = "invited"
    REGISTERED = "registered"
    DECLINED = "declined"


CHECK_IN_METHODS = tuple(CheckInMethod)
OUTCOME_STAGES = tuple(OutcomeStage)


class Fair(Base):
    __tablename__ = "fairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(120))
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    # Local time the fair opens; check-in at the door opens an hour before (issue 17).
    starts_at: Mapped[time] = mapped_column(Time, default=DEFAULT_FAIR_START, server_default="09:00:00")

    settlement = relationship("Settlement")
    vacancies = relationship("Vacancy", secondary=fair_vacancies)
    attendees: Mapped[list["FairAttendee"]] = relationship(back_populates="fair", order_by="FairAttendee.id")


class FairAttendee(Base):
    """One worker's way through a fair: invited, registered or declined, checked in.

    A walk-in has no ``invited_at``; a walk-in not on the roster has no ``person_id``
    and keeps the name, phone and ID number staff typed at the door.
    """

    __tablename__ = "fair_attendees"
    __table_args__ = (UniqueConstraint("fair_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_via: Mapped[str] = mapped_column(String(8), default="")  # sms | web | staff
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_in_method: Mapped[str] = mapped_column(String(10), default="")  # a CheckInMethod once checked in
    visitor_name: Mapped[str] = mapped_column(String(40), default="")
    visitor_phone: Mapped[str | None] = mapped_column(String(20))
    visitor_id_number: Mapped[str | None] = mapped_column(String(18))

    fair: Mapped[Fair] = relationship(back_populates="attendees")
    person = relationship("Person")

    @property
    def attendance(self) -> Attendance:
        if self.registered_at is not None:
            return Attendance.REGISTERED
        if self.declined_at is not None:
            return Attendance.DECLINED
        return Attendance.INVITED


class FairOutcome(Base):
    """An interview, offer or hire between an employer and a worker, at or after a fair."""

    __tablename__ = "fair_outcomes"
    __table_args__ = (UniqueConstraint("fair_id", "employer_id", "person_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id"))
    stage: Mapped[str] = mapped_column(String(10))  # an OutcomeStage
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    employer = relationship("Employer")
    person = relationship("Person")
