"""Checking people in at a door (a fair's entrance, a labour-export group's gathering point).

Shared by jobmatch.services.fairs.check_in and jobmatch.services.labour_export.departure:
a QR code on the worker's page carries a token signed with the app's SECRET_KEY
(itsdangerous) under a salt of its own per use, naming the event and the row, so a code
cannot be forged or moved to another event; staff at the door may instead type a phone or
an ID number, which finds the roster's person among those they may see.
"""

import segno
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.idnumber import check_id_number
from jobmatch.models import Household, Person
from jobmatch.services.errors import WorkflowError, require
from notifications.phones import InvalidPhone, normalise_phone

BAD_CODE = "二维码无效，请改用手机号或身份证号签到"


def signed_token(secret_key: str, salt: str, event_id: int, row_id: int) -> str:
    """The token a worker's QR code carries: the event and the row, signed."""
    return URLSafeSerializer(secret_key, salt=salt).dumps([event_id, row_id])


def read_token(secret_key: str, salt: str, token: str) -> tuple[int, int]:
    """(event id, row id) of a scanned token; a WorkflowError on ``token`` for anything forged or garbled."""
    try:
        event_id, row_id = URLSafeSerializer(secret_key, salt=salt).loads(token or "")
        return int(event_id), int(row_id)
    except (BadSignature, ValueError, TypeError):
        raise WorkflowError("token", BAD_CODE) from None


def qr_svg(token: str) -> str:
    """A token as an inline SVG QR code for the worker's page."""
    return segno.make(token, error="m").svg_inline(scale=6)


def typed_phone(phone: str) -> str | None:
    """A phone typed at the door, normalised; None when blank."""
    if not (phone or "").strip():
        return None
    try:
        return normalise_phone(phone)
    except InvalidPhone as exc:
        raise WorkflowError("phone", f"手机号不对：{exc}") from None


def typed_id_number(id_number: str) -> str | None:
    """An ID number typed at the door, checked; None when blank."""
    text = (id_number or "").strip().upper()
    if not text:
        return None
    problems = check_id_number(text)
    require(not problems, "id_number", f"身份证号不对：{'；'.join(problems or [])}")
    return text


def find_person(session: Session, e164: str | None, id_text: str | None, scope: set[int],
                out_of_scope: str) -> Person | None:
    """The roster's person typed at the door among households of ``scope`` (settlement ids); None for
    someone not on the roster. Someone on the roster outside the scope is refused with ``out_of_scope``."""
    if id_text:
        person = session.scalar(select(Person).where(Person.id_number == id_text))
        if person is not None:
            require(person.household.settlement_id in scope, "id_number", out_of_scope)
            return person
    if not e164:
        return None
    # A phone may be shared (a household, or a number passed on): the first one in scope is meant.
    owners = session.execute(select(Person, Household.settlement_id).join(Household, Household.id == Person.household_id)
                             .where(Person.phone == e164).order_by(Person.id)).all()
    in_scope = [person for person, settlement_id in owners if settlement_id in scope]
    require(bool(in_scope) or not owners, "phone", out_of_scope)
    return in_scope[0] if in_scope else None
