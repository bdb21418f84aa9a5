"""Gig test helpers: a station's site, a gig posted with sensible defaults, available workers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jobmatch.models import Message
from jobmatch.services.gigs import posting
from jobmatch.services.gigs.availability import TODAY, say_available
from tests.factories import make_employer, make_household, make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 December 2026, 07:30 in the settlement: the morning crowd at the station.
MORNING = datetime(2026, 12, 1, 7, 30, tzinfo=SHANGHAI)
GIG_DAY = date(2026, 12, 1)


def new_gig(settlement, **changes) -> posting.NewGig:
    values = {"title": "搬运装车", "settlement_id": settlement.id, "work_date": GIG_DAY, "start_time": "10:00",
              "end_time": "17:00", "headcount": 3, "pay_basis": "day", "pay_yuan": 180, "pay_timing": "same_day",
              "pay_method": "wechat", "meals": True, "accident_insurance": True}
    return posting.NewGig(**{**values, **changes})


def post(session, settlement, employer=None, **changes):
    employer = employer or make_employer(session, settlement.county)
    return posting.post_gig(session, employer.id, new_gig(settlement, **changes), actor="user:clerk")


def available_workers(session, settlement, n, *, when=TODAY, **person_changes):
    persons = [make_person(session, make_household(session, settlement), **person_changes) for _ in range(n)]
    for person in persons:
        say_available(session, person.id, when, source="station", actor="user:clerk")
    return persons


def texts(session, kind, person_id=None):
    query = select(Message).where(Message.kind == kind)
    if person_id is not None:
        query = query.where(Message.person_id == person_id)
    return session.scalars(query.order_by(Message.id)).all()
