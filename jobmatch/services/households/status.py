"""Household status, computed in one place: labourers, employed, zero-employment, last follow-up.

A labourer is a member with labour capacity. A household is zero-employment (rule 1 of
DOMAIN.md) when at least one member has capacity and wants work and no member is
employed (has a current employment spell, or GIG_DAYS_FLEXIBLE confirmed gig days this
month: flexible employment, jobmatch.services.gigs.counting). The counters are stored on Household, for
fast lists, and only ``refresh_households`` writes them, logging every change of the
zero-employment flag to the ledger. The time of the latest follow-up is stored too
(``Household.last_follow_up_at``), and only ``note_follow_up(s)`` writes it: call it
wherever a FollowUp row is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import Month, utcnow
from jobmatch.db import id_conditions, in_chunks, update_by_id
from jobmatch.models import EmploymentSpell, FollowUp, Household, LedgerEvent, Person
from jobmatch.models.people import NotInWorkforce
from jobmatch.models.types import as_utc
from jobmatch.services.offers.matching_input import age_on
from jobmatch.vocabulary.roster import EMPLOYMENT_LABELS, NOT_IN_WORKFORCE_LABELS


@dataclass(frozen=True)
class HouseholdStatus:
    labourers: int
    employed: int
    willing: int  # members with capacity who want work

    @property
    def zero_employment(self) -> bool:
        return self.willing > 0 and self.employed == 0


NO_CAPACITY = "none"  # Person.capacity of a member who is not a labourer


def counts_of_new_household(members: Iterable[tuple[str, bool]]) -> dict[str, int]:
    """The labourers and employed of a household inserted with its members, from each member's
    (capacity, employed): what compute_statuses will count once they are written. The roster import
    stores them with the new household, so that refresh_households, which counts again and rewrites
    what differs, updates only the households whose zero-employment flag it sets (a bulk UPDATE of
    every new household was a tenth of a county's first import, issue 19)."""
    labourers = employed = 0
    for capacity, is_employed in members:
        labourers += capacity != NO_CAPACITY
        employed += is_employed
    return {"labourers": labourers, "employed": employed}


def compute_statuses(session: Session, household_ids=None) -> dict[int, HouseholdStatus]:
    """Status of the given households (all when None), from persons and current spells."""
    from jobmatch.services.gigs.counting import flexibly_employed_query, gig_days_flexible

    # Employed: a current spell, or this month's gig days make the person flexibly employed (灵活就业).
    # The spell is looked up per person (EXISTS on its index), not as an IN over every current spell:
    # at province size that set is millions of rows, hashed again for each chunk of households.
    has_current_spell = (select(EmploymentSpell.id)
                         .where(EmploymentSpell.person_id == Person.id, EmploymentSpell.ended_on.is_(None))
                         .exists())
    employed = has_current_spell | Person.id.in_(flexibly_employed_query(Month.current(), gig_days_flexible()))
    has_capacity = Person.capacity != NO_CAPACITY
    query = (
        select(
            Person.household_id,
            func.sum(case((has_capacity, 1), else_=0)),
            func.sum(case((employed, 1), else_=0)),
            func.sum(case((has_capacity & Person.wants_work.is_(True), 1), else_=0)),
        )
        .group_by(Person.household_id)
    )
    statuses = {}
    conditions = [None] if household_ids is None else id_conditions(session, Person.household_id, household_ids)
    for condition in conditions:
        q = query if condition is None else query.where(condition)
        for household_id, labourers, employed, willing in session.execute(q):
            statuses[household_id] = HouseholdStatus(int(labourers or 0), int(employed or 0), int(willing or 0))
    for household_id in household_ids or ():
        statuses.setdefault(household_id, HouseholdStatus(0, 0, 0))
    return statuses


def refresh_households(session: Session, household_ids, *, actor: str) -> list[int]:
    """Store the computed status on each household; ledger every zero-employment change.

    Returns the ids of households that became zero-employment.
    """
    household_ids = sorted(set(household_ids))
    if not household_ids:
        return []
    session.flush()
    statuses = compute_statuses(session, household_ids)
    now = utcnow()
    became_zero, events, changes = [], [], []
    for among in id_conditions(session, Household.id, household_ids):
        stored_rows = session.execute(
            select(Household.id, Household.labourers, Household.employed, Household.zero_employment,
                   Household.zero_employment_since).where(among).order_by(Household.id))
        for household_id, labourers, employed, zero, since in stored_rows:
            status = statuses[household_id]
            if (labourers, employed, zero) == (status.labourers, status.employed, status.zero_employment):
                continue
            if zero != status.zero_employment:
                events.append(_flag_change_event(household_id, status, actor))
                since = now if status.zero_employment else None
                if status.zero_employment:
                    became_zero.append(household_id)
            changes.append({"id": household_id, "labourers": status.labourers, "employed": status.employed,
                            "zero_employment": status.zero_employment, "zero_employment_since": since})
    if changes:
        update_by_id(session, Household.__table__, changes)
        expire_loaded(session, {change["id"] for change in changes})
    ledger.append_stream(session, events)
    return became_zero


def expire_loaded(session: Session, household_ids: set[int]) -> None:
    # A bulk UPDATE bypasses the objects already loaded in this session.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Household) and obj.id in household_ids:
            session.expire(obj)


def _flag_change_event(household_id: int, status: HouseholdStatus, actor: str) -> ledger.NewEvent:
    kind = BECAME_ZERO if status.zero_employment else LEFT_ZERO
    return ledger.NewEvent(kind, actor, {"labourers": status.labourers, "employed": status.employed},
                           household_id=household_id, subject=f"household:{household_id}")


BECAME_ZERO, LEFT_ZERO = "household_became_zero_employment", "household_left_zero_employment"


def zero_employment_on(session: Session, settlement_ids, moment: datetime) -> dict[int, datetime | None]:
    """Household id -> listed since, for the households of these settlements that were zero-employment
    at ``moment``, read from the flag's ledger events (a household flagged before any such event
    counts as it is now)."""
    households = {h.id: h for h in session.execute(
        select(Household.id, Household.zero_employment, Household.zero_employment_since)
        .where(Household.settlement_id.in_(list(settlement_ids))))}
    with_events: set[int] = set()
    latest_before: dict[int, tuple[int, str, datetime]] = {}
    for chunk in in_chunks(list(households)):
        for household_id, event_id, kind, occurred_at in session.execute(
                select(LedgerEvent.household_id, LedgerEvent.id, LedgerEvent.kind, LedgerEvent.occurred_at)
                .where(LedgerEvent.kind.in_((BECAME_ZERO, LEFT_ZERO)), LedgerEvent.household_id.in_(chunk))):
            with_events.add(household_id)
            known = latest_before.get(household_id)
            if as_utc(occurred_at) < moment and (known is None or event_id > known[0]):
                latest_before[household_id] = (event_id, kind, as_utc(occurred_at))
    listed = {h.id: h.zero_employment_since for h in households.values() if h.id not in with_events and h.zero_employment}
    listed.update((household_id, at) for household_id, (_, kind, at) in latest_before.items() if kind == BECAME_ZERO)
    return listed


def note_follow_up(session: Session, household_id: int, contacted_at: datetime) -> None:
    """Store a household's follow-up at ``contacted_at`` as its last one, unless it had a later one."""
    note_follow_ups(session, [(household_id, contacted_at)])


def note_follow_ups(session: Session, contacts) -> None:
    """``note_follow_up`` for many (household_id, contacted_at) pairs at once."""
    latest: dict[int, datetime] = {}
    for household_id, contacted_at in contacts:
        if contacted_at.tzinfo is None:
            raise ValueError("naive datetime given as a follow-up time")
        if household_id not in latest or contacted_at > latest[household_id]:
            latest[household_id] = contacted_at
    if not latest:
        return
    session.flush()  # a Core UPDATE does not autoflush, and expiring would drop pending changes
    table = cast(Table, Household.__table__)  # declared as FromClause; a mapped class's table is a Table
    # Keeps the max in the UPDATE itself: two staff recording at once cannot move it back.
    statement = (update(table).where(table.c.id == bindparam("household_id"),
                                     or_(table.c.last_follow_up_at.is_(None),
                                         table.c.last_follow_up_at < bindparam("contacted_at")))
                 .values(last_follow_up_at=bindparam("contacted_at")))
    session.execute(statement, [{"household_id": h, "contacted_at": at} for h, at in sorted(latest.items())])
    expire_loaded(session, set(latest))


def stale_households(session: Session) -> list[int]:
    """Households whose stored status disagrees with the computed one (should be none)."""
    statuses = compute_statuses(session)
    last_contacts = _computed_last_follow_ups(session)
    stale = []
    for household in session.scalars(select(Household)):
        status = statuses.get(household.id, HouseholdStatus(0, 0, 0))
        stored = (household.labourers, household.employed, household.zero_employment, household.last_follow_up_at)
        computed = (status.labourers, status.employed, status.zero_employment, last_contacts.get(household.id))
        if stored != computed:
            stale.append(household.id)
    return stale


def _computed_last_follow_ups(session: Session) -> dict[int, datetime]:
    """The time of each household's latest follow-up, from the follow_ups rows."""
    query = select(FollowUp.household_id, func.max(FollowUp.contacted_at)).group_by(FollowUp.household_id)
    return {household_id: as_utc(contacted_at) for household_id, contacted_at in session.execute(query)}


SCHOOL_AGE, WORKING_AGE, SCHOOL_LEAVING_AGE = 6, 16, 19
UNEMPLOYED = "unemployed"  # the roster's code for a labourer without a current spell


def not_in_workforce(person: Person, today: date) -> NotInWorkforce | None:
    """Why a person is not looking for work at all: a child, a pupil, no labour capacity; else None."""
    age = age_on(person.birth_date, today)
    if age is not None and age < SCHOOL_AGE:
        return NotInWorkforce.PRESCHOOL
    if age is not None and (age < WORKING_AGE or (age < SCHOOL_LEAVING_AGE and person.capacity == NO_CAPACITY)
                            or (age < 30 and "在校" in (person.notes or ""))):
        return NotInWorkforce.IN_SCHOOL
    return NotInWorkforce.NO_CAPACITY if person.capacity == NO_CAPACITY else None


def work_status(person: Person, today: date) -> str:
    """What a person does now, one word for every page and export: the current spell's kind; a
    NotInWorkforce reason for a child, a pupil or someone without labour capacity; else "unemployed"."""
    current = [spell for spell in person.spells if spell.ended_on is None]
    if current:
        return current[-1].kind
    return not_in_workforce(person, today) or UNEMPLOYED


def work_status_label(person: Person, today: date) -> str:
    """The words for ``work_status``: 学龄前, 在校, 无劳动能力, 未就业 or the kind of job."""
    status = work_status(person, today)
    return NOT_IN_WORKFORCE_LABELS.get(status) or EMPLOYMENT_LABELS[status]
