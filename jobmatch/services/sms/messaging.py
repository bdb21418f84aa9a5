"""Queuing SMS into the outbox, and what a worker's page needs: open asks, answers, opt-out.

``queue_message`` writes the outbox row in the caller's transaction, so the text exists
if and only if the offer, post or invitation it announces does. The body is rendered
now (with the person's county signature, default SMS_SIGNATURE, and a new short link for
the page it points to, ``data["link"]`` such as "offer:12", default the worker's home)
and the phone normalised now; the rules that depend on the
moment of sending (daily cap, duplicate text, opt-out) are applied again when it goes
(jobmatch.services.sms.outbox).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.config import Settings, current_settings
from jobmatch.db import is_postgresql
from jobmatch.models import County, Household, Message, Person, Settlement, User
from jobmatch.models.ledger import EventKind
from jobmatch.models.messages import NEVER_SENT_STATUSES, WAITING_STATUSES, MessageStatus
from jobmatch.services.sms.short_links import HOME, links_for
from notifications.kinds import MessageKind, as_kind
from notifications.phones import InvalidPhone, mask_phone, normalise_phone
from notifications.rules import in_quiet_hours, is_push, send_time_for
from notifications.template_table import TemplateTable, load_table
from notifications.templates import SHORT_CODE, RenderedMessage, render

# Set on a session whose transaction queued messages; the in-process sender wakes on commit.
QUEUED_FLAG = "jobmatch.sms_queued"


@dataclass
class QueuedRow:
    """One message to queue in bulk: the same arguments queue_message takes."""

    person_id: int
    kind: str
    data: dict[str, Any]
    subject: str = ""
    expects_reply: bool = False


def queue_message(session: Session, *, person_id: int, kind: "MessageKind | str", data: dict[str, Any],
                  subject: str = "", expects_reply: bool = False, actor: str) -> Message:
    """Write one outbox row (and its ledger event) in the caller's transaction."""
    row = QueuedRow(person_id, as_kind(kind).value, data, subject, expects_reply)
    [message_id] = queue_messages_bulk(session, [row], actor=actor)
    message = session.get(Message, message_id)
    assert message is not None  # just written in this transaction
    return message


def queue_messages_bulk(session: Session, rows: Iterable[QueuedRow | dict], *, actor: str) -> list[int]:
    """Queue many messages with one INSERT and one ledger append; returns their ids in order.

    The ledger gets one ``sms_queued_bulk`` event per subject (count and id range) rather
    than one per person; each person's ``sms_sent`` follows when their text goes out.
    Messages that cannot go (bad number, opted out) still get an event each.
    """
    queued = [row if isinstance(row, QueuedRow) else QueuedRow(**row) for row in rows]
    if not queued:
        return []
    persons = _persons_by_id(session, {row.person_id for row in queued})
    now, renderer = utcnow(), _Renderer(current_settings())
    codes = _short_codes(session, queued, renderer)
    values = [_outbox_values(row, persons[row.person_id], now, renderer, code) for row, code in zip(queued, codes)]
    ids = _insert_messages(session, values)
    ledger.append_many(session, _queued_events(ids, values, persons, actor))
    session.info[QUEUED_FLAG] = True
    return ids


class _Renderer:
    """Renders each row with its person's county signature, settlement phone and short link."""

    def __init__(self, settings: Settings):
        self.default_signature = settings.sms_signature
        self.fallback_phone = settings.sms_contact_phone
        self.site = settings.public_base_url
        self.providers = sending_providers(settings)
        self.table = template_table(settings)

    def needs_link(self, kind: str) -> bool:
        return SHORT_CODE in self.table[as_kind(kind)].names

    def __call__(self, row: QueuedRow, person: Any, short_code: str | None) -> RenderedMessage:
        data = {name: value for name, value in row.data.items() if name != "link"}
        if short_code:
            data[SHORT_CODE] = short_code
        if "contact_phone" in self.table[as_kind(row.kind)].names and not data.get("contact_phone"):
            data["contact_phone"] = person.contact_phone or self.fallback_phone
        return render(row.kind, person.sms_signature or self.default_signature, site=self.site,
                      providers=self.providers, table=self.table, **data)


def sending_providers(settings: Settings) -> tuple[str, ...]:
    """The providers that may send a message (their variable limits apply to every text)."""
    return tuple(name for name in (settings.sms_provider, settings.sms_fallback_provider) if name)


def template_table(settings: Settings) -> TemplateTable:
    """The deployment's template table (SMS_TEMPLATE_CODES_FILE), else the repository's."""
    return load_table(settings.sms_template_codes_file or None)


def _short_codes(session: Session, rows: list[QueuedRow], renderer: _Renderer) -> list[str | None]:
    """A new short-link code for each row whose template has a link, None for the others."""
    wanted = [i for i, row in enumerate(rows) if renderer.needs_link(row.kind)]
    codes = links_for(session, [(rows[i].person_id, str(rows[i].data.get("link") or HOME)) for i in wanted])
    by_row: list[str | None] = [None] * len(rows)
    for i, code in zip(wanted, codes):
        by_row[i] = code
    return by_row


def _insert_messages(session: Session, values: list[dict[str, Any]]) -> list[int]:
    if not is_postgresql(session):
        return list(session.execute(insert(Message).returning(Message.id, sort_by_parameter_order=True),
                                    values).scalars())
    # Taking the ids from the sequence first lets the driver send one short INSERT per row
    # in a pipeline; INSERT ... RETURNING of 10,000 rows is built as huge statements instead.
    ids = list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('messages', 'id')) "
                                    "FROM generate_series(1, :n)"), {"n": len(values)}))
    session.execute(insert(Message), [dict(value, id=message_id) for value, message_id in zip(values, ids)])
    return ids


def _persons_by_id(session: Session, person_ids: set[int]) -> dict[int, Any]:
    # Plain rows, not ORM objects: a fair invites thousands at once.
    columns = (Person.id, Person.household_id, Person.phone, Person.phone_invalid, Person.sms_opt_out,
               Settlement.contact_phone, County.sms_signature)
    if is_postgresql(session):  # one array parameter instead of thousands
        wanted = Person.id == any_(bindparam("person_ids", sorted(person_ids), type_=postgresql.ARRAY(Integer)))
    else:
        wanted = Person.id.in_(person_ids)
    query = (select(*columns).outerjoin(Household, Household.id == Person.household_id)
             .outerjoin(Settlement, Settlement.id == Household.settlement_id)
             .outerjoin(County, County.id == Settlement.county_id).where(wanted))
    persons = {p.id: p for p in session.execute(query)}
    unknown = person_ids - persons.keys()
    if unknown:
        raise ValueError(f"no person with id {sorted(unknown)[:5]}")
    return persons


def _outbox_values(row: QueuedRow, person: Any, now: datetime, renderer: _Renderer,
                   short_code: str | None) -> dict[str, Any]:
    rendered = renderer(row, person, short_code)
    to_phone, phone_problem = normalised_phone(person.phone)
    status, due_at, reason = _initial_status(row.kind, person, phone_problem, now)
    return {
        "person_id": person.id, "kind": row.kind, "body": rendered.body,
        "segments": rendered.segments.parts, "to_phone": to_phone, "subject": row.subject,
        "expects_reply": row.expects_reply, "answer": "", "status": status, "due_at": due_at,
        "in_doubt": False, "attempts": 0, "last_error": reason,
        "idempotency_key": uuid.uuid4().hex, "created_at": now, "updated_at": now,
        "template_variables": dict(rendered.variables),
    }


def normalised_phone(raw: str | None) -> tuple[str | None, str]:
    """(E.164, "") for a usable number, (None, why) for a missing or bad one."""
    try:
        return normalise_phone(raw or ""), ""
    except InvalidPhone as exc:
        return None, f"invalid_phone: {exc}"


def _initial_status(kind: str, person: Any, phone_problem: str, now: datetime) -> tuple[str, datetime, str]:
    if phone_problem:
        return MessageStatus.FAILED, now, phone_problem
    if person.phone_invalid:
        return MessageStatus.FAILED, now, "invalid_phone: the provider rejected this person's number"
    if person.sms_opt_out and is_push(kind):
        return MessageStatus.CANCELLED, now, "opted_out"
    due_at = send_time_for(kind, now)
    if in_quiet_hours(now) and due_at > now:
        return MessageStatus.HELD, due_at, "quiet_hours"
    return MessageStatus.QUEUED, due_at, ""


_EVENT_FOR_STATUS = {MessageStatus.QUEUED: EventKind.SMS_QUEUED, MessageStatus.HELD: EventKind.SMS_HELD,
                     MessageStatus.FAILED: EventKind.SMS_FAILED, MessageStatus.CANCELLED: EventKind.SMS_CANCELLED}


def _queued_events(ids: list[int], values: list[dict[str, Any]], persons: dict[int, Any],
                   actor: str) -> list[ledger.NewEvent]:
    """One event per message; in a bulk, the queued and held ones summed up per subject."""
    if len(ids) == 1:
        return [_queued_event(ids[0], values[0], persons[values[0]["person_id"]], actor)]
    events: list[ledger.NewEvent] = []
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for message_id, value in zip(ids, values):
        if value["status"] in NEVER_SENT_STATUSES:  # each one reported: staff fix the number
            events.append(_queued_event(message_id, value, persons[value["person_id"]], actor))
            continue
        group = groups.setdefault((value["subject"], value["kind"]),
                                  {MessageStatus.QUEUED: 0, MessageStatus.HELD: 0, "message_ids": []})
        group[value["status"]] += 1
        group["message_ids"].append(message_id)
    for (subject, kind), group in groups.items():
        message_ids = group.pop("message_ids")
        data = dict(group, kind=kind, first_message_id=min(message_ids), last_message_id=max(message_ids))
        events.append(ledger.NewEvent("sms_queued_bulk", actor, data, subject=subject))
    return events


def _queued_event(message_id: int, value: dict[str, Any], person: Any, actor: str) -> ledger.NewEvent:
    data = {"message_id": message_id, "kind": value["kind"], "to": mask_phone(value["to_phone"]),
            "segments": value["segments"]}
    if value["last_error"]:
        data["reason"] = value["last_error"].split(":", 1)[0]
    if value["status"] == MessageStatus.HELD:
        data["until"] = value["due_at"]
    return ledger.NewEvent(_EVENT_FOR_STATUS[value["status"]], actor, data, person.household_id,
                           person.id, value["subject"] or f"message:{message_id}")


def contact_phone(settlement: Settlement | None) -> str:
    """The phone a worker is told to call: their settlement's staff office, else SMS_CONTACT_PHONE."""
    return (settlement.contact_phone if settlement is not None else None) or current_settings().sms_contact_phone


# -- the worker's page ---------------------------------------------------------------------

def open_asks(session: Session, person_id: int) -> list[Message]:
    """Messages still waiting for this person's yes or no, newest first."""
    return list(session.scalars(
        select(Message).where(Message.person_id == person_id, Message.expects_reply.is_(True),
                              Message.answered_at.is_(None),
                              Message.status.not_in(NEVER_SENT_STATUSES))
        .order_by(Message.created_at.desc(), Message.id.desc())
    ))


def set_opt_out(session: Session, person_id: int, opted_out: bool, via: str) -> bool:
    """Stop (or resume) pushes to a person; returns False when nothing changed."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person with id {person_id}")
    if person.sms_opt_out == opted_out:
        return False
    person.sms_opt_out = opted_out
    data: dict[str, Any] = {"via": via}
    if opted_out:
        data["cancelled_messages"] = _cancel_waiting_pushes(session, person_id)
    ledger.append(session, "sms_opt_out" if opted_out else "sms_opt_in", actor=f"person:{person_id}",
                  data=data, household_id=person.household_id, person_id=person_id,
                  subject=f"person:{person_id}")
    return True


def _cancel_waiting_pushes(session: Session, person_id: int) -> int:
    # Pushes already handed to the queue are stopped when claimed (the rules see the opt-out).
    pushes = [kind.value for kind in MessageKind if is_push(kind)]
    return session.execute(
        update(Message)
        .where(Message.person_id == person_id, Message.kind.in_(pushes),
               Message.status.in_(WAITING_STATUSES))
        .values(status=MessageStatus.CANCELLED, last_error="opted_out", updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult, which has rowcount


# -- texts to staff ------------------------------------------------------------------------

def queue_staff_message(session: Session, *, user_id: int, kind: "MessageKind | str", data: dict[str, Any],
                        signature: str | None = None, subject: str = "", household_id: int | None = None,
                        actor: str, not_before: datetime | None = None) -> Message | None:
    """Write one outbox row to a staff member's mobile (User.phone), in the caller's transaction.

    None when they have no usable phone. Quiet hours hold it until 08:00 like any text, and
    ``not_before`` (the caller's own reason: staff working hours) holds it until then; the
    worker-side rules (daily push cap, opt-out) do not apply to a staff member's alert.
    """
    user = session.get(User, user_id)
    to_phone = normalised_phone(user.phone)[0] if user is not None and user.phone else None
    if user is None or to_phone is None:
        return None
    settings, now = current_settings(), utcnow()
    rendered = render(kind, signature or settings.sms_signature, site=settings.public_base_url,
                      providers=sending_providers(settings), table=template_table(settings), **data)
    due_at = send_time_for(kind, now)
    status, reason = (MessageStatus.HELD, "quiet_hours") if in_quiet_hours(now) and due_at > now else (
        MessageStatus.QUEUED, "")
    if not_before is not None and not_before > due_at:
        due_at, status, reason = not_before, MessageStatus.HELD, reason or "working_hours"
    message = Message(person_id=None, user_id=user.id, kind=as_kind(kind).value, body=rendered.body,
                      segments=rendered.segments.parts, to_phone=to_phone, subject=subject, expects_reply=False,
                      answer="", status=status, due_at=due_at, in_doubt=False, attempts=0, last_error=reason,
                      idempotency_key=uuid.uuid4().hex, created_at=now, updated_at=now,
                      template_variables=dict(rendered.variables))
    session.add(message)
    session.flush()
    data_out: dict[str, Any] = {"message_id": message.id, "kind": message.kind, "to": mask_phone(to_phone),
                                "segments": message.segments, "user_id": user.id}
    if status == MessageStatus.HELD:
        data_out.update(reason=reason, until=due_at)
    ledger.append(session, _EVENT_FOR_STATUS[MessageStatus(status)], actor=actor, data=data_out,
                  household_id=household_id, subject=subject or f"message:{message.id}")
    session.info[QUEUED_FLAG] = True
    return message
