"""All counties in one night: a batch of county rounds run by the queue, then one province-pool round."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class BatchStepStatus(StrEnum):
    """Where one county's round (or the province-pool round) of a batch stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED_STEP_STATUSES = (BatchStepStatus.DONE, BatchStepStatus.FAILED)


class RoundBatch(Base):
    __tablename__ = "round_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(40))  # the ledger actor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The province-pool round that follows the county rounds.
    pool_status: Mapped[str] = mapped_column(String(10), default=BatchStepStatus.QUEUED)  # a BatchStepStatus
    pool_round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id"))
    pool_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counties: Mapped[list["RoundBatchCounty"]] = relationship(back_populates="batch", order_by="RoundBatchCounty.id")


class RoundBatchCounty(Base):
    __tablename__ = "round_batch_counties"
    __table_args__ = (UniqueConstraint("batch_id", "county_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("round_batches.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    status: Mapped[str] = mapped_column(String(10), default=BatchStepStatus.QUEUED)  # a BatchStepStatus
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id"))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    batch: Mapped[RoundBatch] = relationship(back_populates="counties")
    county = relationship("County")
