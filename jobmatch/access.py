"""Who may see what: settlements visible to a user, by role."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import County, Settlement, User


def visible_settlement_ids(session: Session, user: User) -> set[int]:
    """Admins see every settlement, province officers their province's, county officers their county's,
    staff their own."""
    if user.role == "admin":
        return set(session.scalars(select(Settlement.id)))
    if user.role == "province_officer":
        province = _province_of(session, user)
        return set(session.scalars(select(Settlement.id).join(County, County.id == Settlement.county_id)
                                   .where(County.province == province))) if province else set()
    if user.role == "county_officer":
        return set(session.scalars(select(Settlement.id).where(Settlement.county_id == user.county_id)))
    if user.role == "staff":
        return {s.id for s in user.settlements}
    return set()


def _province_of(session: Session, user: User) -> str | None:
    """A province officer's province: the one of the county their account names (none: no sites)."""
    if user.county_id is None:
        return None
    province = session.scalar(select(County.province).where(County.id == user.county_id))
    return province or None


def sees_unmasked_ids(user: User) -> bool:
    """Only staff who keep the ledger (and admins) need full ID numbers and phones."""
    return user.role in ("admin", "staff")


def inbound_text_scope(session: Session, user: User) -> set[int] | None:
    """Whose unread texts a user reads: persons of their settlements; admins every text, unknown numbers too (None)."""
    return None if user.role == "admin" else visible_settlement_ids(session, user)
