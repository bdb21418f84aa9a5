"""Pages at province size over HTTP (issue 19): p95 < 100 ms at >= 150 requests/s on 2 cores.

    .venv/bin/python bench/pages.py --database jobmatch_province [--rate 150] [--seconds 20]

Serves the app with gunicorn (deploy/gunicorn.conf.py, the production settings) against an existing
province database built by `bench/province.py --scale S --keep` (it is reused: nothing is built or
dropped; the bench adds its own users, named bench_pages_*, the first time), and offers each page
at a fixed rate from a paced asyncio client (open loop: a request is sent on schedule whether or
not the previous answered, and its latency counts from when it was due, so a stalled server shows
in p95 instead of slowing the client down). The client sends plain HTTP/1.1 on raw sockets: at
150 requests/s it uses a few per cent of one core, leaving the server the rest.

Pages, each signed in as who would open it:
- /healthz, the baseline: a page that reads nothing (the ratio of each page's p95 to it);
- /staff/ (the dashboard) and /staff/households (the household list, and its page 40), as the
  staff member of the largest site;
- /w/ (the worker's page), rotating over 50 workers of the largest site, each with their own cookie.
Prints p50/p95/p99 and achieved requests/s per page, with the machine's load average.
``measure_http(base_url, targets, ...)`` is the measuring part, for bench/province.py.
"""

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

PREFIX = "bench_pages_"
SECRET_KEY = "bench-pages-secret"
TARGET_P95_MS, TARGET_RATE = 100.0, 150.0


# -- the load generator ---------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    path: str
    cookie: str = ""


class _Connections:
    """Keep-alive connections to one host, reused while the server keeps them open."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port, self.idle = host, port, []

    async def request(self, target: Target, timeout: float) -> int:
        head = f"GET {target.path} HTTP/1.1\r\nHost: {self.host}\r\nAccept-Language: zh-CN\r\n"
        if target.cookie:
            head += f"Cookie: session={target.cookie}\r\n"
        while self.idle:  # a kept connection the server has closed meanwhile: try the next, then a new one
            reader, writer = self.idle.pop()
            try:
                return await self._send(reader, writer, head, timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                continue
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._send(reader, writer, head, timeout)

    async def _send(self, reader, writer, head: str, timeout: float) -> int:
        writer.write((head + "\r\n").encode("latin-1"))
        try:
            status, keep = await asyncio.wait_for(_read_response(reader), timeout)
        except BaseException:
            writer.close()
            raise
        if keep:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return status

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle = []


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status, and whether the connection may be reused; the body is read and dropped."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection", "").lower() != "close" and not head[0].startswith("HTTP/1.0")


def measure_http(base_url: str, targets: list[Target], rate: float = TARGET_RATE, seconds: float = 20.0,
                 timeout: float = 10.0, warmup: float = 2.0, max_in_flight: int = 200) -> dict:
    """Offer ``rate`` GET requests/s for ``seconds`` (after ``warmup`` s not counted), rotating over
    ``targets``; latencies in ms from when each request was due. Only 200 answers count as done; a
    request due while ``max_in_flight`` are unanswered is not sent and counts as "not sent"."""
    return asyncio.run(_paced(base_url, targets, rate, seconds, timeout, warmup, max_in_flight))


async def _paced(base_url: str, targets: list[Target], rate: float, seconds: float, timeout: float,
                 warmup: float, max_in_flight: int) -> dict:
    parts = urlsplit(base_url)
    connections = _Connections(parts.hostname or "127.0.0.1", parts.port or 80)
    latencies: list[float] = []
    failures: dict[str, int] = {}
    loop = asyncio.get_running_loop()
    began = loop.time()
    measured_from = began + warmup
    total = int((warmup + seconds) * rate)

    async def one(number: int, due: float) -> None:
        try:
            status = await connections.request(targets[number % len(targets)], timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            status = type(exc).__name__
        finished = loop.time()
        if due < measured_from:
            return
        if status == 200:
            latencies.append((finished - due) * 1000)
        else:
            failures[str(status)] = failures.get(str(status), 0) + 1

    tasks: set[asyncio.Task] = set()
    for number in range(total):
        due = began + number / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= max_in_flight:
            if due >= measured_from:
                failures["not sent"] = failures.get("not sent", 0) + 1
            continue
        task = asyncio.create_task(one(number, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    wall = loop.time() - measured_from
    connections.close()
    latencies.sort()
    return {"offered_rps": rate, "achieved_rps": len(latencies) / wall if wall > 0 else 0.0,
            "requests": len(latencies), "failures": failures,
            "p50_ms": _percentile(latencies, 0.50), "p95_ms": _percentile(latencies, 0.95),
            "p99_ms": _percentile(latencies, 0.99), "max_ms": latencies[-1] if latencies else float("nan"),
            "mean_ms": statistics.fmean(latencies) if latencies else float("nan")}


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# -- who signs in ---------------------------------------------------------------------------

def _app(url: str):
    from jobmatch import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": None, "TESTING": True})


_PAGE_TABLES = ("households", "persons", "offers", "employment_spells", "vacancies", "settlements", "users")


def vacuum_if_never(url: str) -> list[str]:
    """VACUUM ANALYZE the pages' tables that were never vacuumed (a database just built by COPY, on a
    server with autovacuum off, as our test PostgreSQL runs): production's autovacuum would have,
    and without it an index-only scan still reads every heap page. Returns the tables vacuumed."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        never = [name for (name,) in conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND last_vacuum IS NULL AND last_autovacuum IS NULL", [list(_PAGE_TABLES)])]
        for name in never:
            conn.execute(f'VACUUM ANALYZE "{name}"')
    return never


def prepare(url: str, workers: int = 50) -> dict:
    """The staff member of the largest site and ``workers`` of its people as users (made once,
    kept), and a signed session cookie for each, as a browser holds after signing in."""
    from jobmatch.clock import utcnow
    from jobmatch.models import Household, Person, Settlement, User

    app = _app(url)
    with app.app_context():
        session = app.extensions["jobmatch.sessionmaker"]()
        site_id, households = session.execute(
            select(Household.settlement_id, func.count()).group_by(Household.settlement_id)
            .order_by(func.count().desc(), Household.settlement_id).limit(1)).one()
        staff = session.scalar(select(User).where(User.username == f"{PREFIX}staff"))
        if staff is None:
            staff = User(username=f"{PREFIX}staff", role="staff", display_name="专干")
            staff.set_password(SECRET_KEY)
            session.add(staff)
        # the largest site now: an import since the last run may have added a larger one
        staff.settlements = [session.get(Settlement, site_id)]
        people = session.scalars(select(Person).join(Household).where(Household.settlement_id == site_id)
                                 .order_by(Person.id).limit(workers)).all()
        have = set(session.scalars(select(User.person_id).where(User.person_id.in_([p.id for p in people]))))
        for person in people:
            if person.id not in have:
                session.add(User(username=f"{PREFIX}worker_{person.id}", role="worker", display_name=person.name,
                                 person_id=person.id))
        session.commit()
        users = session.scalars(select(User).where(User.person_id.in_([p.id for p in people]))).all()
        serializer = app.session_interface.get_signing_serializer(app)
        now = utcnow().timestamp()

        def cookie(user) -> str:
            return serializer.dumps({"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now})

        facts = {"site_id": site_id, "site_households": households, "staff_cookie": cookie(staff),
                 "worker_cookies": [cookie(user) for user in users if user.role == "worker"]}
        session.close()
    app.extensions["jobmatch.engine"].dispose()
    return facts


def page_targets(facts: dict) -> dict[str, list[Target]]:
    staff = facts["staff_cookie"]
    return {
        "healthz (baseline)": [Target("/healthz")],
        "staff dashboard": [Target("/staff/", staff)],
        "household list": [Target("/staff/households", staff)],
        "household list p.40": [Target("/staff/households?page=40", staff)],
        "worker's page": [Target("/w/", cookie) for cookie in facts["worker_cookies"]],
    }


# -- the server -----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    """gunicorn with deploy/gunicorn.conf.py, ``workers`` processes of ``threads`` threads each."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, SMS_PROVIDER="console",
               SMS_INPROCESS_DISPATCHER="0", LOG_LEVEL="warning", REDIS_URL="", JOBMATCH_BIND=f"127.0.0.1:{port}",
               WEB_CONCURRENCY=str(workers), WEB_THREADS=str(threads))
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen([str(gunicorn), "-c", "deploy/gunicorn.conf.py"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:  # the workers are up when they answer (the master listens before)
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each live process has used so far (Linux /proc)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between the two readings by the processes alive at both (one that ended is left out,
    rather than counted as giving its time back)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def _server_pids(process: subprocess.Popen, url: str) -> tuple[list[int], list[int]]:
    """gunicorn's processes, and the PostgreSQL backends serving this database."""
    import psycopg

    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    app = [process.pid, *(int(pid) for pid in children.read_text().split())] if children.exists() else [process.pid]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        database = [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                                   "AND pid <> pg_backend_pid()")]
    return app, database


def measure_page(url: str, name: str, targets: list[Target], workers: int, threads: int, rate: float,
                 seconds: float) -> dict:
    """One page on a server of its own (a page the server could not keep up with leaves no queue for the next)."""
    process, base = serve(url, workers, threads)
    try:
        # every worker has imported its modules, opened its pool and filled its caches
        measure_http(base, targets, rate=min(rate, 30), seconds=3, warmup=0, timeout=30)
        app, database = _server_pids(process, url)
        before = _cpu_seconds(app), _cpu_seconds(database)
        result = {"page": name, **measure_http(base, targets, rate=rate, seconds=seconds, warmup=0)}
        app_cpu, database_cpu = _cpu_used(before[0], _cpu_seconds(app)), _cpu_used(before[1], _cpu_seconds(database))
        answered = max(1, result["requests"] + sum(v for k, v in result["failures"].items() if k != "not sent"))
        result.update(server_cpu_ms=1000 * (app_cpu + database_cpu) / answered, app_cpu_ms=1000 * app_cpu / answered,
                      database_cpu_ms=1000 * database_cpu / answered, load=_load())
    finally:
        stop(process)
    return result


def run(url: str, workers: int, threads: int, rate: float, seconds: float, only: set[str] | None = None) -> list:
    vacuumed = vacuum_if_never(url)
    if vacuumed:
        print("VACUUM ANALYZE (never vacuumed):", ", ".join(vacuumed), flush=True)
    facts = prepare(url)
    print(f"largest site {facts['site_id']} ({facts['site_households']:,} households); "
          f"{len(facts['worker_cookies'])} workers; gunicorn {workers} worker(s) x {threads} thread(s); "
          f"{rate:g} req/s offered for {seconds:g} s per page", flush=True)
    results = []
    for name, targets in page_targets(facts).items():
        if only and name not in only and not name.startswith("healthz"):
            continue
        results.append(measure_page(url, name, targets, workers, threads, rate, seconds))
        print(_line(results[-1]), flush=True)
    baseline = results[0]
    print()
    for result in results[1:]:
        meets = result["p95_ms"] < TARGET_P95_MS and result["achieved_rps"] >= 0.98 * rate and not result["failures"]
        print(f"{result['page']:<20} p95 {result['p95_ms']:6.1f} ms = {result['p95_ms'] / baseline['p95_ms']:5.1f}x "
              f"healthz's; server CPU {result['server_cpu_ms']:5.1f} ms/request = "
              f"{result['server_cpu_ms'] / baseline['server_cpu_ms']:4.1f}x healthz's (at most "
              f"{_ceiling(result):.0f} req/s on {os.cpu_count()} cores of its own) -> "
              f"{'meets' if meets else 'MISSES'} p95 < {TARGET_P95_MS:.0f} ms at {rate:g} req/s")
    return results


def _ceiling(result: dict) -> float:
    """Requests/s the server's CPU per request allows if it had every core (the client's share left out)."""
    return 1000 * (os.cpu_count() or 1) / result["server_cpu_ms"] if result["server_cpu_ms"] else float("inf")


def summary(result: dict) -> str:
    """One line for bench/province.py's summary."""
    return (f"{result['page']} p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
            f"{result['achieved_rps']:.0f} req/s, server CPU {result['server_cpu_ms']:.1f} ms/request ({result['load']})")


def _line(result: dict) -> str:
    failures = ", ".join(f"{k}: {v}" for k, v in result["failures"].items()) or "none"
    return (f"{result['page']:<20} p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
            f"p99 {result['p99_ms']:6.1f} ms  {result['achieved_rps']:6.1f} req/s  "
            f"server CPU {result['server_cpu_ms']:5.1f} ms/req (app {result['app_cpu_ms']:.1f} + "
            f"PostgreSQL {result['database_cpu_ms']:.1f})  "
            f"({result['requests']} answered, failures {failures}; {result['load']})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="an existing province database (reused, never dropped)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="requests/s offered to each page")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per page")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    parser.add_argument("--page", action="append", help="only these pages (by name), besides the baseline")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    random.seed(args.seed)
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    results = run(url, args.workers, args.threads, args.rate, args.seconds, set(args.page or ()))
    return 0 if all(r["p95_ms"] < TARGET_P95_MS for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
