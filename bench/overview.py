"""Province overview benchmark (issue 19): the page from maintained site figures against recomputing
the same figures from the rows, in the same run.

    .venv/bin/python bench/overview.py [--households 560000] [--sites 950] [--counties 88] [--repeat 30]

Builds a fresh PostgreSQL database (JOBMATCH_TEST_PG admin DSN, default the local trust user) with
88 counties of one province, 950 sites of uneven size and ``--households`` households (about 2 M
people at 3.4 a household) written with COPY, their stored counters (labourers, employed,
zero-employment, monitoring, last follow-up) drawn at random, as jobmatch.services.households.status
would have stored them. Then prints, each as p50 / p95 of ``--repeat`` calls:
- rebuild_site_figures (the full set-based rebuild after a bulk load) and an incremental refresh
  after 20 households (in different sites) changed;
- the page's service call (province_overview: all counties, and the largest county's sites);
- the HTTP page /staff/province and its drill-down, signed in as a province officer (Flask test
  client, no network);
- the baseline: the same figures recomputed from the household rows (computed_figures, what the
  page would cost without maintained figures); and the ratio.
Target: the page < 2 s. ``measure_overview(url)`` runs the measurements on any migrated database
(bench/province.py can call it after its COPY build). The database is dropped at the end.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.clock import utcnow  # noqa: E402
from jobmatch.db import copy_rows  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import County, Household, Settlement, User  # noqa: E402
from jobmatch.services.province.figures import (  # noqa: E402
    computed_figures,
    rebuild_site_figures,
    refresh_site_figures,
)
from jobmatch.services.province.overview import province_overview  # noqa: E402

PASSWORD = "bench-pass-1"
PROVINCE = "贵州省"


def _app(url: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "REDIS_URL": None, "SMS_PROVIDER": "console",
                       "RATELIMIT_ENABLED": False, "SMS_INPROCESS_DISPATCHER": False, "WTF_CSRF_ENABLED": False})


def build(url: str, households: int, sites: int, counties: int, seed: int) -> None:
    """Counties, sites of uneven size and households with their counters, with COPY."""
    rng = random.Random(seed)
    app = _app(url)
    session = app.extensions["jobmatch.sessionmaker"]()
    county_rows = [County(name=f"测试{index:03d}县", province=PROVINCE) for index in range(counties)]
    session.add_all(county_rows)
    session.flush()
    site_rows = [Settlement(county_id=county_rows[index % counties].id, name=f"安置点{index:04d}")
                 for index in range(sites)]
    session.add_all(site_rows)
    session.flush()
    weights = [rng.uniform(0.25, 4.0) for _ in site_rows]
    now = utcnow()
    columns = ("county_id", "settlement_id", "household_no", "labourers", "employed", "zero_employment",
               "monitoring", "last_follow_up_at", "listed_at")

    def rows():
        for number, site in enumerate(rng.choices(site_rows, weights, k=households)):
            labourers = rng.choice((0, 1, 2, 2, 3, 4))
            employed = sum(rng.random() < 0.9 for _ in range(labourers))
            monitoring = rng.choices(("none", "unstable", "marginal", "hardship"), (0.96, 0.02, 0.01, 0.01))[0]
            contacted = now - timedelta(days=rng.uniform(0, 60)) if rng.random() < 0.9 else None
            yield (site.county_id, site.id, f"H{number:07d}", labourers, employed, labourers > 0 and employed == 0,
                   monitoring, contacted, now - timedelta(days=400))

    copy_rows(session, "households", columns, rows())
    _ensure_officer(session, county_rows[0].id)
    session.commit()
    session.connection().exec_driver_sql("ANALYZE")
    session.commit()
    session.close()
    app.extensions["jobmatch.engine"].dispose()


def _times(call, repeat: int) -> tuple[float, float]:
    """p50 and p95 of ``repeat`` calls, in milliseconds (after one warm-up call)."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def _ensure_officer(session, county_id: int) -> None:
    """The province officer the HTTP page is read as: user "province", of the province of ``county_id``."""
    if session.scalar(select(User.id).where(User.username == "province")) is None:
        officer = User(username="province", role="province_officer", display_name="省就业处", county_id=county_id)
        officer.set_password(PASSWORD)
        session.add(officer)


def measure_overview(url: str, repeat: int = 30, baseline_repeat: int = 5) -> dict:
    """Rebuild the figures, then time the refresh, the page (service call and HTTP) and the recompute baseline."""
    app = _app(url)
    sessions = app.extensions["jobmatch.sessionmaker"]
    results: dict = {}
    with sessions() as session:
        started = time.perf_counter()
        results["sites"] = rebuild_site_figures(session)
        session.commit()
        results["rebuild_s"] = time.perf_counter() - started
        site_ids = set(session.scalars(select(Settlement.id)))
        largest_county = session.scalar(select(Settlement.county_id).join(Household, Household.settlement_id == Settlement.id)
                                        .group_by(Settlement.county_id).order_by(func.count().desc()).limit(1))
        results["households"] = session.scalar(select(func.count(Household.id)))
        results["counties"] = session.scalar(select(func.count(func.distinct(Settlement.county_id))))
        changed = list(session.scalars(select(Household.id).order_by(Household.id).limit(20 * 500)))[::500]
        session.execute(update(Household).where(Household.id.in_(changed)).values(last_follow_up_at=utcnow()))
        session.commit()
        started = time.perf_counter()
        results["refreshed_sites"] = refresh_site_figures(session)
        session.commit()
        results["refresh_ms"] = (time.perf_counter() - started) * 1000
        results["service_all"] = _times(lambda: province_overview(session, site_ids), repeat)
        results["service_county"] = _times(lambda: province_overview(session, site_ids, county_id=largest_county), repeat)
        results["recompute"] = _times(lambda: computed_figures(session), baseline_repeat)
        _ensure_officer(session, largest_county)  # a database bench/province.py built has none
        session.commit()
    client = app.test_client()
    signed_in = client.post("/login", data={"username": "province", "password": PASSWORD})
    assert signed_in.status_code == 302, "the province officer could not sign in"

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, path
    results["http_all"] = _times(lambda: get("/staff/province"), repeat)
    results["http_county"] = _times(lambda: get(f"/staff/province?county_id={largest_county}&sort=zero_employment&desc=1"),
                                    repeat)
    app.extensions["jobmatch.engine"].dispose()
    return results


def report(results: dict) -> list[str]:
    recompute_p50 = results["recompute"][0]
    return [
        f"figures: {results['sites']} sites in {results['counties']} counties, {results['households']:,} households",
        f"rebuild_site_figures (full, set-based): {results['rebuild_s']:.2f} s; "
        f"refresh after 20 households changed: {results['refresh_ms']:.0f} ms ({results['refreshed_sites']} sites recomputed)",
        "province_overview service call p50/p95: all counties {:.1f}/{:.1f} ms, largest county's sites {:.1f}/{:.1f} ms"
        .format(*results["service_all"], *results["service_county"]),
        "HTTP /staff/province p50/p95: counties {:.1f}/{:.1f} ms, a county's sites sorted {:.1f}/{:.1f} ms; target < 2,000 ms"
        .format(*results["http_all"], *results["http_county"]),
        f"baseline, the same figures recomputed from the household rows p50/p95: {recompute_p50:.0f}/"
        f"{results['recompute'][1]:.0f} ms; ratio recompute / maintained (p50, service call): "
        f"{recompute_p50 / results['service_all'][0]:.0f}x, (p50, HTTP page): {recompute_p50 / results['http_all'][0]:.0f}x",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=560_000, help="about 1.9 M people at 3.4 a household")
    parser.add_argument("--sites", type=int, default=950)
    parser.add_argument("--counties", type=int, default=88)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    from tests.services import create_pg_database, drop_pg_database

    url = create_pg_database("jobmatch_overview")
    try:
        upgrade(url)
        started = time.perf_counter()
        build(url, args.households, args.sites, args.counties, args.seed)
        print(f"built in {time.perf_counter() - started:.0f} s (COPY)", flush=True)
        print(*report(measure_overview(url, args.repeat)), sep="\n")
    finally:
        drop_pg_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
