"""Exactly once through real RQ workers: a worker killed mid-send, Redis gone for a while.

PostgreSQL, Redis and `jobmatch worker` subprocesses; each test has its own RQ queue
name, so parallel test processes do not share jobs. The machine's Redis is never
stopped: the outage test starts and stops a redis-server of its own.
"""

import collections
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobmatch.models import Message
from jobmatch.services.sms.messaging import queue_messages_bulk
from jobmatch.tasks import RQQueue, dispatch_once, run_dispatcher
from tests import services
from tests.conftest import make_test_app
from tests.sms.test_sms_support import (  # noqa: F401  (fake_twilio: a fixture)
    OFFER_DATA,
    WORKER_COMMAND,
    fake_twilio,
    make_people,
    office_hours,
    twilio_config,
)

REPO = Path(__file__).resolve().parents[2]
DISPATCH_COMMAND = [*WORKER_COMMAND[:2], WORKER_COMMAND[2].replace("['worker']", "['dispatch']")]
LEASES = {"TWILIO_TIMEOUT": 1.0, "SMS_SENDING_LEASE_SECONDS": 4.0, "SMS_DISPATCH_LEASE_SECONDS": 3.0, "SMS_DISPATCH_INTERVAL": 0.2,
          "SMS_BATCH_SIZE": 25}


@pytest.fixture
def redis_url():
    try:
        services.redis_client().close()
    except Exception as exc:  # noqa: BLE001
        services.missing("Redis", exc)
    return services.REDIS_URL


@pytest.fixture
def queue_name(redis_url):
    name = f"sms-test-{uuid.uuid4().hex}"
    yield name
    from rq import Queue
    client = services.redis_client()
    Queue(name, connection=client).delete(delete_jobs=True)
    client.close()


@pytest.fixture
def clock_offset():
    """Office hours in Shanghai for this process and (through the env) for the workers."""
    with office_hours() as offset:
        yield offset


def _settings(pg_url, redis_url, queue_name, fake):
    return dict(twilio_config(fake), REDIS_URL=redis_url, SMS_QUEUE=queue_name, **LEASES)


def _worker_env(settings, database_url, clock_offset):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "TWILIO_"))}
    env["SMS_TEST_CLOCK_OFFSET"] = str(clock_offset)
    env.update({key: str(value) for key, value in settings.items()})
    env.update(DATABASE_URL=database_url, SECRET_KEY="test-secret", PUBLIC_BASE_URL="http://jobmatch.test",
               LOG_LEVEL="WARNING")
    return env


def _start_worker(env, command=WORKER_COMMAND):
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def _dispatcher(app):
    stop = threading.Event()
    thread = threading.Thread(target=run_dispatcher, args=(app, stop), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _queue_offers(app, count):
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), sessions.begin() as session:
        people = make_people(session, count)
        rows = [{"person_id": pid, "kind": "job_offer", "data": OFFER_DATA, "subject": f"offer:{pid}"}
                for pid in people]
        queue_messages_bulk(session, rows, actor="user:1")


def _count_sent(app):
    with app.extensions["jobmatch.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent"))


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _assert_each_sent_once(app, fake, count):
    per_number = collections.Counter(m.to for m in fake.messages)
    assert len(per_number) == count and set(per_number.values()) == {1}
    with app.extensions["jobmatch.sessionmaker"]() as session:
        statuses = dict(session.execute(select(Message.status, func.count()).group_by(Message.status)).all())
        sids = set(session.scalars(select(Message.provider_message_id)))
    assert statuses == {"sent": count}
    assert sids == {m.sid for m in fake.messages}


@pytest.mark.slow
def test_a_worker_killed_mid_send_and_restarted_sends_every_message_exactly_once(pg_url, redis_url, queue_name,
                                                                                 fake_twilio, clock_offset):
    settings = _settings(pg_url, redis_url, queue_name, fake_twilio)
    app = make_test_app(pg_url, **settings)
    _queue_offers(app, 1000)
    env = _worker_env(settings, pg_url, clock_offset)
    fake_twilio.delay_responses(0.02)  # the fake takes each message, then answers late
    workers = [_start_worker(env), _start_worker(env)]
    try:
        with _dispatcher(app):
            # Kill while a job is mid-send: the provider has taken messages the database does not yet
            # record as sent (a loaded machine can leave the workers idle between jobs otherwise).
            _wait_for(lambda: len(fake_twilio.messages) >= 100 and len(fake_twilio.messages) > _count_sent(app),
                      30, "the first 100 sends, with a job mid-send")
            for worker in workers:
                worker.kill()  # SIGKILL: between the provider's answer and the commit
                worker.wait()
            fake_twilio.delay_responses(0)
            workers = [_start_worker(env), _start_worker(env)]
            _wait_for(lambda: _count_sent(app) == 1000, 60, "all 1000 messages sent")
        _assert_each_sent_once(app, fake_twilio, 1000)
        with app.extensions["jobmatch.sessionmaker"]() as session:
            in_doubt = session.scalar(select(func.count()).select_from(Message).where(Message.in_doubt.is_(True)))
        assert in_doubt >= 1  # the kill left sends in doubt, and looking them up kept them single
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        app.extensions["jobmatch.engine"].dispose()


def test_with_redis_unreachable_the_dispatcher_keeps_messages_queued(pg_url, fake_twilio, clock_offset):
    app = make_test_app(pg_url, **twilio_config(fake_twilio, REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0"))
    _queue_offers(app, 10)
    assert dispatch_once(app, RQQueue(app)) == 0
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.scalars(select(Message.status).distinct()).all() == ["queued"]
    app.extensions["jobmatch.engine"].dispose()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to start a private Redis")
def test_messages_survive_redis_going_away_during_a_send(pg_url, fake_twilio, tmp_path, clock_offset):
    port = _free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    settings = _settings(pg_url, redis_url, "sms", fake_twilio)
    app = make_test_app(pg_url, **settings)
    _queue_offers(app, 300)
    env = _worker_env(settings, pg_url, clock_offset)
    fake_twilio.delay_responses(0.01)
    redis_server = _start_redis(port, tmp_path)
    worker = _start_worker(env)
    try:
        with _dispatcher(app):
            _wait_for(lambda: len(fake_twilio.messages) >= 50, 30, "the first 50 sends")
            _stop(redis_server)  # the queue and every job in it are gone
            time.sleep(1.0)
            assert 50 <= _count_sent(app) < 300
            fake_twilio.delay_responses(0)
            redis_server = _start_redis(port, tmp_path)
            _stop(worker)  # it may have given up on Redis; a supervisor would restart it
            worker = _start_worker(env)
            _wait_for(lambda: _count_sent(app) == 300, 60, "all 300 messages sent")
        _assert_each_sent_once(app, fake_twilio, 300)
    finally:
        _stop(worker)
        _stop(redis_server)
        app.extensions["jobmatch.engine"].dispose()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to start a private Redis")
def test_the_worker_and_the_dispatcher_ride_out_a_redis_outage(pg_url, fake_twilio, tmp_path, clock_offset):
    port = _free_port()
    settings = dict(_settings(pg_url, f"redis://127.0.0.1:{port}/0", "sms", fake_twilio), REDIS_RETRY_MAX_SECONDS=1)
    app = make_test_app(pg_url, **settings)
    env = _worker_env(settings, pg_url, clock_offset)
    _queue_offers(app, 200)
    fake_twilio.delay_responses(0.01)
    redis_server = _start_redis(port, tmp_path)
    worker, dispatcher = _start_worker(env), _start_worker(env, DISPATCH_COMMAND)
    try:
        _wait_for(lambda: len(fake_twilio.messages) >= 30, 60, "the first 30 sends")
        _stop(redis_server)  # mid-send: the worker cannot record the job it is finishing
        time.sleep(4)  # longer than the 3-second blip that used to end the worker
        assert worker.poll() is None and dispatcher.poll() is None
        _queue_offers(app, 20)  # queued while Redis is away
        fake_twilio.delay_responses(0)
        redis_server = _start_redis(port, tmp_path)
        _wait_for(lambda: _count_sent(app) == 220, 90, "every message, the 20 queued during the outage too")
        assert worker.poll() is None and dispatcher.poll() is None  # nobody restarted them
        _assert_each_sent_once(app, fake_twilio, 220)
    finally:
        for process in (worker, dispatcher, redis_server):
            _stop(process)
        app.extensions["jobmatch.engine"].dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int, workdir: Path) -> subprocess.Popen:
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: _port_open(port), 10, "the private redis-server")
    return process


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
