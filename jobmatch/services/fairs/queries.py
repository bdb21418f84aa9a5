"""Query helpers for the staff pages of fairs: which fairs a user sees, and who came, by settlement."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.models import Fair, FairAttendee, Household, Person, Settlement


def visible_fairs_query(settlement_ids):
    """Fairs at one of these sites, or county-wide fairs of their counties."""
    ids = list(settlement_ids)
    counties = select(Settlement.county_id).where(Settlement.id.in_(ids))
    return select(Fair).where(or_(Fair.settlement_id.in_(ids),
                                  Fair.settlement_id.is_(None) & Fair.county_id.in_(counties)))


def visible_fairs(session: Session, settlement_ids, limit: int = 50) -> list[Fair]:
    return list(session.scalars(visible_fairs_query(settlement_ids).order_by(Fair.held_on.desc(), Fair.id.desc())
                                .limit(limit)))


def fair_in_scope(session: Session, settlement_ids, fair_id: int) -> Fair | None:
    return session.scalar(visible_fairs_query(settlement_ids).where(Fair.id == fair_id))


def attendees_in_scope(session: Session, fair_id: int, settlement_ids) -> list[FairAttendee]:
    """The fair's attendees from these settlements, and walk-ins not on the roster."""
    query = (select(FairAttendee).outerjoin(Person, Person.id == FairAttendee.person_id)
             .outerjoin(Household, Household.id == Person.household_id)
             .where(FairAttendee.fair_id == fair_id,
                    or_(FairAttendee.person_id.is_(None), Household.settlement_id.in_(list(settlement_ids))))
             .options(selectinload(FairAttendee.person).selectinload(Person.household))
             .order_by(FairAttendee.checked_in_at.is_(None), FairAttendee.registered_at.is_(None), FairAttendee.id))
    return list(session.scalars(query))
