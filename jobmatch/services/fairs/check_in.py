"""Check-in at a fair's door: a signed QR code on the worker's page, or staff typing a phone or ID number.

The QR holds a token signed with the app's SECRET_KEY (itsdangerous), naming the
fair and the attendee row, so a code cannot be forged or moved to another fair.
Walk-ins are checked in too: a person found on the roster by normalised phone or ID
number gets an attendee row without an invitation; someone not on the roster is
recorded with what staff typed.

Scope: staff check in only people they may see: of the fair's county (where its
invitations go) and of the settlements the staff member keeps (``settlement_ids``, from
jobmatch.access.visible_settlement_ids). Anyone else on the roster is refused with
"不在本招聘会范围内": no attendee row, no ledger event, no name shown.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.models import Fair, FairAttendee, Person, Settlement
from jobmatch.models.fairs import DEFAULT_FAIR_START, CheckInMethod, CheckInWindow
from jobmatch.privacy import mask_id_number, mask_phone
from jobmatch.services import check_in as door
from jobmatch.services.errors import get_or_fail, require

TOKEN_SALT = "jobmatch.fair-check-in"
OUT_OF_SCOPE = "不在本招聘会范围内"


@dataclass(frozen=True)
class CheckIn:
    attendee: FairAttendee
    walk_in: bool  # came without an invitation or registration
    already: bool  # had checked in before; nothing changed


def check_in_token(secret_key: str, attendee: FairAttendee) -> str:
    """The signed token a worker's QR code carries."""
    return door.signed_token(secret_key, TOKEN_SALT, attendee.fair_id, attendee.id)


def check_in_qr_svg(secret_key: str, attendee: FairAttendee) -> str:
    """The worker's check-in QR code as an inline SVG for their page."""
    return door.qr_svg(check_in_token(secret_key, attendee))


def check_in_by_token(session: Session, fair_id: int, token: str, *, secret_key: str, actor: str,
                      settlement_ids) -> CheckIn:
    """Check in the holder of a scanned QR code, if the staff member (``settlement_ids``) may see them."""
    fair = _fair_today(session, fair_id)
    token_fair_id, attendee_id = door.read_token(secret_key, TOKEN_SALT, token)
    require(token_fair_id == fair.id, "token", "这是另一场招聘会的二维码")
    attendee = get_or_fail(session, FairAttendee, attendee_id, "token", "报名记录")
    if attendee.person is not None:
        _require_in_scope(attendee.person, _check_in_scope(session, fair, settlement_ids), "token")
    return _mark(session, attendee, CheckInMethod.QR, actor, walk_in=False)


def check_in_by_identity(session: Session, fair_id: int, *, actor: str, settlement_ids, phone: str = "",
                         id_number: str = "", name: str = "") -> CheckIn:
    """Check in by a phone or ID number typed at the door; walk-ins are recorded too. Only people the
    staff member (``settlement_ids``) may see are found; others are refused."""
    fair = _fair_today(session, fair_id)
    if _looks_like_a_name(phone) and not (name or "").strip():
        phone, name = "", phone  # a name typed where the phone goes: a walk-in saying who they are
    e164, id_text = door.typed_phone(phone), door.typed_id_number(id_number)
    require(bool(e164 or id_text or (name or "").strip()), "phone", "请输入手机号、身份证号或姓名")
    person = door.find_person(session, e164, id_text, _check_in_scope(session, fair, settlement_ids), OUT_OF_SCOPE)
    method = CheckInMethod.ID_NUMBER if id_text else CheckInMethod.PHONE if e164 else CheckInMethod.NAME
    if person is None:
        require(len((name or "").strip()) <= 40, "name", "姓名最多 40 字")
        attendee = FairAttendee(fair_id=fair.id, visitor_name=(name or "").strip(), visitor_phone=e164,
                                visitor_id_number=id_text)
        session.add(attendee)
        session.flush()
        return _mark(session, attendee, method, actor, walk_in=True)
    known = session.scalar(select(FairAttendee).where(FairAttendee.fair_id == fair.id,
                                                      FairAttendee.person_id == person.id))
    walk_in = known is None or (known.invited_at is None and known.registered_at is None)
    if known is None:
        known = FairAttendee(fair_id=fair.id, person_id=person.id)
        session.add(known)
        session.flush()
    return _mark(session, known, method, actor, walk_in=walk_in)


CHECK_IN_OPENS_BEFORE = timedelta(hours=1)


def check_in_opens_at(fair: Fair) -> datetime:
    """When the door opens for check-in: an hour before the fair starts (aware, local time)."""
    return datetime.combine(fair.held_on, fair.starts_at or DEFAULT_FAIR_START, LOCAL_TZ) - CHECK_IN_OPENS_BEFORE


def check_in_window(fair: Fair) -> CheckInWindow:
    """Early before the door opens, open from then to the end of the fair's day, over after."""
    if fair.held_on < local_today():
        return CheckInWindow.OVER
    return CheckInWindow.OPEN if utcnow() >= check_in_opens_at(fair) else CheckInWindow.EARLY


def opens_text(fair: Fair) -> str:
    """"12月5日 8:00": when check-in opens, as the door page and its refusal say it."""
    opens = check_in_opens_at(fair)
    return f"{opens.month}月{opens.day}日 {opens.hour}:{opens.minute:02d}"


def _fair_today(session: Session, fair_id: int) -> Fair:
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    window = check_in_window(fair)
    require(window != CheckInWindow.OVER, "fair_id", f"招聘会在 {fair.held_on:%Y-%m-%d} 举办，已经结束，不能再签到")
    require(window == CheckInWindow.OPEN, "fair_id", f"签到还没开始：{opens_text(fair)} 开始签到（招聘会开始前一小时）")
    return fair


def _looks_like_a_name(text: str) -> bool:
    """Letters and no digits: a name, not a phone number."""
    text = (text or "").strip()
    return bool(text) and not any(ch.isdigit() for ch in text)


def _check_in_scope(session: Session, fair: Fair, settlement_ids) -> set[int]:
    """Settlements whose people may be checked in: the fair's county's, that the staff member keeps."""
    fair_county = set(session.scalars(select(Settlement.id).where(Settlement.county_id == fair.county_id)))
    return fair_county & set(settlement_ids)


def _require_in_scope(person: Person, scope: set[int], field: str) -> None:
    require(person.household.settlement_id in scope, field, OUT_OF_SCOPE)


def _mark(session: Session, attendee: FairAttendee, method: str, actor: str, *, walk_in: bool) -> CheckIn:
    if attendee.checked_in_at is not None:
        return CheckIn(attendee, walk_in, already=True)
    attendee.checked_in_at, attendee.check_in_method = utcnow(), method
    person = attendee.person
    data = {"attendee_id": attendee.id, "method": method, "walk_in": walk_in}
    if person is None:  # masked: a walk-in not on the roster is known only by what staff typed
        data.update(phone=mask_phone(attendee.visitor_phone), id_number=mask_id_number(attendee.visitor_id_number))
    ledger.append(session, "fair_checked_in", actor=actor, subject=f"fair:{attendee.fair_id}", data=data,
                  person_id=person.id if person else None, household_id=person.household_id if person else None)
    return CheckIn(attendee, walk_in, already=False)
