"""Ledger benchmark on PostgreSQL: appends/s with concurrent writers, and the verify walk.

    .venv/bin/python bench/ledger.py [--writers 8] [--seconds 10] [--events 1000000] [--verify-workers 2] [--skip-appends]

- appends: WRITERS threads, each with its own connection, each transaction appending one event
  (the service's usual shape: one thing happened, recorded and committed), for SECONDS; beside
  a baseline of the same transactions inserting the same rows into an unchained copy of the
  table (no lock, no hash), in the same process; then the same writers against a prototype of
  sealing after commit (see the comment above ``_seal``; not in the service yet).
- verify: `jobmatch.ledger.verify` over EVENTS events (built with append_many in batches),
  events/s in one process and split across VERIFY_WORKERS, beside a baseline that only reads
  the same rows; then a checkpoint is signed, 1,000 events are appended and `ledger verify`
  from the checkpoint is timed (seconds).

Targets (issue 19): appends >= 1,000/s with 8 writers; a full verify walk >= 200,000 events/s.
Needs PostgreSQL (JOBMATCH_TEST_PG, an admin DSN; default the local trust user).
"""

import argparse
import hashlib
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from jobmatch import (
    create_app,  # noqa: E402
    ledger,  # noqa: E402
)
from jobmatch.clock import utcnow  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402


def _writers(app, writers: int, seconds: float, write_one) -> float:
    """Transactions per second of ``writers`` threads calling ``write_one(session, i)`` then commit."""
    maker = app.extensions["jobmatch.sessionmaker"]
    counts = [0] * writers
    stop = threading.Event()

    def run(index: int) -> None:
        session = maker()
        i = 0
        while not stop.is_set():
            write_one(session, i)
            session.commit()
            i += 1
        counts[index] = i
        session.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def _append(session, i: int) -> None:
    ledger.append(session, "follow_up_recorded", actor="bench", subject=f"bench:{i}", data={"i": i, "note": "入户走访"})


def _plain_insert(session, i: int) -> None:
    session.execute(text("INSERT INTO bench_plain (actor, kind, subject, data) VALUES "
                         "('bench', 'follow_up_recorded', :s, CAST(:d AS json))"),
                    {"s": f"bench:{i}", "d": json.dumps({"i": i, "note": "入户走访"}, ensure_ascii=False)})


def bench_appends(app, writers: int, seconds: float) -> tuple[float, float]:
    with app.extensions["jobmatch.engine"].begin() as conn:
        conn.execute(text("CREATE TABLE bench_plain (id bigserial primary key, occurred_at timestamptz default now(), "
                          "actor varchar(40), kind varchar(40), subject varchar(40), data json)"))
    baseline = _writers(app, writers, seconds, _plain_insert)
    chained = _writers(app, writers, seconds, _append)
    return chained, baseline


# -- step 2 of issue 19, measured but not yet in the service: seal after commit ----------------
# Writers insert events without seq/prev_hash/hash and take no lock; right after its commit a
# writer tries (pg_try_advisory_xact_lock, never waiting) to seal what is committed and unsealed,
# in id order, in its own short transaction; whoever holds the lock seals everyone's rows, and
# a last sweep seals what is left (the dispatcher's job in the service). Measured on a copy of
# the table with nullable chain columns; the chain it builds is walked afterwards.

_SEAL_KEY = 7_301_999


def _create_unsealed(app) -> None:
    with app.extensions["jobmatch.engine"].begin() as conn:
        conn.execute(text("CREATE TABLE bench_unsealed (id bigserial primary key, seq bigint unique, "
                          "occurred_at timestamptz not null, actor varchar(40), kind varchar(40), subject varchar(40), "
                          "data json, data_digest varchar(64), prev_hash varchar(64) unique, hash varchar(64) unique)"))
        conn.execute(text("CREATE INDEX bench_unsealed_pending ON bench_unsealed (id) WHERE seq IS NULL"))


def _seal(session, limit: int = 2000) -> int:
    """Seal committed unsealed rows if nobody else is sealing; returns how many. Commits."""
    if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SEAL_KEY}).scalar():
        session.rollback()
        return 0
    # A seal is derived from committed rows: if a crash loses it, the rows are sealed again. And WAL
    # is flushed in order, so any later durable commit (a checkpoint) makes it durable: no fsync wait.
    session.execute(text("SET LOCAL synchronous_commit = off"))
    head = session.execute(text("SELECT seq, hash FROM bench_unsealed WHERE seq IS NOT NULL "
                                "ORDER BY seq DESC LIMIT 1")).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, ledger.GENESIS_HASH)
    pending = session.execute(text("SELECT id, occurred_at, actor, kind, subject, data_digest FROM bench_unsealed "
                                   "WHERE seq IS NULL ORDER BY id LIMIT :n"), {"n": limit}).all()
    updates = []
    for row in pending:
        seq += 1
        row_hash = ledger.chain_hash(prev_hash, seq, row.occurred_at, row.actor, row.kind, None, None,
                                     row.subject, row.data_digest)
        updates.append({"i": row.id, "s": seq, "p": prev_hash, "h": row_hash})
        prev_hash = row_hash
    if updates:
        session.execute(text("UPDATE bench_unsealed SET seq = :s, prev_hash = :p, hash = :h WHERE id = :i"), updates)
    session.commit()
    return len(updates)


def _append_unsealed(session, i: int) -> None:
    data_text = ledger.canonical_json({"i": i, "note": "入户走访"})
    session.execute(text("INSERT INTO bench_unsealed (occurred_at, actor, kind, subject, data, data_digest) VALUES "
                         "(:t, 'bench', 'follow_up_recorded', :s, CAST(:d AS json), :g)"),
                    {"t": utcnow(), "s": f"bench:{i}", "d": data_text,
                     "g": hashlib.sha256(data_text.encode()).hexdigest()})
    session.commit()
    _seal(session)  # the after-commit hook


def bench_sealed_appends(app, writers: int, seconds: float) -> tuple[float, float, int]:
    """(appends/s, seconds the last sweep took, events sealed), the sealed chain walked."""
    _create_unsealed(app)
    appends = _writers(app, writers, seconds, _append_unsealed)
    session = app.extensions["jobmatch.sessionmaker"]()
    started = time.perf_counter()
    while session.execute(text("SELECT count(*) FROM bench_unsealed WHERE seq IS NULL")).scalar():
        session.rollback()
        _seal(session)
    sweep = time.perf_counter() - started
    prev_hash, expected = ledger.GENESIS_HASH, 1
    for row in session.execute(text("SELECT seq, occurred_at, actor, kind, subject, data, data_digest, prev_hash, hash "
                                    "FROM bench_unsealed ORDER BY seq")):
        assert row.seq == expected and row.prev_hash == prev_hash and ledger.data_digest(row.data) == row.data_digest
        assert ledger.chain_hash(prev_hash, row.seq, row.occurred_at, row.actor, row.kind, None, None, row.subject,
                                 row.data_digest) == row.hash
        prev_hash, expected = row.hash, expected + 1
    session.close()
    return appends, sweep, expected - 1


def bench_verify(app, events: int, workers: int) -> dict:
    from jobmatch.ledger_checkpoints import checkpoint_key, verify_and_checkpoint

    maker = app.extensions["jobmatch.sessionmaker"]
    session = maker()
    batch = 5000
    for start in range(0, events, batch):
        ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", "bench", {"i": i, "note": "入户走访"},
                                                     subject=f"bench:{i}") for i in range(start, start + batch)])
        session.commit()
    session.close()
    with app.extensions["jobmatch.engine"].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE ledger_events"))
    figures = {}
    session = maker()
    started = time.perf_counter()
    result = session.execute(text("SELECT seq, hash, data FROM ledger_events ORDER BY seq")).fetchall()
    figures["read_only"] = len(result) / (time.perf_counter() - started)
    del result
    session.close()
    for n in sorted({1, workers}):
        session = maker()
        started = time.perf_counter()
        verified = ledger.verify(session, workers=n, split_above=0)
        figures[f"walk_{n}"] = verified.checked / (time.perf_counter() - started)
        assert verified.ok and verified.checked == events, verified.problem
        session.close()
    key = checkpoint_key(app)
    session = maker()
    verified, _ = verify_and_checkpoint(session, key, full=True, workers=workers)  # signs the head
    assert verified.ok
    _append_more = [ledger.NewEvent("follow_up_recorded", "bench", {"i": i}, subject=f"bench:{i}") for i in range(1000)]
    ledger.append_many(session, _append_more)
    session.commit()
    started = time.perf_counter()
    verified, _ = verify_and_checkpoint(session, key)
    figures["incremental_seconds"] = time.perf_counter() - started
    assert verified.ok and verified.checked == 1000 and verified.started_after == events, verified
    session.close()
    figures["checked"] = events
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--verify-workers", type=int, default=2, help="processes of the split walk")
    parser.add_argument("--skip-appends", action="store_true")
    args = parser.parse_args(argv)
    from tests.services import create_pg_database, drop_pg_database

    url = create_pg_database("jobmatch_bench_ledger")
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": None})
        if not args.skip_appends:
            chained, baseline = bench_appends(app, args.writers, args.seconds)
            print(f"appends, {args.writers} writers, one event per transaction: {chained:,.0f}/s "
                  f"(plain INSERT baseline {baseline:,.0f}/s, ratio {chained / baseline:.2f}); target >= 1,000/s",
                  flush=True)
            sealed, sweep, count = bench_sealed_appends(app, args.writers, args.seconds)
            print(f"appends sealed after commit (prototype, not in the service yet), {args.writers} writers: "
                  f"{sealed:,.0f}/s (ratio to plain INSERT {sealed / baseline:.2f}); the last sweep sealed the rest "
                  f"in {sweep:.2f} s; {count:,} events walked as one good chain", flush=True)
            with app.extensions["jobmatch.engine"].begin() as conn:
                conn.execute(text("TRUNCATE ledger_events"))
        f = bench_verify(app, args.events, args.verify_workers)
        read_only = f["read_only"]
        print(f"verify: full walk of {f['checked']:,} events at {f['walk_1']:,.0f} events/s in one process, "
              f"{f[f'walk_{args.verify_workers}']:,.0f} events/s in {args.verify_workers} "
              f"(reading the same rows only: {read_only:,.0f}/s); target >= 200,000/s")
        print(f"verify from the last checkpoint after 1,000 new events on top of {f['checked']:,}: "
              f"{f['incremental_seconds']:.2f} s")
        app.extensions["jobmatch.engine"].dispose()
    finally:
        drop_pg_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
