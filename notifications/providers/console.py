"""The provider for local development: prints each SMS to the terminal, sends nothing."""

import itertools
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from notifications.clock import Clock, SystemClock
from notifications.phones import mask_phone
from notifications.providers.base import RecentSends, SendResult, SmsProvider, TemplateMessage, require_e164
from notifications.segments import count_segments


@dataclass(frozen=True)
class ConsoleMessage:
    to_e164: str
    body: str
    idempotency_key: str
    status_callback_url: str | None
    provider_message_id: str
    sent_at: datetime


class ConsoleProvider(SmsProvider):
    """Prints to a stream (stdout by default) and keeps every message in ``.sent``.

    It deliberately uses print, not logging: the body belongs on the developer's own
    terminal, never in log files.
    """

    name = "console"
    carries_replies = False

    def __init__(self, stream: TextIO | None = None, clock: Clock | None = None):
        self._stream = stream
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._recent = RecentSends()
        self.sent: list[ConsoleMessage] = []

    def send(
        self,
        to_e164: str,
        body: str,
        *,
        idempotency_key: str,
        status_callback_url: str | None = None,
        template: TemplateMessage | None = None,
    ) -> SendResult:
        """Record and print the message; a repeated idempotency key returns the first result."""
        require_e164(to_e164)
        with self._lock:
            earlier = self._recent.get(idempotency_key)
            if earlier is not None:
                return earlier
            message = ConsoleMessage(
                to_e164, body, idempotency_key, status_callback_url,
                f"CONSOLE{next(self._ids):08d}", self._clock.now(),
            )
            self.sent.append(message)
            result = SendResult(message.provider_message_id, "sent")
            self._recent.remember(idempotency_key, result)
        self._print(message)
        return result

    def find_sent(self, idempotency_key: str, *, to_e164: str, body: str, since: datetime,
                  exclude_ids: frozenset[str] = frozenset(),
                  template: TemplateMessage | None = None) -> SendResult | None:
        """The earlier result for ``idempotency_key`` in this process (the console keeps no more)."""
        return self._recent.get(idempotency_key)

    def _print(self, message: ConsoleMessage) -> None:
        parts = count_segments(message.body).parts
        stream = self._stream or sys.stdout
        print(
            f"[sms {message.provider_message_id}] to {mask_phone(message.to_e164)} "
            f"({parts} part{'s' if parts > 1 else ''}): {_one_line(message.body)}",
            file=stream,
            flush=True,
        )


def _one_line(body: str) -> str:
    return " ".join(body.splitlines())
