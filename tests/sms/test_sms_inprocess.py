"""Without REDIS_URL the same jobs run in-process: `make run` sends SMS with no Redis at all."""

import time

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from jobmatch.cli import main
from jobmatch.models import Message
from jobmatch.services.sms.messaging import queue_message
from jobmatch.tasks import stop_background_sender
from tests.conftest import make_test_app
from tests.sms.test_sms_support import (  # noqa: F401  (fake_twilio: a fixture)
    OFFER_DATA,
    fake_twilio,
    make_person,
    office_hours,
    twilio_app,
    twilio_config,
)


def _queue_offer(app):
    with app.app_context(), app.extensions["jobmatch.sessionmaker"].begin() as session:
        person = make_person(session)
        return queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, actor="user:1").id


def _status(app, message_id):
    with app.extensions["jobmatch.sessionmaker"]() as session:
        return session.scalar(select(Message.status).where(Message.id == message_id))


def test_the_web_process_sends_from_a_background_thread_woken_by_the_commit(database_url, fake_twilio):
    app = make_test_app(database_url, TESTING=False, SMS_INPROCESS_DISPATCHER=True, SMS_DISPATCH_INTERVAL=60.0,
                        **twilio_config(fake_twilio))
    try:
        with office_hours():
            assert app.test_client().get("/healthz").status_code == 200  # the first request starts it
            message_id = _queue_offer(app)  # the commit wakes it long before the 60 s interval
            deadline = time.monotonic() + 10
            while _status(app, message_id) != "sent" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _status(app, message_id) == "sent" and len(fake_twilio.messages) == 1
    finally:
        stop_background_sender(app)
        app.extensions["jobmatch.engine"].dispose()


def test_no_background_thread_with_redis_or_in_tests(twilio_app):
    from jobmatch.tasks import start_background_sender

    assert start_background_sender(twilio_app) is None


def test_worker_and_dispatch_commands_send_in_process_without_redis(twilio_app, fake_twilio):
    def run(*args):
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: twilio_app),
                                  catch_exceptions=False)

    with office_hours():
        first, second = _queue_offer(twilio_app), _queue_offer(twilio_app)
        assert "dispatched 2 messages" in run("dispatch", "--once").output
        assert [_status(twilio_app, first), _status(twilio_app, second)] == ["sent", "sent"]
        third = _queue_offer(twilio_app)
        assert "sent 1 messages in-process" in run("worker", "--burst").output
        assert _status(twilio_app, third) == "sent" and len(fake_twilio.messages) == 3
        assert "sent" in run("sms", "status").output
