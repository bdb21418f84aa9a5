"""Monthly follow-ups (每月回访): staff contacting each household."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class EmploymentState(StrEnum):
    """The household's employment as the staff member found it (seed 003's dynamic monitoring)."""

    EMPLOYED = "employed"  # working, steadily
    UNSTABLE = "unstable"  # working, but the job or the income is at risk
    UNEMPLOYED = "unemployed"  # nobody who wants work has it


class FollowUp(Base):
    __tablename__ = "follow_ups"
    # Each household's latest follow-up (the dashboard's due list) read from the index alone.
    __table_args__ = (Index("ix_follow_ups_household_id_contacted_at", "household_id", "contacted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    method: Mapped[str] = mapped_column(String(10))  # phone | visit | sms (a key of followups.METHODS)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Recorded at every follow-up of a monitored household ("" when not asked).
    employment_state: Mapped[str] = mapped_column(String(12), default="")  # an EmploymentState
    needs: Mapped[str] = mapped_column(Text, default="")
    training_wish: Mapped[str] = mapped_column(Text, default="")

    household = relationship("Household")
