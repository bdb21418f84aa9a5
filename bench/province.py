"""A province on one PostgreSQL (issue 19): generate it with COPY, then measure each figure of the issue.

    .venv/bin/python bench/province.py [--scale 1.0] [--import-persons 20000] [--keep]

Generates straight into a new PostgreSQL database (JOBMATCH_TEST_PG, an admin DSN; default the
local trust user) with COPY: 88 counties of Guizhou (the gazetteer's), 950 sites, 2,000,000 persons
in households of 1-7 (the synthetic roster generator's people), their current employment spells,
vacancies, and 20,000,000 ledger events with a valid hash chain computed here while streaming
(household_created, person_imported and employment_started for each, then follow_up_recorded
events up to the total). ``--scale 0.05`` makes a province of 100,000 persons, 48 sites and
1,000,000 events (88 counties always). Counties differ in size (the largest about 4x the mean).

Then prints each figure with its target:
- roster import on PostgreSQL, a county-sized file (--import-persons) into the province: first
  import and unchanged re-import, persons/s;
- the all-counties round (`jobmatch round propose --all --no-wait`, then RQ workers in burst mode)
  with 1 and then 2 workers on two identical copies of the province; the ratio;
- the monthly county report of the largest county (services/reports/monthly.py);
- the staff dashboard (day_overview) of the largest site and the household list of the largest
  county, as service calls (p95 of repeated calls; no HTTP);
- ledger appends/s with 8 concurrent writers and the full verify walk (bench/ledger.py's functions);
- the dashboard, household list and worker's page over HTTP at 150 requests/s (bench/pages.py's run);
- "not measured (why)" for the rest.
"""

import argparse
import hashlib
import importlib.util
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jobmatch import gazetteer, ledger  # noqa: E402
from jobmatch.clock import local_today, utcnow  # noqa: E402
from jobmatch.db import copy_insert, copy_rows, make_engine  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import (  # noqa: E402
    County,
    Employer,
    EmploymentSpell,
    Household,
    Person,
    Settlement,
    Vacancy,
)
from jobmatch.models.ledger import EventKind  # noqa: E402
from jobmatch.roster.synthetic import _RosterGenerator  # noqa: E402
from jobmatch.services.households.status import HouseholdStatus  # noqa: E402
from jobmatch.services.roster.importing import _profile_of, _wanted_employment  # noqa: E402

FULL_PERSONS, FULL_SITES, FULL_EVENTS = 2_000_000, 950, 20_000_000
ACTOR = "import"
TITLES = ("普工", "电焊工", "保洁员", "保安", "家政服务员", "仓库管理员", "快递分拣员", "养老护理员",
          "厨师帮工", "茶叶采摘工", "电子装配工", "缝纫工", "司机", "水电工", "绣娘")
_CHUNK = 20_000  # persons written per COPY: memory stays flat in the province's size


def guizhou_counties(count: int) -> list[gazetteer.Place]:
    places = [p for same_name in gazetteer._places().values() for p in same_name
              if p.adcode.startswith("52") and p.lat is not None and p.name != "市辖区"]
    return sorted(places, key=lambda p: p.adcode)[:count]


class _Chain:
    """The ledger's hash chain, computed while streaming events into COPY (as ledger.append_many does)."""

    def __init__(self, session: Session) -> None:
        self.session, self.seq, self.prev = session, 0, ledger.GENESIS_HASH
        self.pending: list[list] = []

    def add(self, occurred_at, kind: str, household_id, person_id, subject: str, data: dict) -> None:
        self.seq += 1
        data_text = ledger.canonical_json(data)
        digest = hashlib.sha256(data_text.encode("utf-8")).hexdigest()
        row_hash = ledger.chain_hash(self.prev, self.seq, occurred_at, ACTOR, kind, household_id, person_id,
                                     subject, digest)
        self.pending.append([self.seq, occurred_at, ACTOR, kind, household_id, person_id, subject, data_text,
                             digest, self.prev, row_hash])
        self.prev = row_hash
        if len(self.pending) >= 50_000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            copy_rows(self.session, "ledger_events", ledger._LEDGER_COLUMNS, self.pending)
            self.pending = []


def generate(url: str, scale: float, seed: int) -> dict:
    """Write the province; returns what the measurements need (largest county, site, ...)."""
    rng = random.Random(seed)
    persons_wanted = int(FULL_PERSONS * scale)
    sites_wanted = max(88, int(FULL_SITES * scale))
    events_wanted = int(FULL_EVENTS * scale)
    places = guizhou_counties(88)
    weights = [rng.lognormvariate(0, 0.6) for _ in places]
    total_weight = sum(weights)
    engine = make_engine(url)
    session = Session(engine)
    now = utcnow()
    counties = [{"id": i + 1, "name": p.name, "province": p.province, "adcode": p.adcode, "lat": p.lat, "lon": p.lon}
                for i, p in enumerate(places)]
    copy_insert(session, County.__table__, counties)
    site_rows, sites_of = [], {}
    remaining_sites = sites_wanted - len(places)
    for county, weight in zip(counties, weights):
        count = 1 + int(remaining_sites * weight / total_weight)
        sites_of[county["id"]] = []
        for n in range(count):
            site_id = len(site_rows) + 1
            site_rows.append({"id": site_id, "county_id": county["id"], "name": f"{county['name'][:2]}第{n + 1}安置点",
                              "lat": county["lat"] + rng.uniform(-0.1, 0.1), "lon": county["lon"] + rng.uniform(-0.1, 0.1),
                              "location_source": "gazetteer"})
            sites_of[county["id"]].append(site_rows[-1])
    copy_insert(session, Settlement.__table__, site_rows)
    employers = [{"id": c["id"], "name": f"{c['name'][:2]}产业园就业帮扶车间", "kind": "workshop", "county_id": c["id"],
                  "lat": c["lat"], "lon": c["lon"], "approved": True} for c in counties]
    copy_insert(session, Employer.__table__, employers)

    chain = _Chain(session)
    ids = {"household": 0, "person": 0, "spell": 0, "vacancy": 0}
    household_ids: list[int] = []
    largest = {"county_id": None, "persons": 0}
    person_count = 0
    for county, weight in zip(counties, weights):
        wanted = max(10, int(persons_wanted * weight / total_weight))
        names = {s["name"]: s["id"] for s in sites_of[county["id"]]}
        generator = _RosterGenerator(county["name"], list(names), seed=seed + county["id"])
        occurred_at = utcnow()
        made, number = 0, 0
        vacancy_skills: list[list[str]] = []
        while made < wanted:
            households, persons, spells = [], [], []
            while made < wanted and len(persons) < _CHUNK:
                number += 1
                records = generator.household(f"H{number:06d}")
                ids["household"] += 1
                household_id = ids["household"]
                household_ids.append(household_id)
                labourers = employed = willing = 0
                for record in records:
                    ids["person"] += 1
                    persons.append({**_profile_of(record), "id": ids["person"], "id_number": record.id_number,
                                    "household_id": household_id})
                    wanted_job = _wanted_employment(record)
                    if record.capacity != "none":
                        labourers += 1
                        willing += bool(record.wants_work)
                    if wanted_job:
                        ids["spell"] += 1
                        employed += 1
                        spells.append((household_id, {**wanted_job, "id": ids["spell"], "person_id": ids["person"],
                                                      "started_on": local_today() - timedelta(days=rng.randint(30, 900))}))
                    if record.skills and len(vacancy_skills) < 200:
                        vacancy_skills.append(list(record.skills[:2]))
                status = HouseholdStatus(labourers, employed, willing)
                head = records[0]
                households.append({
                    "id": household_id, "county_id": county["id"], "settlement_id": names[head.settlement],
                    "household_no": f"H{number:06d}", "labourers": labourers, "employed": employed,
                    "zero_employment": status.zero_employment,
                    "zero_employment_since": now - timedelta(days=rng.randint(1, 60)) if status.zero_employment else None,
                    "last_follow_up_at": now - timedelta(days=rng.randint(0, 75)),
                    "monitoring": head.monitoring, "monitoring_since": None if head.monitoring == "none" else now,
                    "listed_at": now - timedelta(days=400)})
                made += len(records)
            copy_insert(session, Household.__table__, households)
            copy_insert(session, Person.__table__, persons)
            copy_insert(session, EmploymentSpell.__table__, [row for _h, row in spells])
            for row in households:
                chain.add(occurred_at, EventKind.HOUSEHOLD_CREATED.value, row["id"], None, f"household:{row['id']}",
                          {"county": county["name"], "household_no": row["household_no"],
                           "settlement_id": row["settlement_id"]})
            for row in persons:
                data = {k: v for k, v in row.items() if k not in ("household_id", "id")}
                chain.add(occurred_at, EventKind.PERSON_IMPORTED.value, row["household_id"], row["id"],
                          f"person:{row['id']}", data)
            for household_id, row in spells:
                chain.add(occurred_at, EventKind.EMPLOYMENT_STARTED.value, household_id, row["person_id"],
                          f"spell:{row['id']}", {"spell_id": row["id"], "kind": row["kind"],
                                                 "employer_name": row["employer_name"],
                                                 "monthly_income": row["monthly_income"], "on": row["started_on"]})
        person_count += made
        if made > largest["persons"]:
            largest = {"county_id": county["id"], "persons": made}
        vacancies = []
        for _ in range(max(2, made // 400)):
            ids["vacancy"] += 1
            low = rng.randrange(1800, 4000, 100)
            vacancies.append({"id": ids["vacancy"], "employer_id": county["id"], "title": rng.choice(TITLES),
                              "skills": rng.choice(vacancy_skills) if vacancy_skills else [],
                              "openings": rng.randint(1, 8), "county_id": county["id"],
                              "lat": county["lat"] + rng.uniform(-0.1, 0.1), "lon": county["lon"] + rng.uniform(-0.1, 0.1),
                              "physical_demand": rng.choice(("light", "medium", "heavy")), "wage_min": low,
                              "wage_max": low + 1000, "status": "open", "posted_at": now - timedelta(hours=rng.randint(1, 300))})
        copy_insert(session, Vacancy.__table__, vacancies)
        session.commit()
    # follow-ups fill the chain up to the wanted number of events (their follow_ups rows are not generated)
    occurred_at = utcnow()
    index = 0
    while chain.seq < events_wanted:
        household_id = household_ids[index % len(household_ids)]
        index += 1
        chain.add(occurred_at, EventKind.FOLLOW_UP_RECORDED.value, household_id, None, f"household:{household_id}",
                  {"channel": "visit", "note": "入户走访，家中一切正常", "month": index // len(household_ids)})
        if chain.seq % 1_000_000 == 0:
            chain.flush()
            session.commit()
    chain.flush()
    for table in ("counties", "settlements", "employers", "households", "persons", "employment_spells", "vacancies",
                  "ledger_events"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    largest_site = session.execute(
        select(Household.settlement_id, func.count()).group_by(Household.settlement_id)
        .order_by(func.count().desc()).limit(1)).first()
    session.close()
    engine.dispose()
    return {"persons": person_count, "households": len(household_ids), "sites": len(site_rows),
            "counties": len(counties), "events": chain.seq, "vacancies": ids["vacancy"],
            "largest_county_id": largest["county_id"], "largest_county_persons": largest["persons"],
            "largest_site_id": largest_site[0], "largest_site_households": largest_site[1]}


# -- the figures --------------------------------------------------------------------------------

def _app(url: str, redis_url: str | None = None):
    from jobmatch import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": redis_url, "TESTING": True})


def measure_import(url: str, persons: int) -> tuple[float, float]:
    """First import and unchanged re-import of a county-sized roster of a county not yet in the province."""
    import tempfile

    from roster_import import make_roster, timed_import

    app = _app(url)
    with tempfile.TemporaryDirectory() as tmp:
        path, count = make_roster(persons, Path(tmp))
        first, _ = timed_import(app, path)
        again, report = timed_import(app, path)
        assert report.unchanged == count
    app.extensions["jobmatch.engine"].dispose()
    return count / first, count / again


def measure_round(url: str, redis_url: str, workers: int) -> tuple[float, int, int]:
    """Seconds from `round propose --all --no-wait` to the batch's end with ``workers`` burst workers."""
    import redis

    from jobmatch.services.offers.province_rounds import batch_progress

    redis.Redis.from_url(redis_url).flushdb()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": "bench",
           "PYTHONPATH": str(ROOT), "FLASK_APP": "jobmatch"}
    jobmatch = [sys.executable, "-c", "from jobmatch.cli import main; main()"]
    started = time.perf_counter()
    out = subprocess.run(jobmatch + ["round", "propose", "--all", "--no-wait"], env=env, capture_output=True,
                         text=True, check=True).stdout
    batch_id = int(out.split()[1].rstrip(":"))
    procs = [subprocess.Popen(jobmatch + ["worker", "--burst"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(workers)]
    for proc in procs:
        proc.wait()
    elapsed = time.perf_counter() - started
    app = _app(url)
    with app.app_context():
        session = app.extensions["jobmatch.sessionmaker"]()
        progress = batch_progress(session, batch_id)
        failed = len(progress.failed)
        proposed = session.scalar(text("SELECT count(*) FROM offers"))
        session.close()
    app.extensions["jobmatch.engine"].dispose()
    return elapsed, failed, proposed


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


def measure_ledger(url: str, seconds: float) -> tuple[float, float, int]:
    bench_ledger = _bench_ledger()
    app = _app(url)
    appends = bench_ledger._writers(app, 8, seconds, bench_ledger._append)
    session = app.extensions["jobmatch.sessionmaker"]()
    started = time.perf_counter()
    verified = ledger.verify(session)
    walk = verified.checked / (time.perf_counter() - started)
    assert verified.ok, verified.problem
    session.close()
    app.extensions["jobmatch.engine"].dispose()
    return appends, walk, verified.checked


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
    parser.add_argument("--ledger-seconds", type=float, default=10.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6", help="Redis for the RQ workers")
    parser.add_argument("--skip-round", action="store_true")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the databases (their URLs are printed)")
    parser.add_argument("--skip-http", action="store_true", help="skip the pages over HTTP (bench/pages.py)")
    parser.add_argument("--http-seconds", type=float, default=20.0, help="seconds per page over HTTP")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers for the pages over HTTP")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    from tests.services import create_pg_database, drop_pg_database

    url = create_pg_database("jobmatch_province")
    clones: list[str] = []
    lines = []
    try:
        upgrade(url)
        started = time.perf_counter()
        facts = generate(url, args.scale, args.seed)
        built = time.perf_counter() - started
        size = _database_size(url)
        print(f"generated in {built:,.0f} s with COPY: {facts['persons']:,} persons in {facts['households']:,} "
              f"households, {facts['counties']} counties, {facts['sites']} sites, {facts['vacancies']:,} vacancies, "
              f"{facts['events']:,} ledger events ({size}); largest county {facts['largest_county_persons']:,} "
              f"persons, largest site {facts['largest_site_households']:,} households", flush=True)
        pages = measure_pages(url, facts)
        lines.append(f"county report, largest county ({facts['largest_county_persons']:,} persons): "
                     f"{pages['report']:.1f} s; target < 10 s")
        lines.append(f"staff dashboard (day_overview, service call) p95: largest site {pages['dashboard_site']:.0f} ms, "
                     f"largest county's sites {pages['dashboard_county']:.0f} ms; target p95 < 100 ms (pages, HTTP)")
        lines.append(f"household list (list_households, service call) p95: largest site {pages['list_site']:.0f} ms, "
                     f"largest county zero-employment {pages['list_county']:.0f} ms; target p95 < 100 ms (pages, HTTP)")
        print(*lines[-3:], sep="\n", flush=True)
        if not args.skip_round:
            clones.append(clone_database(url, "jobmatch_province_round2"))
            one, failed_one, offers_one = measure_round(url, args.redis, 1)
            two, failed_two, offers_two = measure_round(clones[0], args.redis, 2)
            lines.append(f"all-counties round (propose --all, 88 county jobs + pool): 1 worker {one:.1f} s, "
                         f"2 workers {two:.1f} s, ratio {one / two:.2f} (2.0 = scales linearly; 2 cores shared "
                         f"here); offers {offers_one:,} / {offers_two:,}, failed counties {failed_one} / {failed_two}")
            print(lines[-1], flush=True)
        first, again = measure_import(url, args.import_persons)
        lines.append(f"roster import into the province, {args.import_persons:,} persons: first {first:,.0f} persons/s "
                     f"(target >= 10,000), unchanged re-import {again:,.0f} persons/s (target >= 30,000)")
        print(lines[-1], flush=True)
        appends, walk, checked = measure_ledger(url, args.ledger_seconds)
        lines.append(f"ledger: appends with 8 writers {appends:,.0f}/s (target >= 1,000/s); full verify walk of "
                     f"{checked:,} events {walk:,.0f} events/s (target >= 200,000/s)")
        print(lines[-1], flush=True)
        if not args.skip_http:
            import pages as bench_pages

            for result in bench_pages.run(url, args.web_workers, args.web_threads, 150, args.http_seconds):
                lines.append(f"over HTTP at 150 req/s offered: {bench_pages.summary(result)}")
        for line in (
            "province overview page < 2 s: not measured (no such page yet)",
            "incremental verify from signed checkpoints: not measured (not built)",
            "reports on a replica: not measured here (no streaming replica on this machine; DATABASE_REPLICA_URL "
            "is tested against a second database)",
        ):
            lines.append(line)
            print(line)
    finally:
        if not args.keep:
            for clone in clones:
                drop_pg_database(clone)
            drop_pg_database(url)
        else:
            print("kept:", url, *clones)
    print("\nsummary\n" + "\n".join(lines))
    return 0


def _database_size(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    engine.dispose()
    return f"database {size}"


if __name__ == "__main__":
    sys.exit(main())
