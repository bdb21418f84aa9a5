"""Who is free for gigs: today, tomorrow or this week, said by SMS ("零工 明天"), on the worker's page,
or at the station. One row per person and local day."""

import re
import unicodedata
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.db import is_postgresql
from jobmatch.models import GigAvailability, Household, Person
from jobmatch.models.gigs import AvailabilitySource
from jobmatch.models.ledger import EventKind
from jobmatch.services.errors import UserError

TODAY, TOMORROW, WEEK = "today", "tomorrow", "week"
WHEN_WORDS = {"今天": TODAY, "今日": TODAY, "明天": TOMORROW, "明日": TOMORROW, "本周": WEEK, "这周": WEEK,
              "这星期": WEEK, "本星期": WEEK}
WHEN_LABELS = {TODAY: "今天", TOMORROW: "明天", WEEK: "本周"}
_GIG_REPLY = re.compile(r"^(?:回复?)?\s*零工\s*(今天|今日|明天|明日|本周|这周|这星期|本星期)?$")


def read_gig_reply(body: str) -> str | None:
    """"零工 明天" -> "tomorrow"; a bare "零工" means today; None when the text is not about gigs."""
    text = unicodedata.normalize("NFKC", body or "").strip().strip("。.!！ ")
    match = _GIG_REPLY.match(text)
    if not match:
        return None
    return WHEN_WORDS.get(match.group(1) or "今天", TODAY)


def days_for(when: str, today: date) -> list[date]:
    """The local days a worker free "today"/"tomorrow"/"this week" is free on."""
    if when == TODAY:
        return [today]
    if when == TOMORROW:
        return [today + timedelta(days=1)]
    if when == WEEK:
        return [today + timedelta(days=i) for i in range(7 - today.weekday())]  # to Sunday
    raise UserError("请选今天、明天或本周", "when")


def say_available(session: Session, person_id: int, when: str, *, source: str, actor: str) -> list[date]:
    """Record the person free for gigs; returns the days. Saying it twice changes nothing."""
    if source not in tuple(AvailabilitySource):
        raise ValueError(f"unknown availability source {source!r}")
    person = session.get(Person, person_id)
    if person is None:
        raise UserError("找不到这个人", "person_id")
    days = days_for(when, local_today())
    rows = [{"person_id": person_id, "day": day, "source": source, "recorded_at": utcnow()} for day in days]
    insert = pg_insert if is_postgresql(session) else sqlite_insert
    session.execute(insert(GigAvailability).values(rows).on_conflict_do_nothing(index_elements=["person_id", "day"]))
    ledger.append(session, EventKind.GIG_AVAILABLE, actor=actor, person_id=person.id,
                  household_id=person.household_id, data={"days": days, "source": source})
    return days


def withdraw_availability(session: Session, person_id: int, day: date) -> None:
    """The worker is no longer free that day (they took a gig or said so)."""
    row = session.scalars(select(GigAvailability).where(GigAvailability.person_id == person_id,
                                                        GigAvailability.day == day)).first()
    if row is not None:
        session.delete(row)


def available_persons(session: Session, day: date, *, county_id: int | None = None,
                      settlement_ids=None) -> list[Person]:
    """Persons free for gigs on ``day`` (of a county or these settlements), zero-employment households first."""
    query = (select(Person).join(GigAvailability, GigAvailability.person_id == Person.id)
             .join(Household, Household.id == Person.household_id)
             .where(GigAvailability.day == day, Person.capacity != "none")
             .options(selectinload(Person.household).selectinload(Household.settlement),
                      selectinload(Person.household).selectinload(Household.county),
                      selectinload(Person.household).selectinload(Household.members))
             .order_by(Household.zero_employment.desc(), Person.id))
    if county_id is not None:
        query = query.where(Household.county_id == county_id)
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    return list(session.scalars(query))


def available_days(session: Session, person_id: int) -> list[date]:
    """The days from today on the person said they are free."""
    return list(session.scalars(select(GigAvailability.day).where(
        GigAvailability.person_id == person_id, GigAvailability.day >= local_today()).order_by(GigAvailability.day)))
