"""/metrics: scraped and parsed with prometheus_client's own parser; protected from the outside."""

from collections import Counter
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text

from jobmatch import metrics
from jobmatch.clock import utcnow
from jobmatch.models import Message
from jobmatch.services.demo import load_demo
from jobmatch.services.offers.rounds import propose_round
from tests import services
from tests.app.test_health import closed_port
from tests.conftest import make_test_app

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}


def scrape(client, **kwargs) -> dict[str, list]:
    """{sample or family name: [(labels, value), ...]} from one scrape."""
    response = client.get("/metrics", environ_base=kwargs.pop("environ_base", LOCAL), **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        samples.setdefault(family.name, [])  # a family with no samples yet is still listed
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def _round_count(samples) -> float:
    return samples["jobmatch_matching_round_duration_seconds_count"][0][1]


def _message(person_id, status, created_at, n):
    return Message(person_id=person_id, kind="offer", body="正文", to_phone=None, subject="", status=status,
                   due_at=created_at, idempotency_key=f"k{n}", created_at=created_at, updated_at=created_at)


def test_metrics_from_database_and_requests(app, session, client):
    load_demo(session, households=20, seed=3)
    person_id = session.scalar(text("SELECT MIN(id) FROM persons"))
    now = utcnow()
    statuses = ["queued", "queued", "held", "sent", "sent", "sent", "failed"]
    demo_messages = Counter(session.scalars(select(Message.status)))  # the demo worker's offer SMS
    session.add_all(_message(person_id, s, now - timedelta(minutes=10 * n), n) for n, s in enumerate(statuses))
    zero = session.execute(text("SELECT COUNT(*) FROM households WHERE zero_employment")).scalar_one()
    session.commit()
    client.get("/healthz")
    rounds_before = _round_count(scrape(client))
    propose_round(session, actor="user:1", county_id=session.scalar(text("SELECT MIN(id) FROM counties")))
    session.commit()

    samples = scrape(client)

    by_status = {labels["status"]: value for labels, value in samples["jobmatch_sms_messages"]}
    assert by_status == dict(Counter({"queued": 2, "held": 1, "sent": 3, "failed": 1}) + demo_messages)
    assert samples["jobmatch_outbox_depth"] == [({}, 3 + demo_messages["queued"] + demo_messages["held"])]
    oldest = samples["jobmatch_outbox_oldest_age_seconds"][0][1]
    assert 20 * 60 - 5 <= oldest <= 20 * 60 + 60  # the held one, 20 minutes old
    households = samples["jobmatch_zero_employment_households"]
    assert {labels["settlement"] for labels, _ in households} == {"五里岗安置点", "陕桥安置点"}
    assert sum(value for _, value in households) == zero
    latency = [labels for labels, _ in samples["jobmatch_http_request_duration_seconds_count"]]
    assert {"endpoint": "health.healthz", "method": "GET", "status": "200"} in latency
    assert _round_count(samples) == rounds_before + 1  # the round above was timed
    assert "jobmatch_rq_queue_length" not in samples  # no REDIS_URL


def test_scrape_survives_missing_table_and_stopped_redis(tmp_path):
    from jobmatch.migrate import upgrade
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, "0001")  # before the messages table existed
    app = make_test_app(url, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    samples = scrape(app.test_client())
    app.extensions["jobmatch.engine"].dispose()
    assert "jobmatch_sms_messages" not in samples and "jobmatch_rq_queue_length" not in samples
    assert "jobmatch_zero_employment_households" in samples


def test_rq_queue_metrics(sqlite_url):
    try:
        redis = services.redis_client()
    except Exception as exc:  # noqa: BLE001
        services.missing("Redis", exc)
    from rq import Queue
    queue = Queue(f"metrics-test-{id(redis)}", connection=redis)
    queue.enqueue("builtins.print", "x")
    app = make_test_app(sqlite_url, REDIS_URL=services.REDIS_URL)
    try:
        samples = scrape(app.test_client())
    finally:
        queue.delete(delete_jobs=True)
        app.extensions["jobmatch.engine"].dispose()
    lengths = {labels["queue"]: value for labels, value in samples["jobmatch_rq_queue_length"]}
    assert lengths[queue.name] == 1
    assert queue.name in {labels["queue"] for labels, _ in samples["jobmatch_rq_failed_jobs"]}


@pytest.mark.parametrize("environ, headers, status", [
    ({"REMOTE_ADDR": "10.0.0.5"}, {}, 403),                                   # another machine
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.9"}, 403),  # through nginx
    ({"REMOTE_ADDR": "10.0.0.5"}, {"Authorization": "Bearer wrong"}, 403),
    ({"REMOTE_ADDR": "10.0.0.5"}, {"Authorization": "Bearer s3cret-token"}, 200),
    ({"REMOTE_ADDR": "::1"}, {}, 200),
])
def test_metrics_access(sqlite_url, environ, headers, status):
    app = make_test_app(sqlite_url, METRICS_TOKEN="s3cret-token")
    response = app.test_client().get("/metrics", environ_base=environ, headers=headers)
    app.extensions["jobmatch.engine"].dispose()
    assert response.status_code == status


def test_multiprocess_mode_adds_up_workers(tmp_path, sqlite_url):
    """Under gunicorn each worker writes its own file; /metrics in any worker reads them all."""
    import os
    import subprocess
    import sys
    repo = os.path.dirname(os.path.dirname(metrics.__file__))
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"), "DATABASE_URL": sqlite_url}
    os.mkdir(env["PROMETHEUS_MULTIPROC_DIR"])
    worker = ("from jobmatch import create_app\n"
              "client = create_app({'TESTING': True}).test_client()\n"
              "assert client.get('/healthz').status_code == 200\n"
              "print(client.get('/metrics', environ_base={'REMOTE_ADDR': '127.0.0.1'}).get_data(as_text=True))\n")
    outputs = [subprocess.run([sys.executable, "-c", worker], env=env, cwd=repo, check=True,
                              capture_output=True, text=True).stdout for _worker in range(2)]
    counts = [s.value for f in text_string_to_metric_families(outputs[-1]) for s in f.samples
              if s.name == "jobmatch_http_request_duration_seconds_count" and s.labels["endpoint"] == "health.healthz"]
    assert counts == [2]  # the second process sees the first one's request too
