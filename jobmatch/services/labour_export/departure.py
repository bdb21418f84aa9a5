"""Departure check-in at the gathering point: the worker's QR code scanned, or a phone or ID number
typed, the same way as at a fair's door (jobmatch.services.check_in).

Only members holding a seat are checked in, on the day the group leaves; staff check in only
people of the settlements they keep. A second scan changes nothing.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import ExportGroup, ExportMember
from jobmatch.models.fairs import CheckInMethod
from jobmatch.models.labour_export import TRAVELLED_STATUSES, ExportMemberStatus
from jobmatch.services import check_in as door
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.labour_export.groups import departure_day, door_scope, member_of

TOKEN_SALT = "jobmatch.export-check-in"
OUT_OF_SCOPE = "不在本输出团范围内"


@dataclass(frozen=True)
class CheckIn:
    member: ExportMember
    already: bool  # had checked in before; nothing changed


def check_in_token(secret_key: str, member: ExportMember) -> str:
    """The signed token a member's QR code carries."""
    return door.signed_token(secret_key, TOKEN_SALT, member.group_id, member.id)


def check_in_qr_svg(secret_key: str, member: ExportMember) -> str:
    return door.qr_svg(check_in_token(secret_key, member))


def check_in_by_token(session: Session, group_id: int, token: str, *, secret_key: str, actor: str,
                      settlement_ids) -> CheckIn:
    group = _leaving_today(session, group_id)
    token_group_id, member_id = door.read_token(secret_key, TOKEN_SALT, token)
    require(token_group_id == group.id, "token", "这是另一个输出团的二维码")
    member = get_or_fail(session, ExportMember, member_id, "token", "报名记录")
    require(member.person.household.settlement_id in door_scope(session, group, settlement_ids), "token", OUT_OF_SCOPE)
    return _mark(session, member, CheckInMethod.QR, actor)


def check_in_by_identity(session: Session, group_id: int, *, actor: str, settlement_ids, phone: str = "",
                         id_number: str = "") -> CheckIn:
    group = _leaving_today(session, group_id)
    e164, id_text = door.typed_phone(phone), door.typed_id_number(id_number)
    require(bool(e164 or id_text), "phone", "请输入手机号或身份证号")
    person = door.find_person(session, e164, id_text, door_scope(session, group, settlement_ids), OUT_OF_SCOPE)
    field = "id_number" if id_text else "phone"
    require(person is not None, field, "名册上没有这个人，请先登记")
    assert person is not None
    member = member_of(session, group.id, person.id)
    require(member is not None, field, f"{person.name}没有报名这个输出团")
    assert member is not None
    return _mark(session, member, CheckInMethod.ID_NUMBER if id_text else CheckInMethod.PHONE, actor)


def _leaving_today(session: Session, group_id: int) -> ExportGroup:
    group = get_or_fail(session, ExportGroup, group_id, "group_id", "劳务输出团")
    require(departure_day(group) == local_today(), "group_id",
            f"输出团 {departure_day(group):%Y-%m-%d} 出发，今天不能签到")
    return group


def _mark(session: Session, member: ExportMember, method: str, actor: str) -> CheckIn:
    if member.status in TRAVELLED_STATUSES:
        return CheckIn(member, already=True)
    require(member.status == ExportMemberStatus.SIGNED_UP, "person_id",
            f"{member.person.name}没有座位（{'候补' if member.status == ExportMemberStatus.WAITLISTED else '未报名'}），"
            "请先在名单上为其报名")
    member.status, member.checked_in_at, member.check_in_method = ExportMemberStatus.DEPARTED, utcnow(), method
    ledger.append(session, "export_checked_in", actor=actor, subject=f"export:{member.group_id}",
                  data={"member_id": member.id, "method": method}, person_id=member.person_id,
                  household_id=member.person.household_id)
    return CheckIn(member, already=False)
