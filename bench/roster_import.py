"""Roster import benchmark: 50,000 persons, first import and unchanged re-import, on SQLite
and PostgreSQL, with peak memory; beside a naive row-by-row ORM import run in the same process.

    .venv/bin/python bench/roster_import.py [--persons 50000] [--skip-postgresql] [--skip-sqlite]

Targets (issue 3): first import >= 2,000 persons/s, unchanged re-import >= 10,000 persons/s,
peak memory < 1 GiB. Issue 19, on PostgreSQL (COPY from ledger.COPY_FROM rows on): first import
>= 10,000 persons/s, unchanged re-import >= 30,000 persons/s; a larger run (a whole county of a
province, e.g. --persons 200000 --skip-sqlite --baseline-persons 0) shows whether memory stays flat.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import County, Household, Person, Settlement  # noqa: E402
from jobmatch.roster.synthetic import generate_roster, write_roster_csv  # noqa: E402
from jobmatch.services.roster.importing import import_roster  # noqa: E402

COUNTY = "威宁彝族回族苗族自治县"
SETTLEMENTS = ["五里岗安置点", "陕桥安置点", "易地扶贫搬迁安置区", "草海安置点"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_roster(persons: int, directory: Path) -> tuple[Path, int]:
    households = int(persons / 3.4)
    records = generate_roster(COUNTY, SETTLEMENTS, households=households, seed=11)
    while len(records) < persons:
        households += max(1, (persons - len(records)) // 3)
        records = generate_roster(COUNTY, SETTLEMENTS, households=households, seed=11)
    records = _whole_households(records, persons)
    path = directory / "roster.csv"
    write_roster_csv(path, records, encoding="utf-8-sig", title_row="威宁县搬迁群众就业台账（2026年11月）")
    return path, len(records)


def _whole_households(records, limit):
    kept, last_key = [], None
    for record in records:
        if len(kept) >= limit and record.household_key != last_key:
            break
        kept.append(record)
        last_key = record.household_key
    return kept


def timed_import(app, path: Path) -> tuple[float, object]:
    maker = app.extensions["jobmatch.sessionmaker"]
    session = maker()
    started = time.perf_counter()
    with open(path, "rb") as source:
        report = import_roster(session, source, filename=str(path), actor="bench")
    session.commit()
    elapsed = time.perf_counter() - started
    session.close()
    assert report.written and not report.problems, report.problems[:3]
    return elapsed, report


def naive_import(app, records) -> float:
    """The simple baseline: one ORM object and one lookup per row, as a first version would."""
    maker = app.extensions["jobmatch.sessionmaker"]
    session = maker()
    started = time.perf_counter()
    county = County(name="基准县", province="", adcode="")
    settlement = Settlement(county=county, name="基准安置点")
    session.add_all([county, settlement])
    session.flush()
    for record in records:
        household = session.scalar(select(Household).where(Household.county_id == county.id,
                                                            Household.household_no == record.household_no))
        if household is None:
            household = Household(county_id=county.id, settlement_id=settlement.id, household_no=record.household_no)
            session.add(household)
            session.flush()
        if session.scalar(select(Person.id).where(Person.id_number == "B" + record.id_number[1:])) is None:
            session.add(Person(household_id=household.id, id_number="B" + record.id_number[1:], name=record.name,
                               gender=record.gender, birth_date=record.birth_date, relation=record.relation,
                               phone=None, capacity=record.capacity, wants_work=record.wants_work,
                               skills=list(record.skills), certificates=[], training_wishes=[]))
            session.flush()
    session.commit()
    session.close()
    return time.perf_counter() - started


def bench_backend(name: str, url: str, path: Path, persons: int, baseline_records) -> dict:
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    cpu = time.process_time()
    first, report = timed_import(app, path)
    first_cpu, cpu = time.process_time() - cpu, time.process_time()
    again, report_again = timed_import(app, path)
    again_cpu = time.process_time() - cpu
    assert report_again.unchanged == persons, report_again.summary_line()
    baseline = naive_import(app, baseline_records) if baseline_records else 0.0
    app.extensions["jobmatch.engine"].dispose()
    return {"backend": name, "first": persons / first, "again": persons / again,
            "baseline": len(baseline_records) / baseline if baseline else 0.0, "first_s": first, "again_s": again,
            "first_cpu": first_cpu, "again_cpu": again_cpu}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--baseline-persons", type=int, default=2_000)
    parser.add_argument("--skip-postgresql", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        path, persons = make_roster(args.persons, directory)
        print(f"generated a roster of {persons} persons in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 2**20:.1f} MiB CSV)")
        baseline_records = (generate_roster(COUNTY, ["基准安置点"], households=args.baseline_persons // 3, seed=5)
                            [:args.baseline_persons] if args.baseline_persons else [])
        results = [] if args.skip_sqlite else [
            bench_backend("SQLite", f"sqlite:///{directory / 'bench.sqlite'}", path, persons, baseline_records)]
        if not args.skip_postgresql:
            from tests.services import create_pg_database, drop_pg_database
            url = create_pg_database("jobmatch_bench")
            try:
                results.append(bench_backend("PostgreSQL", url, path, persons, baseline_records))
            finally:
                drop_pg_database(url)
    print()
    print(f"{'backend':<11} {'first import':>15} {'re-import':>15} {'naive baseline':>15} {'speed-up':>9}")
    for r in results:
        print(f"{r['backend']:<11} {r['first']:>9,.0f} pers/s {r['again']:>9,.0f} pers/s "
              f"{r['baseline']:>9,.0f} pers/s {r['first'] / r['baseline'] if r['baseline'] else 0:>8.1f}x")
    print(f"peak memory (max RSS of this process): {peak_rss_mib():,.0f} MiB")
    print("targets: first import >= 2,000 persons/s; re-import >= 10,000 persons/s; peak memory < 1,024 MiB")
    for r in results:
        if r["backend"] == "PostgreSQL":
            print(f"issue 19 (PostgreSQL, {persons:,} persons): first import {r['first']:,.0f} persons/s "
                  f"(target >= 10,000), unchanged re-import {r['again']:,.0f} persons/s (target >= 30,000); "
                  f"this process's CPU: {r['first_cpu']:.1f} s and {r['again_cpu']:.1f} s of {r['first_s']:.1f} s "
                  f"and {r['again_s']:.1f} s wall (the rest is PostgreSQL and waiting for a core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
