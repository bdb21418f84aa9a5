"""Public-welfare posts (公益性岗位), the people offered and appointed to them, their attendance
and the monthly "does the household still need it" reviews."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class WelfarePostStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ExitReason(StrEnum):
    """Orderly exit (有序退岗, rule 2)."""

    TERM_END = "term_end"
    NO_LONGER_NEEDED = "no_longer_needed"
    ABSENCE = "absence"
    # Found other employment: hired by another employer, recorded by the hire itself on the new
    # job's first day (the household no longer needs the post for this person).
    OTHER_EMPLOYMENT = "other_employment"


EXIT_REASONS = tuple(ExitReason)


class AppointmentStatus(StrEnum):
    """An appointment is offered to the worker and counts only once they accept."""

    OFFERED = "offered"
    ACTIVE = "active"
    DECLINED = "declined"
    EXITED = "exited"
    # The offer was still unanswered when the person was hired elsewhere: the place passed on.
    WITHDRAWN = "withdrawn"


# Statuses that hold one of the post's places (an open offer reserves it).
PLACE_HOLDING = (AppointmentStatus.OFFERED, AppointmentStatus.ACTIVE)


class ReviewStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    EXITED = "exited"


class WelfarePost(Base):
    __tablename__ = "welfare_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    duties: Mapped[str] = mapped_column(Text, default="")
    quota: Mapped[int] = mapped_column(Integer)
    monthly_subsidy: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer, default=12)
    # Who may be a candidate: ages on the day ranked (editable per post; over-65s where the post allows).
    age_min: Mapped[int] = mapped_column(Integer, default=16, server_default="16")
    age_max: Mapped[int] = mapped_column(Integer, default=65, server_default="65")
    status: Mapped[str] = mapped_column(String(8), default=WelfarePostStatus.OPEN)  # a WelfarePostStatus

    settlement = relationship("Settlement")
    appointments: Mapped[list["WelfareAppointment"]] = relationship(back_populates="post")


class WelfareAppointment(Base):
    __tablename__ = "welfare_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("welfare_posts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=AppointmentStatus.ACTIVE,
                                        server_default=AppointmentStatus.ACTIVE.value, index=True)
    # Offered: the planned first day; active: the first day on the post.
    started_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)
    # The first day off the post: the subsidy is paid for started_on <= day < exited_on.
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str] = mapped_column(String(20), default="")  # an ExitReason
    # Why staff chose someone other than the best-ranked candidate ("" when they did not).
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The priority grounds (ranking codes) the person had when offered the post.
    priority_grounds: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The employment spell of kind "welfare_post" this appointment opened.
    spell_id: Mapped[int | None] = mapped_column(ForeignKey("employment_spells.id"))

    post: Mapped[WelfarePost] = relationship(back_populates="appointments")
    person = relationship("Person")
    spell = relationship("EmploymentSpell")


class WelfareAttendance(Base):
    """Days absent from a post in one month (no row: none recorded, so no absence)."""

    __tablename__ = "welfare_attendance"
    __table_args__ = (UniqueConstraint("appointment_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("welfare_appointments.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    days_absent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WelfareNeedReview(Base):
    """The monthly check found the household may no longer need the post: staff decide."""

    __tablename__ = "welfare_need_reviews"
    __table_args__ = (UniqueConstraint("appointment_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("welfare_appointments.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default=ReviewStatus.OPEN, index=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[WelfareAppointment] = relationship()
