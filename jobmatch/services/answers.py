"""Answers to asks ("1"/"2" by SMS, the worker's page, or staff at the door), routed to the area asked.

A message queued with ``expects_reply=True`` and a subject such as ``"offer:12"`` is an
ask. ``ANSWER_HANDLERS`` maps each subject type to the area function that takes the
answer; a subject type not in the table is an error. Every path takes its answer through
``answer()``: the SMS webhook (services/sms/inbound.py), the worker's page and staff.

A handler changes its own records, queues its own confirmation SMS (it holds the template
data) and returns the confirmation's kind, or "" when the answer changed nothing (e.g. a
second "1" to an offer already accepted). An ask is answered once: a repeated answer to
the same ask does not reach the handler.

Lock order: ``answer()`` takes the ledger chain's lock before any statement that writes
(and without flushing anything pending), so it never holds a row lock while waiting for
the chain: see "Ledger" in docs/CONTRACTS.md.
"""

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Message, Person
from jobmatch.models.messages import GONE_OUT_STATUSES, IN_FLIGHT_STATUSES, WAITING_STATUSES, AskAnswer, MessageStatus
from jobmatch.services.fairs.events import answer_fair_invitation
from jobmatch.services.gigs.offering import answer_gig_offer
from jobmatch.services.gigs.pay import answer_pay
from jobmatch.services.labour_export.arrival import answer_export_arrival
from jobmatch.services.labour_export.recruitment import answer_export_invitation
from jobmatch.services.offers.lifecycle import answer_offer
from jobmatch.services.welfare.appointments import answer_welfare_offer


class AnswerHandler(Protocol):
    def __call__(self, session: Session, subject_id: int, person_id: int, accepted: bool, /, *,
                 actor: str, via: str) -> str: ...


ANSWER_HANDLERS: dict[str, AnswerHandler] = {
    "offer": answer_offer,
    "welfare_post": answer_welfare_offer,
    "fair_invitation": answer_fair_invitation,
    "export_invitation": answer_export_invitation,
    "export_arrival": answer_export_arrival,
    "gig": answer_gig_offer,
    "gig_pay": answer_pay,
}


class UnknownSubject(LookupError):
    """An answer to a subject no area takes answers for (a programming error, not the worker's)."""


def split_subject(subject: str) -> tuple[str, int]:
    """``"offer:12"`` -> ``("offer", 12)``; UnknownSubject for anything else."""
    subject_type, _, raw_id = subject.partition(":")
    if not subject_type or not raw_id.isdigit():
        raise UnknownSubject(f"not a subject an answer can go to: {subject!r}")
    return subject_type, int(raw_id)


def handler_for(subject_type: str) -> AnswerHandler:
    try:
        return ANSWER_HANDLERS[subject_type]
    except KeyError:
        raise UnknownSubject(f"no area takes answers to {subject_type!r} asks") from None


def answer(session: Session, subject: str, person_id: int, accepted: bool, *, actor: str, via: str,
           ask_id: int | None = None) -> str:
    """Take a person's yes or no to ``subject``; returns the confirmation kind ("" if nothing changed).

    Closes the person's open ask of that subject (exactly ``ask_id`` when given, as for an SMS
    "1"), then lets the subject's area take the answer. An ask answered meanwhile changes
    nothing more.
    """
    subject_type, subject_id = split_subject(subject)
    handler = handler_for(subject_type)
    with session.no_autoflush:
        ledger.lock_chain(session)  # first: before any row lock (see the module docstring)
    ask = _open_ask(session, subject, person_id, ask_id)
    if ask_id is not None and ask is None:
        return ""  # answered meanwhile by another path
    if ask is not None:
        _close_ask(ask, accepted)
    confirmation = handler(session, subject_id, person_id, accepted, actor=actor, via=via) or ""
    if ask is not None:
        _record_answered(session, ask, actor=actor, via=via, confirmation=confirmation)
    return confirmation


def answer_ask(session: Session, person_id: int, message_id: int, accepted: bool, *, via: str = "web") -> str:
    """The person answers one of their asks by its message id (e.g. from the list on their page)."""
    message = session.get(Message, message_id)
    if message is None or message.person_id != person_id or not message.expects_reply:
        raise LookupError(f"message {message_id} is not an ask of person {person_id}")
    return answer(session, message.subject, person_id, accepted, actor=f"person:{person_id}", via=via,
                  ask_id=message.id)


def _open_ask(session: Session, subject: str, person_id: int, ask_id: int | None) -> Message | None:
    # Read after the chain lock and past the identity map: another path may have answered it.
    query = select(Message).where(Message.subject == subject, Message.person_id == person_id,
                                  Message.expects_reply.is_(True), Message.answered_at.is_(None))
    if ask_id is not None:
        query = query.where(Message.id == ask_id)
    query = query.order_by(Message.id.desc()).limit(1).execution_options(populate_existing=True)
    return session.scalars(query).first()


def _close_ask(ask: Message, accepted: bool) -> None:
    ask.answered_at = ask.updated_at = utcnow()
    ask.answer = AskAnswer.ACCEPT if accepted else AskAnswer.DECLINE
    if ask.status in WAITING_STATUSES:
        ask.status, ask.last_error = MessageStatus.CANCELLED, "answered_before_sending"


def _record_answered(session: Session, ask: Message, *, actor: str, via: str, confirmation: str) -> None:
    person = session.get(Person, ask.person_id)
    assert person is not None  # the ask's addressee (messages.person_id is a foreign key)
    ledger.append(session, "sms_answered", actor=actor, person_id=person.id,
                  household_id=person.household_id, subject=ask.subject,
                  data={"message_id": ask.id, "answer": ask.answer, "via": via,
                        "confirmation": confirmation})


# -- the asks a bare "1"/"2" by SMS can answer ----------------------------------------------

def latest_open_ask(session: Session, person_ids: list[int], to_phone: str | None = None) -> Message | None:
    """The newest unanswered ask to these persons (sent to ``to_phone`` when given)."""
    query = select(Message).where(
        Message.person_id.in_(person_ids), Message.expects_reply.is_(True),
        Message.answered_at.is_(None), Message.status.in_(IN_FLIGHT_STATUSES + GONE_OUT_STATUSES),
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
