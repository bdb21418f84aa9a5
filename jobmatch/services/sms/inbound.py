"""Texts coming in: workers' replies and the provider's status callbacks.

A reply is stored (body in ``inbound_messages`` only), classified
(notifications.replies) and acted on: 1/2 answer the sender's latest open ask, TD/T/退订/STOP
stop pushes with one confirmation, 订阅/START resume them, 0/帮助 get help, "零工 明天"
(今天/明天/本周) says the sender is free for gigs, and anything else gets help and waits, unread, for staff:
a text in the sender's own words opens a problem (households.text_problems). A reply repeated by the
provider (same MessageSid) changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.control_chars import without_control_chars
from jobmatch.models import Household, InboundMessage, Message, Person
from jobmatch.models.gigs import AvailabilitySource
from jobmatch.models.messages import GONE_OUT_STATUSES, IN_FLIGHT_STATUSES, MessageStatus
from jobmatch.services import answers
from jobmatch.services.answer_windows import message_settled
from jobmatch.services.gigs.availability import WHEN_LABELS, read_gig_reply, say_available
from jobmatch.services.sms.delivery import record_sent
from jobmatch.services.sms.messaging import queue_message, set_opt_out
from jobmatch.services.sms.outbox import record_event
from notifications.inbound import InboundEvent, InboundReply
from notifications.kinds import MessageKind
from notifications.phones import InvalidPhone, mask_phone, national_digits, normalise_phone
from notifications.providers import SendResult
from notifications.replies import ReplyKind, classify_reply
from notifications.twilio_statuses import DELIVERED, FAILED, INVALID_NUMBER_ERRORS, SENT


@dataclass(frozen=True)
class InboundResult:
    inbound_id: int
    kind: str  # the ReplyKind value
    duplicate: bool = False
    answered_message_id: int | None = None
    confirmation: str = ""  # the kind of SMS sent back, if any


def receive_reply(session: Session, *, from_phone: str, body: str, provider_sid: str,
                  to_phone: str = "") -> InboundResult:
    """Store an inbound SMS once and act on it; a repeated ``provider_sid`` changes nothing."""
    # A phone can send a NUL, which PostgreSQL cannot store: the reply is kept without it.
    from_phone, body, provider_sid, to_phone = map(without_control_chars, (from_phone, body, provider_sid, to_phone))
    ledger.lock_chain(session)  # before any write: one lock order with the page and staff (answers.py)
    earlier = session.scalars(select(InboundMessage).where(InboundMessage.provider_sid == provider_sid)).first()
    if earlier is not None:
        return InboundResult(earlier.id, earlier.kind, duplicate=True)
    sender = _normalised_or_raw(from_phone)
    persons = persons_with_phone(session, sender)
    reply = classify_reply(body)
    inbound = InboundMessage(provider_sid=provider_sid, from_phone=sender, to_phone=to_phone[:20], body=body,
                             received_at=utcnow(), person_id=persons[0].id if persons else None,
                             kind=reply.kind.value, unread=False)
    try:
        with session.begin_nested():
            session.add(inbound)
    except IntegrityError:  # the same reply delivered twice at once
        return InboundResult(0, reply.kind.value, duplicate=True)
    result = _act(session, inbound, reply.kind, persons)
    ledger.append(session, "sms_received", actor=f"person:{persons[0].id}" if persons else "system",
                  person_id=inbound.person_id, household_id=persons[0].household_id if persons else None,
                  subject=f"message:{result.answered_message_id}" if result.answered_message_id else "",
                  data={"inbound_id": inbound.id, "reply": reply.kind.value, "from": mask_phone(sender),
                        "unread": inbound.unread})
    return result


def persons_with_phone(session: Session, e164: str) -> list[Person]:
    """Everyone this number belongs to (a household may share one phone), most recently texted first."""
    texted: list[int] = list(session.scalars(  # type: ignore[arg-type]  # NULLs are filtered out
        select(Message.person_id).where(Message.to_phone == e164, Message.person_id.is_not(None))  # not staff
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(50)
    ))
    spellings = {e164, e164.lstrip("+"), national_digits(e164)}
    on_file = list(session.scalars(select(Person.id).where(Person.phone.in_(spellings)).order_by(Person.id)))
    person_ids = list(dict.fromkeys(texted + on_file))
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    return [persons[i] for i in person_ids if i in persons]


def _act(session: Session, inbound: InboundMessage, kind: ReplyKind, persons: list[Person]) -> InboundResult:
    if not persons:
        inbound.unread = True  # an unknown number: staff decide
        return InboundResult(inbound.id, kind.value)
    if kind in (ReplyKind.OPT_OUT, ReplyKind.OPT_IN):
        return _change_subscription(session, inbound, kind, persons)
    when = read_gig_reply(inbound.body)
    if when is not None:
        return _note_gig_availability(session, inbound, kind, when, persons[0])
    if kind in (ReplyKind.ACCEPT, ReplyKind.DECLINE):
        return _answer_latest_ask(session, inbound, kind, persons)
    inbound.unread = kind is ReplyKind.OTHER
    if inbound.unread:  # a worker wrote in their own words: a problem, staff hear of it at once (rule 8)
        from jobmatch.services.households.text_problems import problem_from_text

        session.flush()  # the text's id names it in the problem's ledger event
        problem_from_text(session, inbound, persons[0])
    _send_help(session, persons[0], inbound)
    return InboundResult(inbound.id, kind.value, confirmation=MessageKind.HELP.value)


def _change_subscription(session: Session, inbound: InboundMessage, kind: ReplyKind,
                         persons: list[Person]) -> InboundResult:
    opted_out = kind is ReplyKind.OPT_OUT
    changed = [p for p in persons if set_opt_out(session, p.id, opted_out, via="sms")]
    if not changed:
        return InboundResult(inbound.id, kind.value)  # said before: one confirmation is enough
    confirmation = MessageKind.OPT_OUT_CONFIRMATION if opted_out else MessageKind.OPT_IN_CONFIRMATION
    queue_message(session, person_id=changed[0].id, kind=confirmation, data={}, actor=f"person:{changed[0].id}",
                  subject=f"inbound:{inbound.id}")
    return InboundResult(inbound.id, kind.value, confirmation=confirmation.value)


def _answer_latest_ask(session: Session, inbound: InboundMessage, kind: ReplyKind,
                       persons: list[Person]) -> InboundResult:
    ask = answers.latest_open_ask(session, [p.id for p in persons], to_phone=inbound.from_phone)
    if ask is None:
        answered = answers.latest_answered_ask(session, [p.id for p in persons], to_phone=inbound.from_phone)
        if answered is not None:  # "1" again after answering: nothing changes, nothing to read
            inbound.message_id = answered.id
            return InboundResult(inbound.id, kind.value, answered_message_id=answered.id)
        inbound.unread = True
        _send_help(session, persons[0], inbound)
        return InboundResult(inbound.id, kind.value, confirmation=MessageKind.HELP.value)
    assert ask.person_id is not None  # only texts to workers ask something
    inbound.message_id, inbound.person_id = ask.id, ask.person_id
    confirmation = answers.answer(session, ask.subject, ask.person_id, kind is ReplyKind.ACCEPT,
                                  actor=f"person:{ask.person_id}", via="sms", ask_id=ask.id)
    return InboundResult(inbound.id, kind.value, answered_message_id=ask.id, confirmation=confirmation)


def _send_help(session: Session, person: Person, inbound: InboundMessage) -> None:
    # The phone is the person's settlement office (messaging fills it in), 12333 only as a fallback.
    queue_message(session, person_id=person.id, kind=MessageKind.HELP, data={}, actor=f"person:{person.id}",
                  subject=f"inbound:{inbound.id}")




def _note_gig_availability(session: Session, inbound: InboundMessage, kind: ReplyKind, when: str,
                           person: Person) -> InboundResult:
    """"零工 明天": the sender is free for gigs then (the odd-job market), with one confirmation."""
    say_available(session, person.id, when, source=AvailabilitySource.SMS, actor=f"person:{person.id}")
    queue_message(session, person_id=person.id, kind=MessageKind.GIG_AVAILABLE, data={"free_days": WHEN_LABELS[when]},
                  actor=f"person:{person.id}", subject=f"inbound:{inbound.id}")
    return InboundResult(inbound.id, kind.value, confirmation=MessageKind.GIG_AVAILABLE.value)


def _normalised_or_raw(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return (raw or "").strip()[:20]


# -- staff reading what the service could not act on ---------------------------------------

def unread_replies(session: Session, limit: int = 200, settlement_ids=None) -> list[InboundMessage]:
    """Inbound texts waiting for staff, oldest first. With ``settlement_ids``, only texts from
    persons of those settlements (texts from unknown numbers are then left out)."""
    query = select(InboundMessage).where(InboundMessage.unread.is_(True))
    if settlement_ids is not None:
        query = query.where(_from_settlements(list(settlement_ids)))
    return list(session.scalars(query.order_by(InboundMessage.received_at, InboundMessage.id).limit(limit)))


def unread_count(session: Session, settlement_ids=None) -> int:
    """How many texts ``unread_replies`` would list, without a limit."""
    if settlement_ids is None:
        return session.scalar(_unread_count_statement(False)) or 0
    return session.scalar(_unread_count_statement(True), {"settlement_ids": list(settlement_ids)}) or 0


@cache
def _unread_count_statement(scoped: bool):
    # Built once: the staff dashboard asks on every request.
    query = select(func.count(InboundMessage.id)).where(InboundMessage.unread.is_(True))
    return query.where(_from_settlements(bindparam("settlement_ids", expanding=True))) if scoped else query


def _from_settlements(sites):
    """``sites``: a list of settlement ids, or an expanding bound parameter."""
    # EXISTS, not IN (persons of the sites): the few unread rows drive the plan, not every person.
    return (select(Person.id).join(Household, Household.id == Person.household_id)
            .where(Person.id == InboundMessage.person_id,
                   Household.settlement_id.in_(sites))
            .exists())


def mark_read(session: Session, inbound_ids: list[int], *, actor: str, settlement_ids=None) -> int:
    """Mark inbound texts as read by staff (only those of ``settlement_ids`` when given); returns how
    many were unread."""
    query = update(InboundMessage).where(InboundMessage.id.in_(list(inbound_ids)), InboundMessage.unread.is_(True))
    if settlement_ids is not None:
        query = query.where(_from_settlements(list(settlement_ids)))
    changed = sorted(session.scalars(query.values(unread=False).returning(InboundMessage.id),
                                     execution_options={"synchronize_session": False}))
    if changed:
        ledger.append(session, "sms_read", actor=actor, data={"inbound_ids": changed})
    return len(changed)


# -- status callbacks ----------------------------------------------------------------------

def apply_inbound(session: Session, events: Iterable[InboundEvent]) -> int:
    """Act on replies and receipts in the one inbound shape (any provider); returns how many were new."""
    changed = 0
    for event in events:
        if isinstance(event, InboundReply):
            result = receive_reply(session, from_phone=event.from_phone, body=event.body, provider_sid=event.event_id,
                                   to_phone=event.to_phone)
            changed += not result.duplicate
        else:
            changed += record_status(session, provider_message_id=event.provider_message_id,
                                     status=event.status.value, error_code=event.error_code,
                                     idempotency_key=event.idempotency_key, invalid_number=event.invalid_number)
    return changed


def record_status(session: Session, *, provider_message_id: str, status: str, error_code: str = "",
                  idempotency_key: str = "", invalid_number: bool = False) -> bool:
    """Apply a provider status callback to its outbox row; False when no row matches."""
    provider_message_id, status, error_code, idempotency_key = map(
        without_control_chars, (provider_message_id, status, error_code, idempotency_key))
    message = _message_for_callback(session, provider_message_id, idempotency_key)
    if message is None:
        return False
    person = session.get(Person, message.person_id) if message.person_id is not None else None  # None: to staff
    if status in SENT | DELIVERED and message.status not in GONE_OUT_STATUSES:
        record_sent(session, message, person, SendResult(provider_message_id, status))  # settles a row in doubt
    if status in DELIVERED and message.status != MessageStatus.DELIVERED:
        message.status, message.updated_at = MessageStatus.DELIVERED, utcnow()
        record_event(session, message, person, "sms_delivered")
        message_settled(session, message, message.updated_at)
    elif status in FAILED and message.status in (MessageStatus.SENT, *IN_FLIGHT_STATUSES):
        message.status, message.updated_at = MessageStatus.FAILED, utcnow()
        message.last_error = f"carrier: {status} {error_code}".strip()
        if (invalid_number or error_code in INVALID_NUMBER_ERRORS) and person is not None:
            person.phone_invalid = True
        record_event(session, message, person, "sms_failed", reason=status, code=error_code)
        message_settled(session, message, message.updated_at)
    return True


def _message_for_callback(session: Session, provider_message_id: str, idempotency_key: str) -> Message | None:
    query = select(Message).with_for_update()
    if idempotency_key:
        found = session.scalars(query.where(Message.idempotency_key == idempotency_key)).first()
        if found is not None:
            return found
    return session.scalars(query.where(Message.provider_message_id == provider_message_id)).first()


# -- replies from a known person on another channel (the WeChat account's chat) -------------

def receive_reply_of_person(session: Session, person: Person, *, body: str, provider_sid: str,
                            channel: str) -> InboundResult:
    """A reply typed by ``person`` elsewhere than SMS, acted on exactly as an SMS reply from them.

    ``provider_sid`` (e.g. "wx:<MsgId>") makes a reply delivered twice count once; the ledger
    event is ``<channel>_received``."""
    body, provider_sid = without_control_chars(body), without_control_chars(provider_sid)
    ledger.lock_chain(session)
    earlier = session.scalars(select(InboundMessage).where(InboundMessage.provider_sid == provider_sid)).first()
    if earlier is not None:
        return InboundResult(earlier.id, earlier.kind, duplicate=True)
    reply = classify_reply(body)
    inbound = InboundMessage(provider_sid=provider_sid, from_phone=_normalised_or_raw(person.phone or ""),
                             to_phone=channel[:20], body=body, received_at=utcnow(), person_id=person.id,
                             kind=reply.kind.value, unread=False)
    try:
        with session.begin_nested():
            session.add(inbound)
    except IntegrityError:
        return InboundResult(0, reply.kind.value, duplicate=True)
    result = _act(session, inbound, reply.kind, [person])
    ledger.append(session, f"{channel}_received", actor=f"person:{person.id}", person_id=person.id,
                  household_id=person.household_id,
                  subject=f"message:{result.answered_message_id}" if result.answered_message_id else "",
                  data={"inbound_id": inbound.id, "reply": reply.kind.value, "unread": inbound.unread})
    return result
