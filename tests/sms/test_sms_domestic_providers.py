"""Aliyun and Tencent Cloud SMS end to end: the official SDKs against fakes on loopback.

Each test runs for both providers and on both databases: the fakes check each SDK's
request signature and speak the provider's wire format, the app sends the approved
template with its variables, and callbacks and pulls come back through one inbound path.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from jobmatch import ledger
from jobmatch.models import InboundMessage, LedgerEvent, Message, Offer, Person, SmsKindStop
from jobmatch.services.sms.messaging import queue_message, queue_messages_bulk
from jobmatch.tasks import InProcessQueue, dispatch_once
from tests.conftest import make_test_app
from tests.factories import make_sent_offers, make_welding_site
from tests.sms.domestic_support import CALLBACK_TOKEN, credentials, start, template_code
from tests.sms.test_sms_support import OFFER_DATA, make_people, office_hours

PROVIDERS = ["aliyun", "tencent"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(params=PROVIDERS)
def domestic(request):
    provider = start(request.param)
    yield provider
    provider.fake.stop()


@pytest.fixture
def clock():
    with office_hours() as offset:
        yield offset


@pytest.fixture
def app(database_url, domestic, clock):
    app = make_test_app(database_url, **domestic.config())
    yield app
    app.extensions["jobmatch.engine"].dispose()


def _dispatch(app) -> int:
    with app.app_context():
        return dispatch_once(app, InProcessQueue(app))


def _queue_offers(app, count, data=OFFER_DATA) -> list[int]:
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), sessions.begin() as session:
        people = make_people(session, count)
        return queue_messages_bulk(session, [{"person_id": pid, "kind": "job_offer", "data": data,
                                              "subject": f"offer:{pid}"} for pid in people], actor="user:1")


def _messages(app) -> list[Message]:
    with app.extensions["jobmatch.sessionmaker"]() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def _events(app, kind) -> int:
    with app.extensions["jobmatch.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.kind == kind))


def test_offers_go_out_as_one_batch_of_the_approved_template(app, domestic):
    ids = _queue_offers(app, 3)
    assert _dispatch(app) == 3
    messages = _messages(app)
    assert [m.status for m in messages] == ["sent"] * 3
    taken = [domestic.sent_to(m.to_phone) for m in messages]
    assert all(len(one) == 1 for one in taken)  # each number got the text once
    first = taken[0][0]
    if domestic.name == "aliyun":
        assert domestic.fake.batch_requests == 1 and first.params["title"] == "普工"
        assert first.template_code == template_code("aliyun", "job_offer")
    else:
        # Tencent batches only one shared text; each offer carries its person's own short link,
        # so each goes in a request of its own.
        assert domestic.fake.send_requests == 3 and "普工" in first.params
        assert first.template_id == template_code("tencent", "job_offer")
    assert first.sign_name == "安置点就业服务"
    assert {m.provider_message_id for m in messages} == {domestic.sid(t[0]) for t in taken}
    assert messages[0].template_variables["employer"] == "鑫达电子" and len(ids) == 3


def test_one_message_goes_by_the_single_send(app, domestic):
    _queue_offers(app, 1)
    _dispatch(app)
    [message] = _messages(app)
    [taken] = domestic.sent_to(message.to_phone)
    assert message.status == "sent" and message.provider_message_id == domestic.sid(taken)
    if domestic.name == "aliyun":
        assert domestic.fake.batch_requests == 0 and taken.out_id == message.idempotency_key
    else:
        assert taken.session_context == message.idempotency_key


def test_receipt_callback_marks_delivered_and_a_duplicate_changes_nothing(app, domestic):
    _queue_offers(app, 2)
    _dispatch(app)
    taken = [domestic.sent_to(m.to_phone)[0] for m in _messages(app)]
    client = app.test_client()
    body = domestic.receipt_body(taken)
    assert client.post(domestic.callback_url(domestic.receipt_kind), data=body,
                       content_type="application/json").status_code == 200
    assert [m.status for m in _messages(app)] == ["delivered", "delivered"]
    delivered_events = _events(app, "sms_delivered")
    answer = client.post(domestic.callback_url(domestic.receipt_kind), data=body, content_type="application/json")
    assert answer.status_code == 200 and _events(app, "sms_delivered") == delivered_events == 2
    assert answer.get_json() == ({"code": 0, "msg": "成功"} if domestic.name == "aliyun"
                                 else {"result": 0, "errmsg": "OK"})


def test_a_failed_receipt_of_an_empty_number_marks_the_phone_invalid(app, domestic):
    _queue_offers(app, 1)
    _dispatch(app)
    [message] = _messages(app)
    taken = domestic.sent_to(message.to_phone)
    app.test_client().post(domestic.callback_url(domestic.receipt_kind), content_type="application/json",
                           data=domestic.receipt_body(taken, success=False, **{
                               ("err_code" if domestic.name == "aliyun" else "errmsg"): "MK:0001"}))
    with app.extensions["jobmatch.sessionmaker"]() as session:
        message = session.get(Message, message.id)
        assert message.status == "failed" and session.get(Person, message.person_id).phone_invalid


def test_a_callback_with_a_wrong_token_is_refused_and_changes_nothing(app, domestic):
    _queue_offers(app, 1)
    _dispatch(app)
    [message] = _messages(app)
    client = app.test_client()
    body = domestic.receipt_body(domestic.sent_to(message.to_phone))
    for url in (domestic.callback_url(domestic.receipt_kind, token="guess"),
                domestic.callback_url("reply", token=CALLBACK_TOKEN[:-1])):
        assert client.post(url, data=body, content_type="application/json").status_code == 403
    assert _messages(app)[0].status == "sent" and _events(app, "sms_delivered") == 0


def test_callbacks_only_from_the_configured_networks(database_url, domestic, clock):
    app = make_test_app(database_url, **domestic.config(SMS_CALLBACK_NETWORKS="100.104.0.0/16, 10.0.0.1"))
    reply = domestic.reply_body("+8613900000001", "你好")
    client = app.test_client()
    url = domestic.callback_url("reply")
    assert client.post(url, data=reply, content_type="application/json").status_code == 403  # from 127.0.0.1
    assert client.post(url, data=reply, content_type="application/json",
                       environ_base={"REMOTE_ADDR": "100.104.3.9"}).status_code == 200
    app.extensions["jobmatch.engine"].dispose()


def test_a_garbled_callback_is_a_400_and_an_unknown_kind_a_404(app, domestic):
    client = app.test_client()
    assert client.post(domestic.callback_url("reply"), data=b"{not json",
                       content_type="application/json").status_code == 400
    assert client.post(domestic.callback_url("inbound"), data=b"[]",
                       content_type="application/json").status_code == 404


def test_a_reply_of_1_by_callback_accepts_the_offer_once(app, domestic):
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), sessions.begin() as session:
        _, vacancy, [person] = make_welding_site(session, workers=1)
        [offer] = make_sent_offers(session, vacancy, [person])
        queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, subject=f"offer:{offer.id}",
                      expects_reply=True, actor="user:1")
        offer_id, phone = offer.id, None
    _dispatch(app)
    phone = _messages(app)[0].to_phone
    client = app.test_client()
    reply = domestic.reply_body(phone, "1")
    assert client.post(domestic.callback_url("reply"), data=reply, content_type="application/json").status_code == 200
    assert client.post(domestic.callback_url("reply"), data=reply, content_type="application/json").status_code == 200
    with sessions() as session:
        assert session.get(Offer, offer_id).status == "accepted"
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1  # the repeat changed nothing
        kinds = [m.kind for m in session.scalars(select(Message).order_by(Message.id))]
    assert kinds == ["job_offer", "confirm_accepted"]
    _dispatch(app)
    confirmation = domestic.sent_to(phone)[-1]
    assert (confirmation.template_code if domestic.name == "aliyun" else confirmation.template_id) == \
        template_code(domestic.name, "confirm_accepted")


def test_a_timeout_is_resolved_by_the_receipt_look_up_without_a_second_send(app, domestic, clock):
    _queue_offers(app, 1)
    domestic.fake.delay_next(1, 5.0)  # taken, then answered after the 4 s timeout
    _dispatch(app)
    [message] = _messages(app)
    assert message.status == "queued" and message.in_doubt
    assert len(domestic.sent_to(message.to_phone)) == 1
    _dispatch(app)
    [message] = _messages(app)
    [taken] = domestic.sent_to(message.to_phone)
    assert message.status == "sent" and message.provider_message_id == domestic.sid(taken)


def test_the_per_number_frequency_limit_waits_until_it_lifts(app, domestic):
    [message_id] = _queue_offers(app, 1)
    phone = _messages(app)[0].to_phone
    domestic.fake.limit_number(phone)
    _dispatch(app)
    [message] = _messages(app)
    wait = message.due_at - message.updated_at
    assert message.status == "queued" and message.attempts == 0  # not counted as a failed try
    assert timedelta(seconds=25) <= wait <= timedelta(seconds=61)
    assert "frequency limit" in message.last_error and _dispatch(app) == 0  # not before it lifts
    domestic.fake.clear_limits()
    with app.extensions["jobmatch.sessionmaker"].begin() as session:
        session.get(Message, message_id).due_at = message.updated_at
    _dispatch(app)
    assert _messages(app)[0].status == "sent" and len(domestic.sent_to(phone)) == 1


def test_a_template_problem_stops_the_kind_until_resumed(app, domestic, cli_for):
    domestic.fake.refuse_template(template_code(domestic.name, "job_offer"))
    _queue_offers(app, 1)
    _dispatch(app)
    [message] = _messages(app)
    assert (message.status, message.last_error) == ("held", "template_stopped")
    requests = domestic.fake.requests
    _queue_offers(app, 1)
    with app.extensions["jobmatch.sessionmaker"].begin() as session:  # make both due now
        for held in session.scalars(select(Message)):
            held.due_at = held.created_at
    _dispatch(app)
    assert domestic.fake.requests == requests  # the stopped kind does not reach the provider
    assert [m.status for m in _messages(app)] == ["held", "held"]
    run = cli_for(app)
    stops = run("sms", "stops")
    assert stops.exit_code == 1 and "job_offer" in stops.output
    doctor = run("doctor", "--development")
    assert "job_offer" in doctor.output and "sms resume" in doctor.output
    domestic.fake.approve_template(template_code(domestic.name, "job_offer")) if domestic.name == "aliyun" \
        else domestic.fake._refused_templates.clear()
    assert run("sms", "resume", "job_offer").exit_code == 0
    _dispatch(app)
    assert [m.status for m in _messages(app)] == ["sent", "sent"]
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.scalar(select(func.count()).select_from(SmsKindStop)) == 0


def test_pull_mode_brings_receipts_and_replies(database_url, domestic, clock, cli_for):
    app = make_test_app(database_url, **domestic.config(SMS_INBOUND_MODE="pull", SMS_CALLBACK_TOKEN=""))
    _queue_offers(app, 2)
    _dispatch(app)
    phone = _messages(app)[0].to_phone
    if domestic.name == "tencent":
        domestic.fake.add_reply(phone, "TD")
    result = cli_for(app)("sms", "pull")
    assert result.exit_code == 0, result.output
    assert [m.status for m in _messages(app)][:2] == ["delivered", "delivered"]
    assert cli_for(app)("sms", "pull").output.startswith("pulled 0 ")  # nothing twice
    if domestic.name == "tencent":  # Aliyun's API pulls receipts only; its replies come by callback
        with app.extensions["jobmatch.sessionmaker"]() as session:
            assert session.scalars(select(InboundMessage.kind)).all() == ["opt_out"]
    app.extensions["jobmatch.engine"].dispose()


def test_a_receipt_aliyun_files_under_the_next_day_is_still_found(database_url, clock, cli_for):
    """Sent at 23:59:58 by our clock, filed at 00:00:01 by Aliyun's: the pull looks at the next day too."""
    aliyun = start("aliyun")
    try:
        app = make_test_app(database_url, **aliyun.config(SMS_INBOUND_MODE="pull", SMS_CALLBACK_TOKEN=""))
        _queue_offers(app, 1)
        _dispatch(app)
        midnight = datetime.now(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
        aliyun.fake.messages[0].sent_at = midnight + timedelta(seconds=1)
        with app.extensions["jobmatch.sessionmaker"].begin() as session:
            session.execute(update(Message).values(sent_at=midnight - timedelta(seconds=2)))
        result = cli_for(app)("sms", "pull")
        assert result.exit_code == 0, result.output
        assert [m.status for m in _messages(app)] == ["delivered"]
        app.extensions["jobmatch.engine"].dispose()
    finally:
        aliyun.fake.stop()


@pytest.fixture
def cli_for():
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main

    def runner(app):
        def run(*args):
            return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))
        return run
    return runner


def test_a_refused_send_goes_out_through_the_fallback_never_both(database_url, clock):
    aliyun, tencent = start("aliyun"), start("tencent")
    try:
        config = dict(aliyun.config(), SMS_FALLBACK_PROVIDER="tencent", **credentials("tencent", tencent.fake.url))
        app = make_test_app(database_url, **config)
        _queue_offers(app, 3)
        aliyun.fake.fail_next(1, 503)  # the batch is refused before Aliyun takes anything
        _dispatch(app)
        messages = _messages(app)
        assert [m.status for m in messages] == ["sent"] * 3
        assert aliyun.fake.messages == [] and len(tencent.fake.messages) == 3
        # A timeout Aliyun's records show unsent: the look-up proves it, the resend goes to Tencent.
        _queue_offers(app, 1)
        _stall_next(aliyun.fake, 5.0)
        _dispatch(app)
        last = _messages(app)[-1]
        assert last.status == "queued" and last.in_doubt
        _dispatch(app)
        last = _messages(app)[-1]
        assert last.status == "sent" and aliyun.fake.sent_to(last.to_phone) == []
        assert len(tencent.fake.sent_to(last.to_phone)) == 1
        app.extensions["jobmatch.engine"].dispose()
    finally:
        aliyun.fake.stop()
        tencent.fake.stop()


def _stall_next(fake, seconds):
    """The next request hangs past the client's timeout and is never taken."""
    original = fake.handle

    def stall_once(request):
        fake.handle = original
        import time
        time.sleep(seconds)
        return 503, fake.http_error_body(503)
    fake.handle = stall_once


def test_offers_sent_in_one_batch_start_their_answer_windows_when_sent(app, domestic):
    # Without a receipt the answer window runs from the send, for a batch as for one message.
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), sessions.begin() as session:
        _, vacancy, persons = make_welding_site(session, workers=3)
        offers = make_sent_offers(session, vacancy, persons)
        for offer in offers:
            offer.expires_at = None  # as approval leaves it: no clock runs before the SMS goes
            queue_message(session, person_id=offer.person_id, kind="job_offer", data=OFFER_DATA,
                          subject=f"offer:{offer.id}", expects_reply=True, actor="user:1")
        offer_ids = [offer.id for offer in offers]
    assert _dispatch(app) == 3
    assert [m.status for m in _messages(app)] == ["sent"] * 3
    with sessions() as session:
        windows = [session.get(Offer, offer_id).expires_at for offer_id in offer_ids]
    assert None not in windows


class _RecordingQueue:
    """Takes delivery jobs without running them: what the dispatcher hands over, job by job."""

    def __init__(self):
        self.jobs: list[list[int]] = []

    def enqueue_delivery(self, message_ids: list[int]) -> None:
        self.jobs.append(message_ids)


def test_a_queue_job_is_one_request_of_the_providers_batch(app, domestic):
    # SMS_BATCH_SIZE unset: a job holds what one batch request takes (Aliyun 100, Tencent 200).
    _queue_offers(app, 250)
    queue = _RecordingQueue()
    with app.app_context():
        assert dispatch_once(app, queue) == 250
    expected = {"aliyun": [100, 100, 50], "tencent": [200, 50]}[domestic.name]
    assert [len(job) for job in queue.jobs] == expected


def test_a_fair_invitation_broadcast_is_one_text_so_tencent_batches_it_too(app, domestic):
    # Every invitation to one fair carries the fair's own link: the same text for all.
    sessions = app.extensions["jobmatch.sessionmaker"]
    data = {"fair_name": "五里岗春季专场招聘会", "when": "3月12日", "venue": "五里岗社区广场", "employer_count": 24,
            "link": "fair:3"}
    with app.app_context(), sessions.begin() as session:
        people = make_people(session, 5)
        queue_messages_bulk(session, [{"person_id": pid, "kind": "fair_invitation", "data": data,
                                       "subject": "fair_invitation:3", "expects_reply": True} for pid in people],
                            actor="user:1")
    assert _dispatch(app) == 5
    assert [m.status for m in _messages(app)] == ["sent"] * 5
    if domestic.name == "aliyun":
        assert domestic.fake.batch_requests == 1
    else:
        assert domestic.fake.send_requests == 1
    # One sms_sent event each, appended together, and the chain still verifies.
    assert _events(app, "sms_sent") == 5
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert ledger.verify(session).ok
