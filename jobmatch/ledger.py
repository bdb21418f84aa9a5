"""The employment ledger: append events, verify the chain. The only code that writes events.

An event's hash is sha256 over the previous hash, the event's header fields and the
sha256 digest of its canonical JSON data. Appends are serialised (an advisory lock on
PostgreSQL, BEGIN IMMEDIATE on SQLite), so the chain stays a single line however
many processes write at once.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.db import copy_rows, is_postgresql
from jobmatch.models import LedgerEvent
from jobmatch.models.ledger import EventKind

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_301_000  # any constant shared by all writers
_HEAD_KEY = "jobmatch.ledger_head"


@dataclass
class NewEvent:
    """An event to append: what happened, to whom, said by whom."""

    kind: str
    actor: str
    data: dict = field(default_factory=dict)
    household_id: int | None = None
    person_id: int | None = None
    subject: str = ""


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable in a ledger event: {type(value).__name__}")


def canonical_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def data_digest(data) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, seq: int, occurred_at: datetime, actor: str, kind: str,
               household_id, person_id, subject: str, digest: str) -> str:
    header = canonical_json([prev_hash, seq, occurred_at.isoformat(), actor, kind,
                             household_id, person_id, subject, digest])
    return hashlib.sha256(header.encode("utf-8")).hexdigest()


def known_kind(kind: str) -> EventKind:
    """``kind`` as an EventKind; raises ValueError for a kind the ledger does not know."""
    try:
        return EventKind(kind)
    except ValueError:
        raise ValueError(f"unknown ledger event kind {kind!r}: add it to jobmatch.models.ledger.EventKind "
                         "and label it in jobmatch.vocabulary") from None


def append(session: Session, kind: str, *, actor: str, data: dict | None = None,
           household_id: int | None = None, person_id: int | None = None, subject: str = "") -> dict:
    """Append one event; returns its row as a dict. The caller commits."""
    return append_many(session, [NewEvent(kind, actor, data or {}, household_id, person_id, subject)])[0]


def append_many(session: Session, events: list[NewEvent]) -> list[dict]:
    """Append events in order with one round trip. The caller commits."""
    if not events:
        return []
    kinds = [known_kind(new.kind).value for new in events]  # all checked before anything is written
    seq, prev_hash = _locked_head(session)
    occurred_at = utcnow()
    rows, texts = [], []
    for new, kind in zip(events, kinds):
        seq += 1
        data_text = canonical_json(new.data)  # canonical JSON reads back to the same canonical JSON
        data = json.loads(data_text)  # store exactly what was hashed
        digest = hashlib.sha256(data_text.encode("utf-8")).hexdigest()
        texts.append(data_text)
        row_hash = chain_hash(prev_hash, seq, occurred_at, new.actor, kind,
                              new.household_id, new.person_id, new.subject, digest)
        rows.append({
            "seq": seq, "occurred_at": occurred_at, "actor": new.actor, "kind": kind,
            "household_id": new.household_id, "person_id": new.person_id, "subject": new.subject,
            "data": data, "data_digest": digest, "prev_hash": prev_hash, "hash": row_hash,
        })
        prev_hash = row_hash
    if len(rows) >= COPY_FROM and is_postgresql(session):
        copy_rows(session, "ledger_events", _LEDGER_COLUMNS,
                  ([row[c] if c != "data" else data_text for c in _LEDGER_COLUMNS] for row, data_text in zip(rows, texts)))
    else:
        session.execute(insert(LedgerEvent.__table__), rows)  # type: ignore[arg-type]
    session.info[_HEAD_KEY] = (seq, prev_hash)
    return rows


# From this many events on, PostgreSQL receives them through COPY (one stream, no per-row round trip).
COPY_FROM = 500
_LEDGER_COLUMNS = ("seq", "occurred_at", "actor", "kind", "household_id", "person_id", "subject", "data",
                   "data_digest", "prev_hash", "hash")


def lock_chain(session: Session) -> None:
    """Take the chain's append lock for this transaction (held until it ends).

    The first lock of every writer that also locks rows: everyone taking it first gives
    one lock order, so row locks taken after it cannot deadlock.
    """
    _locked_head(session)


def _locked_head(session: Session) -> tuple[int, str]:
    """The last (seq, hash), read once per transaction after taking the append lock."""
    head = session.info.get(_HEAD_KEY)
    if head is not None:
        return head
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    last = session.execute(
        select(LedgerEvent.seq, LedgerEvent.hash).order_by(LedgerEvent.seq.desc()).limit(1)
    ).first()
    head = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    session.info[_HEAD_KEY] = head
    return head


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_head(session, transaction):
    # The cached head is only valid while this transaction holds the append lock.
    if transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)


@dataclass
class VerifyResult:
    checked: int
    problem: str | None = None
    bad_seq: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain from the first event; stop at the first event that does not fit.

    A redacted event (data replaced by ``{"redacted": true, "by": N}``, digest kept) fits
    only if event N, later in the chain, is a ``person_anonymised`` event listing it.
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    unbacked: dict[int, int] = {}  # redacted seq -> seq of the event that must back it
    rows = session.execute(
        select(LedgerEvent).order_by(LedgerEvent.seq).execution_options(yield_per=batch_size)
    ).scalars()
    for ev in rows:
        problem = _check_event(ev, expected_seq, prev_hash, unbacked)
        if problem:
            return VerifyResult(checked, problem, ev.seq, prev_hash)
        checked += 1
        expected_seq, prev_hash = ev.seq + 1, ev.hash
    if unbacked:
        seq, by = min(unbacked.items())
        problem = (f"event {seq}: its data was redacted, but event {by} is not a "
                   f"{ANONYMISED_KIND} event listing it")
        return VerifyResult(seq - 1, problem, seq, prev_hash)
    return VerifyResult(checked, head_hash=prev_hash)


def _check_event(ev: LedgerEvent, expected_seq: int, prev_hash: str, unbacked: dict[int, int]) -> str | None:
    where = f"event {ev.seq} ({ev.kind}, id {ev.id})"
    if ev.seq > expected_seq:
        return f"event {expected_seq} is missing before {where}: deleted"
    if ev.seq < expected_seq:
        return f"{where} is out of order: inserted"
    if ev.prev_hash != prev_hash:
        return f"{where} does not follow event {ev.seq - 1}: inserted, deleted or reordered"
    if data_digest(ev.data) != ev.data_digest:
        by = redacted_by(ev.data)
        if by is None or by <= ev.seq:
            return f"{where}: its data was altered"
        unbacked[ev.seq] = by
    recomputed = chain_hash(ev.prev_hash, ev.seq, ev.occurred_at, ev.actor, ev.kind,
                            ev.household_id, ev.person_id, ev.subject, ev.data_digest)
    if recomputed != ev.hash:
        return f"{where}: its actor, time, kind or subject was altered"
    if ev.kind == ANONYMISED_KIND and ev.seq not in unbacked:
        for seq in (ev.data or {}).get("redacted_seqs", []):
            if unbacked.get(seq) == ev.seq:
                del unbacked[seq]
    return None


# -- redaction (a person who leaves the programme; see services/privacy_requests.py) ------

ANONYMISED_KIND = EventKind.PERSON_ANONYMISED


def redacted_data(by_seq: int) -> dict:
    """What a redacted event's data becomes: a pointer to the event that redacted it."""
    return {"redacted": True, "by": by_seq}


def redacted_by(data) -> int | None:
    """The seq of the anonymisation event if ``data`` is in redacted form, else None."""
    if (isinstance(data, dict) and set(data) == {"redacted", "by"} and data["redacted"] is True
            and isinstance(data["by"], int) and not isinstance(data["by"], bool)):
        return data["by"]
    return None


def redact_events(session: Session, seqs: list[int], by_seq: int) -> int:
    """Replace the data of events ``seqs`` with the redacted form; digests and hashes stay.

    The caller has appended the ``person_anonymised`` event ``by_seq`` listing ``seqs``
    in the same transaction, and commits. Returns the number of events redacted.
    """
    if not seqs:
        return 0
    result = session.execute(
        update(LedgerEvent).where(LedgerEvent.seq.in_(seqs), LedgerEvent.seq < by_seq)
        .values(data=redacted_data(by_seq)).execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]
