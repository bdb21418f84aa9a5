"""Records a user may read, by settlement: the one check the web pages and the API share.

Each function returns None for a record outside the user's settlements, so the caller
answers 404 and does not tell whether the record exists.

Matching rounds: a round may be run on one of the user's settlements, or on a county
only when the user keeps every settlement in it (a county round proposes offers to
every site's workers). A county round can be opened by anyone who keeps a settlement
in the county, and they see and approve only the offers to their settlements' workers.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.access import visible_settlement_ids
from jobmatch.models import Household, LedgerEvent, MatchRound, Offer, Person, Settlement, User
from jobmatch.models.offers import OFFER_STATUSES
from jobmatch.services.offers.queries import offers_with_people


def household_in_scope(session: Session, user: User, household_id: int) -> Household | None:
    household = session.get(Household, household_id)
    if household is None or household.settlement_id not in visible_settlement_ids(session, user):
        return None
    return household


def person_in_scope(session: Session, user: User, person_id: int) -> Person | None:
    person = session.get(Person, person_id)
    if person is None or household_in_scope(session, user, person.household_id) is None:
        return None
    return person


def settlement_in_scope(session: Session, user: User, settlement_id: int) -> Settlement | None:
    if settlement_id not in visible_settlement_ids(session, user):
        return None
    return session.get(Settlement, settlement_id)


def ledger_events_query(session: Session, user: User):
    """Events about households the user may see (admins also see events about no household)."""
    query = select(LedgerEvent).order_by(LedgerEvent.id.desc())  # id: unsealed events too
    if user.role == "admin":
        return query
    visible = select(Household.id).where(Household.settlement_id.in_(visible_settlement_ids(session, user)))
    return query.where(LedgerEvent.household_id.in_(visible))


def whole_county_ids(session: Session, user: User) -> set[int]:
    """Counties all of whose settlements the user keeps: the counties they may run a round on."""
    visible = visible_settlement_ids(session, user)
    by_county: dict[int, set[int]] = {}
    for settlement_id, county_id in session.execute(select(Settlement.id, Settlement.county_id)):
        by_county.setdefault(county_id, set()).add(settlement_id)
    return {county for county, ids in by_county.items() if ids <= visible}


def round_scope_allowed(session: Session, user: User, *, county_id: int | None, settlement_id: int | None) -> bool:
    """False when a given scope is not the user's: a settlement they do not keep, a county not wholly theirs."""
    if settlement_id is not None and settlement_id not in visible_settlement_ids(session, user):
        return False
    return county_id is None or county_id in whole_county_ids(session, user)


def round_in_scope(session: Session, user: User, round_id: int) -> MatchRound | None:
    """A round of one of the user's settlements (a site or person round), or of a county where they keep one."""
    match_round = session.get(MatchRound, round_id)
    if match_round is None:
        return None
    visible = visible_settlement_ids(session, user)
    if match_round.settlement_id is not None:
        return match_round if match_round.settlement_id in visible else None
    if match_round.county_id is None:  # a province-pool round: seen by the sites of its workers
        has_one = session.scalar(select(Offer.id).join(Person, Offer.person_id == Person.id)
                                 .join(Household, Person.household_id == Household.id)
                                 .where(Offer.round_id == round_id, Household.settlement_id.in_(visible)).limit(1))
        return match_round if has_one is not None else None
    keeps_one = session.scalar(select(Settlement.id).where(
        Settlement.county_id == match_round.county_id, Settlement.id.in_(visible)).limit(1))
    return match_round if keeps_one is not None else None


def round_offers_in_scope(session: Session, user: User, round_id: int, statuses=OFFER_STATUSES) -> list[Offer]:
    """The round's offers to workers of the user's settlements, zero-employment households first."""
    return offers_with_people(session, round_id, statuses, visible_settlement_ids(session, user))
