"""Matching rounds and the job offers they make: proposed, sent, answered, hired or not.

An offer row exists for every ranked (vacancy, worker) pair a round keeps: the pairs the
engine allocated start as ``proposed`` (waiting for staff approval), the rest of the
ranked list as ``reserve`` (offered automatically, best first, when a sent offer is
declined or expires). The waiting list of a vacancy is its offers in ``waitlisted``.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class RoundScope(StrEnum):
    SETTLEMENT = "settlement"
    COUNTY = "county"
    PERSON = "person"  # one worker re-matched (after training)
    PROVINCE = "province"  # the province pool: workers willing to go anywhere, after the county rounds


class RoundStatus(StrEnum):
    """Derived from ``MatchRound.approved_at``: no column of its own."""

    PROPOSED = "proposed"  # waiting for staff approval
    APPROVED = "approved"


class OfferStatus(StrEnum):
    RESERVE = "reserve"        # ranked, not allocated: a later replacement
    PROPOSED = "proposed"      # allocated by the engine, waiting for staff approval
    SENT = "sent"              # delivered (SMS or a staff visit), waiting for the worker's answer
    ACCEPTED = "accepted"      # the worker said yes and holds one of the openings
    WAITLISTED = "waitlisted"  # the worker said yes when the vacancy was full
    DECLINED = "declined"
    EXPIRED = "expired"
    SKIPPED = "skipped"        # could not be sent (the worker found work or holds another live offer)
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    WITHDRAWN = "withdrawn"    # the worker was hired elsewhere while this one was still live


class OfferChannel(StrEnum):
    SMS = "sms"
    VISIT = "visit"  # staff deliver it at the door (送岗位上门)


ROUND_SCOPES = tuple(RoundScope)
OFFER_STATUSES = tuple(OfferStatus)
OFFER_CHANNELS = tuple(OfferChannel)
# Offers that hold one of the vacancy's openings (and show the employer the worker's phone).
FILLING_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.HIRED)
# Offers that claim an opening: filled, or sent and not yet answered.
CLAIMING_STATUSES = (OfferStatus.SENT, OfferStatus.ACCEPTED, OfferStatus.HIRED)
# Offers whose worker is waiting on them: an answer to give, or a place held.
WAITING_STATUSES = (OfferStatus.SENT, OfferStatus.ACCEPTED)
# Offers the worker turned down or let lapse: not made again (jobmatch.services.offers.reoffer).
REFUSED_STATUSES = (OfferStatus.DECLINED, OfferStatus.EXPIRED)
# Approved offers not yet sent.
SENDABLE_STATUSES = (OfferStatus.PROPOSED, OfferStatus.RESERVE)
# Where a "yes" and a "no" can still change something (a late yes is taken like any yes).
ANSWERABLE_YES = (OfferStatus.SENT, OfferStatus.EXPIRED, OfferStatus.DECLINED)
ANSWERABLE_NO = (OfferStatus.SENT, OfferStatus.ACCEPTED, OfferStatus.WAITLISTED)
# Offers a worker sees: sent to them, and what became of those.
WORKER_VISIBLE_STATUSES = (
    OfferStatus.SENT, OfferStatus.ACCEPTED, OfferStatus.WAITLISTED, OfferStatus.HIRED, OfferStatus.DECLINED,
    OfferStatus.EXPIRED, OfferStatus.NOT_HIRED, OfferStatus.WITHDRAWN)
# Offers an employer sees: workers who said yes, and what the employer decided.
EMPLOYER_VISIBLE_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.WAITLISTED, OfferStatus.HIRED, OfferStatus.NOT_HIRED)

match_round_vacancies = Table(
    "match_round_vacancies",
    Base.metadata,
    Column("round_id", ForeignKey("match_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("vacancy_id", ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
)


class MatchRound(Base):
    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # a RoundScope
    # None only for a province-pool round, whose workers come from every county.
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(40))  # the ledger actor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts and the vacancies left out with why, for the staff page.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    vacancies = relationship("Vacancy", secondary=match_round_vacancies)
    offers: Mapped[list["Offer"]] = relationship(back_populates="round", order_by="Offer.id")

    @property
    def status(self) -> RoundStatus:
        return RoundStatus.APPROVED if self.approved_at else RoundStatus.PROPOSED


_ONE_SENT = f"status = '{OfferStatus.SENT}'"


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("round_id", "vacancy_id", "person_id"),
        # A worker waits on at most one answer at a time: a bare "1" is never ambiguous,
        # and two approvers of overlapping rounds cannot send one worker two offers.
        Index("uq_offers_one_sent_per_person", "person_id", unique=True,
              sqlite_where=text(_ONE_SENT), postgresql_where=text(_ONE_SENT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # an OfferStatus
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Feature name -> value as the engine computed them: the learned model's inputs.
    features: Mapped[dict] = mapped_column(JSON, default=dict)
    distance_km: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(6), default="")  # an OfferChannel once sent
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
