"""The employment ledger (就业管理台账) as an append-only, hash-chained table of events.

Only jobmatch.ledger writes here. Each event's hash covers the previous event's hash,
its own header fields and the digest of its data, so an altered, inserted or deleted
row breaks the chain at that point.
"""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class LedgerEvent(Base):
    __tablename__ = "ledger_events"
    __table_args__ = (Index("ix_ledger_events_subject", "subject"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(40))  # "user:3", "person:17", "system", "import"
    kind: Mapped[str] = mapped_column(String(40), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    subject: Mapped[str] = mapped_column(String(40), default="")  # e.g. "offer:12"
    data: Mapped[dict | None] = mapped_column(JSON)
    data_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
