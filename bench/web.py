"""Web benchmark: the staff dashboard and the worker's offer page at county scale, under gunicorn.

    .venv/bin/python bench/web.py [--persons 50000] [--seconds 10] [--clients 8]

Loads 50,000 persons into a fresh PostgreSQL database (generate_roster + apply_records),
the demo's employers and vacancies, a month of follow-ups, and approved matching rounds
so workers have offers. Serves the app with gunicorn on a loopback port, and drives with
concurrent clients (threads, one requests.Session each, for a fixed time):
- the staff dashboard (/staff/), signed in as the staff member of the largest settlement;
- the worker's offer page (/w/o/<id>, the SMS link), each client signed in as a worker with an offer.
Prints p50/p95 latency and requests/s per page with 4 gunicorn workers, and the same with 1
worker as the baseline, and the ratio. Targets: p95 < 300 ms and >= 100 requests/s with 4 workers.
The database is dropped at the end.
"""

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.clock import utcnow  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import County, FollowUp, Household, Offer, Person, Settlement, User  # noqa: E402
from jobmatch.roster.synthetic import generate_roster  # noqa: E402
from jobmatch.services import demo  # noqa: E402
from jobmatch.services.households.status import note_follow_ups  # noqa: E402
from jobmatch.services.offers.rounds import approve_round, propose_round  # noqa: E402
from jobmatch.services.roster.importing import apply_records  # noqa: E402
from tests import services  # noqa: E402

SETTLEMENTS = list(demo.SETTLEMENTS)
PASSWORD = "bench-pass-1"
SECRET_KEY = "bench-secret-key"


def load(url: str, persons: int) -> dict:
    """Roster, employers and vacancies, follow-ups, users and offers; returns what the clients need."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": None, "SMS_PROVIDER": "console",
                      "RATELIMIT_ENABLED": False, "SMS_INPROCESS_DISPATCHER": False})
    session = app.extensions["jobmatch.sessionmaker"]()
    started = time.perf_counter()
    with app.app_context():
        records = generate_roster(demo.COUNTY, SETTLEMENTS, households=int(persons / 3.4), seed=5)[:persons]
        apply_records(session, records, actor="bench")
        county = session.scalar(select(County).where(County.name == demo.COUNTY))
        settlements = demo._place_settlements(session, county)
        demo._employers_and_vacancies(session, county)
        _follow_ups(session)
        largest = session.scalar(select(Settlement).join(Household).group_by(Settlement.id)
                                 .order_by(func.count(Household.id).desc()).limit(1))
        staff = User(username="bench_staff", role="staff", display_name="专干", settlements=[largest])
        staff.set_password(PASSWORD)
        session.add(staff)
        session.commit()
        offer_ids = []
        for site in settlements.values():  # a round per site, approved: the offers go out
            match_round = propose_round(session, actor="bench", settlement_id=site.id)
            approve_round(session, match_round.id, actor="bench")
            session.commit()
        for offer in session.scalars(select(Offer).where(Offer.status == "sent").order_by(Offer.id)):
            user = User(username=f"worker-{offer.person_id}", role="worker", display_name=offer.person.name,
                        person_id=offer.person_id)
            session.add(user)
            session.flush()
            offer_ids.append((user.id, offer.id))
        session.commit()
        counts = {"persons": session.scalar(select(func.count(Person.id))),
                  "households": session.scalar(select(func.count(Household.id))),
                  "staff_site_households": session.scalar(select(func.count(Household.id)).where(
                      Household.settlement_id == largest.id)),
                  "offers_sent": len(offer_ids), "zero_employment": session.scalar(
                      select(func.count(Household.id)).where(Household.zero_employment.is_(True)))}
        cookies = [_session_cookie(app, user_id) for user_id, _ in offer_ids]
    session.close()
    _vacuum_analyze(app.extensions["jobmatch.engine"])
    app.extensions["jobmatch.engine"].dispose()
    print(f"loaded in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    return {"worker_cookies": cookies, "offer_ids": [o for _, o in offer_ids], "site": largest.name}


def _follow_ups(session) -> None:
    """Most households followed up within the last 40 days (so some are due, some overdue)."""
    rng, now = random.Random(3), utcnow()
    rows = [{"household_id": h, "contacted_at": now - timedelta(days=rng.randint(1, 40)), "method": "phone",
             "summary": "了解家庭就业情况"}
            for h in session.scalars(select(Household.id)) if rng.random() < 0.8]
    session.execute(insert(FollowUp), rows)
    note_follow_ups(session, [(row["household_id"], row["contacted_at"]) for row in rows])


def _vacuum_analyze(engine) -> None:
    """What autovacuum does after a bulk load (it is off on our test PostgreSQL): without it every
    household row the load inserted, refreshed and followed up is read three times over, with no
    planner statistics."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _session_cookie(app, user_id: int) -> str:
    """A signed-in worker's session cookie (workers sign in by SMS code; the bench skips the SMS)."""
    return app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(user_id), "_fresh": True})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, SMS_PROVIDER="console",
               SMS_INPROCESS_DISPATCHER="0", LOG_LEVEL="WARNING", RATELIMIT_ENABLED="0", REDIS_URL="")
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"{base}/login", timeout=10).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def staff_session(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    data = {"username": "bench_staff", "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = http.post(f"{base}/login", data=data, allow_redirects=False)
    assert response.status_code == 302, f"staff sign-in failed: {response.status_code}"
    return http


def drive(base: str, name: str, sessions_and_urls, seconds: float) -> dict:
    """Each client requests its URL over and over for ``seconds``; latencies of 200 answers."""
    latencies, errors, stop_at = [], [], time.perf_counter() + seconds
    lock = threading.Lock()

    def client(http, url):
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            response = http.get(base + url, allow_redirects=False)
            elapsed = time.perf_counter() - t0
            if response.status_code == 200:
                mine.append(elapsed)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, args=pair) for pair in sessions_and_urls]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {"page": name, "requests": len(latencies), "errors": sum(errors), "rps": len(latencies) / wall,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")}


def run_pages(url: str, data: dict, workers: int, clients: int, seconds: float) -> list[dict]:
    process, base = serve(url, workers)
    try:
        staff = [(staff_session(base), "/staff/") for _ in range(clients)]
        for http, page in staff[:1]:
            assert http.get(base + page).status_code == 200
        workers_ = []
        for i in range(clients):
            http = requests.Session()
            http.cookies.set("session", data["worker_cookies"][i % len(data["worker_cookies"])], domain="127.0.0.1")
            workers_.append((http, f"/w/o/{data['offer_ids'][i % len(data['offer_ids'])]}"))
        assert workers_[0][0].get(base + workers_[0][1]).status_code == 200, "the worker cannot open the offer"
        results = []
        for name, pairs in (("staff dashboard", staff), ("worker offer page", workers_)):
            drive(base, name, pairs, min(2.0, seconds))  # warm-up: connections, caches
            results.append(drive(base, name, pairs, seconds))
        return results
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    url = services.create_pg_database("jobmatch_bench")
    try:
        upgrade(url)
        data = load(url, args.persons)
        print(f"staff of {data['site']}; {len(data['offer_ids'])} workers with an offer; "
              f"{args.clients} concurrent clients, {args.seconds:g} s per page", flush=True)
        table = {}
        for workers in (4, 1):
            for result in run_pages(url, data, workers, args.clients, args.seconds):
                table[(result["page"], workers)] = result
                print(f"{workers} gunicorn worker(s)  {result['page']:<18} p50 {result['p50_ms']:7.1f} ms  "
                      f"p95 {result['p95_ms']:7.1f} ms  {result['rps']:7.1f} req/s  "
                      f"({result['requests']} requests, {result['errors']} errors)", flush=True)
        print()
        ok = True
        for page in ("staff dashboard", "worker offer page"):
            four, one = table[(page, 4)], table[(page, 1)]
            meets = four["p95_ms"] < 300 and four["rps"] >= 100 and four["errors"] == 0
            ok &= meets
            print(f"{page:<18} 4 workers vs 1 (baseline): {four['rps'] / one['rps']:.2f}x requests/s, "
                  f"p95 {four['p95_ms']:.0f} ms vs {one['p95_ms']:.0f} ms  -> "
                  f"{'meets' if meets else 'MISSES'} p95 < 300 ms and >= 100 req/s")
        sys.exit(0 if ok else 1)
    finally:
        services.drop_pg_database(url)


if __name__ == "__main__":
    main()
