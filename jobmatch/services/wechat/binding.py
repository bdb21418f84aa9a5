"""A person's openid: bound once with phone + SMS code, used to sign in silently inside WeChat.

The ledger records that a binding was made or removed, never the openid.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Person, WechatBinding


def binding_of(session: Session, person_id: int) -> WechatBinding | None:
    return session.scalar(select(WechatBinding).where(WechatBinding.person_id == person_id))


def person_for_openid(session: Session, openid: str) -> Person | None:
    """The person this openid is bound to, or None."""
    if not openid:
        return None
    return session.scalar(select(Person).join(WechatBinding, WechatBinding.person_id == Person.id)
                          .where(WechatBinding.openid == openid))


def bind(session: Session, person_id: int, openid: str, *, actor: str) -> bool:
    """Bind ``openid`` to the person (moving it from anyone it was bound to); False if already so."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person with id {person_id}")
    current = binding_of(session, person_id)
    if current is not None and current.openid == openid:
        return False
    # One WeChat user is one person, and one person has one WeChat: both old bindings go.
    session.execute(delete(WechatBinding).where(
        (WechatBinding.openid == openid) | (WechatBinding.person_id == person_id)))
    session.flush()
    session.add(WechatBinding(person_id=person_id, openid=openid, bound_at=utcnow(), following=True))
    session.flush()
    ledger.append(session, "wechat_bound", actor=actor, person_id=person_id, household_id=person.household_id,
                  subject=f"person:{person_id}")
    return True


def unbind(session: Session, person_id: int, *, actor: str) -> bool:
    """Remove the person's binding (staff, at the worker's request); False if there was none."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person with id {person_id}")
    removed = session.execute(delete(WechatBinding).where(WechatBinding.person_id == person_id)).rowcount  # type: ignore[attr-defined]
    if removed:
        ledger.append(session, "wechat_unbound", actor=actor, person_id=person_id,
                      household_id=person.household_id, subject=f"person:{person_id}")
    return bool(removed)


def set_following(session: Session, openid: str, following: bool) -> Person | None:
    """Record a follow/unfollow of the account by a bound openid; returns its person, if bound."""
    binding = session.scalar(select(WechatBinding).where(WechatBinding.openid == openid))
    if binding is None:
        return None
    person = session.get(Person, binding.person_id)
    if binding.following != following:
        binding.following = following
        ledger.append(session, "wechat_followed" if following else "wechat_unfollowed",
                      actor=f"person:{binding.person_id}", person_id=binding.person_id,
                      household_id=person.household_id if person else None, subject=f"person:{binding.person_id}")
    return person
