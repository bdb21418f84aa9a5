"""Sending claimed outbox messages and recording what the provider said (steps 2-3 of the outbox).

See jobmatch.services.sms.outbox for the guarantees. ``deliver_batch`` is what a queue job
runs: one transaction claims the batch, the provider is called outside any
transaction, and the answers are recorded every RECORD_EVERY sends.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.clock import utcnow
from jobmatch.models import Message, Person
from jobmatch.services.answer_windows import message_settled
from jobmatch.services.sms.outbox import Claimed, OutboxSettings, claim_for_sending, record_event
from notifications.outbox import retry_delay
from notifications.providers import (
    LookupUnsupported, PermanentProviderError, ProviderError, SendResult, SmsProvider, TemporaryProviderError,
)

log = logging.getLogger(__name__)

# Outcomes are written to the database every this many sends: fewer commits, and a
# crash leaves at most this many messages to look up.
RECORD_EVERY = 10


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: sent, retry, rejected or unknown."""

    status: str
    result: SendResult | None = None
    error: ProviderError | None = None


def deliver_batch(sessions: sessionmaker, provider: SmsProvider, settings: OutboxSettings,
                  message_ids: list[int]) -> dict[str, int]:
    """Send the still-dispatched messages of ``message_ids``; returns counts by outcome."""
    with sessions.begin() as session:
        claimed = claim_for_sending(session, settings, message_ids)
    counts: dict[str, int] = {"skipped": len(message_ids) - len(claimed)}
    unrecorded: list[tuple[Claimed, Outcome]] = []
    for message in claimed:
        outcome = _attempt(sessions, provider, settings, message)
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        unrecorded.append((message, outcome))
        if len(unrecorded) >= RECORD_EVERY:
            _record_all(sessions, settings, unrecorded)
            unrecorded = []
    _record_all(sessions, settings, unrecorded)
    return counts


def _attempt(sessions: sessionmaker, provider: SmsProvider, settings: OutboxSettings, message: Claimed) -> Outcome:
    # Past this point the dispatcher could hand the row out again while we still send.
    latest_start = message.lease_until - timedelta(seconds=2 * settings.provider_timeout_seconds + 1)
    if utcnow() > latest_start:
        return Outcome("unsent")
    return send_or_find(provider, message, settings, _known_ids(sessions, message))


def _record_all(sessions: sessionmaker, settings: OutboxSettings, outcomes: list[tuple[Claimed, Outcome]]) -> None:
    if outcomes:
        with sessions.begin() as session:
            for message, outcome in outcomes:
                record_outcome(session, settings, message.id, outcome)


def status_callback_url(settings: OutboxSettings, idempotency_key: str) -> str | None:
    """PUBLIC_BASE_URL/sms/status?key=...: the key lets a callback settle a message in doubt."""
    if not settings.status_callback_url:
        return None
    return f"{settings.status_callback_url}?{urlencode({'key': idempotency_key})}"


def send_or_find(provider: SmsProvider, claimed: Claimed, settings: OutboxSettings,
                 known_ids: frozenset[str] = frozenset()) -> Outcome:
    """Send the message, unless it is in doubt and the provider says it already has it."""
    try:
        if claimed.in_doubt:
            earlier = provider.find_sent(claimed.idempotency_key, to_e164=claimed.to_phone, body=claimed.body,
                                         since=claimed.created_at, exclude_ids=known_ids)
            if earlier is not None:
                return Outcome("sent", earlier)
        result = provider.send(claimed.to_phone, claimed.body, idempotency_key=claimed.idempotency_key,
                               status_callback_url=status_callback_url(settings, claimed.idempotency_key))
    except LookupUnsupported as exc:
        return Outcome("unknown", error=exc)
    except TemporaryProviderError as exc:
        return Outcome("retry", error=exc)
    except PermanentProviderError as exc:
        return Outcome("rejected", error=exc)
    return Outcome("sent", result)


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
    person = session.get(Person, message.person_id)
    if message.status in ("sent", "delivered") and outcome.status != "sent":
        return  # a status callback showed it went after all
    if outcome.status == "unsent":  # never tried: back in line, no attempt counted
        message.attempts = max(0, message.attempts - 1)
        _finish(message, "queued", message.last_error)
    elif outcome.status == "sent":
        record_sent(session, message, person, outcome.result)
    elif outcome.status == "retry":
        _record_retry(session, message, person, settings, outcome.error)
    elif outcome.status == "rejected":
        _record_rejection(session, message, person, outcome.error)
    else:
        _finish(message, "failed", "outcome_unknown")
        record_event(session, message, person, "sms_failed", reason="outcome_unknown")
    if message.status == "failed":  # it will not arrive: the ask's window runs from now
        message_settled(session, message, utcnow())


def record_sent(session: Session, message: Message, person: Person | None, result: SendResult) -> None:
    """Mark ``message`` accepted by the provider (unless a callback already said more)."""
    message.provider_message_id = message.provider_message_id or result.provider_message_id
    if message.status in ("sent", "delivered", "failed"):
        return  # a status callback got here first
    message.sent_at = utcnow()
    _finish(message, "sent", "")
    record_event(session, message, person, "sms_sent", segments=message.segments, attempts=message.attempts)
    # Without receipts this is the arrival; a delivery receipt later moves the window on.
    message_settled(session, message, message.sent_at)


def _record_retry(session: Session, message: Message, person: Person, settings: OutboxSettings,
                  error: TemporaryProviderError) -> None:
    if message.attempts >= settings.max_attempts:
        _finish(message, "failed", _short(f"attempts_exhausted: {error.reason}"))
        record_event(session, message, person, "sms_failed", reason="attempts_exhausted",
                     code=error.code, attempts=message.attempts)
        return
    delay = retry_delay(message.attempts, settings.retry_base_seconds, settings.retry_max_seconds)
    message.in_doubt = message.in_doubt or error.maybe_sent
    message.due_at = utcnow() + delay
    _finish(message, "queued", _short(error.reason))
    record_event(session, message, person, "sms_retry", code=error.code, attempts=message.attempts,
                 until=message.due_at, maybe_sent=error.maybe_sent or None)


def _record_rejection(session: Session, message: Message, person: Person, error: PermanentProviderError) -> None:
    reason = "invalid_phone" if error.invalid_number else "rejected"
    _finish(message, "failed", _short(f"{reason}: {error.reason}"))
    if error.invalid_number and not person.phone_invalid:
        person.phone_invalid = True
        record_event(session, message, person, "sms_phone_invalid", code=error.code)
    if error.recipient_opted_out:
        person.sms_opt_out = True
    record_event(session, message, person, "sms_failed", reason=reason, code=error.code)


def _finish(message: Message, status: str, last_error: str) -> None:
    message.status, message.last_error = status, last_error
    message.lease_until, message.updated_at = None, utcnow()


def _short(text: str) -> str:
    return text[:200]

