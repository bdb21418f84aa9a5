"""Offering a public-welfare place and the worker's answer (consent).

- Staff appoint from the ranked candidates; the appointment is *offered* to the worker by
  SMS and on their page ("回1接受 回2不要") and reserves the place. It counts (spell,
  subsidy, household employed) only once the worker accepts, from the day they accept.
- Choosing anyone but the best-ranked eligible candidate needs a written reason; it is
  stored on the appointment and in the ledger, and shown on the post's page. The best
  candidate is the first of the ranking leaving out people who declined this post or held
  it before (the place rotates, 轮岗).
- Accepting withdraws the worker's other open job offers (each place passes on as after
  a "no"); the employer's candidate list shows the offer withdrawn and why.
- "2" passes the place to the next ranked candidate; so does no answer within
  ``OFFER_EXPIRY_HOURS`` (``expire_unanswered``, run by `jobmatch welfare check`).
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import add_months, local_today, utcnow
from jobmatch.models import Person, WelfareAppointment, WelfarePost
from jobmatch.models.welfare import AppointmentStatus, WelfarePostStatus
from jobmatch.services.errors import WorkflowError, get_or_fail, require
from jobmatch.services.households.employment_changes import NewJob, current_spell, start_job
from jobmatch.services.offers.lifecycle import current_settings, promised_deadline
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.welfare.posts import locked_post, places_left
from jobmatch.services.welfare.ranking import WelfareCandidate, rank_candidates
from notifications.kinds import MessageKind
from notifications.wording import moment_text

WITHDRAWN_FOR_WELFARE = "已安排公益性岗位"
MAX_OVERRIDE_REASON = 500


def _passed_over(session: Session, post_id: int) -> set[int]:
    """People not ranked first again for this post: they declined it or held it before."""
    return set(session.scalars(select(WelfareAppointment.person_id).where(
        WelfareAppointment.post_id == post_id,
        WelfareAppointment.status.in_([AppointmentStatus.DECLINED, AppointmentStatus.EXITED]))))


def best_candidate(session: Session, post: WelfarePost) -> WelfareCandidate | None:
    """The candidate staff must choose unless they write why not."""
    ranked = rank_candidates(session, post, exclude_person_ids=_passed_over(session, post.id))
    return ranked[0] if ranked else None


def _why_not_a_candidate(session: Session, post: WelfarePost, person: Person) -> str:
    from jobmatch.services.offers.matching_input import age_on

    if person.household.settlement_id != post.settlement_id:
        return f"{person.name}不住在该岗位所在的安置点"
    if person.capacity == "none":
        return f"{person.name}无劳动能力，不能安排公益性岗位"
    if current_spell(session, person.id) is not None:
        return f"{person.name}已有在岗记录，请先登记离职"
    if not person.wants_work:
        return f"{person.name}没有就业意愿"
    age = age_on(person.birth_date, local_today())
    if age is None or not post.age_min <= age <= post.age_max:
        return f"{person.name}{age}岁，不在该岗位的年龄范围（{post.age_min}–{post.age_max}岁）内，可先修改岗位年龄范围"
    return f"{person.name}已有公益性岗位或正等待答复另一个公益性岗位"


def appoint(session: Session, post_id: int, person_id: int, *, actor: str,
            override_reason: str = "") -> WelfareAppointment:
    """Offer a place on the post to a ranked candidate; the best-ranked unless a reason is written."""
    post = locked_post(session, post_id)
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(post.status == WelfarePostStatus.OPEN, "post_id", "该岗位已关闭，不能再安排人员")
    require(places_left(session, post) > 0, "post_id", f"该岗位名额已满（共 {post.quota} 个）")
    ranked = rank_candidates(session, post)
    chosen = next((c for c in ranked if c.person_id == person.id), None)
    if chosen is None:
        raise WorkflowError("person_id", _why_not_a_candidate(session, post, person))
    override_reason = (override_reason or "").strip()
    require(len(override_reason) <= MAX_OVERRIDE_REASON, "override_reason",
            f"理由太长（最多 {MAX_OVERRIDE_REASON} 字）")
    best = best_candidate(session, post)
    if best is not None and best.person_id != person.id:
        require(bool(override_reason), "override_reason",
                f"排在第一位的是{best.name}（{best.reason}）；安排{person.name}须写明理由")
    else:
        override_reason = ""
    return offer_place(session, post, chosen, actor=actor, override_reason=override_reason,
                       best=best, rank=ranked.index(chosen) + 1)


def offer_place(session: Session, post: WelfarePost, candidate: WelfareCandidate, *, actor: str,
                override_reason: str = "", best: WelfareCandidate | None = None,
                rank: int | None = None) -> WelfareAppointment:
    """Reserve a place for ``candidate`` and ask them by SMS and on their page."""
    today = local_today()
    appointment = WelfareAppointment(
        post_id=post.id, person_id=candidate.person_id, status=AppointmentStatus.OFFERED, started_on=today,
        term_ends_on=add_months(today, post.term_months), override_reason=override_reason,
        priority_grounds=list(candidate.grounds), offered_at=utcnow())
    session.add(appointment)
    session.flush()
    ledger.append(session, "welfare_post_offered", actor=actor, household_id=candidate.household_id,
                  person_id=candidate.person_id, subject=f"welfare_post:{post.id}",
                  data={"appointment_id": appointment.id, "points": candidate.points, "reason": candidate.reason,
                        "rank": rank, "best_person_id": best.person_id if best else candidate.person_id,
                        "override_reason": override_reason})
    deadline = answer_deadline(appointment, current_settings().expiry_hours)
    assert deadline is not None  # just offered
    queue_message(session, person_id=candidate.person_id, kind=MessageKind.WELFARE_POST,
                  subject=f"welfare_post:{post.id}", expects_reply=True, actor=actor,
                  data={"title": post.title, "wage": f"补贴{post.monthly_subsidy}元",
                        "reason": f"优先原因：{candidate.reason}", "deadline": moment_text(deadline),
                        "link": f"welfare_post:{post.id}"})
    return appointment


def offer_place_to_next(session: Session, post_id: int, *, actor: str) -> WelfareCandidate | None:
    """Offer a free place to the best candidate who neither declined nor held this post; None if nobody."""
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    if post.status != WelfarePostStatus.OPEN or places_left(session, post) <= 0:
        return None
    chosen = best_candidate(session, post)
    if chosen is None:
        return None
    offer_place(session, post, chosen, actor=actor, best=chosen, rank=1)
    return chosen


def expire_unanswered(session: Session, *, hours: int, actor: str = "system") -> list[WelfareAppointment]:
    """Offers not answered by their deadline (``hours`` on): the place passes to the next ranked candidate."""
    now = utcnow()
    cutoff = now - timedelta(hours=hours)  # every deadline is at least this long after the offer
    stale = session.scalars(select(WelfareAppointment.id).where(
        WelfareAppointment.status == AppointmentStatus.OFFERED, WelfareAppointment.offered_at < cutoff)
        .order_by(WelfareAppointment.id)).all()
    expired: list[WelfareAppointment] = []
    for appointment_id in stale:
        appointment = session.get(WelfareAppointment, appointment_id)
        assert appointment is not None  # just selected by id
        locked_post(session, appointment.post_id)
        session.refresh(appointment)
        deadline = answer_deadline(appointment, hours)
        if deadline is None or deadline > now:
            continue
        appointment.status = AppointmentStatus.DECLINED
        ledger.append(session, "welfare_post_declined", actor=actor, household_id=appointment.person.household_id,
                      person_id=appointment.person_id, subject=f"welfare_post:{appointment.post_id}",
                      data={"appointment_id": appointment.id, "reason": f"{hours}小时未答复"})
        offer_place_to_next(session, appointment.post_id, actor=actor)
        expired.append(appointment)
    return expired


def answer_deadline(appointment: WelfareAppointment, hours: int) -> datetime | None:
    """When an unanswered offer of a place passes on (``expire_unanswered``): ``hours`` from when its SMS may
    first go, rounded up to noon or 6 pm, as a job offer's (the SMS and the worker's page state it); None once
    answered."""
    if appointment.status != AppointmentStatus.OFFERED or appointment.offered_at is None:
        return None
    return promised_deadline(appointment.offered_at, hours, MessageKind.WELFARE_POST)


def open_offer(session: Session, post_id: int, person_id: int) -> WelfareAppointment | None:
    return session.scalar(select(WelfareAppointment).where(
        WelfareAppointment.post_id == post_id, WelfareAppointment.person_id == person_id,
        WelfareAppointment.status == AppointmentStatus.OFFERED))


def answer_welfare_offer(session: Session, subject_id: int, person_id: int, accepted: bool, *,
                         actor: str, via: str) -> str:
    """The answer to "welfare_post:<id>" (jobmatch.services.answers): "1" takes the offered place, "2" passes it on."""
    if session.get(WelfarePost, subject_id) is None or open_offer(session, subject_id, person_id) is None:
        return ""
    post = locked_post(session, subject_id)
    appointment = open_offer(session, post.id, person_id)
    if appointment is None:  # answered meanwhile
        return ""
    person = appointment.person
    common = {"title": post.title, "link": f"welfare_post:{post.id}"}
    appointment.answered_at = utcnow()
    if not accepted:
        appointment.status = AppointmentStatus.DECLINED
        ledger.append(session, "welfare_post_declined", actor=actor, household_id=person.household_id,
                      person_id=person_id, subject=f"welfare_post:{post.id}",
                      data={"appointment_id": appointment.id, "via": via})
        offer_place_to_next(session, post.id, actor=actor)
        return _confirm(session, person_id, MessageKind.CONFIRM_DECLINED, common, actor)
    if current_spell(session, person_id) is not None:  # found work meanwhile: the place passes on
        appointment.status = AppointmentStatus.DECLINED
        ledger.append(session, "welfare_post_declined", actor=actor, household_id=person.household_id,
                      person_id=person_id, subject=f"welfare_post:{post.id}",
                      data={"appointment_id": appointment.id, "via": via, "reason": "已有在岗记录"})
        offer_place_to_next(session, post.id, actor=actor)
        return ""
    _activate(session, post, appointment, actor=actor, via=via)
    return _confirm(session, person_id, MessageKind.CONFIRM_ACCEPTED, {**common, "employer": post.settlement.name},
                    actor)


def _activate(session: Session, post: WelfarePost, appointment: WelfareAppointment, *, actor: str, via: str) -> None:
    from jobmatch.services.offers.hiring import withdraw_other_offers

    today = local_today()
    appointment.status = AppointmentStatus.ACTIVE
    appointment.started_on, appointment.term_ends_on = today, add_months(today, post.term_months)
    spell = start_job(session, NewJob(person_id=appointment.person_id, kind="welfare_post", employer_name=post.title,
                                      started_on=today, monthly_income=post.monthly_subsidy,
                                      contract_months=post.term_months), actor=actor)
    appointment.spell_id = spell.id
    person = appointment.person
    ledger.append(session, "welfare_post_assigned", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{post.id}",
                  data={"appointment_id": appointment.id, "started_on": today, "via": via,
                        "term_ends_on": appointment.term_ends_on, "monthly_subsidy": post.monthly_subsidy})
    withdraw_other_offers(session, person.id, hired_offer_id=0, actor=actor, settings=current_settings(),
                          reason=WITHDRAWN_FOR_WELFARE)


def _confirm(session: Session, person_id: int, kind: MessageKind, data: dict, actor: str) -> str:
    queue_message(session, person_id=person_id, kind=kind, data=data, actor=actor)
    return kind.value
