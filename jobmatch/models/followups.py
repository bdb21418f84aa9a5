"""Monthly follow-ups (每月回访): staff contacting each household."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class FollowUp(Base):
    __tablename__ = "follow_ups"
    # Each household's latest follow-up (the dashboard's due list) read from the index alone.
    __table_args__ = (Index("ix_follow_ups_household_id_contacted_at", "household_id", "contacted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    method: Mapped[str] = mapped_column(String(10))  # phone | visit
    summary: Mapped[str] = mapped_column(Text, default="")

    household = relationship("Household")
