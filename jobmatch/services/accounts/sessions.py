"""Sessions that end: a per-user generation bumped at sign-out, a new password or a new phone number,
and a lifetime per role.

A session cookie holds ``"<user id>:<generation>"`` (``User.get_id``) and the moment of sign-in;
``signed_in_user`` accepts it only while the generation is the user's current one and the lifetime
has not run out, so a cookie copied before sign-out opens nothing afterwards.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, joinedload

from jobmatch.clock import utcnow
from jobmatch.models import Household, Person, User


@dataclass(frozen=True)
class SessionLifetimes:
    staff_hours: float  # everyone who signs in with a password: staff, county officers, employers, admins
    worker_hours: float  # workers, signed in by SMS code on their own phone

    def of(self, role: str) -> timedelta:
        return timedelta(hours=self.worker_hours if role == "worker" else self.staff_hours)


def end_sessions(session: Session, user_ids: Iterable[int]) -> None:
    """Sign these users out on every device. The caller commits."""
    _bump_generation(session, User.id.in_(list(user_ids)))


def end_worker_sessions(session: Session, person_ids: Iterable[int]) -> None:
    """Sign out the workers of these persons: their phone number changed, so whoever holds the old one
    must not stay signed in as them. The caller commits."""
    _bump_generation(session, User.person_id.in_(list(person_ids)))


def signed_in_user(session: Session, session_token: str, signed_in_at: float | None,
                   lifetimes: SessionLifetimes) -> User | None:
    """The active user a session cookie names, or None when it was ended or has outlived its lifetime."""
    user_id, _, generation = session_token.partition(":")
    if not user_id.isdigit() or signed_in_at is None:
        return None
    # The staff's settlements come along: nearly every page scopes by them; and a worker's person,
    # household and site, which every worker page reads (three queries fewer a page).
    user = session.get(User, int(user_id), options=[
        joinedload(User.settlements),
        joinedload(User.person).joinedload(Person.household).joinedload(Household.settlement)])
    if user is None or not user.active or generation != str(user.session_generation):
        return None
    age_seconds = utcnow().timestamp() - signed_in_at
    return user if age_seconds <= lifetimes.of(user.role).total_seconds() else None


def _bump_generation(session: Session, which) -> None:
    session.execute(update(User).where(which).values(session_generation=User.session_generation + 1)
                    .execution_options(synchronize_session="fetch"))
