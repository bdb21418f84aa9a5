"""The one interface every SMS provider implements, and the errors it may raise."""

import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str  # the provider's word, e.g. "queued", "accepted", "sent"


class ProviderError(Exception):
    """A send did not go through. Messages never contain the phone number or the body."""

    def __init__(self, reason: str, *, code: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TemporaryProviderError(ProviderError):
    """Try again later with backoff: timeout, connection error, HTTP 5xx or 429."""

    def __init__(self, reason: str, *, code: int | None = None, maybe_sent: bool = False):
        super().__init__(reason, code=code)
        # True when the request may have reached the provider (e.g. a read timeout):
        # a retry could then deliver the text twice.
        self.maybe_sent = maybe_sent


class PermanentProviderError(ProviderError):
    """Retrying will not help; ``invalid_number`` says the number itself is bad."""

    def __init__(
        self,
        reason: str,
        invalid_number: bool = False,
        *,
        code: int | None = None,
        recipient_opted_out: bool = False,
    ):
        super().__init__(reason, code=code)
        self.invalid_number = invalid_number
        # The recipient unsubscribed at the provider (e.g. Twilio 21610).
        self.recipient_opted_out = recipient_opted_out


class LookupUnsupported(ProviderError):
    """The provider cannot say whether it accepted a message earlier."""


class ProviderConfigError(ValueError):
    """A provider was asked for with a setting missing or wrong."""


class SmsProvider(ABC):
    """Sends one SMS. Implementations are safe to share between threads."""

    name: str = "abstract"
    # Whether replies from the recipients' numbers come back through this provider.
    # Twilio does not carry replies from Chinese numbers; Aliyun and Tencent Cloud do.
    carries_replies: bool = False

    @abstractmethod
    def send(
        self,
        to_e164: str,
        body: str,
        *,
        idempotency_key: str,
        status_callback_url: str | None = None,
    ) -> SendResult:
        """Send ``body`` to ``to_e164``; raises TemporaryProviderError or PermanentProviderError."""

    def find_sent(
        self,
        idempotency_key: str,
        *,
        to_e164: str,
        body: str,
        since: datetime,
        exclude_ids: frozenset[str] = frozenset(),
    ) -> SendResult | None:
        """The message accepted earlier for ``idempotency_key``, or None if there is none.

        Used after a crash between the provider's answer and the database's record, so
        a send is not repeated blindly. ``since`` bounds the search; ``exclude_ids`` are
        provider ids already recorded for other messages (same text, same number).
        Raises LookupUnsupported when the provider cannot tell, and
        TemporaryProviderError when it cannot tell right now.
        """
        raise LookupUnsupported(f"provider {self.name!r} cannot look up earlier sends")


def require_e164(to_e164: str) -> str:
    """``to_e164`` unchanged; raises PermanentProviderError(invalid_number=True) if malformed."""
    if not isinstance(to_e164, str) or not _E164.match(to_e164):
        raise PermanentProviderError("recipient is not an E.164 number", invalid_number=True)
    return to_e164


class RecentSends:
    """Results of recent sends by idempotency key, so a retry in this process is not resent.

    Only a guard within one process: the outbox remains the record across processes.
    """

    def __init__(self, capacity: int = 10_000):
        self._capacity = capacity
        self._results: OrderedDict[str, SendResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, idempotency_key: str) -> SendResult | None:
        """The result recorded for ``idempotency_key``, if any."""
        with self._lock:
            return self._results.get(idempotency_key)

    def remember(self, idempotency_key: str, result: SendResult) -> None:
        """Record ``result`` for ``idempotency_key``, forgetting the oldest beyond capacity."""
        with self._lock:
            self._results[idempotency_key] = result
            self._results.move_to_end(idempotency_key)
            while len(self._results) > self._capacity:
                self._results.popitem(last=False)
