"""A person's own data on request, and anonymisation when they leave the programme.

Anonymisation keeps the ledger verifiable: events about the person keep their digest
and hash, their data is replaced by ``{"redacted": true, "by": N}``, and event N
(``person_anonymised``) lists the redacted seqs with one hash over what was removed,
never the data itself. The person row stays (spells and counts still add up) with the
identifying fields replaced. Other copies of their data go too: roster files kept for a
preview that hold them, their words in problems, sign-in codes, a walk-in check-in naming them,
and the texts' variables.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import (
    FairAttendee,
    InboundMessage,
    LedgerEvent,
    Message,
    Person,
    Problem,
    SignInCode,
    WechatBinding,
)
from jobmatch.models.messages import WAITING_STATUSES, MessageStatus
from jobmatch.services.accounts.sessions import end_worker_sessions
from jobmatch.services.roster.upload import forget_person_in_uploads
from notifications.phones import InvalidPhone, national_digits, normalise_phone

ANONYMISED_NAME = "已注销"
ANONYMISED_TEXT = "（已注销）"  # what stands in for their own words
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
    roster_uploads_deleted: int = 0  # kept roster files (for a preview) that held the person
    other_copies_cleared: int = 0  # problems in their words, sign-in codes, walk-in check-ins


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
        .where(or_(LedgerEvent.person_id == person_id,
                   # as the partial subject index reads (an event about a person names no other person)
                   and_(LedgerEvent.person_id.is_(None), LedgerEvent.subject == f"person:{person_id}")))
        .order_by(LedgerEvent.seq.is_(None), LedgerEvent.seq, LedgerEvent.id)
        .execution_options(populate_existing=True)  # a seal in this transaction is not in loaded objects
    ))


def export_person(session: Session, id_number: str) -> dict:
    """Everything held about one person: profile, household, spells, messages, texts they sent, the problems
    they raised, ledger events."""
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
        "texts_received": [
            {"received_at": _plain(t.received_at), "body": t.body}
            for t in session.scalars(select(InboundMessage).where(InboundMessage.person_id == person.id)
                                     .order_by(InboundMessage.id))
        ],
        "problems": [
            {"reported_at": _plain(p.reported_at), "category": p.category, "description": p.description,
             "resolved_at": _plain(p.resolved_at), "resolution": p.resolution}
            for p in session.scalars(select(Problem).where(Problem.person_id == person.id).order_by(Problem.id))
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
    uploads = forget_person_in_uploads(session, person.id_number)
    others = _clear_other_copies(session, person)  # before the person's own fields: it matches on them
    _clear_person(session, person)
    cleared = _clear_messages(session, person.id)
    return AnonymisationReport(person.id, event["seq"], redacted, cleared, uploads, others)


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


def _clear_other_copies(session: Session, person: Person) -> int:
    """Their words in problems (texts copied in, what staff wrote back), their sign-in codes, and a fair's
    walk-in record that names their phone or ID number (checked in before they were on the roster)."""
    problems = session.execute(update(Problem).where(Problem.person_id == person.id)
                               .values(description=ANONYMISED_TEXT, resolution=""))
    codes = session.execute(delete(SignInCode).where(SignInCode.person_id == person.id))
    walk_in = [FairAttendee.visitor_id_number == person.id_number]
    if person.phone:
        walk_in.append(FairAttendee.visitor_phone.in_(_spellings(person.phone)))
    visits = session.execute(update(FairAttendee).where(FairAttendee.person_id.is_(None), or_(*walk_in))
                             .values(visitor_name=ANONYMISED_NAME, visitor_phone=None, visitor_id_number=None))
    return sum(result.rowcount for result in (problems, codes, visits))  # type: ignore[attr-defined]


def _spellings(phone: str) -> set[str]:
    try:
        e164 = normalise_phone(phone)
    except InvalidPhone:
        return {phone}
    return {phone, e164, national_digits(e164)}


def _clear_messages(session: Session, person_id: int) -> int:
    """Blank the texts and numbers of their messages; waiting ones are cancelled."""
    now = utcnow()
    session.execute(update(Message).where(Message.person_id == person_id, Message.status.in_(WAITING_STATUSES))
                    .values(status=MessageStatus.CANCELLED, updated_at=now))
    outbox = session.execute(update(Message).where(Message.person_id == person_id)  # the variables repeat the body
                             .values(body="", to_phone=None, template_variables=None, updated_at=now))
    inbox = session.execute(update(InboundMessage).where(InboundMessage.person_id == person_id)
                            .values(body="", from_phone=""))
    return outbox.rowcount + inbox.rowcount  # type: ignore[attr-defined]
