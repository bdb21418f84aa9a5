"""The monthly check of rule 2's "the household no longer needs it" (有序退岗), for staff review.

A holder's household is flagged, with the reason, when
- another member holds a job paying at least ``WELFARE_NEED_INCOME_LINE`` yuan a month, or
- the place was given on household grounds (zero-employment, poverty-relapse monitoring)
  and the household is on neither list any more: another member is in work (so it is
  not zero-employment without this post) and no member is under monitoring.
Staff then keep the person on the post (with a note) or exit them (reason
no_longer_needed). A flag is raised once per appointment and month.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import Month, utcnow
from jobmatch.config import current_settings
from jobmatch.models import EmploymentSpell, Person, WelfareAppointment, WelfareNeedReview
from jobmatch.models.welfare import AppointmentStatus, ExitReason, ReviewStatus
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.welfare.exits import exit_post
from jobmatch.services.welfare.ranking import HOUSEHOLD_GROUNDS


def need_income_line() -> int:
    return current_settings().welfare_need_income_line


def no_longer_needed_reason(session: Session, appointment: WelfareAppointment, income_line: int) -> str:
    """Why the household may no longer need the post, or "" when it still does."""
    person = appointment.person
    others = [m.id for m in person.household.members if m.id != person.id]
    jobs = session.execute(select(Person.name, EmploymentSpell.monthly_income, EmploymentSpell.employer_name)
                           .join(Person, Person.id == EmploymentSpell.person_id)
                           .where(EmploymentSpell.person_id.in_(others), EmploymentSpell.ended_on.is_(None))
                           .order_by(EmploymentSpell.monthly_income.desc())).all() if others else []
    for name, income, employer in jobs:
        if income is not None and income >= income_line:
            return f"家庭成员{name}已在{employer}就业，月收入{income}元（不低于{income_line}元）"
    household_grounds = set(appointment.priority_grounds or ()) & {g.value for g in HOUSEHOLD_GROUNDS}
    monitored = any(m.monitoring != "none" for m in person.household.members)
    if household_grounds and jobs and not monitored:
        return "家庭已不在零就业家庭和防返贫监测名单上（其他成员已就业）"
    return ""


def check_household_needs(session: Session, month: Month, *, actor: str = "system",
                          income_line: int | None = None) -> list[WelfareNeedReview]:
    """Flag, for ``month``, every holder whose household may no longer need the post; returns the new flags."""
    income_line = need_income_line() if income_line is None else income_line
    holders = session.scalars(select(WelfareAppointment).where(WelfareAppointment.status == AppointmentStatus.ACTIVE)
                              .options(selectinload(WelfareAppointment.person)).order_by(WelfareAppointment.id)).all()
    flagged = set(session.scalars(select(WelfareNeedReview.appointment_id).where(
        WelfareNeedReview.month == str(month))))
    reviews = []
    for appointment in holders:
        if appointment.id in flagged:
            continue
        reason = no_longer_needed_reason(session, appointment, income_line)
        if not reason:
            continue
        review = WelfareNeedReview(appointment_id=appointment.id, month=str(month), reason=reason,
                                   status=ReviewStatus.OPEN, flagged_at=utcnow())
        session.add(review)
        session.flush()
        person = appointment.person
        ledger.append(session, "welfare_need_flagged", actor=actor, household_id=person.household_id,
                      person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                      data={"review_id": review.id, "appointment_id": appointment.id, "month": str(month),
                            "reason": reason})
        reviews.append(review)
    return reviews


def open_reviews(session: Session, post_id: int) -> list[WelfareNeedReview]:
    return list(session.scalars(select(WelfareNeedReview).join(WelfareAppointment).where(
        WelfareAppointment.post_id == post_id, WelfareNeedReview.status == ReviewStatus.OPEN)
        .order_by(WelfareNeedReview.id)))


def decide_review(session: Session, review_id: int, *, keep: bool, note: str, actor: str) -> WelfareNeedReview:
    """Staff's decision on a flag: keep the person on the post (a note says why) or exit them."""
    review = get_or_fail(session, WelfareNeedReview, review_id, "review_id", "复核记录")
    require(review.status == ReviewStatus.OPEN, "review_id", "这条复核已处理")
    note = (note or "").strip()
    require(not keep or bool(note), "note", "继续在岗请写明理由")
    require(len(note) <= 500, "note", "备注太长（最多 500 字）")
    appointment = review.appointment
    if not keep and appointment.status == AppointmentStatus.ACTIVE:
        exit_post(session, appointment.id, reason=ExitReason.NO_LONGER_NEEDED, actor=actor)
    review.status = ReviewStatus.KEPT if keep else ReviewStatus.EXITED
    review.decision_note, review.decided_at = note, utcnow()
    person = appointment.person
    ledger.append(session, "welfare_need_reviewed", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                  data={"review_id": review.id, "decision": review.status, "note": note})
    return review
