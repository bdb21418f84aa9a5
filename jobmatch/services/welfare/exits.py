"""Orderly exit (有序退岗, rule 2): term end, the household no longer needs it, absence.

The exit day is the first day off the post: the subsidy stops that day
(jobmatch.services.subsidies.welfare_pay). ``vacate_ended_terms`` runs daily
(`jobmatch welfare check`): every term that has ended is vacated on its end day, the worker
is told by SMS, and the place is offered to the next ranked candidate.

A hire by another employer (``vacate_for_other_work``, called by an employer's hire, a hire
at a fair, or a follow-up that records a new job) ends the
appointment on the new job's first day with the reason "found other employment"; an offer
of a place still unanswered is withdrawn. Either way the place goes to the next ranked
candidate at once; the hire notice is the worker's news, so no second SMS.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import WelfareAppointment
from jobmatch.models.welfare import EXIT_REASONS, PLACE_HOLDING, AppointmentStatus, ExitReason
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.employment_changes import end_spell
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.welfare.appointments import offer_place_to_next
from jobmatch.services.welfare.posts import locked_post
from jobmatch.services.welfare.ranking import WelfareCandidate
from jobmatch.vocabulary import WELFARE_EXIT_REASON_LABELS
from notifications.kinds import MessageKind


@dataclass(frozen=True)
class ExitResult:
    appointment: WelfareAppointment
    next_candidate: WelfareCandidate | None  # offered the freed place by SMS, if anyone was left


def exit_post(session: Session, appointment_id: int, *, reason: str, actor: str,
              exited_on: date | None = None, offer_next: bool = True) -> ExitResult:
    """End an appointment (有序退岗) and offer the freed place to the next ranked candidate."""
    appointment = get_or_fail(session, WelfareAppointment, appointment_id, "appointment_id", "岗位安排")
    require(reason in EXIT_REASONS, "reason", f"退岗原因应为：{'、'.join(WELFARE_EXIT_REASON_LABELS.values())}")
    require(appointment.status == AppointmentStatus.ACTIVE, "appointment_id",
            "此人已经退岗" if appointment.status == AppointmentStatus.EXITED else "此人尚未接受该岗位，不能退岗")
    exited_on = exited_on or local_today()
    require(exited_on >= appointment.started_on, "exited_on", "退岗日期不能早于上岗日期")
    require(exited_on <= local_today(), "exited_on", "退岗日期不能晚于今天")
    require(exited_on <= appointment.term_ends_on, "exited_on",
            f"任期已于{appointment.term_ends_on.isoformat()}届满，退岗日期不能晚于届满日")
    locked_post(session, appointment.post_id)
    _vacate(session, appointment, reason=ExitReason(reason), exited_on=exited_on, actor=actor)
    next_candidate = offer_place_to_next(session, appointment.post_id, actor=actor) if offer_next else None
    return ExitResult(appointment, next_candidate)


def vacate_ended_terms(session: Session, *, today: date | None = None, actor: str = "system") -> list[ExitResult]:
    """Vacate every post whose term has ended (on its end day), tell the worker, offer the place on."""
    today = today or local_today()
    due = session.scalars(select(WelfareAppointment.id).where(
        WelfareAppointment.status == AppointmentStatus.ACTIVE, WelfareAppointment.term_ends_on <= today)
        .order_by(WelfareAppointment.term_ends_on, WelfareAppointment.id)).all()
    results = []
    for appointment_id in due:
        appointment = session.get(WelfareAppointment, appointment_id)
        assert appointment is not None  # selected just above
        result = exit_post(session, appointment_id, reason=ExitReason.TERM_END, actor=actor,
                           exited_on=appointment.term_ends_on)
        end = appointment.term_ends_on
        queue_message(session, person_id=appointment.person_id, kind=MessageKind.WELFARE_TERM_END,
                      subject=f"welfare_post:{appointment.post_id}", actor=actor,
                      data={"title": appointment.post.title, "end_date": f"{end.month}月{end.day}日",
                            "link": f"welfare_post:{appointment.post_id}"})
        results.append(result)
    return results


def _vacate(session: Session, appointment: WelfareAppointment, *, reason: ExitReason, exited_on: date,
            actor: str, **details) -> None:
    """Exit an active appointment (its post already locked): status, spell ended, ledger."""
    appointment.status, appointment.exited_on, appointment.exit_reason = AppointmentStatus.EXITED, exited_on, reason
    if appointment.spell is not None and appointment.spell.ended_on is None:
        end_spell(session, appointment.spell, reason=f"公益性岗位退岗：{WELFARE_EXIT_REASON_LABELS[reason]}",
                  ended_on=exited_on, actor=actor)
    person = appointment.person
    ledger.append(session, "welfare_post_exited", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                  data={"appointment_id": appointment.id, "reason": reason, "exited_on": exited_on, **details})


def held_welfare_place(session: Session, spell_id: int) -> WelfareAppointment | None:
    """The welfare place a current employment spell stands for, if it is one."""
    return session.scalar(select(WelfareAppointment).where(
        WelfareAppointment.spell_id == spell_id, WelfareAppointment.status == AppointmentStatus.ACTIVE))


def vacate_for_other_work(session: Session, person_id: int, *, first_day: date, actor: str,
                          details: dict | None = None) -> list[ExitResult]:
    """The person was hired by another employer from ``first_day``: leave their welfare place.

    An active appointment ends on ``first_day`` (within its term; the subsidy stops that day)
    with the reason "found other employment"; an offer still unanswered is withdrawn. Each
    freed place is offered to the next ranked candidate. Returns what was ended.
    """
    held = session.scalars(select(WelfareAppointment.id).where(
        WelfareAppointment.person_id == person_id, WelfareAppointment.status.in_(list(PLACE_HOLDING)))
        .order_by(WelfareAppointment.id)).all()
    results = []
    for appointment_id in held:
        appointment = get_or_fail(session, WelfareAppointment, appointment_id, "appointment_id", "岗位安排")
        locked_post(session, appointment.post_id)
        session.refresh(appointment)
        if appointment.status == AppointmentStatus.ACTIVE:
            exited_on = min(max(first_day, appointment.started_on), appointment.term_ends_on)
            _vacate(session, appointment, reason=ExitReason.OTHER_EMPLOYMENT, exited_on=exited_on, actor=actor,
                    **(details or {}))
        elif appointment.status == AppointmentStatus.OFFERED:
            appointment.status, appointment.answered_at = AppointmentStatus.WITHDRAWN, utcnow()
            person = appointment.person
            ledger.append(session, "welfare_post_withdrawn", actor=actor, household_id=person.household_id,
                          person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                          data={"appointment_id": appointment.id, "reason": "已到其他单位就业", **(details or {})})
        else:  # ended meanwhile
            continue
        results.append(ExitResult(appointment, offer_place_to_next(session, appointment.post_id, actor=actor)))
    return results
