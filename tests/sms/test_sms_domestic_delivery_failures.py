"""Exactly once through real RQ workers with Aliyun and Tencent Cloud: a worker killed mid-send, Redis gone.

The same stories as test_sms_delivery_failures.py (Twilio), with batch sends and the
receipt look-up (QuerySendDetails, PullSmsSendStatusByPhoneNumber) settling what a
killed worker left in doubt.
"""

import shutil
import time

import pytest
from sqlalchemy import func, select

from jobmatch.models import Message
from tests.conftest import make_test_app
from tests.sms.domestic_support import start
from tests.sms.test_sms_delivery_failures import (  # noqa: F401  (fixtures)
    LEASES,
    _assert_each_sent_once,
    _count_sent,
    _dispatcher,
    _free_port,
    _queue_offers,
    _start_redis,
    _start_worker,
    _stop,
    _wait_for,
    _worker_env,
    clock_offset,
    queue_name,
    redis_url,
)


@pytest.fixture(params=["aliyun", "tencent"])
def domestic(request):
    provider = start(request.param)
    yield provider
    provider.fake.stop()


def _late(domestic, seconds: float) -> float:
    """How late the fake answers each request. Tencent takes these offers one number a request (a
    SendSms batch shares one text, and each offer's differs), Aliyun 25: a quarter of the delay
    still leaves every send in flight most of the time, without 15 s of waiting for the first 100."""
    return seconds if domestic.name == "aliyun" else seconds / 4


def _settings(domestic, redis_url, queue_name):
    return dict(domestic.config(), REDIS_URL=redis_url, SMS_QUEUE=queue_name, **LEASES)


def test_a_worker_killed_mid_send_and_restarted_sends_every_message_exactly_once(pg_url, redis_url, queue_name,
                                                                                 domestic, clock_offset):
    settings = _settings(domestic, redis_url, queue_name)
    app = make_test_app(pg_url, **settings)
    _queue_offers(app, 1000)
    env = _worker_env(settings, pg_url, clock_offset)
    domestic.fake.delay_responses(_late(domestic, 0.3))  # each batch is taken, then answered late
    workers = [_start_worker(env), _start_worker(env)]
    try:
        with _dispatcher(app):
            # Kill while a batch is mid-send (taken by the provider, not yet recorded as sent).
            _wait_for(lambda: len(domestic.fake.messages) >= 100 and len(domestic.fake.messages) > _count_sent(app),
                      60, "the first 100 sends, with a batch mid-send")
            for worker in workers:
                worker.kill()  # SIGKILL: between the provider's answer and the commit
                worker.wait()
            domestic.fake.delay_responses(0)
            workers = [_start_worker(env), _start_worker(env)]
            _wait_for(lambda: _count_sent(app) == 1000, 120, "all 1000 messages sent")
        _assert_each_sent_once(app, domestic.fake, 1000)
        with app.extensions["jobmatch.sessionmaker"]() as session:
            in_doubt = session.scalar(select(func.count()).select_from(Message).where(Message.in_doubt.is_(True)))
        assert in_doubt >= 1  # the kill left sends in doubt, and the receipt look-up kept them single
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        app.extensions["jobmatch.engine"].dispose()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to start a private Redis")
def test_messages_survive_redis_going_away_during_a_send(pg_url, domestic, tmp_path, clock_offset):
    port = _free_port()
    settings = _settings(domestic, f"redis://127.0.0.1:{port}/0", "sms")
    app = make_test_app(pg_url, **settings)
    _queue_offers(app, 300)
    env = _worker_env(settings, pg_url, clock_offset)
    domestic.fake.delay_responses(_late(domestic, 0.2))
    redis_server = _start_redis(port, tmp_path)
    worker = _start_worker(env)
    try:
        with _dispatcher(app):
            _wait_for(lambda: len(domestic.fake.messages) >= 50, 60, "the first 50 sends")
            _stop(redis_server)  # the queue and every job in it are gone
            time.sleep(1.0)
            assert 50 <= _count_sent(app) < 300
            domestic.fake.delay_responses(0)
            redis_server = _start_redis(port, tmp_path)
            _stop(worker)
            worker = _start_worker(env)
            _wait_for(lambda: _count_sent(app) == 300, 120, "all 300 messages sent")
        _assert_each_sent_once(app, domestic.fake, 300)
    finally:
        _stop(worker)
        _stop(redis_server)
        app.extensions["jobmatch.engine"].dispose()
