"""A worker's text in their own words is a problem on the 三个三 clock (rule 8).

A text that is not 1/2/0/TD nor a keyword ("零工 明天") opens a problem in the sender's words, with
the alert a problem reported on the worker's page gets (held to working hours). While one of the
sender's problems is open, a further text joins it (``problem_text_attached``) instead of opening
another; when staff have already answered that problem, the text alerts them again (unless an earlier
text since their answer is still unread: they were told of that one and have not looked yet). Staff
answer and close it as any problem, or close it with one click as "not a problem"
(a greeting, a text sent by mistake, something handled elsewhere), saying which. The texts stay on
the unread page until staff answer or close it.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import InboundMessage, Person, Problem
from jobmatch.models.ledger import EventKind
from jobmatch.models.problems import NOT_A_PROBLEM_REASONS, NotAProblemReason, ProblemCategory, ProblemSource
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.problem_alerts import alert_site_staff_of_new_text
from jobmatch.services.households.problems import DESCRIPTION_MAX_CHARS, NewProblem, problem_for_staff, raise_problem
from jobmatch.services.sms.inbound import mark_read
from jobmatch.vocabulary.staff import NOT_A_PROBLEM_LABELS

EMPTY_TEXT = "（空短信）"


def problem_from_text(session: Session, inbound: InboundMessage, person: Person) -> Problem:
    """Open a problem from the text, or attach the text to the sender's open problem; the problem."""
    actor = f"person:{person.id}"
    open_problem = open_problem_of(session, person.id)
    if open_problem is not None:
        inbound.problem_id = open_problem.id
        ledger.append(session, EventKind.PROBLEM_TEXT_ATTACHED, actor=actor, household_id=open_problem.household_id,
                      person_id=person.id, subject=f"problem:{open_problem.id}", data={"inbound_id": inbound.id})
        if _staff_to_hear_again(session, open_problem, inbound):
            alert_site_staff_of_new_text(session, open_problem, actor=actor)
        return open_problem
    description = (inbound.body or "").strip()[:DESCRIPTION_MAX_CHARS] or EMPTY_TEXT
    problem = raise_problem(session, person.household_id, NewProblem(description, ProblemCategory.OTHER, person.id),
                            source=ProblemSource.SMS, actor=actor, inbound_id=inbound.id)
    inbound.problem_id = problem.id
    return problem


def _staff_to_hear_again(session: Session, problem: Problem, inbound: InboundMessage) -> bool:
    """Staff answered the problem and have read whatever the worker wrote since, so this text is news."""
    if problem.acknowledged_at is None:
        return False  # the first alert still stands: they have not answered yet
    unread_since = session.scalar(select(InboundMessage.id).where(
        InboundMessage.problem_id == problem.id, InboundMessage.id != inbound.id, InboundMessage.unread.is_(True),
        InboundMessage.received_at > problem.acknowledged_at).limit(1))
    return unread_since is None


def open_problem_of(session: Session, person_id: int) -> Problem | None:
    """The person's latest unresolved problem (however it was raised), if any."""
    return session.scalars(select(Problem).where(Problem.person_id == person_id, Problem.resolved_at.is_(None))
                           .order_by(Problem.reported_at.desc(), Problem.id.desc()).limit(1)).first()


def texts_of_problems(session: Session, problem_ids) -> dict[int, list[InboundMessage]]:
    """The texts that opened or joined each problem, oldest first."""
    ids = list(problem_ids)
    texts: dict[int, list[InboundMessage]] = {i: [] for i in ids}
    if ids:
        for text in session.scalars(select(InboundMessage).where(InboundMessage.problem_id.in_(ids))
                                    .order_by(InboundMessage.received_at, InboundMessage.id)):
            assert text.problem_id is not None  # selected by it
            texts[text.problem_id].append(text)
    return texts


def read_texts_of(session: Session, problem_id: int, *, actor: str) -> int:
    """Staff dealt with the problem: its texts leave the unread page."""
    ids = list(session.scalars(select(InboundMessage.id).where(InboundMessage.problem_id == problem_id,
                                                               InboundMessage.unread.is_(True))))
    return mark_read(session, ids, actor=actor) if ids else 0


def close_as_not_a_problem(session: Session, problem_id: int, reason: str, *, user_id: int, actor: str) -> Problem:
    """One click on the problems page: a problem opened from a text needs nothing done; closed, saying why."""
    problem = problem_for_staff(session, problem_id, user_id)
    require(problem.source == ProblemSource.SMS, "problem_id", "只有短信留言生成的问题可以标为“不是问题”")
    require(problem.resolved_at is None, "problem_id", "该问题已经关闭")
    require(reason in NOT_A_PROBLEM_REASONS, "reason", "请选择为什么不是问题")
    problem.not_a_problem = reason
    problem.resolved_at, problem.handled_by_user_id = utcnow(), user_id
    problem.resolution = f"不是问题：{NOT_A_PROBLEM_LABELS[NotAProblemReason(reason)]}"
    read_texts_of(session, problem.id, actor=actor)
    ledger.append(session, EventKind.PROBLEM_NOT_A_PROBLEM, actor=actor, household_id=problem.household_id,
                  person_id=problem.person_id, subject=f"problem:{problem.id}", data={"reason": reason})
    return problem


def problem_of_text(session: Session, inbound_id: int) -> Problem | None:
    """The open problem a text opened or joined, if any."""
    text = get_or_fail(session, InboundMessage, inbound_id, "inbound_id", "短信")
    problem = session.get(Problem, text.problem_id) if text.problem_id is not None else None
    return problem if problem is not None and problem.resolved_at is None else None
