"""Household status, computed in one place: labourers, employed, zero-employment, last follow-up.

A labourer is a member with labour capacity. A household is zero-employment (rule 1 of
DOMAIN.md) when at least one member has capacity and wants work and no member is
employed (has a current employment spell). The counters are stored on Household, for
fast lists, and only ``refresh_households`` writes them, logging every change of the
zero-employment flag to the ledger.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import EmploymentSpell, FollowUp, Household, Person
from jobmatch.models.types import as_utc


@dataclass(frozen=True)
class HouseholdStatus:
    labourers: int
    employed: int
    willing: int  # members with capacity who want work

    @property
    def zero_employment(self) -> bool:
        return self.willing > 0 and self.employed == 0


def compute_statuses(session: Session, household_ids=None) -> dict[int, HouseholdStatus]:
    """Status of the given households (all when None), from persons and current spells."""
    employed_persons = select(EmploymentSpell.person_id).where(EmploymentSpell.ended_on.is_(None))
    has_capacity = Person.capacity != "none"
    query = (
        select(
            Person.household_id,
            func.sum(case((has_capacity, 1), else_=0)),
            func.sum(case((Person.id.in_(employed_persons), 1), else_=0)),
            func.sum(case((has_capacity & Person.wants_work.is_(True), 1), else_=0)),
        )
        .group_by(Person.household_id)
    )
    statuses = {}
    for chunk in _chunks(household_ids):
        q = query if chunk is None else query.where(Person.household_id.in_(chunk))
        for household_id, labourers, employed, willing in session.execute(q):
            statuses[household_id] = HouseholdStatus(int(labourers or 0), int(employed or 0), int(willing or 0))
    for household_id in household_ids or ():
        statuses.setdefault(household_id, HouseholdStatus(0, 0, 0))
    return statuses


def _chunks(ids, size=5000):
    if ids is None:
        yield None
        return
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


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
    for chunk in _chunks(household_ids):
        stored_rows = session.execute(
            select(Household.id, Household.labourers, Household.employed, Household.zero_employment,
                   Household.zero_employment_since).where(Household.id.in_(chunk)))
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
        session.execute(update(Household), changes)
        _expire_loaded(session, {change["id"] for change in changes})
    ledger.append_many(session, events)
    return became_zero


def _expire_loaded(session: Session, household_ids: set[int]) -> None:
    # A bulk UPDATE bypasses the objects already loaded in this session.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Household) and obj.id in household_ids:
            session.expire(obj)


def _flag_change_event(household_id: int, status: HouseholdStatus, actor: str) -> ledger.NewEvent:
    kind = "household_became_zero_employment" if status.zero_employment else "household_left_zero_employment"
    return ledger.NewEvent(kind, actor, {"labourers": status.labourers, "employed": status.employed},
                           household_id=household_id, subject=f"household:{household_id}")


def stale_households(session: Session) -> list[int]:
    """Households whose stored status disagrees with the computed one (should be none)."""
    statuses = compute_statuses(session)
    stale = []
    for household in session.scalars(select(Household)):
        status = statuses.get(household.id, HouseholdStatus(0, 0, 0))
        stored = (household.labourers, household.employed, household.zero_employment)
        if stored != (status.labourers, status.employed, status.zero_employment):
            stale.append(household.id)
    return stale


def last_follow_ups(session: Session, household_ids) -> dict[int, datetime]:
    """The time of each household's latest follow-up."""
    result = {}
    for chunk in _chunks(household_ids):
        q = select(FollowUp.household_id, func.max(FollowUp.contacted_at)).group_by(FollowUp.household_id)
        if chunk is not None:
            q = q.where(FollowUp.household_id.in_(chunk))
        for household_id, contacted_at in session.execute(q):
            result[household_id] = as_utc(contacted_at)
    return result
