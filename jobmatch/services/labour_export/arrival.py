"""Arrival and staying: the arrival ask after departure, arrival confirmed by the worker ("1") or the
group leader, and the follow-ups at 1 and 3 months.

An arrival starts an employment spell at the destination employer (kind outside_province, or
within_province for another county of the province), so the household counts as employed,
and fixes the transport subsidy at the county's amount of that day (paid on arrival only:
jobmatch.services.labour_export.subsidy). A follow-up that finds the person came back ends
the spell with the reason, marks them as wanting work, and they are in the matching pool again.
"""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import add_months, local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.models import ExportGroup, ExportMember
from jobmatch.models.labour_export import ExportMemberStatus
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.employment_changes import NewJob, current_spell, end_spell, start_job
from jobmatch.services.labour_export.groups import departure_day, member_of, spell_kind
from jobmatch.services.sms.messaging import QueuedRow, queue_messages_bulk

FOLLOW_UP_MONTHS = (1, 3)


def queue_arrival_asks(session: Session, *, actor: str) -> int:
    """Ask every member who checked in, LABOUR_EXPORT_ARRIVAL_ASK_HOURS after departure, "到了请回1"; once each."""
    hours = current_settings().labour_export_arrival_ask_hours
    members = session.scalars(select(ExportMember).join(ExportGroup, ExportGroup.id == ExportMember.group_id).where(
        ExportMember.status == ExportMemberStatus.DEPARTED, ExportMember.arrival_asked_at.is_(None),
        ExportGroup.departs_at <= utcnow() - timedelta(hours=hours)).order_by(ExportMember.id)).all()
    rows = [QueuedRow(person_id=m.person_id, kind="export_arrival",
                      data={"employer": m.group.employer.name, "link": f"export:{m.group_id}"},
                      subject=f"export_arrival:{m.group_id}", expects_reply=True) for m in members]
    queue_messages_bulk(session, rows, actor=actor)
    for member in members:
        member.arrival_asked_at = utcnow()
        ledger.append(session, "export_arrival_asked", actor=actor, subject=f"export:{member.group_id}",
                      person_id=member.person_id, household_id=member.person.household_id,
                      data={"member_id": member.id})
    return len(members)


def confirm_arrival(session: Session, group_id: int, person_id: int, *, actor: str,
                    arrived_on: date | None = None) -> ExportMember:
    """The member has arrived (their "1", their page, or the group leader): start the job there; idempotent."""
    group = get_or_fail(session, ExportGroup, group_id, "group_id", "劳务输出团")
    member = member_of(session, group.id, person_id)
    require(member is not None, "person_id", "这个人没有参加这个输出团")
    assert member is not None
    if member.status in (ExportMemberStatus.ARRIVED, ExportMemberStatus.RETURNED):
        return member
    require(member.status == ExportMemberStatus.DEPARTED, "person_id",
            f"{member.person.name}没有在集合点签到出发，不能确认到达")
    arrived_on = arrived_on or local_today()
    require(departure_day(group) <= arrived_on <= local_today(), "arrived_on", "到达日期应在出发日和今天之间")
    held = current_spell(session, person_id)
    if held is not None:  # took something else meanwhile: the group's job replaces it
        end_spell(session, held, reason="参加劳务输出", actor=actor, ended_on=max(arrived_on, held.started_on))
    spell = start_job(session, NewJob(person_id=person_id, kind=spell_kind(group), employer_name=group.employer.name,
                                      started_on=arrived_on, monthly_income=group.monthly_wage,
                                      employer_id=group.employer_id, contract_months=group.contract_months),
                      actor=actor)
    member.status, member.arrived_on, member.arrival_confirmed_by = ExportMemberStatus.ARRIVED, arrived_on, actor
    member.spell_id = spell.id
    member.transport_subsidy_yuan = group.county.transport_subsidy_yuan
    ledger.append(session, "export_arrived", actor=actor, subject=f"export:{group.id}", person_id=person_id,
                  household_id=member.person.household_id,
                  data={"member_id": member.id, "on": arrived_on, "spell_id": spell.id,
                        "transport_subsidy_yuan": member.transport_subsidy_yuan})
    return member


def answer_export_arrival(session: Session, subject_id: int, person_id: int, accepted: bool, *,
                          actor: str, via: str) -> str:
    """The answer to "export_arrival:<group id>" (jobmatch.services.answers): "1" confirms the arrival;
    "2" (not there yet) changes nothing: the answer stays in the ledger for the group leader."""
    member = member_of(session, subject_id, person_id)
    if accepted and member is not None and member.status == ExportMemberStatus.DEPARTED:
        confirm_arrival(session, subject_id, person_id, actor=actor)
    return ""


def follow_up_due_on(member: ExportMember, months: int) -> date:
    assert member.arrived_on is not None
    return add_months(member.arrived_on, months)


def record_follow_up(session: Session, member_id: int, *, months: int, stayed: bool, actor: str,
                     reason: str = "", returned_on: date | None = None) -> ExportMember:
    """The follow-up ``months`` (1 or 3) after arrival: still there, or came back (with the reason)."""
    member = get_or_fail(session, ExportMember, member_id, "member_id", "输出人员")
    require(months in FOLLOW_UP_MONTHS, "months", "回访应在到岗后 1 个月或 3 个月")
    require(member.arrived_on is not None, "member_id", f"{member.person.name}还没有确认到达")
    require(local_today() >= follow_up_due_on(member, months), "months",
            f"到岗满 {months} 个月（{follow_up_due_on(member, months):%Y-%m-%d}）后才能回访")
    require(member.status == ExportMemberStatus.ARRIVED, "member_id", f"{member.person.name}已经返乡，不用再回访")
    reason = (reason or "").strip()
    require(stayed or bool(reason), "reason", "请填写返乡原因")
    require(len(reason) <= 100, "reason", "返乡原因最多 100 字")
    if months == 1:
        member.stayed_1m = stayed
    member.stayed_3m = stayed if months == 3 else (False if not stayed else member.stayed_3m)
    ledger.append(session, "export_follow_up_recorded", actor=actor, subject=f"export:{member.group_id}",
                  person_id=member.person_id, household_id=member.person.household_id,
                  data={"member_id": member.id, "months": months, "stayed": stayed, "reason": reason})
    if not stayed:
        _came_back(session, member, reason=reason, returned_on=returned_on or local_today(), actor=actor)
    return member


def _came_back(session: Session, member: ExportMember, *, reason: str, returned_on: date, actor: str) -> None:
    """End the group's job and put the person back in the matching pool (wants work, no job)."""
    assert member.arrived_on is not None
    require(member.arrived_on <= returned_on <= local_today(), "returned_on", "返乡日期应在到岗日和今天之间")
    spell = member.spell
    if spell is not None and spell.ended_on is None:
        end_spell(session, spell, reason=f"劳务输出返乡：{reason}", actor=actor, ended_on=returned_on)
    member.status, member.returned_on, member.return_reason = ExportMemberStatus.RETURNED, returned_on, reason
    member.person.wants_work = True
    ledger.append(session, "export_returned", actor=actor, subject=f"export:{member.group_id}",
                  person_id=member.person_id, household_id=member.person.household_id,
                  data={"member_id": member.id, "on": returned_on, "reason": reason})


def follow_ups_due(session: Session, group: ExportGroup) -> list[tuple[ExportMember, int]]:
    """The group's members whose 1- or 3-month follow-up is due and not yet recorded."""
    due = []
    for member in group.members:
        if member.status != ExportMemberStatus.ARRIVED or member.arrived_on is None:
            continue
        if member.stayed_1m is None and local_today() >= follow_up_due_on(member, 1):
            due.append((member, 1))
        elif member.stayed_3m is None and local_today() >= follow_up_due_on(member, 3):
            due.append((member, 3))
    return due
