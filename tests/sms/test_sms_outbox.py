"""The outbox in one process, on SQLite and PostgreSQL, sending to the fake Twilio server."""

from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import LedgerEvent, Message, Person
from jobmatch.services.sms.messaging import queue_message, queue_messages_bulk
from jobmatch.services.sms.outbox import OutboxSettings, claim_due, claim_for_sending
from jobmatch.tasks import InProcessQueue, deliver_with, dispatch_once
from tests.sms.test_sms_support import (  # noqa: F401  (fixtures)
    OFFER_DATA,
    fake_twilio,
    fixed_clock,
    make_person,
    shanghai,
    twilio_app,
)

WORKDAY_MORNING = shanghai(2026, 11, 25, 10)


def _queue_offer(session, person, subject="offer:1", **data):
    return queue_message(session, person_id=person.id, kind="job_offer", data=dict(OFFER_DATA, **data),
                         subject=subject, expects_reply=True, actor="user:1")


def _dispatch(app):
    return dispatch_once(app, InProcessQueue(app))


def _statuses(session):
    """Statuses of all messages; ends the read transaction (SQLite would block the sender)."""
    statuses = list(session.scalars(select(Message.status).order_by(Message.id)))
    session.rollback()
    return statuses


def _fresh(session, model, row_id):
    """The row as stored now, detached; ends the read transaction."""
    row = session.get(model, row_id, populate_existing=True)
    session.expunge(row)
    session.rollback()
    return row


def _ledger_kinds(session):
    kinds = list(session.scalars(select(LedgerEvent.kind).order_by(LedgerEvent.id)))
    session.rollback()
    return kinds


def test_a_queued_offer_reaches_the_provider_once_and_the_ledger_keeps_no_phone_or_body(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person = make_person(session, phone="139 1234 5678")
        message = _queue_offer(session, person)
        session.commit()
        assert message.to_phone == "+8613912345678" and message.body.startswith("【安置点就业服务】")
        assert _dispatch(twilio_app) == 1
        assert _dispatch(twilio_app) == 0
        deliver_with(twilio_app, [message.id])  # the same job again: nothing more is sent
        [received] = fake_twilio.messages
        assert received.to == "+8613912345678" and received.body == message.body
        assert received.status_callback == f"http://jobmatch.test/sms/status?key={message.idempotency_key}"
        message = _fresh(session, Message, message.id)
        assert (message.status, message.provider_message_id, message.attempts) == ("sent", received.sid, 1)
        events = session.scalars(select(LedgerEvent).order_by(LedgerEvent.id)).all()
        assert [e.kind for e in events] == ["sms_queued", "sms_sent"]
        for event in events:
            assert "13912345678" not in str(event.data) and "鑫达" not in str(event.data)
            assert event.data["to"] == "139****5678"


def test_provider_errors_are_retried_with_backoff_until_it_answers(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    fake_twilio.fail_next(2, status=500)
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        message = _queue_offer(session, make_person(session))
        session.commit()
        for _ in range(3):
            _dispatch(twilio_app)
        assert fake_twilio.attempts == 3 and len(fake_twilio.messages) == 1
        message = _fresh(session, Message, message.id)
        assert (message.status, message.attempts) == ("sent", 3)
        assert _ledger_kinds(session) == ["sms_queued", "sms_retry", "sms_retry", "sms_sent"]


def test_backoff_waits_and_attempts_run_out(database_url, fake_twilio):
    from tests.conftest import make_test_app
    from tests.sms.test_sms_support import twilio_config

    app = make_test_app(database_url, **twilio_config(fake_twilio, SMS_RETRY_BASE_SECONDS=60.0,
                                                       SMS_RETRY_MAX_SECONDS=600.0, SMS_MAX_ATTEMPTS=3))
    fake_twilio.fail_next(10, status=503)
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        message = _queue_offer(session, make_person(session))
        session.commit()
        _dispatch(app)
        assert _dispatch(app) == 0  # waiting 60 s
        clock.advance(seconds=61)
        _dispatch(app)
        clock.advance(seconds=119)
        assert _dispatch(app) == 0  # 120 s after the second try
        clock.advance(seconds=2)
        _dispatch(app)
        message = _fresh(session, Message, message.id)
        assert (message.status, message.attempts, fake_twilio.attempts) == ("failed", 3, 3)
        assert message.last_error.startswith("attempts_exhausted")
    app.extensions["jobmatch.engine"].dispose()


def test_a_rejected_number_is_not_retried_and_the_person_is_flagged(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    fake_twilio.reject_numbers(["+8613900000001"])
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person = make_person(session, phone="13900000001")
        message = _queue_offer(session, person)
        session.commit()
        _dispatch(twilio_app)
        _dispatch(twilio_app)
        assert fake_twilio.attempts == 1 and fake_twilio.messages == []
        message = _fresh(session, Message, message.id)
        person = _fresh(session, Person, person.id)
        assert message.status == "failed" and message.last_error.startswith("invalid_phone")
        assert "13900000001" not in message.last_error
        assert person.phone_invalid
        later = _queue_offer(session, person, subject="offer:2")
        assert later.status == "failed"  # never sent to again


def test_a_malformed_phone_is_reported_and_never_sent(twilio_app, fake_twilio, cli):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), sessions() as session:
        person = make_person(session, phone="010-1234")
        message = _queue_offer(session, person)
        session.commit()
        assert message.status == "failed" and message.to_phone is None
        assert _dispatch(twilio_app) == 0 and fake_twilio.attempts == 0
    result = cli("sms", "phones")
    assert f"person {person.id}" in result.output and result.exit_code == 1


def test_quiet_hours_hold_messages_until_eight(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 21, 30)) as clock, sessions() as session:
        message = _queue_offer(session, make_person(session))
        session.commit()
        assert message.status == "held" and message.due_at == shanghai(2026, 11, 26, 8)
        clock.set(shanghai(2026, 11, 26, 7, 59))
        assert _dispatch(twilio_app) == 0 and fake_twilio.messages == []
        clock.set(shanghai(2026, 11, 26, 8, 0))
        assert _dispatch(twilio_app) == 1 and len(fake_twilio.messages) == 1


def test_a_message_dispatched_before_nine_but_sent_after_is_held(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    settings = OutboxSettings.from_settings(settings_of(twilio_app))
    with twilio_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 20, 59)) as clock, sessions() as session:
        message = _queue_offer(session, make_person(session))
        session.commit()
        with sessions.begin() as claiming:
            assert claim_due(claiming, settings, 10) == [message.id]
        clock.set(shanghai(2026, 11, 25, 21, 0))
        deliver_with(twilio_app, [message.id])
        message = _fresh(session, Message, message.id)
        assert message.status == "held" and fake_twilio.messages == []


def test_the_daily_cap_defers_extra_pushes_to_the_next_morning(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person = make_person(session)
        offers = [_queue_offer(session, person, subject=f"offer:{n}", title=f"岗位{n}") for n in range(4)]
        help_text = queue_message(session, person_id=person.id, kind="help", actor="system",
                                  data={"contact_phone": "12333", "url": "https://j.example/w/"})
        session.commit()
        _dispatch(twilio_app)
        assert _statuses(session) == ["sent", "sent", "sent", "held", "sent"]  # help is no push
        offers[3] = _fresh(session, Message, offers[3].id)
        assert offers[3].due_at == shanghai(2026, 11, 26, 8) and offers[3].last_error == "daily_cap"
        clock.set(shanghai(2026, 11, 26, 8, 5))
        _dispatch(twilio_app)
        assert _statuses(session)[3] == "sent" and len(fake_twilio.messages) == 5
        assert help_text.kind == "help"


def test_the_same_text_goes_to_one_number_at_most_twice_a_day(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person = make_person(session)
        data = {"contact_phone": "12333", "url": "https://j.example/w/"}
        for _ in range(3):
            queue_message(session, person_id=person.id, kind="help", data=data, actor="system")
        session.commit()
        _dispatch(twilio_app)
        assert _statuses(session) == ["sent", "sent", "held"] and len(fake_twilio.messages) == 2
        clock.advance(hours=24, seconds=2)
        _dispatch(twilio_app)
        assert _statuses(session)[2] == "sent"


def test_a_job_that_died_after_the_provider_took_the_message_does_not_send_it_again(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    settings = OutboxSettings.from_settings(settings_of(twilio_app))
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person = make_person(session)
        sent_before_crash, never_sent = _queue_offer(session, person), _queue_offer(session, person, title="保安")
        session.commit()
        with sessions.begin() as claiming:
            claim_due(claiming, settings, 10)
        for message in (sent_before_crash, never_sent):  # both marked sending, then the worker dies
            with sessions.begin() as claiming:
                [claimed] = claim_for_sending(claiming, settings, [message.id])
            if message is sent_before_crash:
                fresh_provider = _fresh_provider(twilio_app)
                fresh_provider.send(claimed.to_phone, claimed.body, idempotency_key=claimed.idempotency_key)
        assert _statuses(session) == ["sending", "sending"]
        assert _dispatch(twilio_app) == 0  # still within the sending lease
        clock.advance(seconds=settings.sending_lease_seconds + 1)
        assert _dispatch(twilio_app) == 2
        assert _statuses(session) == ["sent", "sent"]
        assert sorted(m.body for m in fake_twilio.messages) == sorted([sent_before_crash.body, never_sent.body])
        sent_before_crash = _fresh(session, Message, sent_before_crash.id)
        assert sent_before_crash.provider_message_id == fake_twilio.messages[0].sid


def test_a_provider_that_cannot_look_up_marks_an_in_doubt_message_failed(database_url):
    from tests.conftest import make_test_app

    app = make_test_app(database_url)  # the console provider keeps no record across processes
    sessions = app.extensions["jobmatch.sessionmaker"]
    settings = OutboxSettings.from_settings(settings_of(app))
    with app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        message = _queue_offer(session, make_person(session))
        session.commit()
        with sessions.begin() as claiming:
            claim_due(claiming, settings, 10)
        with sessions.begin() as claiming:
            claim_for_sending(claiming, settings, [message.id])
        clock.advance(seconds=settings.sending_lease_seconds + 1)
        app.extensions["jobmatch.sms_provider"] = _NoLookupProvider()
        _dispatch(app)
        message = _fresh(session, Message, message.id)
        assert (message.status, message.last_error) == ("failed", "outcome_unknown")
    app.extensions["jobmatch.engine"].dispose()


def test_bulk_queuing_writes_a_row_each_and_one_event_per_subject(twilio_app):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        people = [make_person(session) for _ in range(4)] + [make_person(session, phone="12345")]
        rows = [{"person_id": p.id, "kind": "fair_invitation", "subject": "fair_invitation:3", "expects_reply": True,
                 "data": {"fair_name": "春季招聘会", "when": "3月12日", "venue": "社区广场", "employer_count": 5,
                          "url": "https://j.example/w/"}} for p in people]
        ids = queue_messages_bulk(session, rows, actor="user:1")
        session.commit()
        assert len(ids) == 5 and _statuses(session) == ["queued"] * 4 + ["failed"]
        events = session.scalars(select(LedgerEvent).order_by(LedgerEvent.id)).all()
        assert [(e.kind, e.person_id) for e in events] == [("sms_failed", people[4].id), ("sms_queued_bulk", None)]
        assert events[1].data == {"queued": 4, "held": 0, "kind": "fair_invitation",
                                  "first_message_id": ids[0], "last_message_id": ids[3]}
        assert events[1].subject == "fair_invitation:3"


def _fresh_provider(app):
    from notifications.providers import make_provider
    settings = settings_of(app)
    return make_provider(settings.sms_provider, settings.provider_settings())


class _NoLookupProvider:
    name = "no-lookup"

    def send(self, *args, **kwargs):
        raise AssertionError("an in-doubt message must not be sent blindly")

    def find_sent(self, *args, **kwargs):
        from notifications.providers import LookupUnsupported
        raise LookupUnsupported("cannot tell")



def test_dispatchers_running_at_once_hand_out_each_message_once(twilio_app):
    import threading

    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person_id = make_person(session).id
        rows = [{"person_id": person_id, "kind": "help",
                 "data": {"contact_phone": "12333", "url": f"https://j.example/{n}"}} for n in range(100)]
        ids = queue_messages_bulk(session, rows, actor="system")
        session.commit()
        handed_out, lock = [], threading.Lock()
        use_settings(twilio_app, settings_of(twilio_app).replace(sms_batch_size=2))  # many small claims, so the four interleave

        class RecordingQueue:
            def enqueue_delivery(self, message_ids):
                with lock:
                    handed_out.extend(message_ids)

        threads = [threading.Thread(target=dispatch_once, args=(twilio_app, RecordingQueue())) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(handed_out) == sorted(ids)
