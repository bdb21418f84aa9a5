"""The SMS outbox: claim due messages for the queue, send them, record what happened.

A message moves queued/held -> dispatched -> sending -> sent -> delivered (or failed,
cancelled). Each step that matters is its own committed transaction:

1. The dispatcher claims due rows (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite's BEGIN IMMEDIATE serialises), marks them ``dispatched`` with a lease, commits,
   then enqueues their ids. If the queue is unreachable the rows go back to ``queued``;
   if the process dies in between, the lease runs out and the next pass takes them again.
2. A job claims its batch: only rows still ``dispatched``, under row locks (rows another
   job holds are skipped), with the persons' rows locked too so the daily cap is counted
   exactly. The rules are applied (notifications.outbox.decide); the rows that may go
   are marked ``sending`` and committed *before* the provider is called.
3. The provider's answers are recorded every few messages (jobmatch.services.sms.delivery).
   A send is only started while the row's lease still covers it (twice the provider
   timeout), so the dispatcher never hands out a row whose send may still be running.

At most once: a job that finds a row not ``dispatched`` leaves it alone, so a job run
twice sends nothing twice. A row left in ``sending`` (the worker died between the
provider's answer and step 3, or the provider timed out after maybe taking it) is
*in doubt*: when its lease ends the dispatcher hands it out again flagged ``in_doubt``,
and the job first asks the provider (``find_sent``) whether it took the message; only a
clear "no" sends again. A provider that cannot tell (LookupUnsupported) gets the
message marked failed ("outcome unknown") for staff, never resent. Status callbacks
carry the idempotency key in their URL, so one arriving for an in-doubt row settles it.

At least once: temporary errors (timeouts, 5xx, 429) put the row back to ``queued``
with exponential backoff until SMS_MAX_ATTEMPTS; a lost queue job or a dead worker only
delays a message until its lease ends.

Residual risk (Twilio): Twilio has no idempotency key, so ``find_sent`` recognises an
earlier send by number, sender and text since the message was queued. Two in-doubt
messages with the same text to the same number could be taken for one another, and a
message Twilio accepted but had not yet listed when looked up (its lease is far longer
than Twilio's queueing, so this needs Twilio itself to lag) would be sent again.
The console provider only remembers its own process: after a crash it prints again.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.config import Settings
from jobmatch.models import Message, Person, SmsKindStop
from jobmatch.models.messages import GONE_OUT_STATUSES, IN_FLIGHT_STATUSES, WAITING_STATUSES, MessageStatus
from jobmatch.services.wechat.routes import wechat_routes
from notifications.kinds import PUSH_KINDS
from notifications.outbox import Action, Decision, SendingFacts, decide
from notifications.phones import mask_phone
from notifications.rules import DUPLICATE_WINDOW, local_day_window

log = logging.getLogger(__name__)

# The reason a message waits while its kind is stopped (a template or signature problem).
TEMPLATE_STOPPED = "template_stopped"


@dataclass(frozen=True)
class OutboxSettings:
    """The outbox's part of the settings (see jobmatch.config)."""

    batch_size: int
    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    dispatch_lease_seconds: float
    sending_lease_seconds: float
    daily_cap: int
    provider_timeout_seconds: float
    status_callback_url: str | None = None
    signature: str = "安置点就业服务"
    # WeChat as the first channel for these kinds (empty: WeChat is off); see jobmatch.services.wechat.
    wechat_kinds: frozenset[str] = frozenset()
    wechat: Any = None  # a notifications.wechat_account.WechatConfig when WeChat is on
    wechat_fallback_minutes: int = 60
    public_base_url: str = ""

    def __post_init__(self):
        if self.sending_lease_seconds <= 2 * self.provider_timeout_seconds + 1:
            raise ValueError("SMS_SENDING_LEASE_SECONDS must exceed twice TWILIO_TIMEOUT plus one second, "
                             "or no send could ever start within its lease")

    @classmethod
    def from_settings(cls, settings: Settings, provider_batch: int = 1) -> "OutboxSettings":
        """The SMS_* (and WECHAT_*) settings; jobs sized to ``provider_batch`` (the provider's max_batch) unless set."""
        from jobmatch.services.wechat import wechat_config

        wechat = wechat_config(settings)
        return cls(
            batch_size=job_size(settings.sms_batch_size, provider_batch), max_attempts=settings.sms_max_attempts,
            retry_base_seconds=settings.sms_retry_base_seconds, retry_max_seconds=settings.sms_retry_max_seconds,
            dispatch_lease_seconds=settings.sms_dispatch_lease_seconds,
            sending_lease_seconds=settings.sms_sending_lease_seconds, daily_cap=settings.sms_daily_cap,
            provider_timeout_seconds=settings.sms_provider_timeout or settings.twilio_timeout,
            status_callback_url=settings.public_base_url + "/sms/status", signature=settings.sms_signature,
            wechat_kinds=frozenset(wechat.template_ids) & _PUSH_KIND_SET if wechat.enabled else frozenset(),
            wechat=wechat if wechat.enabled else None, wechat_fallback_minutes=settings.wechat_fallback_minutes,
            public_base_url=settings.public_base_url,
        )


# Messages per queue job for a provider without a batch API (each message is its own request).
ONE_BY_ONE_JOB_SIZE = 50


def job_size(configured: int, provider_batch: int) -> int:
    """Messages per queue job: SMS_BATCH_SIZE if set, else one request of the provider's batch API.

    A job is one claim, one send and one record for a whole provider batch, so the
    per-job work (claiming, tallies, the ledger's lock, RQ's own) is paid once per request.
    """
    if configured > 0:
        return configured
    return provider_batch if provider_batch > 1 else ONE_BY_ONE_JOB_SIZE


# -- step 1: the dispatcher ---------------------------------------------------------------

def claim_due(session: Session, settings: OutboxSettings, limit: int) -> list[int]:
    """Mark up to ``limit`` due rows ``dispatched`` (stale sends also in doubt); returns their ids."""
    now = utcnow()
    due = or_(
        and_(Message.status.in_(WAITING_STATUSES), Message.due_at <= now),
        and_(Message.status.in_(IN_FLIGHT_STATUSES), Message.lease_until < now),
    )
    rows = session.execute(
        select(Message.id, Message.status).where(due).order_by(Message.due_at, Message.id)
        .limit(limit).with_for_update(skip_locked=True)
    ).all()
    ids = [row.id for row in rows]
    stale_sends = [row.id for row in rows if row.status == MessageStatus.SENDING]
    if stale_sends:
        session.execute(update(Message).where(Message.id.in_(stale_sends)).values(in_doubt=True))
        log.warning("%d SMS left in 'sending' past their lease: looking them up before resending",
                    len(stale_sends))
    if ids:
        lease = now + timedelta(seconds=settings.dispatch_lease_seconds)
        session.execute(update(Message).where(Message.id.in_(ids))
                        .values(status=MessageStatus.DISPATCHED, lease_until=lease, updated_at=now))
    return ids


def release(session: Session, message_ids: list[int]) -> None:
    """Put dispatched rows back to ``queued`` (the queue refused them)."""
    session.execute(update(Message).where(Message.id.in_(message_ids), Message.status == MessageStatus.DISPATCHED)
                    .values(status=MessageStatus.QUEUED, lease_until=None, updated_at=utcnow()))


# -- step 2: claiming messages for sending --------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    """What a sender needs to know about a message it now owns."""

    id: int
    to_phone: str
    body: str
    idempotency_key: str
    in_doubt: bool
    created_at: datetime
    lease_until: datetime
    kind: str = ""
    template_variables: Mapping[str, str] | None = None
    openid: str = ""  # set: the message goes as a WeChat notice to this openid, not by SMS


@dataclass
class _Tallies:
    """Pushes today per person and recent identical texts per (number, body), kept up to date as we claim."""

    pushes_today: dict[int, int]
    identical_sends: dict[tuple[str | None, str], list[datetime]]  # a phoneless message finds no sends


def claim_for_sending(session: Session, settings: OutboxSettings, message_ids: list[int]) -> list[Claimed]:
    """Mark the still-dispatched messages ``sending`` where the rules let them go now.

    Set-based: one locking read of the messages, one of their persons, one query per
    tally, one UPDATE for every message that goes; only those that wait or stop are
    loaded as objects, and their ledger events are appended together.
    """
    messages = session.execute(
        select(*_CLAIM_COLUMNS).where(Message.id.in_(message_ids), Message.status == MessageStatus.DISPATCHED)
        .order_by(Message.id).with_for_update(skip_locked=True)  # locked: another job has it
    ).all()
    if not messages:
        return []
    # Locking the persons (in id order, so jobs cannot deadlock) makes the cap exact.
    persons = {p.id: p for p in session.execute(
        select(Person.id, Person.phone_invalid, Person.sms_opt_out, Person.household_id)
        .where(Person.id.in_({m.person_id for m in messages if m.person_id is not None}))
        .order_by(Person.id).with_for_update()
    )}
    now = utcnow()
    tallies = _tallies(session, messages, now)
    lease_until = now + timedelta(seconds=settings.sending_lease_seconds)
    stopped = stopped_kinds(session)
    by_wechat = wechat_routes(session, messages, settings.wechat_kinds) if settings.wechat_kinds else {}
    claimed, waiting = [], []
    for message in messages:
        person = persons.get(message.person_id) if message.person_id is not None else None  # None: to staff
        decision = decide(_facts(message, person, settings, tallies, now))
        if decision.action is Action.SEND and message.kind in stopped and message.id not in by_wechat:
            decision = Decision(Action.HOLD, TEMPLATE_STOPPED, now + timedelta(seconds=settings.retry_max_seconds))
        if decision.action is not Action.SEND:
            waiting.append((message.id, person.household_id if person else None, decision))
            continue
        _count_in(tallies, message, now)
        assert message.to_phone is not None  # decide() sends only when the message has a phone
        claimed.append(Claimed(message.id, message.to_phone, message.body, message.idempotency_key,
                               message.in_doubt, message.created_at, lease_until, message.kind,
                               message.template_variables, by_wechat.get(message.id, "")))
    if claimed:
        session.execute(update(Message).where(Message.id.in_([c.id for c in claimed]))
                        .values(status=MessageStatus.SENDING, attempts=Message.attempts + 1, updated_at=now,
                                lease_until=lease_until).execution_options(synchronize_session=False))
    held = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_([w[0] for w in waiting])))} \
        if waiting else {}
    events = [_apply_decision(held[message_id], household_id, decision, now)
              for message_id, household_id, decision in waiting]
    ledger.append_many(session, events)
    return claimed


# What a claim reads of each message (not the whole row: no ORM objects for a batch that goes).
_CLAIM_COLUMNS = (Message.id, Message.person_id, Message.kind, Message.to_phone, Message.body,
                  Message.idempotency_key, Message.in_doubt, Message.created_at, Message.template_variables)


def stopped_kinds(session: Session) -> set[str]:
    """Message kinds stopped by a template or signature problem (see jobmatch.services.sms.kind_stops)."""
    return set(session.scalars(select(SmsKindStop.kind)))


def _facts(message: Row, person: Row | None, settings: OutboxSettings, tallies: _Tallies,
           now: datetime) -> SendingFacts:
    # A text to a staff member (no person) knows no opt-out, rejected number or push cap.
    return SendingFacts(
        kind=message.kind, now=now, has_phone=bool(message.to_phone),
        phone_invalid=bool(person and person.phone_invalid), opted_out=bool(person and person.sms_opt_out),
        pushes_today=tallies.pushes_today.get(person.id, 0) if person else 0,
        daily_cap=settings.daily_cap,
        identical_sends_24h=tallies.identical_sends.get((message.to_phone, message.body), []),
    )


def _tallies(session: Session, messages: Sequence[Row], now: datetime) -> _Tallies:
    day_start, day_end = local_day_window(now)
    in_flight = Message.status == MessageStatus.SENDING
    sent_today = and_(Message.status.in_(GONE_OUT_STATUSES), Message.sent_at >= day_start,
                      Message.sent_at < day_end)
    pushes: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]  # person ids are not NULL here
        select(Message.person_id, func.count())
        .where(Message.person_id.in_({m.person_id for m in messages if m.person_id is not None}),
               Message.kind.in_(_PUSH_KIND_VALUES),
               or_(in_flight, sent_today))
        .group_by(Message.person_id)
    ).tuples().all())
    identical: dict[tuple[str | None, str], list[datetime]] = {}
    bodies = {(m.to_phone, m.body) for m in messages if m.to_phone}
    recent = or_(in_flight, and_(Message.status.in_(GONE_OUT_STATUSES), Message.sent_at >= now - DUPLICATE_WINDOW))
    for to_phone, body, sent_at in session.execute(
        select(Message.to_phone, Message.body, Message.sent_at)
        .where(Message.to_phone.in_({phone for phone, _ in bodies}), recent)
    ):
        if (to_phone, body) in bodies:
            identical.setdefault((to_phone, body), []).append(sent_at or now)
    return _Tallies(pushes, identical)


def _count_in(tallies: _Tallies, message: Row, now: datetime) -> None:
    if message.kind in _PUSH_KIND_VALUES and message.person_id is not None:
        tallies.pushes_today[message.person_id] = tallies.pushes_today.get(message.person_id, 0) + 1
    tallies.identical_sends.setdefault((message.to_phone, message.body), []).append(now)


_PUSH_KIND_VALUES = tuple(sorted(kind.value for kind in PUSH_KINDS))
_PUSH_KIND_SET = frozenset(_PUSH_KIND_VALUES)


def _apply_decision(message: Message, household_id: int | None, decision: Decision,
                    now: datetime) -> ledger.NewEvent:
    """Hold, cancel or fail ``message`` as decided; returns its ledger event (appended with the batch's)."""
    message.updated_at, message.lease_until, message.last_error = now, None, decision.reason
    if decision.action is Action.HOLD:
        assert decision.until is not None  # decide() gives every HOLD its until
        message.status, message.due_at = MessageStatus.HELD, decision.until
        return event_of(message, household_id, "sms_held", reason=decision.reason, until=decision.until)
    if decision.action is Action.CANCEL:
        message.status = MessageStatus.CANCELLED
        return event_of(message, household_id, "sms_cancelled", reason=decision.reason)
    message.status = MessageStatus.FAILED
    return event_of(message, household_id, "sms_failed", reason=decision.reason)


def record_event(session: Session, message: Message, person: Person | None, kind: str,
                 actor: str = "system", **data: Any) -> None:
    """A ledger event about ``message``: its id, kind and masked number, never the body."""
    ledger.append_many(session, [event_of(message, person.household_id if person else None, kind, actor, **data)])


def event_of(message: Message, household_id: int | None, kind: str, actor: str = "system",
             **data: Any) -> ledger.NewEvent:
    """The ledger event ``record_event`` appends, for appending many at once."""
    details = {"message_id": message.id, "kind": message.kind, "to": mask_phone(message.to_phone)}
    details.update({key: value for key, value in data.items() if value not in (None, "")})
    return ledger.NewEvent(kind, actor, details, household_id, message.person_id,
                           message.subject or f"message:{message.id}")
