"""Public-welfare posts (rule 2): set up on need, filled per post within the quota, orderly exit.

Appointing locks the post row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers), so two staff filling the last place at
once cannot both succeed. An appointment opens an employment spell of kind
"welfare_post"; an exit closes it, and the freed place is offered by SMS to the next
ranked candidate who was neither offered nor held this post before.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import add_months, local_today
from jobmatch.models import LedgerEvent, Person, Settlement, WelfareAppointment, WelfarePost
from jobmatch.models.welfare import EXIT_REASONS, ExitReason, WelfarePostStatus
from jobmatch.services.households.employment_changes import NewJob, end_spell, start_job
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.welfare.ranking import WelfareCandidate, rank_candidates
from jobmatch.services.errors import WorkflowError, get_or_fail, require
from jobmatch.vocabulary.staff import EXIT_REASON_LABELS

MAX_TERM_MONTHS = 36


@dataclass(frozen=True)
class ExitResult:
    appointment: WelfareAppointment
    next_candidate: WelfareCandidate | None  # offered the freed place by SMS, if anyone was left


def create_post(session: Session, *, settlement_id: int, title: str, quota: int, monthly_subsidy: int,
                term_months: int = 12, duties: str = "", actor: str) -> WelfarePost:
    """Set up a post at a site (按需设岗)."""
    get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    title = (title or "").strip()
    require(0 < len(title) <= 80, "title", "请填写岗位名称（最多 80 字）")
    require(isinstance(quota, int) and 1 <= quota <= 500, "quota", "名额应在 1 到 500 之间")
    require(isinstance(monthly_subsidy, int) and 1 <= monthly_subsidy <= 10_000, "monthly_subsidy",
            "月补贴应在 1 到 10000 元之间")
    require(isinstance(term_months, int) and 1 <= term_months <= MAX_TERM_MONTHS, "term_months",
            f"任期应在 1 到 {MAX_TERM_MONTHS} 个月之间")
    post = WelfarePost(settlement_id=settlement_id, title=title, duties=(duties or "").strip(), quota=quota,
                       monthly_subsidy=monthly_subsidy, term_months=term_months, status=WelfarePostStatus.OPEN)
    session.add(post)
    session.flush()
    ledger.append(session, "welfare_post_created", actor=actor, subject=f"welfare_post:{post.id}",
                  data={"title": title, "quota": quota, "monthly_subsidy": monthly_subsidy,
                        "term_months": term_months, "settlement_id": settlement_id})
    return post


def active_appointments(session: Session, post_id: int) -> list[WelfareAppointment]:
    """Who holds the post now."""
    return list(session.scalars(select(WelfareAppointment).where(
        WelfareAppointment.post_id == post_id, WelfareAppointment.exited_on.is_(None))
        .order_by(WelfareAppointment.id)))


def places_left(session: Session, post: WelfarePost) -> int:
    """Free places on the post: quota minus current holders."""
    held = session.scalar(select(func.count()).select_from(WelfareAppointment).where(
        WelfareAppointment.post_id == post.id, WelfareAppointment.exited_on.is_(None)))
    return post.quota - int(held or 0)


def candidates_for_post(session: Session, post_id: int) -> list[WelfareCandidate]:
    """The ranked candidates for a post, each with points and a plain-Chinese reason."""
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    return rank_candidates(session, post)


def appoint(session: Session, post_id: int, person_id: int, *, actor: str,
            started_on: date | None = None) -> WelfareAppointment:
    """Appoint a person to a post within its quota; opens a "welfare_post" spell."""
    post = _locked_post(session, post_id)
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(post.status == WelfarePostStatus.OPEN, "post_id", "该岗位已关闭，不能再安排人员")
    require(person.household.settlement_id == post.settlement_id, "person_id",
            f"{person.name}不住在该岗位所在的安置点")
    require(person.capacity != "none", "person_id", f"{person.name}无劳动能力，不能安排公益性岗位")
    started_on = started_on or local_today()
    require(places_left(session, post) > 0, "post_id", f"该岗位名额已满（共 {post.quota} 个）")
    spell = start_job(session, NewJob(person_id=person.id, kind="welfare_post", employer_name=post.title,
                                      started_on=started_on, monthly_income=post.monthly_subsidy,
                                      contract_months=post.term_months), actor=actor)
    appointment = WelfareAppointment(post_id=post.id, person_id=person.id, started_on=started_on,
                                     term_ends_on=add_months(started_on, post.term_months), spell_id=spell.id)
    session.add(appointment)
    session.flush()
    ledger.append(session, "welfare_post_assigned", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{post.id}",
                  data={"appointment_id": appointment.id, "started_on": started_on,
                        "term_ends_on": appointment.term_ends_on, "monthly_subsidy": post.monthly_subsidy})
    return appointment


def _locked_post(session: Session, post_id: int) -> WelfarePost:
    get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    ledger.lock_chain(session)
    # populate_existing: read the row again under the lock, not the copy already in the session.
    return session.scalars(select(WelfarePost).where(WelfarePost.id == post_id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def exit_post(session: Session, appointment_id: int, *, reason: str, actor: str,
              exited_on: date | None = None, offer_next: bool = True) -> ExitResult:
    """End an appointment (有序退岗) and offer the freed place to the next ranked candidate."""
    appointment = get_or_fail(session, WelfareAppointment, appointment_id, "appointment_id", "岗位安排")
    require(reason in EXIT_REASONS, "reason", f"退岗原因应为：{'、'.join(EXIT_REASON_LABELS.values())}")
    require(appointment.exited_on is None, "appointment_id", "此人已经退岗")
    exited_on = exited_on or local_today()
    require(exited_on >= appointment.started_on, "exited_on", "退岗日期不能早于上岗日期")
    require(exited_on <= local_today(), "exited_on", "退岗日期不能晚于今天")
    _locked_post(session, appointment.post_id)
    appointment.exited_on, appointment.exit_reason = exited_on, ExitReason(reason)
    if appointment.spell is not None and appointment.spell.ended_on is None:
        end_spell(session, appointment.spell, reason=f"公益性岗位退岗：{EXIT_REASON_LABELS[reason]}",
                  ended_on=exited_on, actor=actor)
    person = appointment.person
    ledger.append(session, "welfare_post_exited", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"welfare_post:{appointment.post_id}",
                  data={"appointment_id": appointment.id, "reason": reason, "exited_on": exited_on})
    next_candidate = offer_place_to_next(session, appointment.post_id, actor=actor) if offer_next else None
    return ExitResult(appointment, next_candidate)


def offer_place_to_next(session: Session, post_id: int, *, actor: str) -> WelfareCandidate | None:
    """Offer a free place by SMS to the best candidate not yet offered this post; None if nobody is left."""
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    if post.status != WelfarePostStatus.OPEN or places_left(session, post) <= 0:
        return None
    excluded = _already_offered(session, post.id) | _held_before(session, post.id)
    candidates = rank_candidates(session, post, exclude_person_ids=excluded)
    if not candidates:
        return None
    chosen = candidates[0]
    queue_message(session, person_id=chosen.person_id, kind="welfare_post", subject=f"welfare_post:{post.id}",
                  expects_reply=True, actor=actor,
                  data={"title": post.title, "place": post.settlement.name, "wage": f"补贴{post.monthly_subsidy}元",
                        "reason": f"优先原因：{chosen.reason}", "link": f"welfare_post:{post.id}"})
    ledger.append(session, "welfare_post_offered", actor=actor, household_id=chosen.household_id,
                  person_id=chosen.person_id, subject=f"welfare_post:{post.id}",
                  data={"points": chosen.points, "reason": chosen.reason})
    return chosen


def _already_offered(session: Session, post_id: int) -> set[int]:
    return set(session.scalars(select(LedgerEvent.person_id).where(
        LedgerEvent.kind == "welfare_post_offered", LedgerEvent.subject == f"welfare_post:{post_id}")))


def _held_before(session: Session, post_id: int) -> set[int]:
    # The place rotates (轮岗): whoever held this post is not offered it again automatically.
    return set(session.scalars(select(WelfareAppointment.person_id).where(WelfareAppointment.post_id == post_id)))


def answer_welfare_offer(session: Session, subject_id: int, person_id: int, accepted: bool, *,
                         actor: str, via: str) -> str:
    """The answer to "welfare_post:<id>" (jobmatch.services.answers): "1" takes the place if one is still free, "2" passes it on."""
    post = session.get(WelfarePost, subject_id)
    if post is None or person_id not in _already_offered(session, subject_id):
        return ""
    person = session.get(Person, person_id)
    common = {"title": post.title, "link": f"welfare_post:{post.id}"}
    if not accepted:
        ledger.append(session, "welfare_post_declined", actor=actor, household_id=person.household_id,
                      person_id=person_id, subject=f"welfare_post:{post.id}", data={"via": via})
        offer_place_to_next(session, post.id, actor=actor)
        return _confirm(session, person_id, "confirm_declined", common, actor)
    common["employer"] = post.settlement.name
    if places_left(session, post) <= 0:
        return _confirm(session, person_id, "confirm_waitlisted", common, actor)
    try:
        appoint(session, post.id, person_id, actor=actor)
    except WorkflowError:  # found work meanwhile, or the post closed: nothing to confirm
        return ""
    return _confirm(session, person_id, "confirm_accepted", common, actor)


def _confirm(session: Session, person_id: int, kind: str, data: dict, actor: str) -> str:
    queue_message(session, person_id=person_id, kind=kind, data=data, actor=actor)
    return kind

