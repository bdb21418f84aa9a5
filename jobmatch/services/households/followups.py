"""Monthly follow-ups (rule 6, 每月回访): who is due, who is overdue, and recording a contact.

The rule, in local (Asia/Shanghai) calendar months: a household is **due** when its
last follow-up is before the first day of this month (or it has none); it is
**overdue** when it also had none in the previous calendar month, i.e. its last
follow-up is before the first day of last month (or it has none). A household a roster
import created counts its listing as its start: imported this month it is due, and not
overdue until its first full month ends. A staff member
answers for the households of the settlements assigned to them (User.settlements);
a household of a site with two staff members is due for both. A household of a site with
no staff member (rule 3) falls to the county officer: their list carries it.

Recording a contact writes the follow-up, any job found or lost (employment spells,
then one refresh of the household) and any problem raised, after checking all of it:
a bad part writes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, Month, local_today, utcnow
from jobmatch.models import FollowUp, Household, MonitoringCategory, Person, Settlement, User
from jobmatch.models.followups import EmploymentState
from jobmatch.models.problems import ProblemSource
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.employment_changes import (
    NewJob,
    current_spell,
    end_spell,
    start_job,
    validate_new_job,
)
from jobmatch.services.households.monitoring_alerts import JobEnded, alert_on_jobs_ended
from jobmatch.services.households.problems import NewProblem, raise_problem, validate_new_problem
from jobmatch.services.households.status import note_follow_up
from jobmatch.services.households.zero_employment import refresh_and_flag
from jobmatch.services.welfare.exits import held_welfare_place, vacate_for_other_work
from jobmatch.vocabulary import FOLLOW_UP_EMPLOYMENT_STATE_LABELS, HEAD_RELATION

METHODS = {"phone": "电话", "visit": "入户", "sms": "短信"}  # a recorded SMS conversation is a contact too
# What the follow-up form offers: the contacts above, and a call nobody answered (noted, not a contact).
NO_ANSWER = "no_answer"
CONTACT_CHOICES = {**METHODS, NO_ANSWER: "电话未接通（不算本月回访）"}
SUMMARY_MAX_CHARS = 2000
NOTES_MAX_CHARS = 500


@dataclass(frozen=True)
class FollowUpDue:
    household_id: int
    household_no: str
    settlement: str
    head_name: str
    zero_employment: bool
    last_contacted_at: datetime | None
    overdue: bool


@dataclass
class StaffFollowUps:
    username: str
    display_name: str
    households: list[FollowUpDue] = field(default_factory=list)
    # The county officer's own list: households of sites with no staff member assigned (rule 3).
    unstaffed_sites: bool = False

    @property
    def overdue(self) -> int:
        return sum(h.overdue for h in self.households)


def month_starts(today: date | None = None) -> tuple[datetime, datetime]:
    """The first moments of this and last local month, as aware datetimes."""
    this_month = Month.of(today or local_today())
    return this_month.local_range()[0], this_month.previous().local_range()[0]


def is_overdue(last_follow_up_at: datetime | None, listed_at: datetime | None, last_month: datetime) -> bool:
    """No follow-up (nor listing, for an imported household) since the first day of last month."""
    started = last_follow_up_at or listed_at
    return started is None or started < last_month


def overdue_condition(last_month):
    """``is_overdue`` as SQL, for statements that sort or count by it."""
    started = func.coalesce(Household.last_follow_up_at, Household.listed_at)
    return started.is_(None) | (started < last_month)


def due_follow_ups(session: Session, settlement_ids) -> list[FollowUpDue]:
    """Households of these settlements due a follow-up: zero-employment first, then overdue, then longest waiting."""
    this_month, last_month = month_starts()
    rows = session.execute(
        select(Household.id, Household.household_no, Settlement.name, Household.zero_employment,
               Household.last_follow_up_at, Household.listed_at)
        .join(Settlement, Settlement.id == Household.settlement_id)
        .where(Household.settlement_id.in_(list(settlement_ids)),
               Household.last_follow_up_at.is_(None) | (Household.last_follow_up_at < this_month))).all()
    heads = _head_names(session, [r.id for r in rows])
    due = [FollowUpDue(r.id, r.household_no, r.name, heads.get(r.id, ""), r.zero_employment, r.last_follow_up_at,
                       is_overdue(r.last_follow_up_at, r.listed_at, last_month)) for r in rows]
    oldest = datetime.min.replace(tzinfo=LOCAL_TZ)
    due.sort(key=lambda d: (not d.zero_employment, not d.overdue, d.last_contacted_at or oldest, d.household_no))
    return due


def _head_names(session: Session, household_ids) -> dict[int, str]:
    names: dict[int, str] = {}
    if household_ids:
        query = (select(Person.household_id, Person.name).where(Person.household_id.in_(household_ids))
                 .order_by(Person.household_id, Person.relation != HEAD_RELATION, Person.id))
        for household_id, name in session.execute(query):
            names.setdefault(household_id, name)
    return names


def follow_ups_due_by_staff(session: Session, username: str | None = None) -> list[StaffFollowUps]:
    """For each active staff member (or the one named), the households due a follow-up."""
    query = select(User).where(User.role == "staff", User.active.is_(True)).order_by(User.username)
    if username:
        query = query.where(User.username == username)
    staff = session.scalars(query).all()
    require(bool(staff) or not username, "staff", f"找不到工作人员 {username}")
    return [StaffFollowUps(u.username, u.display_name, due_follow_ups(session, [s.id for s in u.settlements]))
            for u in staff]


def follow_ups_for_officer(session: Session, officer: User, settlement_ids) -> list[StaffFollowUps]:
    """What a county officer (or admin) sees: each staff member's households due among these
    settlements, then, under the officer's own name, those of the sites nobody is assigned to."""
    from jobmatch.services.coverage.sites import unstaffed_settlement_ids

    visible = set(settlement_ids)
    visible_households = set(session.scalars(select(Household.id).where(Household.settlement_id.in_(visible))))
    by_staff = []
    for entry in follow_ups_due_by_staff(session):
        entry.households = [h for h in entry.households if h.household_id in visible_households]
        if entry.households:
            by_staff.append(entry)
    unstaffed = unstaffed_settlement_ids(session, visible)
    if unstaffed:
        fallen = due_follow_ups(session, unstaffed)
        if fallen:
            by_staff.append(StaffFollowUps(officer.username, officer.display_name, fallen, unstaffed_sites=True))
    return by_staff


@dataclass(frozen=True)
class JobLoss:
    """A member who lost or left their job."""

    person_id: int
    reason: str = "回访登记离职"
    ended_on: date | None = None


@dataclass(frozen=True)
class FollowUpResult:
    follow_up: FollowUp
    problems: list
    became_zero_employment: bool


@dataclass(frozen=True)
class MonitoringNotes:
    """What the follow-up of a monitored household records (seed 003's dynamic monitoring)."""

    employment_state: str = ""  # an EmploymentState
    needs: str = ""
    training_wish: str = ""


def record_follow_up(session: Session, *, household_id: int, staff_user_id: int | None, method: str, actor: str,
                     summary: str = "", contacted_at: datetime | None = None, found_work: Sequence[NewJob] = (),
                     lost_work: Sequence[JobLoss] = (), problems: Sequence[NewProblem] = (),
                     monitoring: MonitoringNotes = MonitoringNotes()) -> FollowUpResult:
    """Record a phone call or visit, with the jobs found or lost and the problems raised; a monitored
    household's follow-up also records its employment state, needs and training wish."""
    household = get_or_fail(session, Household, household_id, "household_id", "该户")
    contacted_at = contacted_at or utcnow()
    _validate_contact(session, staff_user_id, method, summary, contacted_at)
    monitoring = _validated_monitoring_notes(household, monitoring)
    require(bool((summary or "").strip() or found_work or lost_work or problems or monitoring.employment_state),
            "summary", "请写明回访情况：联系上了吗，家里就业怎么样")
    losses = _validate_changes(session, household, found_work, lost_work, problems)
    follow_up = FollowUp(household_id=household.id, staff_user_id=staff_user_id, contacted_at=contacted_at,
                         method=method, summary=(summary or "").strip(), employment_state=monitoring.employment_state,
                         needs=monitoring.needs, training_wish=monitoring.training_wish)
    session.add(follow_up)
    session.flush()
    note_follow_up(session, household.id, contacted_at)
    ledger.append(session, "follow_up_recorded", actor=actor, household_id=household.id,
                  subject=f"household:{household.id}",
                  data={"follow_up_id": follow_up.id, "method": method, "contacted_at": contacted_at,
                        "found_work": len(found_work), "lost_work": len(lost_work), "problems": len(problems),
                        "employment_state": monitoring.employment_state})
    left_welfare = {}
    for spell, loss in losses:
        if held_welfare_place(session, spell.id) is not None:  # ended below, as the welfare post's exit
            left_welfare[loss.person_id] = loss.ended_on
            continue
        end_spell(session, spell, reason=loss.reason, ended_on=loss.ended_on, actor=actor, refresh=False)
    for job in found_work:
        # Found other work: a welfare place held ends (or an unanswered one is withdrawn) and passes on.
        vacate_for_other_work(session, job.person_id, actor=actor, details={"follow_up_id": follow_up.id},
                              first_day=left_welfare.get(job.person_id) or job.started_on or local_today())
        start_job(session, job, actor=actor, refresh=False)
    became_zero = refresh_and_flag(session, [household.id], actor=actor) if (found_work or lost_work) else []
    alert_on_jobs_ended(session, [JobEnded(household.id, spell.monthly_income) for spell, _ in losses], actor=actor)
    raised = [raise_problem(session, household.id, p, source=ProblemSource.FOLLOW_UP, actor=actor,
                            follow_up_id=follow_up.id)
              for p in problems]
    return FollowUpResult(follow_up, raised, bool(became_zero))


def record_unanswered_call(session: Session, *, household_id: int, staff_user_id: int | None, actor: str,
                           note: str = "") -> None:
    """Note a call nobody answered (a ledger event): it is not the month's contact, the household stays due."""
    household = get_or_fail(session, Household, household_id, "household_id", "该户")
    if staff_user_id is not None:
        get_or_fail(session, User, staff_user_id, "staff_user_id", "工作人员")
    note = (note or "").strip()
    require(len(note) <= SUMMARY_MAX_CHARS, "summary", f"回访情况最多 {SUMMARY_MAX_CHARS} 字")
    ledger.append(session, "follow_up_attempted", actor=actor, household_id=household.id,
                  subject=f"household:{household.id}", data={"method": "phone", "answered": False, "note": note})


def _validate_contact(session: Session, staff_user_id, method: str, summary: str, contacted_at: datetime) -> None:
    if staff_user_id is not None:
        get_or_fail(session, User, staff_user_id, "staff_user_id", "工作人员")
    require(method in METHODS, "method", "回访方式应为电话、入户或短信")
    require(len((summary or "").strip()) <= SUMMARY_MAX_CHARS, "summary", f"回访情况最多 {SUMMARY_MAX_CHARS} 字")
    require(contacted_at.tzinfo is not None, "contacted_at", "回访时间缺少时区")
    require(contacted_at <= utcnow(), "contacted_at", "回访时间不能晚于现在")


def _validated_monitoring_notes(household: Household, notes: MonitoringNotes) -> MonitoringNotes:
    notes = MonitoringNotes(notes.employment_state or "", (notes.needs or "").strip(), (notes.training_wish or "").strip())
    require(notes.employment_state in ("", *EmploymentState), "employment_state",
            f"就业状态应为：{'、'.join(FOLLOW_UP_EMPLOYMENT_STATE_LABELS.values())}")
    for field_name, label in (("needs", "帮扶需求"), ("training_wish", "培训意愿")):
        require(len(getattr(notes, field_name)) <= NOTES_MAX_CHARS, field_name, f"{label}最多 {NOTES_MAX_CHARS} 字")
    if household.monitoring != MonitoringCategory.NONE:
        require(bool(notes.employment_state), "employment_state", "防返贫监测户的回访请登记就业状态")
        require(bool(notes.needs), "needs", "防返贫监测户的回访请登记帮扶需求（没有请写“无”）")
        require(bool(notes.training_wish), "training_wish", "防返贫监测户的回访请登记培训意愿（没有请写“无”）")
    return notes


def _validate_changes(session: Session, household: Household, found_work, lost_work, problems) -> list:
    members = {p.id for p in household.members}
    finding = {job.person_id for job in found_work}
    losses = []
    for loss in lost_work:
        require(loss.person_id in members, "lost_work", f"人员 {loss.person_id} 不是该户成员")
        spell = current_spell(session, loss.person_id)
        require(spell is not None, "lost_work", f"人员 {loss.person_id} 没有在岗记录，无需登记离职")
        assert spell is not None  # require() raised otherwise
        require((loss.ended_on or local_today()) >= spell.started_on, "lost_work", "离职日期不能早于上岗日期")
        # A welfare place ends only by an orderly exit (rule 2), or because the person found other work.
        require(loss.person_id in finding or held_welfare_place(session, spell.id) is None, "lost_work",
                f"人员 {loss.person_id} 在公益性岗位“{spell.employer_name}”上：退岗请在该岗位页面办理并选择退岗原因；"
                "如已找到其他工作，请同时登记新工作")
        losses.append((spell, loss))
    leaving = {loss.person_id for loss in lost_work}
    for job in found_work:
        require(job.person_id in members, "found_work", f"人员 {job.person_id} 不是该户成员")
        validate_new_job(session, job, replacing_current=job.person_id in leaving)
    for problem in problems:
        validate_new_problem(session, household.id, problem)
    return losses

