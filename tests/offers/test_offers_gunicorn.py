"""Several gunicorn worker processes on PostgreSQL: concurrent approvals and answers over HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
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

GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "secret-pass"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_url(pg_url, tmp_path):
    """A gunicorn with three worker processes serving the app on a loopback port.

    --preload imports the app once before forking (no connection is open yet then);
    each worker process still has its own connection pool.
    """
    port = _free_port()
    config = {"DATABASE_URL": pg_url, "SECRET_KEY": "gunicorn-test", "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": False, "SMS_INPROCESS_DISPATCHER": False, "REDIS_URL": None,
              "PUBLIC_BASE_URL": "http://jobmatch.test"}
    log = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "3", "--preload", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         f"jobmatch:create_app({config!r})"],
        stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2], env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, tmp_path / "gunicorn.log")
        yield url
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown
        server.wait(timeout=20)
        log.close()


def _wait_until_up(url, server, log_path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=5).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


def _fire(requests_to_send):
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda call: call(), requests_to_send))


@pytest.mark.slow
def test_gunicorn_workers_never_exceed_openings_or_send_twice(pg_url, gunicorn_url):
    engine = make_engine(pg_url)
    with Session(engine, expire_on_commit=False) as session:
        settlement, vacancy, persons = make_welding_site(session, workers=43, openings=3)
        make_user(session, "staff", [settlement], username="staff1").set_password(PASSWORD)
        match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
        full_soon = make_vacancy(session, vacancy.employer, title="电焊工（二期）", skills=["电焊"], openings=3)
        session.flush()
        proposed = {o.person_id for o in match_round.offers if o.status == "proposed"}
        offers = make_sent_offers(session, full_soon, [p for p in persons if p.id not in proposed])
        session.commit()

    login = requests.post(f"{gunicorn_url}/login", data={"username": "staff1", "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert login.status_code == 302
    cookies = login.cookies.get_dict()

    def post(path, body):
        return lambda: requests.post(f"{gunicorn_url}{path}", json=body, cookies=cookies, timeout=60)

    approvals = _fire([post(f"/rounds/{match_round.id}/approve", {})] * 6)
    assert {r.status_code for r in approvals} == {200}
    assert sum(len(r.json()["sent"]) for r in approvals) == 3

    answers = _fire([post(f"/offers/{o.id}/answer", {"accepted": True}) for o in offers]
                    + [post(f"/offers/{o.id}/answer", {"accepted": True}) for o in offers[::4]])
    assert {r.status_code for r in answers} == {200}
    assert Counter(r.json()["confirmation"] for r in answers) == {
        "confirm_accepted": 3, "confirm_waitlisted": len(offers) - 3, "": len(offers[::4])}

    with Session(engine) as session:
        assert Counter(session.scalars(select(Offer.status).where(Offer.vacancy_id == full_soon.id))) == {
            "accepted": 3, "waitlisted": len(offers) - 3}
        assert session.scalar(select(func.count()).select_from(Message).where(Message.kind == "job_offer")) == 3
    engine.dispose()
