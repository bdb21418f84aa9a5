"""An ask's answer window starts when its SMS reaches the person, not when it was queued.

The outbox calls ``message_settled`` when a message that asks for an answer is sent,
delivered or finally failed; one table maps the ask's subject type to the area that
keeps the deadline (like answers.ANSWER_HANDLERS). Subjects without a deadline
(fair invitations: the fair's date is the deadline) are not in it.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from jobmatch.models import Message
from jobmatch.services.offers import lifecycle

WINDOW_STARTERS = {
    "offer": lifecycle.start_answer_window,
}


def message_settled(session: Session, message: Message, at: datetime) -> None:
    """``message`` reached the person (or will not) at ``at``: start its ask's answer window."""
    subject_settled(session, message.subject, message.expects_reply, at)


def subject_settled(session: Session, subject: str | None, expects_reply: bool, at: datetime) -> None:
    """A message about ``subject`` settled at ``at`` (for callers holding its columns, not the row)."""
    if not expects_reply:
        return
    subject_type, _, raw_id = (subject or "").partition(":")
    starter = WINDOW_STARTERS.get(subject_type)
    if starter is not None and raw_id.isdigit():
        starter(session, int(raw_id), at)
