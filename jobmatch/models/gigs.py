"""The odd-job market (零工市场): gigs, who is free for one, and each worker's place on a gig.

A gig is same-day or short work posted by an employer or by the gig-station clerk for a
walk-in employer. Workers say which days they are free (``GigAvailability``). A worker's
place on a gig (``GigPlacement``) goes sent → accepted | waitlisted | declined | expired,
and after the gig day carries what the employer confirmed (days, hours, pay) and whether
the worker says the pay arrived (``PayStatus``).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class GigStatus(StrEnum):
    OPEN = "open"            # visible, taking workers
    CANCELLED = "cancelled"  # the employer or clerk called it off


class PayBasis(StrEnum):
    DAY = "day"    # yuan per day
    HOUR = "hour"  # yuan per hour


class PayTiming(StrEnum):
    SAME_DAY = "same_day"  # 当天结清 (日结)
    NEXT_DAY = "next_day"
    END_OF_JOB = "end_of_job"  # when the whole job is done


class PayMethod(StrEnum):
    CASH = "cash"
    WECHAT = "wechat"  # 微信 (微工卡)
    BANK = "bank"


class PlacementStatus(StrEnum):
    SENT = "sent"              # offered by SMS (or by phone), waiting for the answer
    ACCEPTED = "accepted"      # holds one of the gig's places
    WAITLISTED = "waitlisted"  # said yes when the gig was full
    DECLINED = "declined"
    EXPIRED = "expired"        # no answer within GIG_ANSWER_HOURS
    CANCELLED = "cancelled"    # the gig was called off


class PayStatus(StrEnum):
    """After the gig day, for an accepted placement."""

    AWAITING_EMPLOYER = "awaiting_employer"  # the employer has not confirmed the work yet
    CONFIRMED = "confirmed"                  # the employer confirmed; the worker is asked
    RECEIVED = "received"                    # the worker says the pay arrived
    DISPUTED = "disputed"                    # the worker says it did not, or the employer never confirmed


class AvailabilitySource(StrEnum):
    SMS = "sms"
    WEB = "web"
    STATION = "station"


GIG_STATUSES = tuple(GigStatus)
PAY_BASES = tuple(PayBasis)
PAY_TIMINGS = tuple(PayTiming)
PAY_METHODS = tuple(PayMethod)
# Placements holding one of the gig's places.
PLACED_STATUSES = (PlacementStatus.ACCEPTED,)
# Placements a "1" can still turn into a place (a late yes is taken like any yes).
ANSWERABLE_YES = (PlacementStatus.SENT, PlacementStatus.EXPIRED, PlacementStatus.DECLINED)
ANSWERABLE_NO = (PlacementStatus.SENT, PlacementStatus.ACCEPTED, PlacementStatus.WAITLISTED)
# Pay not (yet) confirmed as received: what the station's list of unpaid gigs shows.
UNPAID_STATUSES = (PayStatus.AWAITING_EMPLOYER, PayStatus.CONFIRMED, PayStatus.DISPUTED)


class Gig(Base):
    __tablename__ = "gigs"
    __table_args__ = (Index("ix_gigs_settlement_id_work_date", "settlement_id", "work_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    # Where the work is: a known place (the settlement whose station serves it).
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id"))
    address: Mapped[str] = mapped_column(String(80), default="")
    # A known place staff entered (an industrial park, a township) where the work is; None: at the settlement.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    work_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[str] = mapped_column(String(5))  # "07:30", local time
    end_time: Mapped[str] = mapped_column(String(5))
    days: Mapped[int] = mapped_column(Integer, default=1)  # how many days from work_date
    headcount: Mapped[int] = mapped_column(Integer)
    physical_demand: Mapped[str] = mapped_column(String(8), default="medium")  # light | medium | heavy
    pay_basis: Mapped[str] = mapped_column(String(5))  # a PayBasis
    pay_yuan: Mapped[int] = mapped_column(Integer)  # per day or per hour
    pay_timing: Mapped[str] = mapped_column(String(12))  # a PayTiming
    pay_method: Mapped[str] = mapped_column(String(8))  # a PayMethod
    meals: Mapped[bool] = mapped_column(Boolean, default=False)
    transport: Mapped[bool] = mapped_column(Boolean, default=False)
    accident_insurance: Mapped[bool] = mapped_column(Boolean, default=False)  # 日结保险 bought
    status: Mapped[str] = mapped_column(String(10), default=GigStatus.OPEN, index=True)  # a GigStatus
    posted_by: Mapped[str] = mapped_column(String(40))  # the ledger actor
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the employer's confirmation of who worked was due and not given: the day's check ran.
    pay_overdue_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employer = relationship("Employer")
    settlement = relationship("Settlement")
    place = relationship("Place")
    placements: Mapped[list["GigPlacement"]] = relationship(back_populates="gig", order_by="GigPlacement.id")


class GigAvailability(Base):
    """A worker free for gigs on one local day."""

    __tablename__ = "gig_availability"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(8))  # an AvailabilitySource
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person = relationship("Person")


class GigPlacement(Base):
    """One worker on one gig: the offer, the answer, then the work and the pay."""

    __tablename__ = "gig_placements"
    __table_args__ = (UniqueConstraint("gig_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gig_id: Mapped[int] = mapped_column(ForeignKey("gigs.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # a PlacementStatus
    via: Mapped[str] = mapped_column(String(8), default="")  # sms | station (walk-in) | web
    rank: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    # The SMS could not go before quiet hours: staff phone the worker instead.
    needs_call: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the gig day: what the employer confirmed, and what the worker says of the pay.
    pay_status: Mapped[str] = mapped_column(String(18), default="", index=True)  # a PayStatus once placed
    worked_days: Mapped[float | None] = mapped_column(Float)
    worked_hours: Mapped[float | None] = mapped_column(Float)
    pay_total_yuan: Mapped[int | None] = mapped_column(Integer)
    work_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pay_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"))

    gig: Mapped[Gig] = relationship(back_populates="placements")
    person = relationship("Person")
    problem = relationship("Problem")
