"""Problems workers raise, handled by the "三个三" rule (rule 8).

Each problem is acknowledged within 3 minutes, someone is on site within 3 hours and
it is resolved within 3 days, all counted from when it was reported; the minutes and
hours count working hours only (jobmatch.services.households.working_hours). Every stage keeps
its time; a stage not done by its deadline is overdue, one done after it is late.
Stages go in order, except that a problem settled on the phone may be resolved
without an on-site visit (the missing visit then shows as late, not overdue).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import FollowUp, Household, Person, Problem, User
from jobmatch.models.problems import PROBLEM_CATEGORIES, PROBLEM_SOURCES, ProblemCategory, ProblemSource, ProblemStage
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.working_hours import WorkingHours, working_hours
from jobmatch.vocabulary.staff import PROBLEM_CATEGORY_LABELS

DEADLINES = {ProblemStage.ACKNOWLEDGED: timedelta(minutes=3), ProblemStage.ON_SITE: timedelta(hours=3),
             ProblemStage.RESOLVED: timedelta(days=3)}
IN_WORKING_HOURS = {ProblemStage.ACKNOWLEDGED, ProblemStage.ON_SITE}
DESCRIPTION_MAX_CHARS = 1000


@dataclass(frozen=True)
class NewProblem:
    """A problem to record: what it is about, in the worker's words."""

    description: str
    category: str = ProblemCategory.OTHER
    person_id: int | None = None


@dataclass(frozen=True)
class ProblemStatus:
    problem: Problem
    stage: ProblemStage
    due: dict[ProblemStage, datetime]
    overdue: list[ProblemStage]  # stages past their deadline and not done
    late: list[ProblemStage]  # stages done after their deadline (or skipped)


def validate_new_problem(session: Session, household_id: int, new: NewProblem) -> None:
    """Check a NewProblem for a household before anything is written."""
    description = (new.description or "").strip()
    require(bool(description), "description", "请写清楚遇到了什么问题")
    require(len(description) <= DESCRIPTION_MAX_CHARS, "description", f"问题描述最多 {DESCRIPTION_MAX_CHARS} 字")
    require(new.category in PROBLEM_CATEGORIES, "category", f"问题类别应为：{'、'.join(PROBLEM_CATEGORY_LABELS.values())}")
    if new.person_id is not None:
        person = get_or_fail(session, Person, new.person_id, "person_id", "该人员")
        require(person.household_id == household_id, "person_id", f"{person.name}不是该户成员")


def raise_problem(session: Session, household_id: int, new: NewProblem, *, source: str, actor: str,
                  follow_up_id: int | None = None, inbound_id: int | None = None) -> Problem:
    """Record a problem for a household (from staff, a follow-up, or the worker)."""
    get_or_fail(session, Household, household_id, "household_id", "该户")
    require(source in PROBLEM_SOURCES, "source", "问题来源不对")
    if follow_up_id is not None:
        get_or_fail(session, FollowUp, follow_up_id, "follow_up_id", "回访记录")
    validate_new_problem(session, household_id, new)
    problem = Problem(household_id=household_id, person_id=new.person_id, follow_up_id=follow_up_id, source=source,
                      category=new.category, description=new.description.strip(), reported_at=utcnow(),
                      resolution="")
    session.add(problem)
    session.flush()
    _ledger(session, "problem_reported", problem, actor, {"category": new.category, "source": source}
            | ({"inbound_id": inbound_id} if inbound_id is not None else {}))
    if source in (ProblemSource.WORKER, ProblemSource.SMS):  # staff hear of it at once (rule 8)
        from jobmatch.services.households.problem_alerts import alert_site_staff

        alert_site_staff(session, problem, actor=actor)
    return problem


def report_problem(session: Session, person_id: int, description: str, *, category: str = ProblemCategory.OTHER) -> Problem:
    """The worker's page: a worker reports a problem in their own words."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    return raise_problem(session, person.household_id, NewProblem(description, category, person.id),
                         source=ProblemSource.WORKER, actor=f"person:{person.id}")


def acknowledge(session: Session, problem_id: int, *, user_id: int, actor: str) -> Problem:
    """Staff answered the worker (stage 1 of 3)."""
    problem = problem_for_staff(session, problem_id, user_id)
    require(problem.acknowledged_at is None, "problem_id", "该问题已经响应过")
    problem.acknowledged_at, problem.handled_by_user_id = utcnow(), user_id
    _ledger(session, "problem_acknowledged", problem, actor, {})
    return problem


def arrive_on_site(session: Session, problem_id: int, *, user_id: int, actor: str) -> Problem:
    """Staff are on site (stage 2 of 3)."""
    problem = problem_for_staff(session, problem_id, user_id)
    require(problem.acknowledged_at is not None, "problem_id", "请先响应该问题，再登记到场")
    require(problem.on_site_at is None, "problem_id", "已经登记过到场")
    require(problem.resolved_at is None, "problem_id", "该问题已经解决")
    problem.on_site_at = utcnow()
    _ledger(session, "problem_on_site", problem, actor, {})
    return problem


def resolve(session: Session, problem_id: int, *, resolution: str, user_id: int, actor: str) -> Problem:
    """The problem is solved (stage 3 of 3), with how."""
    problem = problem_for_staff(session, problem_id, user_id)
    resolution = (resolution or "").strip()
    require(problem.acknowledged_at is not None, "problem_id", "请先响应该问题，再登记解决")
    require(problem.resolved_at is None, "problem_id", "该问题已经解决")
    require(0 < len(resolution) <= DESCRIPTION_MAX_CHARS, "resolution", "请写明怎么解决的（最多 1000 字）")
    problem.resolved_at, problem.resolution = utcnow(), resolution
    _ledger(session, "problem_resolved", problem, actor, {"late": problem_status(problem).late})
    return problem


def problem_for_staff(session: Session, problem_id: int, user_id: int) -> Problem:
    """The problem, for a staff member (or admin) to act on; UserError otherwise."""
    problem = get_or_fail(session, Problem, problem_id, "problem_id", "问题")
    user = get_or_fail(session, User, user_id, "user_id", "工作人员")
    require(user.role in ("staff", "admin"), "user_id", "只有工作人员可以处理问题")
    return problem


def problem_deadlines(reported_at: datetime, hours: WorkingHours | None = None) -> dict[ProblemStage, datetime]:
    """When each stage is due: the minutes and hours in working hours, the days on the calendar."""
    hours = hours or working_hours()
    return {stage: hours.add(reported_at, limit) if stage in IN_WORKING_HOURS else reported_at + limit
            for stage, limit in DEADLINES.items()}


def problem_status(problem: Problem, now: datetime | None = None, hours: WorkingHours | None = None) -> ProblemStatus:
    """Where a problem stands against the 三个三 deadlines."""
    now = now or utcnow()
    # Closing a text as "not a problem" answers it then, and needs no visit.
    dismissed_at = problem.resolved_at if problem.not_a_problem else None
    done = {ProblemStage.ACKNOWLEDGED: problem.acknowledged_at or dismissed_at,
            ProblemStage.ON_SITE: problem.on_site_at or dismissed_at, ProblemStage.RESOLVED: problem.resolved_at}
    due = problem_deadlines(problem.reported_at, hours)
    overdue: list[ProblemStage] = []
    late: list[ProblemStage] = []
    for stage, deadline in due.items():
        finished_at = done[stage]
        if finished_at is None and stage == ProblemStage.ON_SITE and problem.resolved_at is not None:
            late.append(stage)  # settled without a visit
        elif finished_at is None:
            if now > deadline:
                overdue.append(stage)
        elif finished_at > deadline:
            late.append(stage)
    stage = next((s for s in (ProblemStage.RESOLVED, ProblemStage.ON_SITE, ProblemStage.ACKNOWLEDGED) if done[s]),
                 ProblemStage.REPORTED)
    return ProblemStatus(problem, stage, due, overdue, late)


def open_problem_condition():
    """A problem not yet resolved, as SQL: the open problems listed here and counted per site."""
    return Problem.resolved_at.is_(None)


def open_problems(session: Session, settlement_ids=None) -> list[ProblemStatus]:
    """Unresolved problems, the most overdue first, then the oldest."""
    query = select(Problem).join(Household, Household.id == Problem.household_id).where(open_problem_condition())
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    hours = working_hours()
    statuses = [problem_status(p, hours=hours) for p in session.scalars(query)]
    statuses.sort(key=lambda s: (-len(s.overdue), s.problem.reported_at, s.problem.id))
    return statuses


@dataclass(frozen=True)
class OpenProblemsTile:
    """The dashboard tile: how many problems are open and how long the oldest has waited."""

    open: int
    overdue: int
    oldest_age: timedelta | None


def open_problems_tile(session: Session, settlement_ids, open_count: int | None = None) -> OpenProblemsTile:
    """``open_count``: how many there are, when known (the dashboard's site figures): none open, nothing to read."""
    if open_count == 0:
        return OpenProblemsTile(0, 0, None)
    statuses = open_problems(session, settlement_ids)
    oldest = min((s.problem.reported_at for s in statuses), default=None)
    return OpenProblemsTile(len(statuses), sum(bool(s.overdue) for s in statuses),
                            utcnow() - oldest if oldest else None)


def escalated_problems(session: Session, settlement_ids) -> list[ProblemStatus]:
    """Open problems past their 3 days: the county page lists them (rule 8's escalation)."""
    return [s for s in open_problems(session, settlement_ids) if ProblemStage.RESOLVED in s.overdue]


def problems_of_person(session: Session, person_id: int) -> list[ProblemStatus]:
    """What a worker reported, newest first (the worker's page)."""
    problems = session.scalars(select(Problem).where(Problem.person_id == person_id)
                               .order_by(Problem.reported_at.desc(), Problem.id.desc()))
    return [problem_status(p) for p in problems]


def _ledger(session: Session, kind: str, problem: Problem, actor: str, data: dict) -> None:
    ledger.append(session, kind, actor=actor, household_id=problem.household_id, person_id=problem.person_id,
                  subject=f"problem:{problem.id}", data=data)
