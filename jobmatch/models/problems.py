"""Problems workers raise, answered by the "三个三" rule: 3 minutes, 3 hours, 3 days."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class ProblemStage(StrEnum):
    """How far a problem has come on the 三个三 clock; derived from its times."""

    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"  # within 3 minutes
    ON_SITE = "on_site"            # within 3 hours
    RESOLVED = "resolved"          # within 3 days


class ProblemCategory(StrEnum):
    WAGES = "wages"
    JOB = "job"
    TRAINING = "training"
    LIVING = "living"
    OTHER = "other"


class ProblemSource(StrEnum):
    WORKER = "worker"
    FOLLOW_UP = "follow_up"
    STAFF = "staff"
    SMS = "sms"  # a text in the worker's own words (not 1/2/0/TD nor a keyword)


class NotAProblemReason(StrEnum):
    """Why staff closed a problem opened from a text as "not a problem"."""

    GREETING = "greeting"  # a greeting or thanks: nothing to do
    MISTAKE = "mistake"    # sent by mistake, or not meant for the service
    HANDLED = "handled"    # already dealt with elsewhere (a call, another problem)


PROBLEM_CATEGORIES = tuple(ProblemCategory)
PROBLEM_SOURCES = tuple(ProblemSource)
NOT_A_PROBLEM_REASONS = tuple(NotAProblemReason)


class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"))
    source: Mapped[str] = mapped_column(String(10))  # a ProblemSource
    category: Mapped[str] = mapped_column(String(10))  # a ProblemCategory
    description: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_site_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    handled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    # Set when staff closed it as not a problem (a NotAProblemReason); "" otherwise.
    not_a_problem: Mapped[str] = mapped_column(String(10), default="")

    household = relationship("Household")
    person = relationship("Person")
