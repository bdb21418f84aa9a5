"""API tokens: created once and shown once, stored as a SHA-256 digest, looked up per request."""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import ApiToken, User
from jobmatch.services.errors import UserError

TOKEN_PREFIX = "jm_"


class TokenError(UserError):
    """No token for this user: unknown or switched off."""


def digest(token: str) -> str:
    # Tokens are 256 random bits: a plain digest is enough (no guessing to slow down).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, *, actor: str) -> str:
    """A new token for the user; the caller shows it once and commits."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise TokenError(f"没有用户名为“{username}”的用户。", "username")
    if not user.active:
        raise TokenError(f"用户“{username}”已停用。", "username")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=digest(token), created_at=utcnow()))
    session.flush()
    ledger.append(session, "api_token_created", actor=actor, subject=f"user:{user.id}", data={"username": username})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user the token belongs to, noting when it was last used."""
    row = token_in_use(session, token)
    return row.user if row is not None else None


def token_in_use(session: Session, token: str) -> ApiToken | None:
    """The token's row when it belongs to an active user, noting when it was last used."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row
