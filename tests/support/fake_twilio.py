"""A fake Twilio REST API on loopback, for tests of anything that sends SMS.

A real HTTP server (not a mock of the client): the official twilio client, pointed at
``FakeTwilio.url`` through TWILIO_API_BASE, talks to it as it would to Twilio. It
answers ``POST /2010-04-01/Accounts/{sid}/Messages.json`` (and GET, listing what it
accepted, filtered by To and DateSent> as Twilio does), records what it received,
can be told to fail, stall or reject numbers, and can fire signed status callbacks.
"""

import base64
import itertools
import json
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.request_validator import RequestValidator

DEFAULT_ACCOUNT_SID = "AC" + "0" * 31 + "1"
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"
_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


def sign_twilio_request(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST of ``params`` to ``url``."""
    return RequestValidator(auth_token).compute_signature(url, params)


@dataclass(frozen=True)
class ReceivedMessage:
    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    form: dict[str, str] = field(repr=False)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class _Failure:
    remaining: int
    status: int
    code: int


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any]


class FakeTwilio:
    """Fake Twilio on 127.0.0.1 (free port). ``with FakeTwilio() as fake: ... fake.url``."""

    def __init__(
        self, account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._messages: list[ReceivedMessage] = []
        self._attempts = 0
        self._failures: list[_Failure] = []
        self._rejected: dict[str, tuple[int, int]] = {}
        self._delay_seconds = 0.0
        self._sids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> "FakeTwilio":
        """Start serving in a background thread; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler, fake=self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # so stop() returns quickly
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; responses still being delayed are cut short."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to give the client as TWILIO_API_BASE, e.g. http://127.0.0.1:54321."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what was received ----------------------------------------------------
    @property
    def messages(self) -> list[ReceivedMessage]:
        """Every message accepted so far, oldest first (a copy)."""
        with self._lock:
            return list(self._messages)

    @property
    def attempts(self) -> int:
        """How many requests reached the Messages endpoint, failed ones included."""
        with self._lock:
            return self._attempts

    def message(self, sid: str) -> ReceivedMessage:
        """The accepted message with ``sid``; KeyError if there is none."""
        with self._lock:
            for received in self._messages:
                if received.sid == sid:
                    return received
        raise KeyError(sid)

    # -- programming failures -------------------------------------------------
    def fail_next(self, count: int, status: int = 500, code: int | None = None) -> None:
        """Answer the next ``count`` requests with HTTP ``status`` (and Twilio ``code``)."""
        with self._lock:
            self._failures.append(_Failure(count, status, code if code is not None else status))

    def delay_responses(self, seconds: float) -> None:
        """Hold every response back by ``seconds`` (0 to stop), to provoke client timeouts."""
        with self._lock:
            self._delay_seconds = max(0.0, seconds)

    def reject_numbers(
        self, numbers: "set[str] | list[str]", code: int = 21211, status: int = 400
    ) -> None:
        """Refuse messages to these E.164 numbers with HTTP ``status`` and Twilio ``code``."""
        with self._lock:
            for number in numbers:
                self._rejected[number] = (status, code)

    def reset(self) -> None:
        """Forget messages, attempts and every programmed failure."""
        with self._lock:
            self._messages.clear()
            self._failures.clear()
            self._rejected.clear()
            self._attempts, self._delay_seconds = 0, 0.0

    # -- status callbacks -------------------------------------------------------
    def fire_status_callback(
        self,
        sid: str,
        status: str = "delivered",
        *,
        error_code: int | None = None,
        timeout: float = 5,
    ) -> int:
        """POST a signed status callback for message ``sid``; returns the HTTP status it got."""
        received = self.message(sid)
        if not received.status_callback:
            raise ValueError(f"message {sid} was sent without a StatusCallback")
        params = {
            "AccountSid": received.account_sid, "ApiVersion": "2010-04-01",
            "From": received.from_, "To": received.to,
            "MessageSid": sid, "MessageStatus": status, "SmsSid": sid, "SmsStatus": status,
        }
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return _post_form(received.status_callback, params, self.auth_token, timeout)

    # -- request handling (called from server threads) ----------------------------
    def _handle_messages_post(self, account_sid: str, form: dict[str, str]) -> _Reply:
        with self._lock:
            self._attempts += 1
            failure = self._take_failure()
            if failure is not None:
                return _error(failure.status, failure.code, "programmed failure")
            problem = _missing_field(form)
            if problem is not None:
                return problem
            rejected = self._rejected.get(form["To"])
            if rejected is not None:
                # Like Twilio, quote the number: callers must not pass this text on to logs.
                message = f"The 'To' number {form['To']} is not a valid phone number."
                return _error(rejected[0], rejected[1], message)
            received = self._record(account_sid, form)
        return _Reply(201, _message_payload(received))

    def _handle_messages_list(self, account_sid: str, query: dict[str, str], path: str) -> _Reply:
        """One page of accepted messages, filtered like Twilio by To and DateSent> (newest first)."""
        sent_after = _parse_twilio_date(query.get("DateSent>"))
        with self._lock:
            found = [
                m for m in reversed(self._messages)
                if m.account_sid == account_sid
                and (not query.get("To") or m.to == query["To"])
                and (sent_after is None or m.received_at >= sent_after)
            ]
        page_size = int(query.get("PageSize") or 50)
        payload = {
            "messages": [_message_payload(m, listed=True) for m in found[:page_size]],
            "page": 0, "page_size": page_size, "start": 0, "end": min(len(found), page_size) - 1,
            "uri": path, "first_page_uri": path, "previous_page_uri": None, "next_page_uri": None,
        }
        return _Reply(200, payload)

    def _take_failure(self) -> _Failure | None:
        while self._failures and self._failures[0].remaining <= 0:
            self._failures.pop(0)
        if not self._failures:
            return None
        self._failures[0].remaining -= 1
        return self._failures[0]

    def _record(self, account_sid: str, form: dict[str, str]) -> ReceivedMessage:
        sid = f"SM{next(self._sids):08d}{secrets.token_hex(12)}"
        received = ReceivedMessage(
            sid, account_sid, form["To"], form["From"], form["Body"],
            form.get("StatusCallback") or None, dict(form),
        )
        self._messages.append(received)
        return received

    def _wait_before_responding(self) -> None:
        with self._lock:
            delay = self._delay_seconds
        if delay:
            self._stopping.wait(delay)

    def _authorised(self, header: str | None, account_sid: str) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}" and account_sid == self.account_sid


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 refuses bursts of parallel sends

    def __init__(self, address: tuple[str, int], handler: type, *, fake: FakeTwilio):
        super().__init__(address, handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out has closed its socket; that is expected here.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, a keep-alive
    # client's delayed ACK held every response back by ~40 ms.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        fake = self.server.fake
        form = self._read_form()
        match = _MESSAGES_PATH.match(urllib.parse.urlsplit(self.path).path)
        if match is None:
            reply = _error(404, 20404, "The requested resource was not found")
        elif not fake._authorised(self.headers.get("Authorization"), match["sid"]):
            reply = _error(401, 20003, "Authenticate")
        else:
            reply = fake._handle_messages_post(match["sid"], form)
        fake._wait_before_responding()
        self._send_json(reply)

    def do_GET(self) -> None:
        fake = self.server.fake
        url = urllib.parse.urlsplit(self.path)
        match = _MESSAGES_PATH.match(url.path)
        if match is None:
            reply = _error(405, 20004, "Method not allowed")
        elif not fake._authorised(self.headers.get("Authorization"), match["sid"]):
            reply = _error(401, 20003, "Authenticate")
        else:
            query = {key: values[-1] for key, values in urllib.parse.parse_qs(url.query).items()}
            reply = fake._handle_messages_list(match["sid"], query, url.path)
        self._send_json(reply)

    def _read_form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        parsed = urllib.parse.parse_qs(raw, keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}

    def _send_json(self, reply: _Reply) -> None:
        data = json.dumps(reply.payload).encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        # Keep test output quiet; request lines would otherwise go to stderr.
        pass


def _missing_field(form: dict[str, str]) -> _Reply | None:
    for name, code in (("To", 21604), ("From", 21603), ("Body", 21602)):
        if not form.get(name):
            return _error(400, code, f"A '{name}' parameter is required.")
    return None


def _error(status: int, code: int, message: str) -> _Reply:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    payload = {"code": code, "message": message, "more_info": more_info, "status": status}
    return _Reply(status, payload)


def _parse_twilio_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _message_payload(received: ReceivedMessage, listed: bool = False) -> dict[str, Any]:
    # Listed messages have gone out (the fake sends at once); a new one is still queued.
    created = format_datetime(received.received_at, usegmt=True)
    return {
        "sid": received.sid, "account_sid": received.account_sid, "api_version": "2010-04-01",
        "to": received.to, "from": received.from_, "body": received.body,
        "status": "sent" if listed else "queued", "direction": "outbound-api",
        "num_segments": "1", "num_media": "0",
        "date_created": created, "date_updated": created, "date_sent": created if listed else None,
        "error_code": None, "error_message": None, "price": None, "price_unit": "USD",
        "messaging_service_sid": None, "subresource_uris": {},
        "uri": f"/2010-04-01/Accounts/{received.account_sid}/Messages/{received.sid}.json",
    }


def _post_form(url: str, params: dict[str, str], auth_token: str, timeout: float) -> int:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign_twilio_request(auth_token, url, params),
            "User-Agent": "TwilioProxy/1.1",
        },
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
