"""SMS outbox benchmark: a 10,000-message fair invitation on PostgreSQL, sent to a fake provider.

Prints the time the approving request takes (it only writes 10,000 outbox rows, in one
transaction) and the delivery rate with 1 and 4 `jobmatch worker` processes on RQ,
beside a baseline that sends synchronously inside the request, one message per request
to the provider. With ``--provider aliyun`` or ``tencent`` the workers use the
provider's batch API (SendBatchSms, SendSms to up to 200 numbers) through the official
SDK, against the fake servers of tests/support that check every request's signature.

    .venv/bin/python bench/sms.py [--provider twilio|aliyun|tencent] [--messages 10000] [--workers 1 4]

Needs PostgreSQL (JOBMATCH_TEST_PG, an admin DSN) and Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/14; jobs go to a queue of their own). The clock of this process
and of the workers is set back to the last 10:00 in Shanghai, so quiet hours do not
hold the messages whenever the bench is run.

Besides messages/s it prints CPU seconds per 1,000 messages (the workers' from /proc, and
this process's: the dispatcher and the fake provider), which a loaded machine disturbs
less than wall time, and the load average. PostgreSQL's own CPU is not counted.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.clock import use_clock  # noqa: E402
from jobmatch.config import settings_of  # noqa: E402
from jobmatch.migrate import upgrade  # noqa: E402
from jobmatch.models import County, Household, Message, Person, Settlement  # noqa: E402
from jobmatch.services.sms.messaging import queue_messages_bulk  # noqa: E402
from jobmatch.tasks import InProcessQueue, dispatch_once, run_dispatcher, sms_provider  # noqa: E402
from tests.support.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilio  # noqa: E402

PG_ADMIN_DSN = os.environ.get("JOBMATCH_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
INVITATION = {"fair_name": "五里岗春季专场招聘会", "when": "3月12日", "venue": "五里岗社区广场",
              "employer_count": 24, "link": "fair:1"}  # as fairs.events.invitation_data: the fair's own link
WORKER_COMMAND = [sys.executable, "-c", (
    "import os, sys; from datetime import datetime, timedelta, timezone; "
    "from jobmatch.clock import use_clock\n"
    "class Shifted:\n"
    "    offset = timedelta(seconds=float(os.environ['BENCH_CLOCK_OFFSET']))\n"
    "    def now(self): return datetime.now(timezone.utc) + self.offset\n"
    "use_clock(Shifted()); from jobmatch.cli import main; sys.exit(main(['worker']))")]


class ShiftedClock:
    def __init__(self, offset: timedelta):
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def office_hours_offset() -> timedelta:
    """How far back the last 10:00 in Shanghai is."""
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    return (ten - timedelta(days=1) if ten > now else ten) - now


def create_database() -> str:
    name = f"jobmatch_bench_sms_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    params = dict(part.split("=", 1) for part in PG_ADMIN_DSN.split())
    return (f"postgresql+psycopg://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:"
            f"{params.get('port', '5432')}/{name}")


def settings(provider: str, fake, queue: str) -> dict:
    common = {"SMS_PROVIDER": provider, "REDIS_URL": REDIS_URL, "SMS_QUEUE": queue, "SMS_DISPATCH_INTERVAL": 0.1,
              "PUBLIC_BASE_URL": "https://jobs.example.cn", "LOG_LEVEL": "WARNING"}
    if provider == "twilio":
        return dict(common, TWILIO_ACCOUNT_SID=DEFAULT_ACCOUNT_SID, TWILIO_AUTH_TOKEN=DEFAULT_AUTH_TOKEN,
                    TWILIO_FROM="+15005550006", TWILIO_API_BASE=fake.url)
    from tests.sms.domestic_support import credentials

    # SMS_BATCH_SIZE unset: a job is one request of the provider's batch API (Aliyun 100, Tencent 200).
    return dict(common, **credentials(provider, fake.url))


def make_fake(provider: str):
    if provider == "twilio":
        return FakeTwilio()
    from tests.sms.domestic_support import start

    domestic = start(provider)
    domestic.fake.stop()  # started again by the caller's ``with``
    return domestic.fake


def make_invitees(app, count: int, run: int) -> list[int]:
    """``count`` workers with distinct phones, each in a household of their own county's site."""
    with app.extensions["jobmatch.sessionmaker"].begin() as session:
        county = County(name=f"威宁县{run}")
        settlement = Settlement(county=county, name="五里岗安置点")
        household = Household(county=county, settlement=settlement, household_no=f"B{run}")
        session.add(household)
        session.flush()
        rows = [{"household_id": household.id, "id_number": f"5{run:02d}{i:015d}", "name": f"工人{i}",
                 "gender": "女", "birth_date": date(1985, 1, 1), "relation": "户主",
                 "phone": f"13{run}{i:08d}", "capacity": "full", "phone_invalid": False, "sms_opt_out": False,
                 "skills": [], "certificates": [], "training_wishes": [], "disability": "none",
                 "monitoring": "none", "notes": "", "cannot_leave_site": False} for i in range(count)]
        session.execute(insert(Person), rows)
        return list(session.scalars(select(Person.id).where(Person.household_id == household.id)))


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def approve_invitation(app, person_ids: list[int], send_now: bool) -> float:
    """The approving request: queue one invitation per person in one transaction; seconds taken."""
    started = time.perf_counter()
    with app.test_request_context("/staff/fairs/1/approve", method="POST"):
        with app.extensions["jobmatch.sessionmaker"].begin() as session:
            rows = [{"person_id": pid, "kind": "fair_invitation", "data": INVITATION,
                     "subject": "fair_invitation:1", "expects_reply": True} for pid in person_ids]
            queue_messages_bulk(session, rows, actor="user:1")
        if send_now:  # the baseline: the request itself sends every message, one by one
            provider = sms_provider(app)
            batch, provider.max_batch = provider.max_batch, 1
            try:
                dispatch_once(app, InProcessQueue(app))
            finally:
                provider.max_batch = batch
    return time.perf_counter() - started


def sent_count(app) -> int:
    with app.extensions["jobmatch.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent"))


def wait_for_workers(app, count: int) -> None:
    """Until ``count`` RQ workers listen on the queue (so start-up is not timed)."""
    import redis
    from rq import Queue, Worker

    settings = settings_of(app)
    connection = redis.Redis.from_url(settings.redis_url)
    queue = Queue(settings.sms_queue, connection=connection)
    while Worker.count(queue=queue) < count:
        time.sleep(0.1)
    time.sleep(0.5)
    connection.close()


def run_with_workers(app, env: dict, workers: int, person_ids: list[int], fake) -> tuple[float, float, float, float]:
    """(request seconds, messages per second, workers' CPU seconds, this process's CPU seconds while
    sending: the dispatcher and the fake provider) with ``workers`` RQ worker processes."""
    processes = [subprocess.Popen(WORKER_COMMAND, env=env, cwd=REPO) for _ in range(workers)]
    wait_for_workers(app, workers)
    before, stop = len(fake.messages), threading.Event()
    dispatcher = threading.Thread(target=run_dispatcher, args=(app, stop), daemon=True)
    try:
        request_seconds = approve_invitation(app, person_ids, send_now=False)
        worker_cpu = sum(process_cpu_seconds(process.pid) for process in processes)
        started, own_cpu = time.perf_counter(), time.process_time()
        dispatcher.start()
        while len(fake.messages) - before < len(person_ids):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        own_cpu = time.process_time() - own_cpu
        worker_cpu = sum(process_cpu_seconds(process.pid) for process in processes) - worker_cpu
    finally:
        stop.set()
        for process in processes:
            process.terminate()
            process.wait()
    dispatcher.join()
    return request_seconds, len(person_ids) / elapsed, worker_cpu, own_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=["twilio", "aliyun", "tencent"], default="twilio")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    offset = office_hours_offset()
    use_clock(ShiftedClock(offset))
    name, queue = create_database(), f"sms-bench-{uuid.uuid4().hex[:8]}"
    url = database_url(name)
    upgrade(url)
    try:
        with make_fake(args.provider) as fake:
            config = settings(args.provider, fake, queue)
            app = create_app(dict(config, DATABASE_URL=url, SECRET_KEY="bench", SMS_INPROCESS_DISPATCHER=False))
            env = dict(os.environ, **{k: str(v) for k, v in config.items()}, DATABASE_URL=url, SECRET_KEY="bench",
                       BENCH_CLOCK_OFFSET=str(offset.total_seconds()))
            print(f"{args.messages} fair invitations, PostgreSQL, fake {args.provider} at {fake.url}; "
                  f"load average {load_average()}")
            per_thousand = 1000 / args.messages
            people = make_invitees(app, args.messages, 0)
            own_cpu = time.process_time()
            baseline_seconds = approve_invitation(app, people, send_now=True)
            own_cpu = time.process_time() - own_cpu
            baseline_rate = args.messages / baseline_seconds
            print(f"baseline, sent one by one inside the request: request {baseline_seconds:.2f} s, "
                  f"{baseline_rate:.0f} messages/s; CPU {own_cpu * per_thousand:.2f} s per 1,000 "
                  f"(request and fake provider)")
            for run, workers in enumerate(args.workers, start=1):
                people = make_invitees(app, args.messages, run)
                request_seconds, rate, worker_cpu, own_cpu = run_with_workers(app, env, workers, people, fake)
                print(f"outbox + {workers} RQ worker{'s' if workers > 1 else ''}: request {request_seconds:.2f} s, "
                      f"{rate:.0f} messages/s ({rate / baseline_rate:.1f}x the baseline); CPU per 1,000: "
                      f"workers {worker_cpu * per_thousand:.2f} s, dispatcher and fake provider "
                      f"{own_cpu * per_thousand:.2f} s; load average {load_average()}")
            app.extensions["jobmatch.engine"].dispose()
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
