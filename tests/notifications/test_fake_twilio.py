"""The fake Twilio itself: what other test suites rely on."""

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from twilio.request_validator import RequestValidator

from notifications.providers.twilio_provider import TwilioProvider
from tests.support.fake_twilio import FakeTwilio, sign_twilio_request

PHONE = "+8613912343910"


def post(fake, form, *, token=None, sid=None):
    sid = sid or fake.account_sid
    auth = base64.b64encode(f"{sid}:{token or fake.auth_token}".encode()).decode()
    request = urllib.request.Request(
        f"{fake.url}/2010-04-01/Accounts/{sid}/Messages.json",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Authorization": f"Basic {auth}"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_creates_a_message_like_twilio(fake_twilio):
    status, payload = post(fake_twilio, {"To": PHONE, "From": "+15005550006", "Body": "你好"})
    assert status == 201
    assert payload["sid"].startswith("SM") and len(payload["sid"]) == 34
    assert payload["status"] == "queued" and payload["to"] == PHONE and payload["body"] == "你好"


def test_checks_basic_auth(fake_twilio):
    status, payload = post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x"}, token="bad")
    assert status == 401 and payload["code"] == 20003
    assert fake_twilio.messages == []


def test_requires_to_from_and_body(fake_twilio):
    status, payload = post(fake_twilio, {"From": "+15005550006", "Body": "x"})
    assert (status, payload["code"]) == (400, 21604)


def test_fail_next_counts_down(fake_twilio):
    fake_twilio.fail_next(2, status=503)
    form = {"To": PHONE, "From": "+1", "Body": "x"}
    assert [post(fake_twilio, form)[0] for _ in range(3)] == [503, 503, 201]
    assert fake_twilio.attempts == 3


def test_rejected_numbers_get_twilio_error_21211(fake_twilio):
    fake_twilio.reject_numbers({PHONE})
    status, payload = post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x"})
    assert (status, payload["code"], payload["status"]) == (400, 21211, 400)


def test_records_concurrent_sends_without_losing_any(fake_twilio):
    provider = TwilioProvider(fake_twilio.account_sid, fake_twilio.auth_token, "+15005550006",
                              api_base=fake_twilio.url)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(
            lambda i: provider.send(PHONE, f"message {i}", idempotency_key=str(i)), range(20)
        ))
    assert len({result.provider_message_id for result in results}) == 20
    received = fake_twilio.messages
    assert len(received) == 20
    assert len({message.sid for message in received}) == 20
    assert {message.body for message in received} == {f"message {i}" for i in range(20)}


def test_reset_forgets_everything(fake_twilio):
    post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x"})
    fake_twilio.fail_next(5)
    fake_twilio.reset()
    assert fake_twilio.messages == [] and fake_twilio.attempts == 0
    assert post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x"})[0] == 201


def test_stop_is_quick_even_while_a_response_is_delayed():
    fake = FakeTwilio().start()
    fake.delay_responses(30)
    caller = threading.Thread(target=post, args=(fake, {"To": PHONE, "From": "+1", "Body": "x"}))
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    fake.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 3
    assert not caller.is_alive()


def test_url_needs_a_started_server():
    with pytest.raises(RuntimeError):
        _ = FakeTwilio().url


class _CallbackSink:
    """A loopback server that keeps what it receives, standing in for our webhook."""

    def __init__(self):
        self.received: list[tuple[str, dict[str, str], str | None]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                sink.received.append((self.path, form, self.headers.get("X-Twilio-Signature")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/status?outbox=7"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def callback_sink():
    sink = _CallbackSink()
    yield sink
    sink.close()


def test_fires_a_signed_status_callback(fake_twilio, callback_sink):
    provider = TwilioProvider(fake_twilio.account_sid, fake_twilio.auth_token, "+15005550006",
                              api_base=fake_twilio.url)
    result = provider.send(PHONE, "x", idempotency_key="k", status_callback_url=callback_sink.url)

    assert fake_twilio.fire_status_callback(result.provider_message_id, "delivered") == 204

    [(path, form, signature)] = callback_sink.received
    assert path == "/sms/status?outbox=7"
    assert form["MessageSid"] == result.provider_message_id
    assert form["MessageStatus"] == "delivered"
    assert RequestValidator(fake_twilio.auth_token).validate(callback_sink.url, form, signature)
    assert not RequestValidator("another-token").validate(callback_sink.url, form, signature)


def test_failed_status_callback_carries_the_error_code(fake_twilio, callback_sink):
    status, payload = post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x",
                                         "StatusCallback": callback_sink.url})
    fake_twilio.fire_status_callback(payload["sid"], "undelivered", error_code=30007)
    form = callback_sink.received[0][1]
    assert (form["MessageStatus"], form["ErrorCode"]) == ("undelivered", "30007")


def test_status_callback_needs_a_callback_url(fake_twilio):
    _, payload = post(fake_twilio, {"To": PHONE, "From": "+1", "Body": "x"})
    with pytest.raises(ValueError):
        fake_twilio.fire_status_callback(payload["sid"])
    with pytest.raises(KeyError):
        fake_twilio.fire_status_callback("SMnope")


def test_sign_twilio_request_matches_the_official_validator():
    url = "https://jobmatch.example.cn/sms/inbound"
    params = {"From": PHONE, "Body": "1", "MessageSid": "SM123"}
    signature = sign_twilio_request("secret-token", url, params)
    assert RequestValidator("secret-token").validate(url, params, signature)
    assert sign_twilio_request("other", url, params) != signature
