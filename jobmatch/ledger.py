"""The employment ledger: append events, seal them into the chain, verify the chain. The only code that writes events.

An event's hash is sha256 over the previous hash, the event's header fields (its seq among
them) and the sha256 digest of its canonical JSON data.

Appends do not serialise the service (issue 19). A business transaction inserts its events
unsealed (seq, prev_hash and hash NULL) and takes no lock. Sealing chains them: under the
chain lock (an advisory lock), in a short transaction of its own, the sealer reads the head
and gives the committed unsealed events, in id order, the next seqs and their hashes. It runs
right after every commit that inserted events (an after-commit hook of the session, so a
quiet system is sealed within milliseconds) and on the dispatcher's schedule (a writer
killed between its commit and its seal loses nothing: the next seal picks its events up).

Why no event is skipped or sealed twice, though ids and commits come in different orders (a
transaction can take a lower id and commit after a higher one was sealed): the sealer picks
events by ``seq IS NULL`` (a partial index), never by an id watermark, so a late commit is
simply chained at the head by the next seal; and only the holder of the lock seals, and the
database lets seq/prev_hash/hash be set exactly once (migration 0028). So the chain is in
seal order: id order except for such late commits. Readers that want "latest" or "oldest
first" order by id, which holds for unsealed events too and agrees with the chain whenever
one event was inserted after the other's transaction committed (two changes to one household
serialised by its row lock): the later one is never sealed before the earlier one.

A writer that needs seqs at once (privacy lists the seqs it redacts) calls ``lock_chain``:
it takes the chain lock until its commit, seals every committed event in its transaction,
and its own events are sealed as they are inserted (the old way). SQLite, one writer at a
time, always seals as it inserts. A sealer finding the lock held leaves at once: the holder
looks again after its commit; and one thread per process seals, the others leave word.

Events are stored with their data as its canonical JSON text, so ``verify`` hashes the
stored text without parsing it; it reads plain tuples from the driver (a server-side
cursor on PostgreSQL) and can split a long walk across processes. It walks the sealed chain
(seq 1 to the head) and counts the events still unsealed. Signed checkpoints
(jobmatch.ledger_checkpoints) let ``jobmatch ledger verify`` start where the last good walk
ended. Per-chain sharding was set aside: one line is what verify, redaction and the reports trust.
"""

import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]

import psycopg
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    select,
    text,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.db import copy_rows, driver_connection, is_postgresql
from jobmatch.models import Household, LedgerEvent, Person
from jobmatch.models.ledger import EventKind
from jobmatch.models.types import as_utc

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_301_000  # any constant shared by all writers
_HEAD_KEY = "jobmatch.ledger_head"


class CanonicalJSON(str):
    """An event's data written out already as canonical_json would write it (by a maker of tens of
    thousands of events of one shape, faster than the encoder: a roster import's persons): stored
    as given."""


@dataclass
class NewEvent:
    """An event to append: what happened, to whom, said by whom."""

    kind: str
    actor: str
    data: dict | CanonicalJSON = field(default_factory=dict)
    household_id: int | None = None
    person_id: int | None = None
    subject: str = ""


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable in a ledger event: {type(value).__name__}")


# One encoder built once: json.dumps with these options would build a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def canonical_json(data) -> str:
    return _ENCODER.encode(data)


def data_digest(data) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, seq: int, occurred_at: datetime, actor: str, kind: str,
               household_id, person_id, subject: str, digest: str) -> str:
    header = canonical_json([prev_hash, seq, occurred_at.isoformat(), actor, kind,
                             household_id, person_id, subject, digest])
    return hashlib.sha256(header.encode("utf-8")).hexdigest()


def _copy_text(value: str) -> str:
    """``value`` in COPY's text format (canonical JSON has no raw tab or line break, only backslashes)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def known_kind(kind: str) -> EventKind:
    """``kind`` as an EventKind; raises ValueError for a kind the ledger does not know."""
    try:
        return EventKind(kind)
    except ValueError:
        raise ValueError(f"unknown ledger event kind {kind!r}: add it to jobmatch.models.ledger.EventKind "
                         "and label it in jobmatch.vocabulary") from None


def check_person_subject(new: NewEvent) -> None:
    """An event whose subject is a person ("person:<id>") names that person, or none, as its person_id:
    the privacy export finds a person's events by person_id, and by subject only among the events
    with no person_id (the subject index holds only those, migration 0041). Raises ValueError."""
    if new.person_id is not None and new.subject.startswith("person:") and new.subject != f"person:{new.person_id}":
        raise ValueError(f"ledger event {new.kind} is about {new.subject} but names person {new.person_id}")


def append(session: Session, kind: str, *, actor: str, data: dict | None = None,
           household_id: int | None = None, person_id: int | None = None, subject: str = "") -> dict:
    """Append one event; returns its row as a dict. The caller commits."""
    return append_many(session, [NewEvent(kind, actor, data or {}, household_id, person_id, subject)])[0]


def append_many(session: Session, events: list[NewEvent]) -> list[dict]:
    """Append events in order with one round trip. The caller commits.

    On PostgreSQL the events go in unsealed (seq, prev_hash and hash None in the rows
    returned) and are sealed right after the commit; a transaction holding the chain lock
    (``lock_chain``), a bulk load of COPY_FROM events or more (which takes the lock), and
    SQLite seal them as they are inserted.
    """
    if not events:
        return []
    kinds = [known_kind(new.kind).value for new in events]  # all checked before anything is written
    for new in events:
        check_person_subject(new)
    # A bulk load (COPY) is sealed as it is written: sealing afterwards would write every row twice.
    sealed_now = not is_postgresql(session) or _HEAD_KEY in session.info or len(events) >= COPY_FROM
    seq, prev_hash = _locked_head(session) if sealed_now else (0, GENESIS_HASH)
    occurred_at = utcnow()
    rows, params = [], []
    for new, kind in zip(events, kinds):
        # canonical JSON reads back to the same canonical JSON
        data_text = str(new.data) if isinstance(new.data, CanonicalJSON) else canonical_json(new.data)
        digest = hashlib.sha256(data_text.encode("utf-8")).hexdigest()
        row = {
            "seq": None, "occurred_at": occurred_at, "actor": new.actor, "kind": kind,
            "household_id": new.household_id, "person_id": new.person_id, "subject": new.subject,
            "data": json.loads(data_text), "data_digest": digest, "prev_hash": None, "hash": None,
        }  # data: exactly what was hashed
        if sealed_now:
            seq += 1
            row_hash = chain_hash(prev_hash, seq, occurred_at, new.actor, kind,
                                  new.household_id, new.person_id, new.subject, digest)
            row.update(seq=seq, prev_hash=prev_hash, hash=row_hash)
            prev_hash = row_hash
        rows.append(row)
        params.append({**row, "data": data_text})
    if len(rows) >= COPY_FROM and is_postgresql(session):
        # COPY stores the data column's canonical text as is, like _insert_events.
        copy_rows(session, "ledger_events", _LEDGER_COLUMNS, ([p[c] for c in _LEDGER_COLUMNS] for p in params))
    elif is_postgresql(session):
        # The driver's statement, not a SQLAlchemy construct: most of a one-event transaction's
        # Python time went to compiling and caching the construct (issue 19, appends/s).
        session.connection().exec_driver_sql(_PG_INSERT_EVENTS, params)  # type: ignore[arg-type]
    else:
        session.execute(_insert_events(session), params)
    if sealed_now:
        session.info[_HEAD_KEY] = (seq, prev_hash)
    if is_postgresql(session):
        session.info[_TO_SEAL_KEY] = True
    return rows


def append_stream(session: Session, events: Iterable[NewEvent]) -> int:
    """Append ``events`` in order, as ``append_many`` would, without returning them; the count.

    For an import's tens of thousands of events. On PostgreSQL, from COPY_FROM events on (from
    COPY_FROM_LOCKED in a transaction holding the chain lock already), they go in as one COPY fed
    while they are made (PostgreSQL stores the first while Python makes the next, and memory does
    not grow with their number), sealed as written under the chain lock, like any bulk load. An
    unknown kind part way through raises, and the transaction (which the caller then rolls back)
    keeps none of them; so does an event about one person that names another (check_person_subject).
    """
    events = iter(events)
    copy_from = COPY_FROM_LOCKED if _HEAD_KEY in session.info else COPY_FROM
    first = list(islice(events, copy_from))
    if len(first) < copy_from or not is_postgresql(session):
        count = len(append_many(session, first))
        while part := list(islice(events, _STREAM_PART)):
            count += len(append_many(session, part))
        return count
    seq, prev_hash = _locked_head(session)
    start_seq, at_text = seq, utcnow().isoformat()
    sha256, encode, quote = hashlib.sha256, _ENCODER.encode, encode_basestring
    kinds: dict[str, tuple[str, str]] = {}  # each kind checked and quoted once, and each actor: they repeat
    actors: dict[str, str] = {}
    cursor = driver_connection(session).cursor()
    lines: list[str] = []
    with cursor, cursor.copy(f"COPY ledger_events ({', '.join(_LEDGER_COLUMNS)}) FROM STDIN",
                             writer=QueuedLibpqWriter(cursor)) as copy:
        for new in chain(first, events):
            kind, kind_json = kinds.get(new.kind) or kinds.setdefault(new.kind, _kind_texts(new.kind))
            check_person_subject(new)
            actor = actors.get(new.actor) or actors.setdefault(new.actor, quote(new.actor))
            data = new.data
            data_text = data if data.__class__ is CanonicalJSON else encode(data)
            digest = sha256(data_text.encode()).hexdigest()
            household, household_cell = ("null", "\\N") if new.household_id is None else (int(new.household_id),) * 2
            person, person_cell = ("null", "\\N") if new.person_id is None else (int(new.person_id),) * 2
            seq += 1
            # canonical_json of chain_hash's header, written out as _walk reads it back
            header = (f'["{prev_hash}",{seq},"{at_text}",{actor},{kind_json},{household},{person},'
                      f'{quote(new.subject)},"{digest}"]')
            row_hash = sha256(header.encode()).hexdigest()
            lines.append(f"{seq}\t{at_text}\t{_copy_text(new.actor)}\t{kind}\t"
                         f"{household_cell}\t{person_cell}\t"
                         f"{_copy_text(new.subject)}\t{_copy_text(data_text)}\t{digest}\t{prev_hash}\t{row_hash}\n")
            prev_hash = row_hash
            if len(lines) >= _STREAM_PART:
                copy.write("".join(lines))
                lines.clear()
        copy.write("".join(lines))
    session.info[_HEAD_KEY] = (seq, prev_hash)
    session.info[_TO_SEAL_KEY] = True
    return seq - start_seq


def _kind_texts(kind: str) -> tuple[str, str]:
    value = known_kind(kind).value
    return value, encode_basestring(value)


_STREAM_PART = 2000  # events per write to the COPY (and per append_many on SQLite)


def _insert_events(session: Session):
    """INSERT with the data column given as its canonical text, stored as is.

    PostgreSQL's json type and SQLite keep the text they are given, so a walk can hash the
    stored text without parsing it (rows written otherwise are parsed and re-encoded).
    """
    text_param = bindparam("data", type_=Text())
    stored = cast(text_param, JSON) if is_postgresql(session) else type_coerce(text_param, Text())
    return insert(LedgerEvent.__table__).values(data=stored)  # type: ignore[arg-type]


# From this many events on, PostgreSQL receives them through COPY (one stream, no per-row round trip).
COPY_FROM = 500
# The same in a transaction that holds the chain lock already (an import): the COPY costs it no lock,
# and a row-by-row INSERT costs Python a round of work per event (an import's ~1,000 flag changes:
# a twentieth of a county's first import, issue 19).
COPY_FROM_LOCKED = 50
_LEDGER_COLUMNS = ("seq", "occurred_at", "actor", "kind", "household_id", "person_id", "subject", "data",
                   "data_digest", "prev_hash", "hash")
# _insert_events as PostgreSQL's driver takes it: the json column keeps the canonical text it is given.
_PG_INSERT_EVENTS = (f"INSERT INTO ledger_events ({', '.join(_LEDGER_COLUMNS)}) VALUES ("
                     + ", ".join("CAST(%(data)s AS JSON)" if c == "data" else f"%({c})s" for c in _LEDGER_COLUMNS)
                     + ")")


def lock_chain(session: Session) -> None:
    """Take the chain's lock for this transaction (held until it ends) and seal what is pending.

    For a writer that needs seqs at once (privacy lists the seqs it redacts): every committed
    event is sealed in this transaction, and its own events are sealed as it appends them.
    Also the first lock of writers that lock rows after it: one lock order. Ordinary appends
    take no lock (see the module docstring).
    """
    _locked_head(session)


def _locked_head(session: Session) -> tuple[int, str]:
    """The last (seq, hash), read once per transaction after taking the chain lock.

    On PostgreSQL the events committed but not sealed yet (and this transaction's own) are
    sealed first, in this transaction, so the head is the end of everything it can see.
    """
    head = session.info.get(_HEAD_KEY)
    if head is not None:
        return head
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
        head = _chain_head(session)
        while sealed := _seal_visible(driver_connection(session), head, _SEAL_BATCH):
            head = sealed
        session.info[_TO_SEAL_KEY] = True  # rows committed while this one holds the lock: sealed after it
    else:
        head = _chain_head(session)
    session.info[_HEAD_KEY] = head
    return head


_HEAD = "SELECT seq, hash FROM ledger_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"


def _chain_head(session: Session) -> tuple[int, str]:
    last = session.execute(text(_HEAD)).first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_head(session, transaction):
    # The cached head is only valid while this transaction holds the chain lock.
    if transaction.parent is not None:
        # A savepoint rolled back takes its events with it: the head is read again, while the
        # key stays to say this transaction holds the lock (its events are still sealed as written).
        if _HEAD_KEY in session.info:
            session.info[_HEAD_KEY] = None
        return
    session.info.pop(_HEAD_KEY, None)
    if session.info.pop(_SEAL_NOW_KEY, False):  # the connection is back in the pool by now
        _seal_after_commit(session)


# -- sealing: chaining committed events --------------------------------------------------------

_TO_SEAL_KEY = "jobmatch.ledger_to_seal"  # this transaction inserted events or held the chain lock
_SEAL_NOW_KEY = "jobmatch.ledger_seal_now"  # ... and has committed
_SEAL_BATCH = 2000  # events chained per sealing transaction
_SEAL_PASSES = 50  # passes one call makes at most while events keep arriving (the schedule does the rest)


@sa_event.listens_for(Session, "after_commit")
def _note_commit(session):
    if session.info.pop(_TO_SEAL_KEY, False):
        session.info[_SEAL_NOW_KEY] = True


@sa_event.listens_for(Session, "after_rollback")
def _forget_unsealed(session):
    session.info.pop(_TO_SEAL_KEY, None)  # the next seal picks up whatever did commit


def _seal_after_commit(session: Session) -> None:
    bind = session.get_bind()
    try:
        seal_soon(bind.engine if isinstance(bind, Connection) else bind)
    except Exception as exc:  # noqa: BLE001 - the business commit stands; the scheduled sealer retries
        # Not log.exception: a database error quotes its parameters.
        log.warning("ledger seal after commit failed (%s); the scheduled seal will chain the events",
                    type(exc).__name__)


@dataclass
class _ProcessSealer:
    """One sealing thread at a time per process and database; the others only leave word."""

    busy: threading.Lock = field(default_factory=threading.Lock)
    wanted: threading.Event = field(default_factory=threading.Event)


_process_sealers: dict[str, _ProcessSealer] = {}


def seal_soon(engine: Engine) -> None:
    """Seal what this thread committed, unless a thread of this process is sealing: then that one will.

    Word is left before trying, and the sealing thread looks for word after it is done, so
    events committed while it sealed are never left waiting for the schedule.
    """
    sealer = _process_sealers.setdefault(str(engine.url), _ProcessSealer())
    sealer.wanted.set()
    while sealer.wanted.is_set() and sealer.busy.acquire(blocking=False):
        try:
            sealer.wanted.clear()
            seal_pending(engine)
        finally:
            sealer.busy.release()


def seal_pending(engine: Engine) -> int:
    """Chain the committed unsealed events, each batch in its own short transaction; returns how many.

    Called after commits that inserted events (``seal_soon``), and on the dispatcher's schedule
    (a writer killed between its commit and its seal loses nothing). A call that finds another
    sealer at work leaves at once: that one looks again after its commit, so it sees these events.
    """
    if engine.dialect.name != "postgresql":
        return 0  # SQLite seals as it inserts (one writer at a time)
    total = 0
    with engine.connect() as connection:
        driver = driver_connection(connection)
        for _ in range(_SEAL_PASSES):
            sealed = _seal_pass(driver)
            if sealed is None:
                break
            total += sealed
            # Looked at after this pass released the lock: a sealer that found it held may
            # have left because of it, after its own commit; this look sees that commit.
            with driver.transaction():
                if driver.execute(_PG_ANY_UNSEALED).fetchone() is None:
                    break
    return total


# The sealer speaks to the driver directly: a seal is a handful of fixed statements, and through
# SQLAlchemy's constructs their Python time was most of what a one-event transaction cost.
_PG_ANY_UNSEALED = "SELECT 1 FROM ledger_events WHERE seq IS NULL LIMIT 1"
# A seal is derived from committed rows: were a crash to lose it, they would be sealed again.
# WAL is flushed in order, so the next durable commit (a checkpoint, a redaction) makes it
# durable too: no fsync to wait for here.
_PG_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(%(key)s), set_config('synchronous_commit', 'off', true)"
_PG_PENDING = ("SELECT id, occurred_at, actor, kind, household_id, person_id, subject, data_digest "
               "FROM ledger_events WHERE seq IS NULL ORDER BY id LIMIT %(limit)s")
_PG_SEAL = "UPDATE ledger_events SET seq = %(seq)s, prev_hash = %(prev)s, hash = %(hash)s WHERE id = %(id)s"


def _seal_pass(driver: psycopg.Connection) -> int | None:
    """Seal one batch under the chain lock; None if another transaction holds the lock."""
    with driver.transaction():
        locked = driver.execute(_PG_TRY_LOCK, {"key": _ADVISORY_LOCK_KEY}).fetchone()
        if not (locked and locked[0]):
            return None
        head = driver.execute(_HEAD).fetchone() or (0, GENESIS_HASH)
        sealed = _seal_visible(driver, head, _SEAL_BATCH)
        return 0 if sealed is None else sealed[0] - head[0]


def _seal_visible(driver: psycopg.Connection, head: tuple[int, str], limit: int) -> tuple[int, str] | None:
    """Chain up to ``limit`` unsealed events this transaction sees, in id order, after ``head``.

    The caller holds the chain lock. Returns the new head, None if there was nothing to seal.
    """
    pending = driver.execute(_PG_PENDING, {"limit": limit}).fetchall()
    if not pending:
        return None
    seq, prev_hash = head
    seals = []
    for row_id, occurred_at, actor, kind, household_id, person_id, subject, digest in pending:
        seq += 1
        row_hash = chain_hash(prev_hash, seq, as_utc(occurred_at), actor, kind, household_id, person_id,
                              subject, digest)
        seals.append({"id": row_id, "seq": seq, "prev": prev_hash, "hash": row_hash})
        prev_hash = row_hash
    with driver.cursor() as cursor:
        cursor.executemany(_PG_SEAL, seals)
    return seq, prev_hash


@dataclass
class VerifyResult:
    checked: int
    problem: str | None = None
    bad_seq: int | None = None
    head_hash: str = GENESIS_HASH
    started_after: int = 0  # the walk began after this event (a checkpoint's), 0: from the first
    head_seq: int = 0
    unsealed: int = 0  # committed events not chained yet: no walk covers them until they are sealed

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class _Segment:
    """What one walk over a run of events found; runs walked apart are joined by ``_join``."""

    first_seq: int
    assumed_prev: str | None  # the prev_hash the run was walked from (None: nothing to walk)
    checked: int = 0
    problem: str | None = None
    bad_seq: int | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    unbacked: dict[int, int] = field(default_factory=dict)  # redacted seq -> seq that must back it
    backing: list[tuple[int, int]] = field(default_factory=list)  # (redacted seq, anonymising seq)


def verify(session: Session, batch_size: int = 20_000, *, after: tuple[int, str] | None = None,
           checkpoints: dict[int, str] | None = None, workers: int = 1,
           split_above: int = 500_000) -> VerifyResult:
    """Walk the chain in seq order; stop at the first event that does not fit.

    ``after`` = (seq, hash) starts the walk after a trusted event (a checkpoint) instead of
    the first; ``checkpoints`` (seq -> hash, signatures already checked) are events whose hash
    must not have changed since they were signed; ``workers`` > 1 splits the range across that
    many processes on PostgreSQL when more than ``split_above`` events are to be walked (each walks its part from the stored prev_hash of its first event, and the
    parts are joined only if each one's last hash is the next one's start).

    A redacted event (data replaced by ``{"redacted": true, "by": N}``, digest kept) fits
    only if event N, later in the chain, is a ``person_anonymised`` event listing it.

    Only sealed events are walked (the chain is the sealed ones, seq 1 to the head, in the
    order they were sealed: id order but for a late commit, which the next seal chains at
    the head; see the module docstring); the result counts the committed events still
    waiting for their seal, which no walk or checkpoint covers yet.
    """
    start_seq, start_hash = after or (0, GENESIS_HASH)
    checkpoints = checkpoints or {}
    last_seq = session.execute(select(func.max(LedgerEvent.seq))).scalar() or 0
    # SQLite runs one transaction at a time (BEGIN IMMEDIATE), so only PostgreSQL walks in parts.
    # Starting a process costs about a second: worth it only for a long walk.
    if workers > 1 and is_postgresql(session) and last_seq - start_seq > max(2 * batch_size, split_above):
        segments = _walk_in_processes(session, start_seq, start_hash, last_seq, checkpoints, batch_size, workers)
    else:
        segment = _Segment(start_seq + 1, start_hash, head_seq=start_seq, head_hash=start_hash)
        _walk(_event_rows(session, start_seq + 1, None, batch_size), segment, checkpoints)
        segments = [segment]
    result = _join(segments, start_seq, start_hash)
    if result.ok and result.head_seq > start_seq:
        result = _with_unrecorded_names(session, result, start_seq)
    result.unsealed = session.execute(select(func.count()).where(LedgerEvent.seq.is_(None))).scalar() or 0
    return result


# The columns the hash covers, in the order _walk unpacks them; occurred_at comes as the text
# of datetime.isoformat() (PostgreSQL formats it, so that work runs in the server's process).
_PG_EVENT_ROWS = """
SELECT seq, id, prev_hash, hash,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
       || CASE WHEN date_part('microseconds', occurred_at)::bigint %% 1000000 = 0 THEN ''
               ELSE to_char(occurred_at AT TIME ZONE 'UTC', '.US') END || '+00:00',
       actor, kind, household_id, person_id, subject, data::text, data_digest
FROM ledger_events WHERE seq >= %(first)s AND seq <= %(last)s ORDER BY seq
"""
_SQLITE_EVENT_ROWS = """
SELECT seq, id, prev_hash, hash, occurred_at, actor, kind, household_id, person_id, subject,
       CAST(data AS TEXT), data_digest
FROM ledger_events WHERE seq >= ? AND seq <= ? ORDER BY seq
"""
_NO_END = 2**62


def _event_rows(session: Session, first_seq: int, last_seq: int | None, batch_size: int):
    """Plain tuples straight from the driver, in seq order; a server-side cursor on PostgreSQL."""
    last_seq = _NO_END if last_seq is None else last_seq
    dbapi_connection = session.connection().connection.dbapi_connection
    if is_postgresql(session):
        with dbapi_connection.cursor(name="ledger_walk", binary=True) as cursor:  # type: ignore[union-attr]
            cursor.itersize = batch_size
            cursor.execute(_PG_EVENT_ROWS, {"first": first_seq, "last": last_seq})
            while batch := cursor.fetchmany(batch_size):
                yield from batch
        return
    cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_SQLITE_EVENT_ROWS, (first_seq, last_seq))
        while batch := cursor.fetchmany(batch_size):
            for row in batch:  # SQLite keeps naive UTC text: the same isoformat() the hash was made with
                yield row[:4] + (as_utc(row[4]).isoformat(),) + row[5:]
    finally:
        cursor.close()


def _walk(rows, segment: _Segment, checkpoints: dict[int, str]) -> None:
    """Check ``rows`` one after the other from ``segment``'s start; the loop is kept lean on purpose.

    The header is built as canonical_json would build it (strings escaped by the same encoder;
    the seq and ids are integers from integer columns, the time is isoformat text).
    """
    quote, loads, sha256 = encode_basestring, json.loads, hashlib.sha256
    expected_seq, prev_hash = segment.first_seq, segment.assumed_prev
    unbacked, backing, checked = segment.unbacked, segment.backing, 0
    for seq, row_id, row_prev, row_hash, occurred_at, actor, kind, household_id, person_id, subject, raw, digest in rows:
        if prev_hash is None:  # a part walked in another process: its start is joined later
            prev_hash = segment.assumed_prev = row_prev
        problem = None
        if seq != expected_seq or row_prev != prev_hash:
            problem = _misplaced(seq, expected_seq, kind, row_id)
        else:
            data = None
            if raw is None or sha256(raw.encode()).hexdigest() != digest:  # not stored canonical: parse
                data = None if raw is None else loads(raw)
                if data_digest(data) != digest:
                    by = redacted_by(data)
                    if by is None or by <= seq:
                        problem = f"event {seq} ({kind}, id {row_id}): its data was altered"
                    else:
                        unbacked[seq] = by
            if problem is None:
                try:
                    header = (f"[{quote(row_prev)},{seq},{quote(occurred_at)},{quote(actor)},{quote(kind)},"
                              f"{'null' if household_id is None else household_id},"
                              f"{'null' if person_id is None else person_id},{quote(subject)},{quote(digest)}]")
                except TypeError:  # a NULL where text belongs (a tampered row): the general encoder
                    header = canonical_json([row_prev, seq, occurred_at, actor, kind, household_id,
                                             person_id, subject, digest])
                if sha256(header.encode()).hexdigest() != row_hash:
                    problem = f"event {seq} ({kind}, id {row_id}): its actor, time, kind or subject was altered"
                elif seq in checkpoints and checkpoints[seq] != row_hash:
                    problem = (f"event {seq} ({kind}, id {row_id}) is not the event a signed checkpoint "
                               "recorded: the chain up to it was rewritten")
            if problem is None and kind == ANONYMISED_KIND and seq not in unbacked:
                listed = (data if data is not None else loads(raw) or {}).get("redacted_seqs", [])
                backing.extend((redacted, seq) for redacted in listed)
        if problem:
            segment.problem, segment.bad_seq = problem, seq
            break
        checked += 1
        expected_seq, prev_hash = seq + 1, row_hash
    segment.checked = checked
    if checked and prev_hash is not None:
        segment.head_seq, segment.head_hash = expected_seq - 1, prev_hash


def _with_unrecorded_names(session: Session, result: VerifyResult, start_seq: int) -> VerifyResult:
    """``result``, or a problem at the first walked event naming a household or person not recorded.

    The events' ids are not foreign keys (migration 0038): this check over the walked range
    stands in for the one each insert used to make."""
    walked = LedgerEvent.seq.between(start_seq + 1, result.head_seq)
    # Two anti-joins, not one OR: PostgreSQL hashes each table once instead of probing per event
    # (5 s against 22 s over 20 M events).
    unrecorded = union_all(*(
        select(LedgerEvent.seq).where(walked, column.is_not(None), ~exists().where(table.id == column))
        for column, table in ((LedgerEvent.household_id, Household), (LedgerEvent.person_id, Person)))).subquery()
    seq = session.scalar(select(func.min(unrecorded.c.seq)))
    if seq is None:
        return result
    kind, household_id, person_id = session.execute(select(
        LedgerEvent.kind, LedgerEvent.household_id, LedgerEvent.person_id).where(LedgerEvent.seq == seq)).one()
    problem = f"event {seq} ({kind}) names household {household_id} and person {person_id}, not both recorded"
    return VerifyResult(seq - 1 - start_seq, problem, seq, result.head_hash, start_seq, result.head_seq)


def _misplaced(seq: int, expected_seq: int, kind: str, row_id: int) -> str:
    where = f"event {seq} ({kind}, id {row_id})"
    if seq > expected_seq:
        return f"event {expected_seq} is missing before {where}: deleted"
    if seq < expected_seq:
        return f"{where} is out of order: inserted"
    return f"{where} does not follow event {seq - 1}: inserted, deleted or reordered"


def _join(segments: list[_Segment], start_seq: int, start_hash: str) -> VerifyResult:
    """One result from runs walked apart, as if one walk had gone through them in order."""
    checked, head_seq, head_hash = 0, start_seq, start_hash
    unbacked: dict[int, int] = {}
    for segment in segments:
        if segment.assumed_prev is not None and segment.checked and segment.assumed_prev != head_hash:
            problem = f"event {segment.first_seq} does not follow event {segment.first_seq - 1}: inserted, deleted or reordered"
            return VerifyResult(checked, problem, segment.first_seq, head_hash, start_seq, head_seq)
        checked += segment.checked
        if segment.checked:
            head_seq, head_hash = segment.head_seq, segment.head_hash
        unbacked.update(segment.unbacked)
        if segment.problem:
            return VerifyResult(checked, segment.problem, segment.bad_seq, head_hash, start_seq, head_seq)
    for segment in segments:
        for seq, by in segment.backing:
            if unbacked.get(seq) == by:
                del unbacked[seq]
    if unbacked:
        seq, by = min(unbacked.items())
        problem = (f"event {seq}: its data was redacted, but event {by} is not a "
                   f"{ANONYMISED_KIND} event listing it")
        return VerifyResult(seq - 1 - start_seq, problem, seq, head_hash, start_seq, head_seq)
    return VerifyResult(checked, head_hash=head_hash, started_after=start_seq, head_seq=head_seq)


def _walk_in_processes(session: Session, start_seq: int, start_hash: str, last_seq: int,
                       checkpoints: dict[int, str], batch_size: int, workers: int) -> list[_Segment]:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    url = session.connection().engine.url.render_as_string(hide_password=False)
    step = -(-(last_seq - start_seq) // workers)
    bounds = [(first, min(first + step - 1, last_seq)) for first in range(start_seq + 1, last_seq + 1, step)]
    # The tail after last_seq (events appended meanwhile) is left to the next walk.
    with ProcessPoolExecutor(len(bounds), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_walk_range, url, first, last, start_hash if n == 0 else None, checkpoints, batch_size)
                   for n, (first, last) in enumerate(bounds)]
        return [future.result() for future in futures]


def _walk_range(url: str, first_seq: int, last_seq: int, start_hash: str | None,
                checkpoints: dict[int, str], batch_size: int) -> _Segment:
    """One part of a walk split across processes (runs in a child process)."""
    from jobmatch.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            segment = _Segment(first_seq, start_hash)
            _walk(_event_rows(session, first_seq, last_seq, batch_size), segment, checkpoints)
            if segment.checked == 0 and segment.problem is None:
                segment.problem, segment.bad_seq = f"events {first_seq} to {last_seq} are missing: deleted", first_seq
            return segment
    finally:
        engine.dispose()


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
