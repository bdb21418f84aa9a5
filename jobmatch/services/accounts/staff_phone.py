"""A staff member's mobile, for the texts that tell them of a worker's problem at once (rule 8).

Stored as E.164; shown in full only to its owner and admins, masked to everyone else; never
logged (the ledger keeps it masked)."""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import User
from jobmatch.services.errors import UserError, get_or_fail
from notifications.phones import InvalidPhone, mask_phone, normalise_phone

PHONE_ROLES = ("staff", "county_officer", "admin")


def set_staff_phone(session: Session, user_id: int, phone: str | None, *, actor: str) -> User:
    """Set (or, with a blank, clear) a staff member's mobile; a wrong number is refused with a message."""
    user = get_or_fail(session, User, user_id, "user_id", "工作人员")
    if user.role not in PHONE_ROLES:
        raise UserError("只有工作人员和县级管理人员可以登记接收提醒的手机", "user_id")
    raw = (phone or "").strip()
    try:
        e164 = normalise_phone(raw) if raw else None
    except InvalidPhone:
        raise UserError("手机号码不对：请填写 11 位手机号，例如 13912345678", "phone") from None
    if e164 == user.phone:
        return user
    user.phone = e164
    ledger.append(session, "staff_phone_set", actor=actor, subject=f"user:{user.id}",
                  data={"user_id": user.id, "phone": mask_phone(e164)})
    return user


def shown_phone(owner: User, viewer: User) -> str:
    """The number as ``viewer`` may read it: in full for its owner and admins, masked for others."""
    if not owner.phone:
        return ""
    return owner.phone if viewer.id == owner.id or viewer.role == "admin" else mask_phone(owner.phone)
