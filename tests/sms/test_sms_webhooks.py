"""Twilio's webhooks: workers' replies and delivery statuses, signed or refused."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from jobmatch.models import InboundMessage, LedgerEvent, Message, Person
from jobmatch.services import answers
from jobmatch.services.sms.inbound import mark_read, unread_replies
from jobmatch.services.sms.messaging import open_asks, queue_message
from jobmatch.tasks import InProcessQueue, dispatch_once
from tests.conftest import make_test_app
from tests.sms.test_sms_support import (  # noqa: F401  (fixtures)
    OFFER_DATA,
    fake_twilio,
    fixed_clock,
    make_person,
    shanghai,
    twilio_app,
    twilio_config,
)
from tests.support.fake_twilio import DEFAULT_AUTH_TOKEN, sign_twilio_request

BASE = "http://jobmatch.test"
_sids = iter(range(1, 10**6))


@pytest.fixture
def testask_answers(monkeypatch):
    """An answer handler for subject "testask:<id>" that records what it was told."""
    calls = []

    def handler(session, subject_id, person_id, accepted, *, actor, via):
        calls.append((subject_id, person_id, accepted, via))
        return "confirm_accepted" if accepted else "confirm_declined"

    monkeypatch.setitem(answers.ANSWER_HANDLERS, "testask", handler)
    return calls


def _signed_post(client, url, params, token=DEFAULT_AUTH_TOKEN):
    parts = urlsplit(url)
    headers = {"X-Twilio-Signature": sign_twilio_request(token, url, params)}
    return client.post(parts.path + (f"?{parts.query}" if parts.query else ""), data=params, headers=headers)


def _reply(client, person, body, sid=None):
    params = {"From": f"+86{person.phone}", "To": "+15005550006", "Body": body,
              "MessageSid": sid or f"SMIN{next(_sids):06d}", "AccountSid": "AC1"}
    return _signed_post(client, f"{BASE}/sms/inbound", params)


def _ask(session, person, subject_id):
    message = queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA,
                            subject=f"testask:{subject_id}", expects_reply=True, actor="user:1")
    message.status = "sent"
    return message


def _count(session, model):
    count = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return count


def test_forged_webhooks_are_refused_and_change_nothing(twilio_app, testask_answers):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), sessions() as session:
        person = make_person(session)
        _ask(session, person, 1)
        session.commit()
        params = {"From": f"+86{person.phone}", "Body": "1", "MessageSid": "SMFORGED"}
        assert client.post("/sms/inbound", data=params).status_code == 403
        bad = {"X-Twilio-Signature": sign_twilio_request("wrong-token", f"{BASE}/sms/inbound", params)}
        assert client.post("/sms/inbound", data=params, headers=bad).status_code == 403
        other_url = {"X-Twilio-Signature": sign_twilio_request(DEFAULT_AUTH_TOKEN, "http://evil/sms/inbound", params)}
        assert client.post("/sms/inbound", data=params, headers=other_url).status_code == 403
        status = {"MessageSid": "SM1", "MessageStatus": "delivered"}
        assert client.post("/sms/status", data=status).status_code == 403
        assert _count(session, InboundMessage) == 0 and testask_answers == []
        assert _count(session, LedgerEvent) == 1  # only the sms_queued of the ask


def test_a_reply_of_1_answers_the_latest_open_ask_once(twilio_app, testask_answers):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), sessions() as session:
        person = make_person(session)
        _ask(session, person, 1)
        latest = _ask(session, person, 2)
        session.commit()
        response = _reply(client, person, " 1 ", sid="SMDUP")
        assert response.status_code == 200 and "<Response>" in response.get_data(as_text=True)
        assert _reply(client, person, "1", sid="SMDUP").status_code == 200  # Twilio retried the webhook
        assert testask_answers == [(2, person.id, True, "sms")]
        assert _reply(client, person, "是").status_code == 200  # now answers ask 1
        assert _reply(client, person, "好").status_code == 200  # nothing left open: changes nothing
        assert testask_answers == [(2, person.id, True, "sms"), (1, person.id, True, "sms")]
        assert [m.subject for m in open_asks(session, person.id)] == []
        assert session.get(Message, latest.id, populate_existing=True).answer == "accept"
        assert unread_replies(session) == []
        events = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "sms_received")).all()
        assert len(events) == 3 and all(person.phone not in str(e.data) for e in events)


def test_2_declines_and_the_web_page_answers_the_same_asks(twilio_app, testask_answers):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), sessions() as session:
        person = make_person(session)
        first, second = _ask(session, person, 1), _ask(session, person, 2)
        session.commit()
        assert [m.id for m in open_asks(session, person.id)] == [second.id, first.id]
        assert answers.answer_ask(session, person.id, second.id, accepted=True) == "confirm_accepted"
        assert answers.answer_ask(session, person.id, second.id, accepted=False) == ""  # answered already
        session.commit()
        _reply(client, person, "不要")
        assert testask_answers == [(2, person.id, True, "web"), (1, person.id, False, "sms")]
        assert not session.get(Person, person.id, populate_existing=True).sms_opt_out


def test_td_stops_pushes_with_one_confirmation_and_subscribe_resumes(twilio_app, testask_answers):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 10)), sessions() as session:
        person = make_person(session)
        waiting = queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, actor="user:1")
        session.commit()
        _reply(client, person, "TD")
        _reply(client, person, "退订")
        session.expire_all()
        assert session.get(Person, person.id).sms_opt_out
        assert session.get(Message, waiting.id).status == "cancelled"
        kinds = session.scalars(select(Message.kind).where(Message.id != waiting.id)).all()
        assert kinds == ["opt_out_confirmation"]
        later = queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, actor="user:1")
        assert later.status == "cancelled"
        session.commit()
        _reply(client, person, "订阅")
        session.expire_all()
        assert not session.get(Person, person.id).sms_opt_out
        assert session.scalars(select(Message.kind).order_by(Message.id.desc())).first() == "opt_in_confirmation"


def test_anything_else_gets_help_and_waits_for_staff(twilio_app, cli):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), sessions() as session:
        person = make_person(session)
        session.commit()
        _reply(client, person, "我想找保安的工作")
        _reply(client, person, "0")
        unread = unread_replies(session)
        assert [r.body for r in unread] == ["我想找保安的工作"]
        unread_id = unread[0].id
        assert session.scalars(select(Message.kind)).all() == ["help", "help"]
        session.rollback()
    assert "我想找保安的工作" in cli("sms", "unread").output
    with twilio_app.app_context(), sessions() as session:
        assert mark_read(session, [unread_id], actor="user:1") == 1
        assert unread_replies(session) == []


def test_status_callbacks_record_delivery_and_settle_a_message_in_doubt(twilio_app, fake_twilio):
    client, sessions = twilio_app.test_client(), twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 10)), sessions() as session:
        person = make_person(session)
        message = queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, actor="user:1")
        session.commit()
        dispatch_once(twilio_app, InProcessQueue(twilio_app))
        [received] = fake_twilio.messages
        with sessions.begin() as crashed:  # as if the worker died before recording the send
            crashed.get(Message, message.id).status, crashed.get(Message, message.id).provider_message_id = "sending", None
        params = {"MessageSid": received.sid, "MessageStatus": "delivered", "AccountSid": "AC1"}
        assert _signed_post(client, received.status_callback, params).status_code == 204
        stored = session.get(Message, message.id, populate_existing=True)
        assert (stored.status, stored.provider_message_id) == ("delivered", received.sid)
        session.rollback()
        failed = {"MessageSid": received.sid, "MessageStatus": "undelivered", "ErrorCode": "30005"}
        assert _signed_post(client, received.status_callback, failed).status_code == 204
        kinds = session.scalars(select(LedgerEvent.kind).order_by(LedgerEvent.id)).all()
        # The second sms_sent is the callback settling the send the "crash" did not record;
        # a failure reported after delivery leaves it delivered.
        assert kinds == ["sms_queued", "sms_sent", "sms_sent", "sms_delivered"]


def test_webhooks_need_no_csrf_token(database_url, fake_twilio, testask_answers):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True, **twilio_config(fake_twilio))
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), sessions() as session:
        person = make_person(session)
        _ask(session, person, 7)
        session.commit()
        assert _reply(app.test_client(), person, "1").status_code == 200
        assert testask_answers == [(7, person.id, True, "sms")]
    app.extensions["jobmatch.engine"].dispose()
