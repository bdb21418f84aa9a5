"""Site coverage (rule 3) and the employment floor (seed 003): special employment actions a site
runs, and each site's baseline employed count."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class SpecialActionKind(StrEnum):
    """A special employment action other than a recruitment fair (fairs count on their own)."""

    RECRUITMENT_DRIVE = "recruitment_drive"  # 招聘活动
    TRAINING_DRIVE = "training_drive"        # 培训行动


class BaselineSource(StrEnum):
    """Where a site's baseline employed count came from."""

    ENTERED = "entered"              # typed by staff or a county officer
    ROSTER = "roster"                # counted from the roster's employment records on its date


SPECIAL_ACTION_KINDS = tuple(SpecialActionKind)


class SpecialAction(Base):
    __tablename__ = "special_actions"
    # The same action sent twice (a double click, two staff at once) is one action.
    __table_args__ = (UniqueConstraint("settlement_id", "held_on", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a SpecialActionKind
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(120))
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    settlement = relationship("Settlement")


class EmploymentBaseline(Base):
    """A site's employment floor: employed people never below this count (entered once)."""

    __tablename__ = "employment_baselines"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"), primary_key=True)
    employed: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10))  # a BaselineSource
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
