"""Worker sign-in by a one-time SMS code: 6 digits, valid 10 minutes, hashed at rest, 5 tries.

The code goes out through the SMS outbox (``jobmatch.services.sms.messaging.queue_message``).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Person, SignInCode, User
from jobmatch.services.errors import UserError
from jobmatch.services.sms.messaging import queue_message
from notifications.phones import InvalidPhone, normalise_phone

CODE_VALID_MINUTES = 10
MAX_ATTEMPTS = 5


class SignInError(UserError):
    """A sign-in step that failed; the message is for the worker, in plain Chinese."""


@dataclass(frozen=True)
class IssuedCode:
    phone: str  # E.164
    person_id: int | None  # None when no worker has this phone: nothing was sent
    code: str | None  # only for the delivery hook and tests, never stored or logged


def phone_or_error(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        raise SignInError("手机号不对，请再看一下。", "phone") from None


def hash_code(secret_key: str, phone: str, code: str) -> str:
    # Keyed, so a stolen table does not give up codes by trying all million of them.
    return hmac.new(secret_key.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(session: Session, raw_phone: str, *, secret_key: str, prefer_person_id: int | None = None) -> IssuedCode:
    """Create a code for the worker with this phone and queue the SMS. The caller commits.

    ``prefer_person_id``: the person an SMS link was for; on a phone the household shares,
    the code signs in as them (only if this phone is theirs)."""
    phone = phone_or_error(raw_phone)
    person = _person_with_phone(session, phone, prefer_person_id)
    if person is None:
        return IssuedCode(phone, None, None)
    now = utcnow()
    session.execute(update(SignInCode).where(SignInCode.phone == phone, SignInCode.used_at.is_(None))
                    .values(used_at=now))  # an older code stops working once a new one is sent
    code = f"{secrets.randbelow(10 ** 6):06d}"
    session.add(SignInCode(phone=phone, person_id=person.id, code_hash=hash_code(secret_key, phone, code),
                           created_at=now, expires_at=now + timedelta(minutes=CODE_VALID_MINUTES), attempts=0))
    _send_code(session, person, code)
    return IssuedCode(phone, person.id, code)


def check_code(session: Session, raw_phone: str, code: str, *, secret_key: str) -> User:
    """The worker's user account when ``code`` is the phone's live code; SignInError otherwise."""
    phone = phone_or_error(raw_phone)
    return sign_in_member(session, phone, verify_code(session, phone, code, secret_key=secret_key))


def verify_code(session: Session, raw_phone: str, code: str, *, secret_key: str) -> int:
    """Use up the phone's live code when ``code`` matches; the id of the person it was sent for.
    Nobody is signed in yet: on a shared phone the worker says who they are (``sign_in_member``)."""
    phone = phone_or_error(raw_phone)
    now = utcnow()
    live = session.scalar(select(SignInCode).where(SignInCode.phone == phone, SignInCode.used_at.is_(None),
                                                   SignInCode.expires_at > now)
                          .order_by(SignInCode.id.desc()).limit(1))
    if live is None or live.attempts >= MAX_ATTEMPTS:
        raise SignInError("验证码已过期或错误次数太多，请重新获取。")
    live.attempts += 1
    if not hmac.compare_digest(live.code_hash, hash_code(secret_key, phone, (code or "").strip())):
        left = MAX_ATTEMPTS - live.attempts
        raise SignInError(f"验证码不对，还可以试 {left} 次。" if left else "验证码错误次数太多，请重新获取。")
    live.used_at = now
    return live.person_id


def phone_members(session: Session, raw_phone: str) -> list[Person]:
    """Everyone the roster lists with this phone (a family often shares one), head first."""
    phone = phone_or_error(raw_phone)
    people = list(session.scalars(select(Person).where(Person.phone == phone).order_by(Person.id)))
    return sorted(people, key=lambda p: (p.relation != "户主", p.id))


def sign_in_member(session: Session, raw_phone: str, person_id: int) -> User:
    """Sign in as one member of the household whose phone a code has just proved: they chose
    who they are on a shared phone. Only a person listed with this phone."""
    phone = phone_or_error(raw_phone)
    person = session.get(Person, person_id)
    if person is None or person.phone != phone:
        raise SignInError("请从名单里选您自己。", "person_id")
    user = worker_user(session, person.id)
    ledger.append(session, "worker_signed_in", actor=f"person:{person.id}", person_id=person.id,
                  household_id=person.household_id, subject=f"person:{person.id}")
    return user


def worker_user(session: Session, person_id: int) -> User:
    """The worker's account, created on first sign-in (workers have no password)."""
    user = session.scalar(select(User).where(User.person_id == person_id))
    if user is None:
        person = session.get(Person, person_id)
        assert person is not None, person_id  # callers pass the id of a stored person
        user = User(username=f"worker-{person_id}", role="worker", display_name=person.name, person_id=person_id)
        session.add(user)
        session.flush()
    if not user.active or user.role != "worker":
        raise SignInError("这个号码不能登录，请联系社区就业专干。")
    return user


def _person_with_phone(session: Session, phone: str, prefer_person_id: int | None = None) -> Person | None:
    # A household often gives one phone for several members: the one a followed link was
    # for, else the one who signed in before, the head, or the first listed.
    people = list(session.scalars(select(Person).where(Person.phone == phone).order_by(Person.id)))
    existing = {u.person_id for u in session.scalars(select(User).where(User.person_id.in_([p.id for p in people])))}
    people.sort(key=lambda p: (p.id != prefer_person_id, p.id not in existing, p.relation != "户主", p.id))
    return people[0] if people else None


def _send_code(session: Session, person: Person, code: str) -> None:

    data = {"code": code, "minutes": CODE_VALID_MINUTES}
    queue_message(session, person_id=person.id, kind="sign_in_code", data=data, actor=f"person:{person.id}")
