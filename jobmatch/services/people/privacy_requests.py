"""A person's own data on request, and anonymisation when they leave the programme.

Anonymisation keeps the ledger verifiable: events about the person keep their digest
and hash, their data is replaced by ``{"redacted": true, "by": N}``, and event N
(``person_anonymised``) lists the redacted seqs with one hash over what was removed,
never the data itself. The person row stays (spells and counts still add up) with the
identifying fields replaced.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import InboundMessage, LedgerEvent, Message, Person, WechatBinding
from jobmatch.models.messages import WAITING_STATUSES, MessageStatus
from jobmatch.services.accounts.sessions import end_worker_sessions

ANONYMISED_NAME = "已注销"
PLACEHOLDER_PREFIX = "ANON"  # a real ID number is 17 digits and a check digit: no collision
PROFILE_FIELDS = (
    "id", "id_number", "name", "gender", "birth_date", "relation", "phone", "capacity", "wants_work",
    "mobility", "max_commute_km", "skills", "certificates", "training_wishes", "wage_expectation",
    "disability", "monitoring", "notes", "sms_opt_out", "cannot_leave_site", "cannot_leave_reason",
)
SPELL_FIELDS = ("kind", "employer_name", "started_on", "ended_on", "end_reason", "monthly_income",
                "contract_months", "social_insurance")


class PersonNotFound(LookupError):
    """No person has that ID number."""


class AlreadyAnonymised(ValueError):
    """The person was anonymised before."""


@dataclass
class AnonymisationReport:
    person_id: int
    event_seq: int
    redacted_events: int
    messages_cleared: int


def find_person(session: Session, id_number: str) -> Person:
    """The person with this ID number (upper-case X accepted either way)."""
    person = session.scalar(select(Person).where(Person.id_number.in_({id_number, id_number.upper()})))
    if person is None:
        raise PersonNotFound("no person with that ID number")
    return person


def events_about(session: Session, person_id: int) -> list[LedgerEvent]:
    """Ledger events whose person or subject is this person, in chain order (unsealed ones last)."""
    return list(session.scalars(
        select(LedgerEvent)
        .where(or_(LedgerEvent.person_id == person_id, LedgerEvent.subject == f"person:{person_id}"))
        .order_by(LedgerEvent.seq.is_(None), LedgerEvent.seq, LedgerEvent.id)
        .execution_options(populate_existing=True)  # a seal in this transaction is not in loaded objects
    ))


def export_person(session: Session, id_number: str) -> dict:
    """Everything held about one person: profile, household, spells, messages, ledger events."""
    person = find_person(session, id_number)
    household = person.household
    return {
        "exported_at": utcnow().isoformat(),
        "profile": {field: _plain(getattr(person, field)) for field in PROFILE_FIELDS},
        "household": {
            "household_no": household.household_no,
            "county": household.county.name,
            "settlement": household.settlement.name,
            "relation_to_head": person.relation,
            "zero_employment": household.zero_employment,
        },
        "employment_spells": [{f: _plain(getattr(s, f)) for f in SPELL_FIELDS} for s in person.spells],
        "messages": [
            {"kind": m.kind, "status": m.status, "created_at": _plain(m.created_at), "body": m.body}
            for m in session.scalars(select(Message).where(Message.person_id == person.id).order_by(Message.id))
        ],
        "ledger_events": [
            {"seq": e.seq, "occurred_at": _plain(e.occurred_at), "kind": e.kind, "actor": e.actor,
             "subject": e.subject, "data": e.data}
            for e in events_about(session, person.id)
        ],
    }


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def anonymise_person(session: Session, id_number: str, *, reason: str, actor: str) -> AnonymisationReport:
    """Replace the person's identifying data and redact the ledger events about them. The caller commits."""
    person = find_person(session, id_number)
    if person.id_number.startswith(PLACEHOLDER_PREFIX):
        raise AlreadyAnonymised("this person was anonymised before")
    ledger.lock_chain(session)  # seals every committed event: the redacted ones are listed by seq
    to_redact = [e for e in events_about(session, person.id) if ledger.redacted_by(e.data) is None]
    event = ledger.append(
        session, ledger.ANONYMISED_KIND, actor=actor, household_id=person.household_id, person_id=person.id,
        subject=f"person:{person.id}",
        data={"reason": reason, "redacted_seqs": [e.seq for e in to_redact],
              "removed_digest": removed_digest(to_redact)},
    )
    redacted = ledger.redact_events(session, [e.seq for e in to_redact if e.seq is not None], event["seq"])
    _clear_person(session, person)
    cleared = _clear_messages(session, person.id)
    return AnonymisationReport(person.id, event["seq"], redacted, cleared)


def removed_digest(events: list[LedgerEvent]) -> str:
    """One sha256 over the (seq, data digest) of every redacted event: proof of what went, not what it was."""
    joined = "\n".join(f"{e.seq}:{e.data_digest}" for e in events)
    return hashlib.sha256(joined.encode("ascii")).hexdigest()


def _placeholder_id_number(session: Session) -> str:
    while True:
        candidate = PLACEHOLDER_PREFIX + secrets.token_hex(7)  # 18 characters, like an ID number
        if session.scalar(select(Person.id).where(Person.id_number == candidate)) is None:
            return candidate


def _clear_person(session: Session, person: Person) -> None:
    person.name = ANONYMISED_NAME
    person.id_number = _placeholder_id_number(session)
    person.phone = None
    person.phone_invalid = False
    person.notes = ""
    person.sms_opt_out = True  # nothing may be sent to a person who left
    session.execute(delete(WechatBinding).where(WechatBinding.person_id == person.id))  # the openid is theirs
    session.flush()
    end_worker_sessions(session, [person.id])


def _clear_messages(session: Session, person_id: int) -> int:
    """Blank the texts and numbers of their messages; waiting ones are cancelled."""
    now = utcnow()
    session.execute(update(Message).where(Message.person_id == person_id, Message.status.in_(WAITING_STATUSES))
                    .values(status=MessageStatus.CANCELLED, updated_at=now))
    outbox = session.execute(update(Message).where(Message.person_id == person_id)
                             .values(body="", to_phone=None, updated_at=now))
    inbox = session.execute(update(InboundMessage).where(InboundMessage.person_id == person_id)
                            .values(body="", from_phone=""))
    return outbox.rowcount + inbox.rowcount  # type: ignore[attr-defined]
