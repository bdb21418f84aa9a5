"""The zero-employment drive (零就业家庭动态清零): who is on the list, for how long, what was done.

Guizhou's practice, used as the deadline here: a household that becomes zero-employment
is contacted within 3 days and offered a job within 5 (counted from
``Household.zero_employment_since``). A contact is a follow-up or a door visit on or
after that moment; an offer is an ``offer_sent`` ledger event or a door visit that
brought a vacancy.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.db import in_chunks
from jobmatch.models import DoorVisit, FollowUp, Household, LedgerEvent, Person, Settlement, User, Vacancy
from jobmatch.models.types import as_utc
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.status import note_follow_up, refresh_households
from jobmatch.vocabulary import HEAD_RELATION

# "= true", never "IS TRUE": PostgreSQL proves only the first implies the partial index's
# "WHERE zero_employment" (ix_households_zero_employment_listed). With IS TRUE it read every
# zero-employment household of the province (9,269) to list one site's: 1.2 ms of the list's 1.4.
IS_ZERO_EMPLOYMENT = Household.zero_employment == true()

CONTACT_WITHIN = timedelta(days=3)
OFFER_WITHIN = timedelta(days=5)
NOTE_MAX_CHARS = 500


@dataclass(frozen=True)
class ZeroEmploymentHousehold:
    """One line of the zero-employment list, with its deadlines."""

    household_id: int
    household_no: str
    settlement: str
    head_name: str
    since: datetime
    days_on_list: int
    offers_sent: int
    door_visits: int
    contacted_at: datetime | None
    offered_at: datetime | None
    contact_due: datetime
    offer_due: datetime
    contact_overdue: bool
    offer_overdue: bool


def help_deadlines(since: datetime) -> tuple[datetime, datetime]:
    """When the first contact and the first job offer are due for a household listed at ``since``."""
    return since + CONTACT_WITHIN, since + OFFER_WITHIN


def zero_employment_households(session: Session, settlement_ids=None) -> list[ZeroEmploymentHousehold]:
    """The zero-employment households (of the given settlements), overdue and longest-listed first."""
    query = (select(Household, Settlement.name).join(Settlement, Settlement.id == Household.settlement_id)
             .where(IS_ZERO_EMPLOYMENT))
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    rows = session.execute(query).all()
    ids = [household.id for household, _ in rows]
    offers = _count_offer_events(session, ids)
    visits = _visits(session, ids)
    first_follow_ups = _first_follow_ups_since_listed(session, [h for h, _ in rows])
    heads = _head_names(session, ids)
    now = utcnow()
    listed = [_line(h, name, now, offers.get(h.id, []), visits.get(h.id, []),
                    [first_follow_ups[h.id]] if h.id in first_follow_ups else [], heads.get(h.id, ""))
              for h, name in rows]
    listed.sort(key=lambda z: (not (z.contact_overdue or z.offer_overdue), z.since, z.household_id))
    return listed


def _line(household, settlement_name, now, offer_times, visits, follow_up_times, head_name) -> ZeroEmploymentHousehold:
    since = household.zero_employment_since or now
    contact_due, offer_due = help_deadlines(since)
    contacted_at = _first_on_or_after(since, follow_up_times + [v.visited_at for v in visits])
    offered_at = _first_on_or_after(since, offer_times + [v.visited_at for v in visits if v.vacancy_id])
    return ZeroEmploymentHousehold(
        household_id=household.id, household_no=household.household_no, settlement=settlement_name,
        head_name=head_name, since=since, days_on_list=max(0, (now - since).days),
        offers_sent=len(offer_times), door_visits=len(visits), contacted_at=contacted_at, offered_at=offered_at,
        contact_due=contact_due, offer_due=offer_due,
        contact_overdue=_late(contacted_at, contact_due, now), offer_overdue=_late(offered_at, offer_due, now))


def _late(done_at: datetime | None, due: datetime, now: datetime) -> bool:
    return done_at > due if done_at else now > due


def _first_on_or_after(since: datetime, moments) -> datetime | None:
    later = [m for m in moments if m is not None and m >= since]
    return min(later) if later else None


def _count_offer_events(session, household_ids) -> dict[int, list[datetime]]:
    found: dict[int, list[datetime]] = {}
    if household_ids:
        query = select(LedgerEvent.household_id, LedgerEvent.occurred_at).where(
            LedgerEvent.kind == "offer_sent", LedgerEvent.household_id.in_(household_ids))
        for household_id, occurred_at in session.execute(query):
            found.setdefault(household_id, []).append(occurred_at)
    return found


def _visits(session, household_ids) -> dict[int, list[DoorVisit]]:
    found: dict[int, list[DoorVisit]] = {}
    if household_ids:
        for visit in session.scalars(select(DoorVisit).where(DoorVisit.household_id.in_(household_ids))):
            found.setdefault(visit.household_id, []).append(visit)
    return found


def _first_follow_ups_since_listed(session, households) -> dict[int, datetime]:
    """Each household's first follow-up on or after it was listed; only those whose stored last
    follow-up says there is one are looked up."""
    contacted = [h.id for h in households
                 if h.last_follow_up_at and h.zero_employment_since and h.last_follow_up_at >= h.zero_employment_since]
    found: dict[int, datetime] = {}
    for chunk in in_chunks(contacted):
        query = (select(FollowUp.household_id, func.min(FollowUp.contacted_at))
                 .join(Household, Household.id == FollowUp.household_id)
                 .where(FollowUp.household_id.in_(chunk),
                        FollowUp.contacted_at >= Household.zero_employment_since)
                 .group_by(FollowUp.household_id))
        found.update((household_id, as_utc(first)) for household_id, first in session.execute(query))
    return found


def _head_names(session, household_ids) -> dict[int, str]:
    if not household_ids:
        return {}
    query = (select(Person.household_id, Person.name).where(Person.household_id.in_(household_ids))
             .order_by(Person.household_id, (Person.relation != HEAD_RELATION), Person.id))
    names: dict[int, str] = {}
    for household_id, name in session.execute(query):
        names.setdefault(household_id, name)
    return names


def record_door_visit(session: Session, *, household_id: int, staff_user_id: int | None, actor: str,
                      vacancy_id: int | None = None, note: str = "",
                      visited_at: datetime | None = None) -> DoorVisit:
    """Record a 送岗位上门 visit: a vacancy brought to the door, or a note when none fitted."""
    get_or_fail(session, Household, household_id, "household_id", "该户")
    if staff_user_id is not None:
        get_or_fail(session, User, staff_user_id, "staff_user_id", "工作人员")
    if vacancy_id is not None:
        get_or_fail(session, Vacancy, vacancy_id, "vacancy_id", "岗位")
    note = (note or "").strip()
    require(vacancy_id is not None or bool(note), "note", "请选择送上门的岗位，或写明情况")
    require(len(note) <= NOTE_MAX_CHARS, "note", f"情况说明最多 {NOTE_MAX_CHARS} 字")
    visited_at = visited_at or utcnow()
    require(visited_at.tzinfo is not None, "visited_at", "上门时间缺少时区")
    require(visited_at <= utcnow() + timedelta(minutes=5), "visited_at", "上门时间不能晚于现在")
    visit = DoorVisit(household_id=household_id, staff_user_id=staff_user_id, visited_at=visited_at,
                      vacancy_id=vacancy_id, note=note)
    session.add(visit)
    # A visit to the door is the month's contact too (rule 6): it is the household's follow-up.
    vacancy = session.get(Vacancy, vacancy_id) if vacancy_id is not None else None
    session.add(FollowUp(household_id=household_id, staff_user_id=staff_user_id, contacted_at=visited_at,
                         method="visit", summary=_door_visit_summary(vacancy, note)))
    session.flush()
    note_follow_up(session, household_id, visited_at)
    ledger.append(session, "door_visit_recorded", actor=actor, household_id=household_id,
                  subject=f"household:{household_id}",
                  data={"visit_id": visit.id, "vacancy_id": vacancy_id, "visited_at": visited_at})
    return visit


def _door_visit_summary(vacancy: Vacancy | None, note: str) -> str:
    brought = f"送岗位上门：{vacancy.title}" if vacancy is not None else "上门走访"
    return f"{brought}。{note}" if note else brought


def flag_new_zero_employment(session: Session, household_ids, *, actor: str) -> None:
    """Ledger the 3-day contact and 5-day offer deadlines of households that just became zero-employment."""
    households = session.scalars(select(Household).where(Household.id.in_(list(household_ids)))).all()
    events = []
    for household in households:
        contact_due, offer_due = help_deadlines(household.zero_employment_since or utcnow())
        events.append(ledger.NewEvent("zero_employment_help_due", actor,
                                      {"contact_due": contact_due, "offer_due": offer_due},
                                      household_id=household.id, subject=f"household:{household.id}"))
    ledger.append_many(session, events)


def refresh_and_flag(session: Session, household_ids, *, actor: str) -> list[int]:
    """Refresh household status and flag at once the households that became zero-employment."""
    became_zero = refresh_households(session, household_ids, actor=actor)
    if became_zero:
        flag_new_zero_employment(session, became_zero, actor=actor)
    return became_zero


def zero_employment_ids(session: Session, household_ids=None) -> set[int]:
    """Ids of the zero-employment households (among ``household_ids`` when given)."""
    query = select(Household.id).where(IS_ZERO_EMPLOYMENT)
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    return set(session.scalars(query))

