"""Ledger benchmark on PostgreSQL: appends/s with concurrent writers, and the verify walk.

    .venv/bin/python bench/ledger.py [--writers 8] [--seconds 10] [--events 200000]

- appends: WRITERS threads, each with its own connection, each transaction appending one event
  (the service's usual shape: one thing happened, recorded and committed), for SECONDS; beside
  a baseline of the same transactions inserting the same rows into an unchained copy of the
  table (no lock, no hash), in the same process.
- verify: `jobmatch.ledger.verify` over EVENTS events (built with append_many in batches),
  events/s, beside a baseline that only reads the same rows.

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


def bench_appends(app, writers: int, seconds: float) -> tuple[float, float]:
    with app.extensions["jobmatch.engine"].begin() as conn:
        conn.execute(text("CREATE TABLE bench_plain (id bigserial primary key, occurred_at timestamptz default now(), "
                          "actor varchar(40), kind varchar(40), subject varchar(40), data json)"))
    baseline = _writers(app, writers, seconds, _plain_insert)
    chained = _writers(app, writers, seconds, _append)
    return chained, baseline


def bench_verify(app, events: int) -> tuple[float, float, int]:
    maker = app.extensions["jobmatch.sessionmaker"]
    session = maker()
    batch = 5000
    for start in range(0, events, batch):
        ledger.append_many(session, [ledger.NewEvent("follow_up_recorded", "bench", {"i": i, "note": "入户走访"},
                                                     subject=f"bench:{i}") for i in range(start, start + batch)])
        session.commit()
    session.close()
    session = maker()
    started = time.perf_counter()
    result = session.execute(text("SELECT seq, hash, data FROM ledger_events ORDER BY seq")).fetchall()
    read_only = len(result) / (time.perf_counter() - started)
    del result
    session.close()
    session = maker()
    started = time.perf_counter()
    verified = ledger.verify(session)
    walk = verified.checked / (time.perf_counter() - started)
    assert verified.ok, verified.problem
    session.close()
    return walk, read_only, verified.checked


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args(argv)
    from tests.services import create_pg_database, drop_pg_database

    url = create_pg_database("jobmatch_bench_ledger")
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": None})
        chained, baseline = bench_appends(app, args.writers, args.seconds)
        print(f"appends, {args.writers} writers, one event per transaction: {chained:,.0f}/s "
              f"(plain INSERT baseline {baseline:,.0f}/s, ratio {chained / baseline:.2f}); target >= 1,000/s")
        walk, read_only, checked = bench_verify(app, args.events)
        print(f"verify: full walk of {checked:,} events at {walk:,.0f} events/s "
              f"(reading the same rows only: {read_only:,.0f}/s, ratio {walk / read_only:.2f}); target >= 200,000/s")
        app.extensions["jobmatch.engine"].dispose()
    finally:
        drop_pg_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
