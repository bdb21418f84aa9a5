"""The one interface every SMS provider implements, and the errors it may raise."""

import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str  # the provider's word, e.g. "queued", "accepted", "sent"


@dataclass(frozen=True)
class TemplateMessage:
    """A message as an approved template: the kind names the template, the variables fill it."""

    kind: str
    variables: Mapping[str, str]
    signature: str


@dataclass(frozen=True)
class BatchItem:
    """One message of a batch send: what ``send`` takes for one recipient."""

    to_e164: str
    body: str
    idempotency_key: str
    template: TemplateMessage | None = None
    status_callback_url: str | None = None


@dataclass(frozen=True)
class AwaitingReceipt:
    """A sent message whose receipt has not come: what a pull asks the provider about."""

    provider_message_id: str
    to_e164: str
    sent_at: datetime


class ProviderError(Exception):
    """A send did not go through. Messages never contain the phone number or the body."""

    def __init__(self, reason: str, *, code: int | str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TemporaryProviderError(ProviderError):
    """Try again later with backoff: timeout, connection error, HTTP 5xx or 429."""

    def __init__(self, reason: str, *, code: int | str | None = None, maybe_sent: bool = False,
                 retry_after_seconds: float | None = None):
        super().__init__(reason, code=code)
        # True when the request may have reached the provider (e.g. a read timeout):
        # a retry could then deliver the text twice.
        self.maybe_sent = maybe_sent
        # A limit that lifts at a known time (a per-number frequency limit): wait that
        # long, without counting the attempt, instead of backing off blindly.
        self.retry_after_seconds = retry_after_seconds


class PermanentProviderError(ProviderError):
    """Retrying will not help; ``invalid_number`` says the number itself is bad."""

    def __init__(
        self,
        reason: str,
        invalid_number: bool = False,
        *,
        code: int | str | None = None,
        recipient_opted_out: bool = False,
        template_problem: bool = False,
    ):
        super().__init__(reason, code=code)
        self.invalid_number = invalid_number
        # The recipient unsubscribed at the provider (e.g. Twilio 21610) or is on its blacklist.
        self.recipient_opted_out = recipient_opted_out
        # The template or signature is not approved (or its variables do not fit it): no
        # message of this kind can go until staff fix it, so the kind stops.
        self.template_problem = template_problem


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
    # How many messages one send_batch call hands over at most (1: no batch API).
    max_batch: int = 1

    @abstractmethod
    def send(
        self,
        to_e164: str,
        body: str,
        *,
        idempotency_key: str,
        status_callback_url: str | None = None,
        template: TemplateMessage | None = None,
    ) -> SendResult:
        """Send ``body`` (or ``template``, for template providers) to ``to_e164``.

        Raises TemporaryProviderError or PermanentProviderError.
        """

    def send_batch(self, items: Sequence[BatchItem]) -> list["SendResult | ProviderError"]:
        """Send every item; one result or error per item, in order. Default: one ``send`` each."""
        outcomes: list[SendResult | ProviderError] = []
        for item in items:
            try:
                outcomes.append(self.send(item.to_e164, item.body, idempotency_key=item.idempotency_key,
                                          status_callback_url=item.status_callback_url, template=item.template))
            except ProviderError as exc:
                outcomes.append(exc)
        return outcomes

    def find_sent(
        self,
        idempotency_key: str,
        *,
        to_e164: str,
        body: str,
        since: datetime,
        exclude_ids: frozenset[str] = frozenset(),
        template: TemplateMessage | None = None,
    ) -> SendResult | None:
        """The message accepted earlier for ``idempotency_key``, or None if there is none.

        Used after a crash between the provider's answer and the database's record, so
        a send is not repeated blindly. ``since`` bounds the search; ``exclude_ids`` are
        provider ids already recorded for other messages (same text, same number).
        Raises LookupUnsupported when the provider cannot tell, and
        TemporaryProviderError when it cannot tell right now.
        """
        raise LookupUnsupported(f"provider {self.name!r} cannot look up earlier sends")

    def pull_inbound(self, awaiting: Sequence[AwaitingReceipt] = ()) -> list:
        """Replies and receipts waiting at the provider (notifications.inbound events).

        For deployments that cannot take callbacks (SMS_INBOUND_MODE=pull). ``awaiting``
        names sent messages still without a receipt, for providers that are asked per
        message. Default: nothing to pull.
        """
        return []


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
