"""Matching rounds and the job offers they make: proposed, sent, answered, hired or not.

An offer row exists for every ranked (vacancy, worker) pair a round keeps: the pairs the
engine allocated start as ``proposed`` (waiting for staff approval), the rest of the
ranked list as ``reserve`` (offered automatically, best first, when a sent offer is
declined or expires). The waiting list of a vacancy is its offers in ``waitlisted``.
"""

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime

ROUND_SCOPES = ("settlement", "county", "person")  # person: one worker re-matched (after training)
OFFER_STATUSES = (
    "reserve",     # ranked, not allocated: a later replacement
    "proposed",    # allocated by the engine, waiting for staff approval
    "sent",        # delivered (SMS or a staff visit), waiting for the worker's answer
    "accepted",    # the worker said yes and holds one of the openings
    "waitlisted",  # the worker said yes when the vacancy was full
    "declined",
    "expired",
    "skipped",     # could not be sent (the worker found work or holds another live offer)
    "hired",
    "not_hired",
    "withdrawn",   # the worker was hired elsewhere while this one was still live
)
# Offers that hold one of the vacancy's openings.
FILLING_STATUSES = ("accepted", "hired")
# Offers that claim an opening: filled, or sent and not yet answered.
CLAIMING_STATUSES = ("sent", "accepted", "hired")
OFFER_CHANNELS = ("sms", "visit")

match_round_vacancies = Table(
    "match_round_vacancies",
    Base.metadata,
    Column("round_id", ForeignKey("match_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("vacancy_id", ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
)


class MatchRound(Base):
    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # one of ROUND_SCOPES
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(40))  # the ledger actor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts and the vacancies left out with why, for the staff page.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    vacancies = relationship("Vacancy", secondary=match_round_vacancies)
    offers: Mapped[list["Offer"]] = relationship(back_populates="round", order_by="Offer.id")


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("round_id", "vacancy_id", "person_id"),
        # A worker waits on at most one answer at a time: a bare "1" is never ambiguous,
        # and two approvers of overlapping rounds cannot send one worker two offers.
        Index("uq_offers_one_sent_per_person", "person_id", unique=True,
              sqlite_where=text("status = 'sent'"), postgresql_where=text("status = 'sent'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # one of OFFER_STATUSES
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Feature name -> value as the engine computed them: the learned model's inputs.
    features: Mapped[dict] = mapped_column(JSON, default=dict)
    distance_km: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(6), default="")  # one of OFFER_CHANNELS once sent
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # sent as a replacement
    skip_reason: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_via: Mapped[str] = mapped_column(String(10), default="")  # sms | web | visit | staff
    interview_on: Mapped[date | None] = mapped_column(Date)
    interview_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_note: Mapped[str] = mapped_column(String(200), default="")
    spell_id: Mapped[int | None] = mapped_column(ForeignKey("employment_spells.id"))

    round: Mapped[MatchRound] = relationship(back_populates="offers")
    vacancy = relationship("Vacancy")
    person = relationship("Person")
    spell = relationship("EmploymentSpell")
