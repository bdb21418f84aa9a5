"""Answers to asks ("1"/"2" by SMS or the worker's page), routed to the handler of the subject.

A message queued with ``expects_reply=True`` and a subject such as ``"offer:12"`` is an
ask. Other areas register a handler per subject type::

    register_reply_handler("offer", handler)
    handler(session, subject_id, person_id, accepted, *, actor, via) -> str

The handler changes its own records, queues its own confirmation SMS (it holds the
template data) and returns the confirmation's kind, or "" when the answer changed
nothing (e.g. a second "1" to an offer already accepted). An ask is answered once:
a repeated answer does not reach the handler.
"""

import importlib
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Message, Person


class ReplyHandler(Protocol):
    def __call__(self, session: Session, subject_id: int, person_id: int, accepted: bool, *,
                 actor: str, via: str) -> str: ...


_handlers: dict[str, ReplyHandler] = {}
# Modules that register handlers, imported on first need (missing ones are skipped).
HANDLER_MODULES = ("jobmatch.services.offers.lifecycle", "jobmatch.services.welfare.posts", "jobmatch.services.fairs.events")


def register_reply_handler(subject_type: str, handler: ReplyHandler) -> None:
    """Make ``handler`` answer asks whose subject is ``"<subject_type>:<id>"``."""
    _handlers[subject_type] = handler


def _load_handler(subject_type: str) -> ReplyHandler | None:
    # Handlers register when their module is imported; a worker process may not have yet.
    for module in HANDLER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return _handlers.get(subject_type)


def registered_subject_types() -> list[str]:
    return sorted(_handlers)


def split_subject(subject: str) -> tuple[str, int]:
    """``"offer:12"`` -> ``("offer", 12)``; ValueError for anything else."""
    subject_type, _, raw_id = subject.partition(":")
    if not subject_type or not raw_id.isdigit():
        raise ValueError(f"not a subject an answer can go to: {subject!r}")
    return subject_type, int(raw_id)


def latest_open_ask(session: Session, person_ids: list[int], to_phone: str | None = None) -> Message | None:
    """The newest unanswered ask to these persons (sent to ``to_phone`` when given)."""
    query = select(Message).where(
        Message.person_id.in_(person_ids), Message.expects_reply.is_(True),
        Message.answered_at.is_(None), Message.status.in_(("sent", "delivered", "sending", "dispatched")),
    )
    if to_phone:
        query = query.where(Message.to_phone == to_phone)
    return session.scalars(query.order_by(Message.created_at.desc(), Message.id.desc()).limit(1)).first()


def latest_answered_ask(session: Session, person_ids: list[int], to_phone: str | None = None) -> Message | None:
    """The newest ask to these persons that has its answer already."""
    query = select(Message).where(Message.person_id.in_(person_ids), Message.expects_reply.is_(True),
                                  Message.answered_at.is_not(None))
    if to_phone:
        query = query.where(Message.to_phone == to_phone)
    return session.scalars(query.order_by(Message.answered_at.desc(), Message.id.desc()).limit(1)).first()


def answer_message(session: Session, message: Message, accepted: bool, *, actor: str, via: str) -> str:
    """Give ``message`` its answer through the subject's handler; returns the confirmation kind."""
    if message.answered_at is not None:
        return ""  # answered before: a repeated reply changes nothing
    subject_type, subject_id = split_subject(message.subject)
    handler = _handlers.get(subject_type) or _load_handler(subject_type)
    if handler is None:
        raise LookupError(f"no reply handler registered for {subject_type!r}")
    message.answered_at = message.updated_at = utcnow()
    message.answer = "accept" if accepted else "decline"
    if message.status in ("queued", "held"):
        message.status, message.last_error = "cancelled", "answered_before_sending"
    confirmation = handler(session, subject_id, message.person_id, accepted, actor=actor, via=via) or ""
    person = session.get(Person, message.person_id)
    ledger.append(session, "sms_answered", actor=actor, person_id=person.id,
                  household_id=person.household_id, subject=message.subject,
                  data={"message_id": message.id, "answer": message.answer, "via": via,
                        "confirmation": confirmation})
    return confirmation
