"""Sending claimed outbox messages and recording what the provider said (steps 2-3 of the outbox).

See jobmatch.services.sms.outbox for the guarantees. ``deliver_batch`` is what a queue job
runs: one transaction claims the batch, the provider is called outside any
transaction, and the answers are recorded every RECORD_EVERY sends. A provider with a
batch API (``max_batch`` > 1) gets the messages not in doubt in one call; a message in
doubt is always looked up and sent alone.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Message, Person
from jobmatch.models.messages import GONE_OUT_STATUSES, MessageStatus
from jobmatch.services.answer_windows import message_settled, subject_settled
from jobmatch.services.sms.kind_stops import stop_kind
from jobmatch.services.sms.outbox import TEMPLATE_STOPPED, Claimed, OutboxSettings, claim_for_sending, record_event
from notifications.outbox import retry_delay
from notifications.phones import mask_phone
from notifications.providers import (
    BatchItem,
    LookupUnsupported,
    PermanentProviderError,
    ProviderError,
    SendResult,
    SmsProvider,
    TemplateMessage,
    TemporaryProviderError,
)
from notifications.templates import body_signature

log = logging.getLogger(__name__)

# Outcomes are written to the database every this many sends: fewer commits, and a
# crash leaves at most this many messages to look up.
RECORD_EVERY = 10


class AttemptStatus(StrEnum):
    """What became of one attempt to send."""

    UNSENT = "unsent"      # never tried: the lease ran too short
    SENT = "sent"
    RETRY = "retry"        # a temporary failure
    REJECTED = "rejected"  # the provider refused it for good
    UNKNOWN = "unknown"    # in doubt, and the provider cannot be asked


@dataclass(frozen=True)
class Outcome:
    status: AttemptStatus
    result: SendResult | None = None
    error: ProviderError | None = None


def deliver_batch(sessions: sessionmaker, provider: SmsProvider, settings: OutboxSettings,
                  message_ids: list[int]) -> dict[str, int]:
    """Send the still-dispatched messages of ``message_ids``; returns counts by outcome."""
    with sessions.begin() as session:
        claimed = claim_for_sending(session, settings, message_ids)
    counts: dict[str, int] = {"skipped": len(message_ids) - len(claimed)}
    notices = [message for message in claimed if message.openid]
    if notices:  # WeChat first; what it refuses is back in the outbox for SMS
        from jobmatch.services.wechat.notices import deliver_notices

        counts.update(deliver_notices(sessions, settings, notices))
        claimed = [message for message in claimed if not message.openid]
    unrecorded: list[tuple[Claimed, Outcome]] = []
    for group in _send_groups(claimed, getattr(provider, "max_batch", 1)):
        for message, outcome in zip(group, _attempt(sessions, provider, settings, group)):
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            unrecorded.append((message, outcome))
        if len(unrecorded) >= RECORD_EVERY:
            _record_all(sessions, settings, unrecorded)
            unrecorded = []
    _record_all(sessions, settings, unrecorded)
    return counts


def _send_groups(claimed: list[Claimed], max_batch: int) -> list[list[Claimed]]:
    if max_batch <= 1:
        return [[message] for message in claimed]
    fresh = [message for message in claimed if not message.in_doubt]
    return ([[message] for message in claimed if message.in_doubt]
            + [fresh[start:start + max_batch] for start in range(0, len(fresh), max_batch)])


def _attempt(sessions: sessionmaker, provider: SmsProvider, settings: OutboxSettings,
             group: list[Claimed]) -> list[Outcome]:
    # Past this point the dispatcher could hand the rows out again while we still send.
    latest_start = min(m.lease_until for m in group) - timedelta(seconds=2 * settings.provider_timeout_seconds + 1)
    if utcnow() > latest_start:
        return [Outcome(AttemptStatus.UNSENT)] * len(group)
    if len(group) == 1:
        return [send_or_find(provider, group[0], settings, _known_ids(sessions, group[0]))]
    items = [BatchItem(m.to_phone, m.body, m.idempotency_key, template_message(m, settings),
                       status_callback_url(settings, m.idempotency_key)) for m in group]
    return [_outcome_of(result) for result in provider.send_batch(items)]


def template_message(claimed: Claimed, settings: OutboxSettings) -> TemplateMessage | None:
    """The message as its template and variables, for providers that send templates."""
    if claimed.template_variables is None:
        return None
    # Each county signs with its own name: the one the stored body starts with.
    signature = body_signature(claimed.body) or settings.signature
    return TemplateMessage(claimed.kind, dict(claimed.template_variables), signature)


def _outcome_of(result: SendResult | ProviderError) -> Outcome:
    if isinstance(result, SendResult):
        return Outcome(AttemptStatus.SENT, result)
    if isinstance(result, LookupUnsupported):
        return Outcome(AttemptStatus.UNKNOWN, error=result)
    if isinstance(result, TemporaryProviderError):
        return Outcome(AttemptStatus.RETRY, error=result)
    return Outcome(AttemptStatus.REJECTED, error=result)


def _record_all(sessions: sessionmaker, settings: OutboxSettings, outcomes: list[tuple[Claimed, Outcome]]) -> None:
    if outcomes:
        with sessions.begin() as session:
            sent: list[tuple[int, SendResult]] = []
            for message, outcome in outcomes:
                if outcome.status == AttemptStatus.SENT:
                    assert outcome.result is not None  # a SENT outcome carries the provider's answer
                    sent.append((message.id, outcome.result))
            _record_sent_many(session, sent)
            for message, outcome in outcomes:
                if outcome.status != AttemptStatus.SENT:
                    record_outcome(session, settings, message.id, outcome)


def _record_sent_many(session: Session, sent: list[tuple[int, SendResult]]) -> None:
    # A batch send answers for a hundred messages at once: one locking read, one UPDATE
    # and one ledger append for all of them, the same effect as record_sent on each.
    if not sent:
        return
    ledger.lock_chain(session)
    results = dict(sent)
    rows = session.execute(
        select(Message.id, Message.status, Message.kind, Message.to_phone, Message.segments, Message.attempts,
               Message.person_id, Message.subject, Message.expects_reply, Message.provider_message_id,
               Person.household_id)
        .outerjoin(Person, Person.id == Message.person_id)  # a text to a staff member has no person
        .where(Message.id.in_(results)).order_by(Message.id).with_for_update(of=Message)
    ).all()
    now, events, changes = utcnow(), [], []
    for row in rows:
        provider_id = row.provider_message_id or results[row.id].provider_message_id
        if row.status in (*GONE_OUT_STATUSES, MessageStatus.FAILED):  # a status callback got here first
            if provider_id != row.provider_message_id:
                changes.append({"id": row.id, "provider_message_id": provider_id})
            continue
        changes.append({"id": row.id, "provider_message_id": provider_id, "status": MessageStatus.SENT,
                        "last_error": "", "sent_at": now, "lease_until": None, "updated_at": now})
        events.append(ledger.NewEvent(
            "sms_sent", "system", {"message_id": row.id, "kind": row.kind, "to": mask_phone(row.to_phone),
                                   "segments": row.segments, "attempts": row.attempts},
            row.household_id, row.person_id, row.subject or f"message:{row.id}"))
        # Without receipts this is the arrival; a delivery receipt later moves the window on.
        subject_settled(session, row.subject, row.expects_reply, now)
    _update_by_id(session, changes)
    ledger.append_many(session, events)


def _update_by_id(session: Session, changes: list[dict]) -> None:
    # Rows of one shape go in one executemany (a pipeline on psycopg).
    shapes: dict[tuple[str, ...], list[dict]] = {}
    for change in changes:
        shapes.setdefault(tuple(sorted(change)), []).append(change)
    for same in shapes.values():
        session.execute(update(Message), same)


def status_callback_url(settings: OutboxSettings, idempotency_key: str) -> str | None:
    """PUBLIC_BASE_URL/sms/status?key=...: the key lets a callback settle a message in doubt."""
    if not settings.status_callback_url:
        return None
    return f"{settings.status_callback_url}?{urlencode({'key': idempotency_key})}"


def send_or_find(provider: SmsProvider, claimed: Claimed, settings: OutboxSettings,
                 known_ids: frozenset[str] = frozenset()) -> Outcome:
    """Send the message, unless it is in doubt and the provider says it already has it."""
    template = template_message(claimed, settings)
    try:
        if claimed.in_doubt:
            earlier = provider.find_sent(claimed.idempotency_key, to_e164=claimed.to_phone, body=claimed.body,
                                         since=claimed.created_at, exclude_ids=known_ids, template=template)
            if earlier is not None:
                return Outcome(AttemptStatus.SENT, earlier)
        result = provider.send(claimed.to_phone, claimed.body, idempotency_key=claimed.idempotency_key,
                               status_callback_url=status_callback_url(settings, claimed.idempotency_key),
                               template=template)
    except LookupUnsupported as exc:
        return Outcome(AttemptStatus.UNKNOWN, error=exc)
    except TemporaryProviderError as exc:
        return Outcome(AttemptStatus.RETRY, error=exc)
    except PermanentProviderError as exc:
        return Outcome(AttemptStatus.REJECTED, error=exc)
    return Outcome(AttemptStatus.SENT, result)


def _known_ids(sessions: sessionmaker, claimed: Claimed) -> frozenset[str]:
    # Provider ids already recorded for the same text to the same number are not this one.
    if not claimed.in_doubt:
        return frozenset()
    with sessions() as session:
        return frozenset(session.scalars(
            select(Message.provider_message_id).where(
                Message.to_phone == claimed.to_phone, Message.body == claimed.body,
                Message.id != claimed.id, Message.provider_message_id.is_not(None))
        ))


def record_outcome(session: Session, settings: OutboxSettings, message_id: int, outcome: Outcome) -> None:
    """Write the provider's answer to the outbox row and the ledger."""
    message = session.scalars(select(Message).where(Message.id == message_id).with_for_update()).one()
    person = session.get(Person, message.person_id) if message.person_id is not None else None  # None: to staff
    if message.status in GONE_OUT_STATUSES and outcome.status != AttemptStatus.SENT:
        return  # a status callback showed it went after all
    if outcome.status == AttemptStatus.UNSENT:  # never tried: back in line, no attempt counted
        message.attempts = max(0, message.attempts - 1)
        _finish(message, MessageStatus.QUEUED, message.last_error)
    elif outcome.status == AttemptStatus.SENT:
        assert outcome.result is not None  # a SENT outcome carries the provider's answer
        record_sent(session, message, person, outcome.result)
    elif outcome.status == AttemptStatus.RETRY:
        assert isinstance(outcome.error, TemporaryProviderError)  # RETRY is made only from one
        _record_retry(session, message, person, settings, outcome.error)
    elif outcome.status == AttemptStatus.REJECTED:
        assert isinstance(outcome.error, PermanentProviderError)  # what is left after the temporary ones
        if outcome.error.template_problem:
            _record_template_problem(session, message, person, settings, outcome.error)
        else:
            _record_rejection(session, message, person, outcome.error)
    else:
        _finish(message, MessageStatus.FAILED, "outcome_unknown")
        record_event(session, message, person, "sms_failed", reason="outcome_unknown")
    if message.status == MessageStatus.FAILED:  # it will not arrive: the ask's window runs from now
        message_settled(session, message, utcnow())


def record_sent(session: Session, message: Message, person: Person | None, result: SendResult) -> None:
    """Mark ``message`` accepted by the provider (unless a callback already said more)."""
    message.provider_message_id = message.provider_message_id or result.provider_message_id
    if message.status in (*GONE_OUT_STATUSES, MessageStatus.FAILED):
        return  # a status callback got here first
    message.sent_at = utcnow()
    _finish(message, MessageStatus.SENT, "")
    record_event(session, message, person, "sms_sent", segments=message.segments, attempts=message.attempts)
    # Without receipts this is the arrival; a delivery receipt later moves the window on.
    message_settled(session, message, message.sent_at)


def _record_retry(session: Session, message: Message, person: Person | None, settings: OutboxSettings,
                  error: TemporaryProviderError) -> None:
    if error.retry_after_seconds is not None:
        _record_wait(session, message, person, error)
        return
    if message.attempts >= settings.max_attempts:
        _finish(message, MessageStatus.FAILED, _short(f"attempts_exhausted: {error.reason}"))
        record_event(session, message, person, "sms_failed", reason="attempts_exhausted",
                     code=error.code, attempts=message.attempts)
        return
    delay = retry_delay(message.attempts, settings.retry_base_seconds, settings.retry_max_seconds)
    message.in_doubt = message.in_doubt or error.maybe_sent
    message.due_at = utcnow() + delay
    _finish(message, MessageStatus.QUEUED, _short(error.reason))
    record_event(session, message, person, "sms_retry", code=error.code, attempts=message.attempts,
                 until=message.due_at, maybe_sent=error.maybe_sent or None)


def _record_wait(session: Session, message: Message, person: Person | None, error: TemporaryProviderError) -> None:
    # A limit that lifts at a known time (per-number frequency, the account's day): the
    # message waits for it, and the try does not count against SMS_MAX_ATTEMPTS.
    assert error.retry_after_seconds is not None  # _record_retry sends only these here
    message.attempts = max(0, message.attempts - 1)
    message.due_at = utcnow() + timedelta(seconds=error.retry_after_seconds)
    _finish(message, MessageStatus.QUEUED, _short(error.reason))
    record_event(session, message, person, "sms_retry", code=str(error.code or ""), until=message.due_at,
                 reason="provider_limit")


def _record_template_problem(session: Session, message: Message, person: Person | None, settings: OutboxSettings,
                             error: PermanentProviderError) -> None:
    # Every message of the kind would be refused alike: the kind stops, this one waits with it.
    stop_kind(session, message.kind, provider=_provider_of(error), code=str(error.code or ""), reason=error.reason)
    message.attempts = max(0, message.attempts - 1)
    message.due_at = utcnow() + timedelta(seconds=settings.retry_max_seconds)
    _finish(message, MessageStatus.HELD, TEMPLATE_STOPPED)
    record_event(session, message, person, "sms_held", reason=TEMPLATE_STOPPED, code=str(error.code or ""),
                 until=message.due_at)


def _provider_of(error: ProviderError) -> str:
    return error.reason.split(" ", 1)[0].lower()


def _record_rejection(session: Session, message: Message, person: Person | None,
                      error: PermanentProviderError) -> None:
    reason = "invalid_phone" if error.invalid_number else "rejected"
    _finish(message, MessageStatus.FAILED, _short(f"{reason}: {error.reason}"))
    if person is not None and error.invalid_number and not person.phone_invalid:
        person.phone_invalid = True
        record_event(session, message, person, "sms_phone_invalid", code=error.code)
    if person is not None and error.recipient_opted_out:
        person.sms_opt_out = True
    record_event(session, message, person, "sms_failed", reason=reason, code=error.code)


def _finish(message: Message, status: MessageStatus, last_error: str) -> None:
    message.status, message.last_error = status, last_error
    message.lease_until, message.updated_at = None, utcnow()


def _short(text: str) -> str:
    return text[:200]

