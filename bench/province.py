"""A province on one PostgreSQL (issue 19): generate it with COPY, then measure each figure of the issue.

    .venv/bin/python bench/province.py [--scale 1.0] [--import-persons 20000] [--keep]

Generates straight into a new PostgreSQL database (JOBMATCH_TEST_PG, an admin DSN; default the
local trust user) with COPY, see bench/province_build.py: 88 counties of Guizhou, 950 sites,
2,000,000 persons in households of 1-7, their current employment spells, vacancies, and
20,000,000 ledger events with a valid hash chain. ``--scale 0.05`` makes a province of 100,000
persons, 88 sites and 1,000,000 events (88 counties always). ``--build-only --keep --name
jobmatch_province`` builds a province to keep under that name (an existing one is replaced).

Then prints each figure with its target:
- roster import on PostgreSQL, a county-sized file (--import-persons) into the province: first
  import and unchanged re-import, persons/s;
- the all-counties round (`jobmatch round propose --all --no-wait`, then RQ workers in burst mode)
  with 1 and then 2 workers on two identical copies of the province; the ratio. First the round's
  workers of the largest county and of the pool read as columns against the ORM objects rounds read
  before (the baseline kept here), in this process. ``--round-only`` measures only these;
  ``--baseline-code DIR`` also runs each round with the code in DIR (a checkout of main) before
  this one's, on its own copy;
- the monthly county report of the largest county (services/reports/monthly.py);
- the staff dashboard (day_overview) of the largest site and the household list of the largest
  county, as service calls (p95 of repeated calls; no HTTP);
- ledger appends/s with 8 concurrent writers and the full verify walk (bench/ledger.py's functions);
- the dashboard, household list and worker's page over HTTP at 150 requests/s (bench/pages.py's run);
- "not measured (why)" for the rest.
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the root: bench/matching.py is not the package

from province_build import build_province, database_size  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from jobmatch import ledger  # noqa: E402
from jobmatch.clock import local_today  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import County, Settlement  # noqa: E402

# -- the figures --------------------------------------------------------------------------------

def _app(url: str, redis_url: str | None = None):
    from jobmatch import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": redis_url, "TESTING": True})


NEW_COUNTY = "镇雄县"


def measure_import(url: str, persons: int, county: str = NEW_COUNTY) -> tuple[float, float]:
    """First import and unchanged re-import of a county-sized roster of a county not yet in the province.

    At full scale every Guizhou county holds people, and a generated roster of one of them shares ID
    numbers with its people (the same region code and birth dates): it would be read as moves. So
    the file is of a neighbouring county across the border (Yunnan's 镇雄县), new to the database."""
    import tempfile

    from roster_import import make_roster, timed_import

    app = _app(url)
    with tempfile.TemporaryDirectory() as tmp:
        path, count = make_roster(persons, Path(tmp), county=county)
        first, _ = timed_import(app, path)
        again, report = timed_import(app, path)
        assert report.unchanged == count
    app.extensions["jobmatch.engine"].dispose()
    return count / first, count / again


def measure_round(url: str, redis_url: str, workers: int, code: Path = ROOT) -> tuple[float, int, int, float]:
    """Seconds from `round propose --all --no-wait` to the batch's end with ``workers`` burst workers
    running the code in ``code`` (another checkout: the same round with older code); also failed
    counties, offers and the county jobs' seconds added up."""
    import redis

    from jobmatch.services.offers.province_rounds import batch_progress

    redis.Redis.from_url(redis_url).flushdb()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": "bench",
           "PYTHONPATH": str(code), "FLASK_APP": "jobmatch"}
    jobmatch = [sys.executable, "-c", "from jobmatch.cli import main; main()"]
    started = time.perf_counter()
    out = subprocess.run(jobmatch + ["round", "propose", "--all", "--no-wait"], env=env, capture_output=True,
                         text=True, check=True, cwd=code).stdout
    batch_id = int(out.split()[1].rstrip(":"))
    # Each worker in a session of its own, as a supervisor (systemd, the Procfile's runner) starts
    # them: Linux's scheduler autogroups share CPU per session, so workers started in this one
    # would share one session's share of a busy machine, whatever their number.
    procs = [subprocess.Popen(jobmatch + ["worker", "--burst"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True, cwd=code) for _ in range(workers)]
    for proc in procs:
        proc.wait()
    elapsed = time.perf_counter() - started
    app = _app(url)
    with app.app_context():
        session = app.extensions["jobmatch.sessionmaker"]()
        progress = batch_progress(session, batch_id)
        failed = len(progress.failed)
        proposed = session.scalar(text("SELECT count(*) FROM offers"))
        steps = progress.steps
        county_work = sum((s.finished_at - s.started_at).total_seconds() for s in steps)
        last_county = max(s.finished_at for s in steps)
        counties_span = (last_county - min(s.started_at for s in steps)).total_seconds()
        pool = (progress.batch.finished_at - last_county).total_seconds()
        session.close()
    app.extensions["jobmatch.engine"].dispose()
    print(f"  {workers} worker(s): {elapsed:.1f} s; county jobs {county_work:.1f} s of work in {counties_span:.1f} s, "
          f"then the pool {pool:.1f} s; load average {os.getloadavg()[0]:.1f}", flush=True)
    return elapsed, failed, proposed, county_work


# -- the engine's input: the round's columns against the ORM objects it read before ---------------

def _orm_workers(session, persons) -> list:
    """The ORM baseline: what add_workers did before the round read columns (Person objects with
    their household, site and county loaded; each record built from the objects)."""
    from jobmatch.services.offers.matching_input import (
        age_on,
        county_text,
        household_members,
        is_welfare_eligible,
        persons_waiting_on_offers,
    )
    from jobmatch.services.welfare.ranking import household_facts
    from matching import records

    today = local_today()
    members, spell_kinds = household_members(session, {p.household_id for p in persons})
    waiting = persons_waiting_on_offers(session)
    workers = []
    for person in persons:
        is_employed = person.id in spell_kinds
        if person.id in waiting or not (is_employed or person.wants_work):
            continue
        facts = household_facts(person.household, person.id, spell_kinds, members[person.household_id])
        household = person.household
        settlement, county = household.settlement, household.county
        lat, lon = (settlement.lat, settlement.lon) if settlement.lat is not None else (county.lat, county.lon)
        if lat is None or lon is None:
            continue
        age = age_on(person.birth_date, today)
        workers.append(records.Worker(
            id=str(person.id), household_id=str(household.id), lat=lat, lon=lon,
            skills=tuple(person.skills or ()), certificates=tuple(person.certificates or ()),
            capacity=person.capacity, mobility="site" if person.cannot_leave_site else (person.mobility or "county"),
            max_commute_km=person.max_commute_km, county=county_text(county), age=age,
            wage_expectation=person.wage_expectation, zero_employment_household=household.zero_employment,
            monitored_household=household.monitoring != "none",
            welfare_eligible=is_welfare_eligible(person, age, facts), employed=is_employed))
    return workers


def measure_engine_input(url: str, county_id: int, repeats: int = 3) -> list[str]:
    """The workers of the largest county's round and of a pool round (no county round before it:
    every willing worker of the province), read as Person objects (the ORM baseline) and as columns,
    alternating in one process, each on a fresh session; best of ``repeats``. Checks the records
    are the same."""
    from jobmatch.models import Household, Person
    from jobmatch.services.offers.matching_input import (
        EngineInput,
        add_workers,
        labour_query,
        scope_workers,
    )
    from jobmatch.services.offers.province_rounds import POOL_MOBILITIES, pool_workers

    scopes = {
        "largest county": (
            lambda session: list(session.scalars(labour_query().where(Household.county_id == county_id))),
            lambda session: scope_workers(session, county_id=county_id, settlement_id=None)),
        "province pool": (
            lambda session: list(session.scalars(labour_query().where(
                Person.mobility.in_(POOL_MOBILITIES), Person.cannot_leave_site.is_(False),
                Person.wants_work.is_(True)))),
            lambda session: pool_workers(session, county_round_ids=[])),
    }
    app = _app(url)
    lines = []
    with app.app_context():
        for name, (orm_persons, column_workers) in scopes.items():
            best = {"orm": float("inf"), "columns": float("inf")}
            for _ in range(repeats):
                for way in ("orm", "columns"):
                    session = app.extensions["jobmatch.sessionmaker"]()
                    started = time.perf_counter()
                    if way == "orm":
                        workers = _orm_workers(session, orm_persons(session))
                    else:
                        engine_input = EngineInput()
                        add_workers(session, engine_input, column_workers(session))
                        workers = engine_input.workers
                    best[way] = min(best[way], time.perf_counter() - started)
                    session.close()
                    if way == "orm":
                        baseline = workers
                    else:
                        assert workers == baseline, f"{name}: the columns' records differ from the ORM's"
            lines.append(f"workers of a round, {name} ({len(baseline):,} workers): ORM objects {best['orm']:.2f} s, "
                         f"columns {best['columns']:.2f} s, {best['orm'] / best['columns']:.1f}x (best of {repeats}, "
                         f"same records; load average {os.getloadavg()[0]:.1f})")
            print(lines[-1], flush=True)
    app.extensions["jobmatch.engine"].dispose()
    return lines


def _p95(call, times: int) -> float:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    took.sort()
    return took[max(0, int(len(took) * 0.95) - 1)] * 1000


def measure_pages(url: str, facts: dict) -> dict:
    from jobmatch.services.households.dashboard import day_overview
    from jobmatch.services.households.listing import HouseholdFilters, list_households
    from jobmatch.services.reports.monthly import monthly_report

    app = _app(url)
    figures = {}
    with app.app_context():
        session = app.extensions["jobmatch.sessionmaker"]()
        county = session.get(County, facts["largest_county_id"])
        county_sites = set(session.scalars(select(Settlement.id).where(Settlement.county_id == county.id)))
        site = {facts["largest_site_id"]}
        today = local_today()
        started = time.perf_counter()
        monthly_report(session, county, today.year, today.month)
        figures["report"] = time.perf_counter() - started
        session.rollback()
        figures["dashboard_site"] = _p95(lambda: day_overview(session, site), 20)
        figures["dashboard_county"] = _p95(lambda: day_overview(session, county_sites), 10)
        figures["list_site"] = _p95(lambda: list_households(session, site, HouseholdFilters()), 20)
        figures["list_county"] = _p95(lambda: list_households(session, county_sites, HouseholdFilters(
            zero_employment=True)), 10)
        session.close()
    app.extensions["jobmatch.engine"].dispose()
    return figures


def _bench_ledger():
    spec = importlib.util.spec_from_file_location("bench_ledger", ROOT / "bench" / "ledger.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def measure_ledger(url: str, seconds: float) -> tuple[float, dict[int, float], int]:
    """Appends/s with 8 writers; the full walk's events/s in one process and in as many as
    `jobmatch ledger verify` starts by default (one per core); the events walked."""
    from jobmatch.cli import WALK_WORKERS

    bench_ledger = _bench_ledger()
    app = _app(url)
    appends = bench_ledger._writers(app, 8, seconds, bench_ledger._append)
    walks = {}
    for workers in sorted({1, WALK_WORKERS}):
        session = app.extensions["jobmatch.sessionmaker"]()
        started = time.perf_counter()
        verified = ledger.verify(session, workers=workers)
        walks[workers] = verified.checked / (time.perf_counter() - started)
        assert verified.ok, verified.problem
        session.close()
    app.extensions["jobmatch.engine"].dispose()
    return appends, walks, verified.checked


def clone_database(url: str, name: str) -> str:
    """A copy of the database (CREATE DATABASE ... TEMPLATE), for a second run on the same data."""
    from tests.services import pg_connect_admin

    base, _, source = url.rpartition("/")
    with pg_connect_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return f"{base}/{name}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full province (2 M persons)")
    parser.add_argument("--import-persons", type=int, default=20_000, help="persons in the county-sized roster file")
    parser.add_argument("--import-county", default=NEW_COUNTY, help="the roster file's county, one the province does "
                                                                     "not hold yet (on a --reuse'd province, another "
                                                                     "each time: any county of the gazetteer)")
    parser.add_argument("--ledger-seconds", type=float, default=10.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6", help="Redis for the RQ workers")
    parser.add_argument("--skip-round", action="store_true")
    parser.add_argument("--round-only", action="store_true", help="measure only the round (its workers read as "
                                                                   "objects and as columns, then 1 and 2 RQ workers)")
    parser.add_argument("--baseline-code", metavar="DIR", help="also run the round with the code in DIR (e.g. "
                                                               "`git archive main | tar -x -C DIR`), before this one's")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--skip-http", action="store_true", help="skip the pages over HTTP (bench/pages.py)")
    parser.add_argument("--http-seconds", type=float, default=20.0, help="seconds per page over HTTP")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers for the pages over HTTP")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the province database (its URL is printed)")
    parser.add_argument("--name", help="the province database's name (an existing one is replaced); default a new "
                                       "jobmatch_province_<random>")
    parser.add_argument("--build-only", action="store_true", help="build (and --keep) the province, measure nothing")
    parser.add_argument("--reuse", metavar="NAME", help="measure on this existing province database instead of "
                                                        "building one (the round runs on copies of it)")
    args = parser.parse_args(argv)
    from tests.services import create_pg_database, drop_pg_database

    lines: list[str] = []
    if args.reuse:
        url, facts = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.reuse}", province_facts(args.reuse)
    else:
        url = named_database(args.name) if args.name else create_pg_database("jobmatch_province")
    try:
        if not args.reuse:
            facts = build(url, args.scale, args.seed, lines)
        if not args.build_only:
            measure_all(url, facts, args, lines)
    finally:
        if not args.keep and not args.reuse:
            drop_pg_database(url)
        elif not args.reuse:
            print("kept:", url)
    print("\nsummary\n" + "\n".join(lines))
    return 0


def build(url: str, scale: float, seed: int, lines: list[str]) -> dict:
    upgrade(url)
    disk_before = shutil.disk_usage("/").used
    facts = build_province(url, scale, seed)
    phases = facts["phases"]
    size = f"database {database_size(url)}, disk used {(shutil.disk_usage('/').used - disk_before) / 2**30:+.1f} GiB (the whole disk's change: other work writes too)"
    site_figures = ("not run (jobmatch.services.province.figures not here)" if phases["site_figures"] is None
                    else f"{phases['site_figures']:.0f} s")
    lines.append(f"province built in {phases['total']:,.0f} s with COPY (target: the full scale well under 30 min): "
                 f"{facts['persons']:,} persons in {facts['households']:,} households, {facts['counties']} counties, "
                 f"{facts['sites']} sites, {facts['vacancies']:,} vacancies, {facts['events']:,} ledger events ({size}); "
                 f"persons and their events {phases['persons']:.0f} s, follow-ups {phases['events']:.0f} s, "
                 f"indexes {phases['indexes']:.0f} s, analyze {phases['analyze']:.0f} s, site figures {site_figures}; "
                 f"largest county {facts['largest_county_persons']:,} persons, largest site "
                 f"{facts['largest_site_households']:,} households")
    print(lines[-1], flush=True)
    return facts


def named_database(name: str) -> str:
    from tests.services import pg_connect_admin

    with pg_connect_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def province_facts(name: str) -> dict:
    """What the measurements need of a province built before (see build_province)."""
    from jobmatch.db import make_engine

    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    with engine.connect() as conn:
        county_id, persons = conn.execute(text(
            "SELECT h.county_id, count(*) FROM persons p JOIN households h ON h.id = p.household_id "
            "GROUP BY h.county_id ORDER BY 2 DESC LIMIT 1")).one()
        site_id, households = conn.execute(text(
            "SELECT settlement_id, count(*) FROM households GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).one()
    engine.dispose()
    return {"largest_county_id": county_id, "largest_county_persons": persons, "largest_site_id": site_id,
            "largest_site_households": households}


def measure_rounds(url: str, facts: dict, args, lines: list[str]) -> None:
    """The round's workers read both ways, then the all-counties round with 1 and 2 workers, each on a
    fresh copy of the province (with --baseline-code, that code's round first, then this one's)."""
    from tests.services import drop_pg_database

    lines.extend(measure_engine_input(url, facts["largest_county_id"]))
    codes = [("before", Path(args.baseline_code).resolve()), ("after", ROOT)] if args.baseline_code else [("", ROOT)]
    for workers in (1, 2):
        for label, code in codes:
            copy = clone_database(url, f"{url.rpartition('/')[2]}_round")
            try:
                elapsed, failed, offers, county_work = measure_round(copy, args.redis, workers, code)
            finally:
                drop_pg_database(copy)
            lines.append(f"all-counties round{f' ({label})' if label else ''}, {workers} worker(s): {elapsed:.1f} s, "
                         f"county jobs {county_work:.1f} s added up; offers {offers:,}, failed counties {failed}; "
                         f"load average {os.getloadavg()[0]:.1f}")
            print(lines[-1], flush=True)
    print("(ratio: the 1-worker time over the 2-worker time of the same code; 2.0 = scales linearly, "
          "2 cores shared here)")


def measure_all(url: str, facts: dict, args, lines: list[str]) -> None:
    if args.round_only:
        measure_rounds(url, facts, args, lines)
        return
    pages = measure_pages(url, facts)
    lines.append(f"county report, largest county ({facts['largest_county_persons']:,} persons): "
                 f"{pages['report']:.1f} s; target < 10 s")
    lines.append(f"staff dashboard (day_overview, service call) p95: largest site {pages['dashboard_site']:.0f} ms, "
                 f"largest county's sites {pages['dashboard_county']:.0f} ms; target p95 < 100 ms (pages, HTTP)")
    lines.append(f"household list (list_households, service call) p95: largest site {pages['list_site']:.0f} ms, "
                 f"largest county zero-employment {pages['list_county']:.0f} ms; target p95 < 100 ms (pages, HTTP)")
    print(*lines[-3:], sep="\n", flush=True)
    if not args.skip_round:
        measure_rounds(url, facts, args, lines)
    first, again = measure_import(url, args.import_persons, args.import_county)
    lines.append(f"roster import into the province, {args.import_persons:,} persons: first {first:,.0f} persons/s "
                 f"(target >= 10,000), unchanged re-import {again:,.0f} persons/s (target >= 30,000)")
    print(lines[-1], flush=True)
    appends, walks, checked = measure_ledger(url, args.ledger_seconds)
    walked = ", ".join(f"{rate:,.0f} events/s in {n} process{'es' if n > 1 else ''}" for n, rate in walks.items())
    lines.append(f"ledger: appends with 8 writers {appends:,.0f}/s (target >= 1,000/s); full verify walk of "
                 f"{checked:,} events {walked} (`jobmatch ledger verify` starts one a core; target >= 200,000/s)")
    print(lines[-1], flush=True)
    import overview as bench_overview

    for line in bench_overview.report(bench_overview.measure_overview(url)):
        lines.append(f"province overview: {line}")
        print(lines[-1], flush=True)
    if not args.skip_http:
        import pages as bench_pages

        for result in bench_pages.run(url, args.web_workers, args.web_threads, 150, args.http_seconds):
            lines.append(f"over HTTP at 150 req/s offered: {bench_pages.summary(result)}")
            print(lines[-1], flush=True)
    for line in (
        "incremental verify from signed checkpoints: bench/ledger.py (1,000 new events on 1 M)",
        "reports on a replica: not measured here (no streaming replica on this machine; DATABASE_REPLICA_URL "
        "is tested against a second database)",
    ):
        lines.append(line)
        print(line)


if __name__ == "__main__":
    sys.exit(main())
