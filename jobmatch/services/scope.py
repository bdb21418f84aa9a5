"""Records a user may read, by settlement: the one check the web pages and the API share.

Each function returns None for a record outside the user's settlements, so the caller
answers 404 and does not tell whether the record exists.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.access import visible_settlement_ids
from jobmatch.models import Household, LedgerEvent, Person, Settlement, User

MAX_ID = 2**31 - 1  # larger ids overflow an INTEGER column on PostgreSQL


def household_in_scope(session: Session, user: User, household_id: int) -> Household | None:
    household = session.get(Household, household_id) if 0 < household_id <= MAX_ID else None
    if household is None or household.settlement_id not in visible_settlement_ids(session, user):
        return None
    return household


def person_in_scope(session: Session, user: User, person_id: int) -> Person | None:
    person = session.get(Person, person_id) if 0 < person_id <= MAX_ID else None
    if person is None or household_in_scope(session, user, person.household_id) is None:
        return None
    return person


def settlement_in_scope(session: Session, user: User, settlement_id: int) -> Settlement | None:
    if settlement_id not in visible_settlement_ids(session, user):
        return None
    return session.get(Settlement, settlement_id)


def ledger_events_query(session: Session, user: User):
    """Events about households the user may see (admins also see events about no household)."""
    query = select(LedgerEvent).order_by(LedgerEvent.seq.desc())
    if user.role == "admin":
        return query
    visible = select(Household.id).where(Household.settlement_id.in_(visible_settlement_ids(session, user)))
    return query.where(LedgerEvent.household_id.in_(visible))
