"""Scale-out: two gunicorn servers, two RQ workers and two dispatchers on one PostgreSQL and
one Redis behave as one service: no offer beyond the openings, no SMS sent twice.

This is how a province runs jobmatch on several machines; here every process is on
loopback, each started as production starts it (gunicorn, `jobmatch worker`,
`jobmatch dispatch`), with the clock moved to office hours in Shanghai.
"""

import collections
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.db import make_engine
from jobmatch.models import Message, Offer
from jobmatch.services.offers.rounds import propose_round
from tests.factories import make_sent_offers, make_user, make_vacancy, make_welding_site
from tests.offers.test_offers_gunicorn import _free_port, _wait_until_up
from tests.sms.test_sms_delivery_failures import (  # noqa: F401  (fixtures)
    clock_offset,
    queue_name,
    redis_url,
)
from tests.sms.test_sms_support import fake_twilio, twilio_config  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "secret-pass"
SHIFTED = ("import os, sys; from jobmatch.clock import use_clock; "
           "from tests.sms.test_sms_support import ShiftedClock; "
           "use_clock(ShiftedClock(float(os.environ['SMS_TEST_CLOCK_OFFSET']))); "
           "from jobmatch.cli import main; sys.exit(main({argv!r}))")


def _environment(pg_url, settings, clock_offset) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "TWILIO_", "REDIS_", "DATABASE_"))}
    env.update({key: str(value) for key, value in settings.items()})
    env.update(DATABASE_URL=pg_url, SECRET_KEY="one-key-for-every-process", PUBLIC_BASE_URL="http://jobmatch.test",
               LOG_LEVEL="WARNING", SMS_TEST_CLOCK_OFFSET=str(clock_offset),
               JOBMATCH_TEST_CONFIG=json.dumps({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                                "SMS_INPROCESS_DISPATCHER": False}))
    return env


def _start(argv, env, log_path):
    log = open(log_path, "w")
    return subprocess.Popen(argv, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def _start_web(env, tmp_path, name):
    port = _free_port()
    process = _start([str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
                      "tests.app.scale_out_app:app"], env, tmp_path / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, process, tmp_path / f"{name}.log")
    return process, url


def _stop_all(processes):
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.slow
def test_two_web_servers_and_two_workers_behave_as_one(pg_url, redis_url, queue_name, fake_twilio, clock_offset,
                                                       tmp_path):
    engine = make_engine(pg_url)
    with Session(engine, expire_on_commit=False) as session:
        settlement, vacancy, persons = make_welding_site(session, workers=40, openings=3)
        make_user(session, "staff", [settlement], username="staff1").set_password(PASSWORD)
        match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
        second = make_vacancy(session, vacancy.employer, title="电焊工（二期）", skills=["电焊"], openings=4)
        proposed = {o.person_id for o in match_round.offers if o.status == "proposed"}
        offers = make_sent_offers(session, second, [p for p in persons if p.id not in proposed])
        session.commit()

    settings = dict(twilio_config(fake_twilio), REDIS_URL=redis_url, SMS_QUEUE=queue_name,
                    SMS_DISPATCH_INTERVAL=0.2, SMS_BATCH_SIZE=10)
    env = _environment(pg_url, settings, clock_offset)
    processes = []
    try:
        (web_a, url_a), (web_b, url_b) = _start_web(env, tmp_path, "web-a"), _start_web(env, tmp_path, "web-b")
        processes += [web_a, web_b]
        for n in range(2):
            processes.append(_start([sys.executable, "-c", SHIFTED.format(argv=["worker"])], env, tmp_path / f"worker-{n}.log"))
            processes.append(_start([sys.executable, "-c", SHIFTED.format(argv=["dispatch"])], env, tmp_path / f"dispatch-{n}.log"))

        # Signed in on server A; the same session cookie works on server B (one SECRET_KEY).
        login = requests.post(f"{url_a}/login", data={"username": "staff1", "password": PASSWORD},
                              allow_redirects=False, timeout=10)
        assert login.status_code == 302
        cookies = login.cookies.get_dict()

        def post(url, path, body):
            return lambda: requests.post(f"{url}{path}", json=body, cookies=cookies, timeout=60)

        servers = [url_a, url_b]
        approvals = [post(servers[n % 2], f"/rounds/{match_round.id}/approve", {}) for n in range(6)]
        answers = [post(servers[n % 2], f"/offers/{o.id}/answer", {"accepted": True})
                   for n, o in enumerate(offers + offers[::3])]
        with ThreadPoolExecutor(16) as pool:
            responses = list(pool.map(lambda call: call(), approvals + answers))
        assert {r.status_code for r in responses} == {200}, [r.text[:200] for r in responses if r.status_code != 200]
        assert sum(len(r.json()["sent"]) for r in responses[:6]) == 3

        with Session(engine) as session:
            statuses = collections.Counter(session.scalars(select(Offer.status).where(Offer.vacancy_id == second.id)))
            assert statuses == {"accepted": 4, "waitlisted": len(offers) - 4}
            queued = session.scalar(select(func.count()).select_from(Message))
        # 3 offers + one confirmation per answered offer, each delivered once by the two workers.
        assert queued == 3 + len(offers)
        _wait_for(lambda: len(fake_twilio.messages) >= queued, 60, "every message delivered")
        time.sleep(1.0)  # a duplicate would arrive now
    finally:
        _stop_all(processes)

    sent_texts = collections.Counter((m.to, m.body) for m in fake_twilio.messages)
    assert len(fake_twilio.messages) == queued and set(sent_texts.values()) == {1}
    with Session(engine) as session:
        assert dict(session.execute(select(Message.status, func.count()).group_by(Message.status)).all()) == {"sent": queued}
        assert set(session.scalars(select(Message.provider_message_id))) == {m.sid for m in fake_twilio.messages}
    engine.dispose()
