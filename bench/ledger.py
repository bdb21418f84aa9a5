"""Ledger benchmark on PostgreSQL: appends/s with concurrent writers, and the verify walk.

    .venv/bin/python bench/ledger.py [--writers 8] [--seconds 10] [--events 1000000] [--verify-workers 2] [--skip-appends]

- appends: WRITERS threads, each with its own connection, each transaction appending one event
  with `jobmatch.ledger.append` as the app calls it (the service's usual shape: one thing
  happened, recorded and committed; the event is sealed right after the commit), for SECONDS;
  beside a baseline of the same transactions inserting the same rows into an unchained copy of
  the table (no lock, no hash), in the same process. Afterwards every event must be sealed
  exactly once and the chain must verify.
- verify: `jobmatch.ledger.verify` over EVENTS events (built with append_many in batches),
  events/s in one process and split across VERIFY_WORKERS, beside a baseline that only reads
  the same rows; then a checkpoint is signed, 1,000 events are appended and `ledger verify`
  from the checkpoint is timed (seconds).

Targets (issue 19): appends >= 1,000/s with 8 writers; a full verify walk >= 200,000 events/s.
Needs PostgreSQL (JOBMATCH_TEST_PG, an admin DSN; default the local trust user).
"""

import argparse
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


def bench_appends(app, writers: int, seconds: float) -> tuple[float, float, int, int]:
    """(appends/s, plain INSERTs/s, events left unsealed when the writers stopped, events verified)."""
    engine = app.extensions["jobmatch.engine"]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_plain (id bigserial primary key, occurred_at timestamptz default now(), "
                          "actor varchar(40), kind varchar(40), subject varchar(40), data json)"))
    baseline = _writers(app, writers, seconds, _plain_insert)
    chained = _writers(app, writers, seconds, _append)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM ledger_events WHERE seq IS NULL")).scalar()
        total = conn.execute(text("SELECT count(*) FROM ledger_events")).scalar()
    ledger.seal_pending(engine)
    session = app.extensions["jobmatch.sessionmaker"]()
    verified = ledger.verify(session)
    assert verified.ok and verified.checked == total and verified.unsealed == 0, verified
    session.close()
    return chained, baseline, left, verified.checked


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
            chained, baseline, left, checked = bench_appends(app, args.writers, args.seconds)
            print(f"appends (jobmatch.ledger.append, sealed after commit), {args.writers} writers, one event per "
                  f"transaction: {chained:,.0f}/s (plain INSERT baseline {baseline:,.0f}/s, ratio "
                  f"{chained / baseline:.2f}); target >= 1,000/s; {left} of {checked:,} events were still unsealed "
                  "when the writers stopped; all sealed once and verified as one chain", flush=True)
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
