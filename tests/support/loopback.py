"""A fake provider's HTTP server on 127.0.0.1, with the failures tests ask of it.

A fake subclasses LoopbackFake and answers ``handle(request)``; this module runs the
server in a thread, records each request before answering (so a late or lost answer
still leaves the message taken, as at a real provider), and injects failures:
HTTP errors before anything is taken, answers delayed past the client's timeout.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes


class LoopbackFake:
    """Base of the fake providers: start/stop, failure injection, a lock for their records."""

    content_type = "application/json;charset=utf-8"

    def __init__(self):
        self.lock = threading.RLock()
        self._http_failures: list[int] = []
        self._delays: list[float] = []
        self._delay_all = 0.0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None

    # -- controls -------------------------------------------------------------------------
    def fail_next(self, count: int, status: int = 500) -> None:
        """The next ``count`` requests get HTTP ``status`` and nothing is taken."""
        with self.lock:
            self._http_failures.extend([status] * count)

    def delay_next(self, count: int, seconds: float) -> None:
        """The next ``count`` requests are taken, then answered ``seconds`` late."""
        with self.lock:
            self._delays.extend([seconds] * count)

    def delay_responses(self, seconds: float) -> None:
        """Every answer comes ``seconds`` late (after the request was taken)."""
        self._delay_all = seconds

    # -- the server -------------------------------------------------------------------------
    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            failure = self._http_failures.pop(0) if self._http_failures else None
            delay = self._delays.pop(0) if self._delays else self._delay_all
        if failure is not None:
            return failure, self.http_error_body(failure)
        status, body = self.handle(request)
        if delay:
            time.sleep(delay)
        return status, body

    def handle(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def http_error_body(self, status: int) -> dict[str, Any]:
        return {"error": status}


def _handler_for(fake: LoopbackFake) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # one answer, one segment: no delayed-ACK stalls

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = FakeRequest(self.command, parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True)),
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            status, body = fake.answer(request)
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
