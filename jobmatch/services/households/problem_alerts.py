"""Staff told at once (rule 8): a worker's problem report, on the page or by a text in their own
words (which opens a problem: households.text_problems), texts the site's staff members.

The text goes to every active staff member assigned to the household's site who has a mobile on
their account (User.phone); a site with no staff member assigned (rule 3) falls to its county's
officers. It is an ordinary outbox text: between 21:00 and 08:00 it waits for 08:00, which is also
when the 3 minutes start to run (jobmatch.services.households.working_hours). A report made less
than 3 minutes of working time before the working day ends (20:58) waits too: the text asks for an
answer within 3 minutes, so it goes when the working day of its answer deadline begins (08:00 the
next morning), not two minutes before staff go off duty. One text per staff member per problem,
written in the report's own transaction; and one more when the worker texts again about a problem
staff have already answered (households.text_problems), as they would not hear of it otherwise.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.models import County, Household, Message, Problem, Settlement, User, staff_settlements
from jobmatch.models.problems import ProblemCategory, ProblemSource, ProblemStage
from jobmatch.services.households.problems import DEADLINES
from jobmatch.services.households.working_hours import working_hours
from jobmatch.services.sms.messaging import queue_staff_message
from jobmatch.vocabulary.staff import PROBLEM_CATEGORY_LABELS
from notifications.kinds import MessageKind


def alert_site_staff(session: Session, problem: Problem, *, actor: str) -> list[Message]:
    """Queue the problem alert to the site's staff (else the county's officers); the texts queued."""
    if problem.source == ProblemSource.SMS:  # a text in the worker's own words
        what = "发来短信留言"
    else:
        what = f"反映{PROBLEM_CATEGORY_LABELS[ProblemCategory(problem.category)]}问题"
    return _alert(session, problem.household_id, what, subject=f"problem:{problem.id}", actor=actor)


def alert_site_staff_of_new_text(session: Session, problem: Problem, *, actor: str) -> list[Message]:
    """The worker wrote again about a problem staff already answered: the same alert to the same staff."""
    return _alert(session, problem.household_id, "又发来短信留言", subject=f"problem:{problem.id}", actor=actor)


def _alert(session: Session, household_id: int, what: str, *, subject: str, actor: str) -> list[Message]:
    household = session.get(Household, household_id)
    assert household is not None  # the caller just recorded something of it
    settlement = session.get(Settlement, household.settlement_id)
    county = session.get(County, household.county_id)
    recipients = _site_staff(session, household.settlement_id) or _county_officers(session, household.county_id)
    data = {"place": settlement.name if settlement else "", "what": what}
    queued = []
    not_before = answer_clock_opening(utcnow())
    for user_id in recipients:
        message = queue_staff_message(session, user_id=user_id, kind=MessageKind.PROBLEM_ALERT, data=data,
                                      signature=county.sms_signature if county else None, subject=subject,
                                      household_id=household.id, actor=actor, not_before=not_before)
        if message is not None:
            queued.append(message)
    return queued


def answer_clock_opening(reported_at: datetime) -> datetime:
    """When the working day in which a report's 3-minute answer falls due begins: the alert's earliest
    send time (the report's own moment when the 3 minutes fit in today's working hours)."""
    hours = working_hours()
    deadline = hours.add(reported_at, DEADLINES[ProblemStage.ACKNOWLEDGED])
    return max(reported_at, hours.opening_of(deadline))


def _site_staff(session: Session, settlement_id: int) -> list[int]:
    return list(session.scalars(
        select(User.id).join(staff_settlements, staff_settlements.c.user_id == User.id)
        .where(staff_settlements.c.settlement_id == settlement_id, User.role == "staff", User.active.is_(True))
        .order_by(User.id)))


def _county_officers(session: Session, county_id: int) -> list[int]:
    return list(session.scalars(select(User.id).where(User.county_id == county_id, User.role == "county_officer",
                                                      User.active.is_(True)).order_by(User.id)))
