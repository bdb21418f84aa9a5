"""Recruiting a labour-export group: who is invited, sign-up and its seats, the waiting list, the reminder.

Who is invited (the same priority as matching rounds: zero-employment households first,
then monitored ones, via offers.matching_input.scope_persons): members of the group's
county with labour capacity who want work, hold no current job, may travel that far
(mobility "any" for another province; "province" or "any" within the province) and are
never marked as unable to leave the site; with a phone that is valid and not opted out.

Sign-up is a "1" to the invitation (SMS or the worker's page) or staff signing someone up.
Seats are never overbooked: the group's row is locked (after the ledger chain's lock, the
one lock order) while the seats are counted; once every seat is held, a sign-up goes on
the waiting list, and a seat given back goes to the first on it. A "2", to the invitation
or to the reminder, declines. The reminder goes the day before departure at
LABOUR_EXPORT_REMINDER_HOUR (the outbox keeps quiet hours), queued by
``jobmatch labour-export daily`` from cron.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.models import EmploymentSpell, ExportGroup, ExportMember, Person
from jobmatch.models.labour_export import SEAT_HOLDING_STATUSES, ExportMemberStatus
from jobmatch.services import check_in as door
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.labour_export.departure import OUT_OF_SCOPE
from jobmatch.services.labour_export.groups import departure_day, door_scope, seats_taken, spell_kind
from jobmatch.services.offers.matching_input import scope_persons
from jobmatch.services.sms.messaging import QueuedRow, queue_message, queue_messages_bulk
from notifications.rules import next_send_time
from notifications.wording import moment_text

ANSWER_CHANNELS = ("sms", "web", "staff")
# The mobility a destination needs (roster 外出意愿): another province needs "any".
MOBILITY_FOR = {"outside_province": ("any",), "within_province": ("province", "any")}


def can_travel(person: Person, group: ExportGroup) -> bool:
    """Whether the person's mobility allows the group's destination (never someone who cannot leave the site)."""
    return not person.cannot_leave_site and (person.mobility or "") in MOBILITY_FOR[spell_kind(group)]


def invitation_candidates(session: Session, group: ExportGroup) -> list[Person]:
    """Who the rule above invites to ``group``, in invitation order, not yet invited."""
    employed = set(session.scalars(select(EmploymentSpell.person_id).where(EmploymentSpell.ended_on.is_(None))))
    already = set(session.scalars(select(ExportMember.person_id).where(ExportMember.group_id == group.id)))
    return [p for p in scope_persons(session, county_id=group.county_id, settlement_id=None)
            if p.wants_work and can_travel(p, group) and p.phone and not p.phone_invalid and not p.sms_opt_out
            and p.id not in employed and p.id not in already]


def invitation_data(group: ExportGroup) -> dict:
    """The template fields of a group's invitation and reminder."""
    return {"destination": f"{group.destination_province}{group.destination_city}", "employer": group.employer.name,
            "title": group.jobs, "wage": f"{group.monthly_wage}元", "when": moment_text(group.departs_at),
            "venue": group.gathering_point, "link": f"export:{group.id}"}


def invite_workers(session: Session, group_id: int, *, actor: str, limit: int | None = None) -> list[ExportMember]:
    """Invite the rule's workers by SMS (EXPORT_INVITATION, asks 1/2); returns the new invitations."""
    group = get_or_fail(session, ExportGroup, group_id, "group_id", "劳务输出团")
    require(departure_day(group) > local_today(), "group_id", "输出团今天或已经出发，不能再邀请")
    require(limit is None or limit > 0, "limit", "邀请人数应大于 0")
    people = invitation_candidates(session, group)[:limit]
    now, data = utcnow(), invitation_data(group)
    invited = [ExportMember(group_id=group.id, person_id=p.id, status=ExportMemberStatus.INVITED, invited_at=now)
               for p in people]
    session.add_all(invited)
    session.flush()
    queue_messages_bulk(session, [QueuedRow(person_id=p.id, kind="export_invitation", data=data,
                                            subject=f"export_invitation:{group.id}", expects_reply=True)
                                  for p in people], actor=actor)
    ledger.append(session, "export_invitations_sent", actor=actor, subject=f"export:{group.id}",
                  data={"invited": len(people)})
    return invited


def _locked_group(session: Session, group_id: int) -> ExportGroup:
    """The group's row, locked for this transaction (after the chain's lock: one lock order)."""
    get_or_fail(session, ExportGroup, group_id, "group_id", "劳务输出团")
    ledger.lock_chain(session)
    return session.scalars(select(ExportGroup).where(ExportGroup.id == group_id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def _fresh_member(session: Session, group_id: int, person_id: int) -> ExportMember | None:
    return session.scalars(select(ExportMember).where(ExportMember.group_id == group_id,
                                                      ExportMember.person_id == person_id)
                           .execution_options(populate_existing=True)).first()


def sign_up(session: Session, group_id: int, person_id: int, *, via: str, actor: str) -> ExportMember:
    """Take a seat for the worker, or a place on the waiting list when every seat is held; idempotent."""
    require(via in ANSWER_CHANNELS, "via", "报名方式应为短信、网页或工作人员代报")
    group = _locked_group(session, group_id)
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(departure_day(group) >= local_today() and group.departs_at > utcnow(), "group_id",
            "输出团已经出发，不能再报名")
    require(person.household.county_id == group.county_id, "person_id", f"{person.name}不是本县的群众")
    require(can_travel(person, group), "person_id",
            f"{person.name}不能离开安置点或外出意愿不到{group.destination_province}，不能报名")
    member = _fresh_member(session, group.id, person.id)
    if member is not None and member.status in (*SEAT_HOLDING_STATUSES, ExportMemberStatus.WAITLISTED):
        return member
    if member is None:
        member = ExportMember(group_id=group.id, person_id=person.id, status=ExportMemberStatus.INVITED)
        session.add(member)
        session.flush()
    full = seats_taken(session, group.id) >= group.seats
    member.status = ExportMemberStatus.WAITLISTED if full else ExportMemberStatus.SIGNED_UP
    member.answered_at, member.answered_via = utcnow(), via
    _ledger_member(session, "export_waitlisted" if full else "export_signed_up", member, actor, {"via": via})
    return member


def decline(session: Session, group_id: int, person_id: int, *, via: str, actor: str) -> ExportMember:
    """The worker will not go (a "2", the page, or staff); a seat given back goes to the first waiting."""
    require(via in ANSWER_CHANNELS, "via", "答复方式应为短信、网页或工作人员代报")
    group = _locked_group(session, group_id)
    get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(group.departs_at > utcnow(), "group_id", "输出团已经出发")
    member = _fresh_member(session, group.id, person_id)
    if member is None:
        member = ExportMember(group_id=group.id, person_id=person_id, status=ExportMemberStatus.INVITED)
        session.add(member)
        session.flush()
    if member.status == ExportMemberStatus.DECLINED:
        return member
    require(member.status in (ExportMemberStatus.INVITED, ExportMemberStatus.SIGNED_UP,
                              ExportMemberStatus.WAITLISTED), "person_id", "已经出发，不能再退出")
    gave_seat = member.status == ExportMemberStatus.SIGNED_UP
    member.status, member.answered_at, member.answered_via = ExportMemberStatus.DECLINED, utcnow(), via
    _ledger_member(session, "export_declined", member, actor, {"via": via})
    if gave_seat:
        _seat_first_waiting(session, group, actor)
    return member


def _seat_first_waiting(session: Session, group: ExportGroup, actor: str) -> None:
    waiting = session.scalars(select(ExportMember).where(ExportMember.group_id == group.id,
                                                         ExportMember.status == ExportMemberStatus.WAITLISTED)
                              .order_by(ExportMember.answered_at, ExportMember.id).limit(1)).first()
    if waiting is not None and seats_taken(session, group.id) < group.seats:
        waiting.status = ExportMemberStatus.SIGNED_UP
        _ledger_member(session, "export_signed_up", waiting, actor, {"via": "waiting_list"})
        reminded = session.scalar(select(ExportMember.id).where(ExportMember.group_id == group.id,
                                                                ExportMember.reminder_queued_at.is_not(None)).limit(1))
        if reminded is not None:  # the others were reminded already: this one learns of the seat now
            _queue_reminder(session, group, waiting, actor)


def answer_export_invitation(session: Session, subject_id: int, person_id: int, accepted: bool, *,
                             actor: str, via: str) -> str:
    """The answer to "export_invitation:<group id>" (jobmatch.services.answers): yes signs up, no declines.
    No confirmation SMS. A late answer by SMS (the group has left) changes nothing."""
    group = session.get(ExportGroup, subject_id)
    if via == "sms" and (group is None or group.departs_at <= utcnow()):
        return ""
    answered_by = "sms" if via == "sms" else "web"
    (sign_up if accepted else decline)(session, subject_id, person_id, via=answered_by, actor=actor)
    return ""


def reminder_due_at(group: ExportGroup, hour: int) -> datetime:
    """``hour`` o'clock local on the day before departure, or the next allowed moment when that has passed."""
    planned = datetime.combine(departure_day(group) - timedelta(days=1), time(hour, 0), tzinfo=LOCAL_TZ)
    return next_send_time(max(planned.astimezone(utcnow().tzinfo), utcnow()))


def queue_reminders(session: Session, *, actor: str) -> int:
    """Queue EXPORT_REMINDER for those holding a seat in every group leaving tomorrow, once each; returns how many."""
    tomorrow = local_today() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=LOCAL_TZ)
    groups = session.scalars(select(ExportGroup).where(ExportGroup.departs_at >= start,
                                                       ExportGroup.departs_at < start + timedelta(days=1))).all()
    hour, queued = current_settings().labour_export_reminder_hour, 0
    for group in groups:
        members = session.scalars(select(ExportMember).where(
            ExportMember.group_id == group.id, ExportMember.status == ExportMemberStatus.SIGNED_UP,
            ExportMember.reminder_queued_at.is_(None)).order_by(ExportMember.id)).all()
        for member in members:
            _queue_reminder(session, group, member, actor, hour)
        if members:
            ledger.append(session, "export_reminders_queued", actor=actor, subject=f"export:{group.id}",
                          data={"reminded": len(members), "due_at": reminder_due_at(group, hour)})
        queued += len(members)
    return queued


def _queue_reminder(session: Session, group: ExportGroup, member: ExportMember, actor: str,
                    hour: int | None = None) -> None:
    hour = current_settings().labour_export_reminder_hour if hour is None else hour
    message = queue_message(session, person_id=member.person_id, kind="export_reminder", data=invitation_data(group),
                            subject=f"export_invitation:{group.id}", expects_reply=True, actor=actor)
    message.due_at = max(message.due_at, reminder_due_at(group, hour))  # the outbox sends when due
    member.reminder_queued_at = utcnow()


def _ledger_member(session: Session, kind: str, member: ExportMember, actor: str, data: dict) -> None:
    person = member.person or session.get(Person, member.person_id)
    assert person is not None  # export_members.person_id is a foreign key to a person
    ledger.append(session, kind, actor=actor, subject=f"export:{member.group_id}", data=data,
                  person_id=person.id, household_id=person.household_id)


def sign_up_by_identity(session: Session, group_id: int, *, settlement_ids, actor: str, phone: str = "",
                        id_number: str = "") -> ExportMember:
    """Staff sign a worker up at the office by phone or ID number, among the people of their settlements."""
    group = get_or_fail(session, ExportGroup, group_id, "group_id", "劳务输出团")
    e164, id_text = door.typed_phone(phone), door.typed_id_number(id_number)
    require(bool(e164 or id_text), "phone", "请输入手机号或身份证号")
    person = door.find_person(session, e164, id_text, door_scope(session, group, settlement_ids), OUT_OF_SCOPE)
    require(person is not None, "id_number" if id_text else "phone", "名册上没有这个人")
    assert person is not None
    return sign_up(session, group.id, person.id, via="staff", actor=actor)

