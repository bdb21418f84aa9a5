"""Poverty-relapse monitoring alerts: a monitored household's employment dropped."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class AlertReason(StrEnum):
    JOB_ENDED = "job_ended"  # a member's job ended
    INCOME_BELOW_LINE = "income_below_line"  # the household's income fell below the monitoring line
    ZERO_EMPLOYMENT = "zero_employment"  # the household became zero-employment


class MonitoringAlert(Base):
    __tablename__ = "monitoring_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # AlertReason values
    # Set when a staff member has acted on it (what they did in ``note``).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    household = relationship("Household")
