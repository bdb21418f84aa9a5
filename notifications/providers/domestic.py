"""What the Aliyun and Tencent Cloud providers share: endpoints, grouping a batch, refusals, transport errors."""

import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from notifications.providers.base import (
    BatchItem,
    PermanentProviderError,
    ProviderConfigError,
    ProviderError,
    TemporaryProviderError,
)

# Per-number frequency limits lift after these many seconds (a day's limit: wait a day;
# the outbox's quiet hours then hold it to 08:00 if it lands in the night).
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


def split_endpoint(endpoint: str, default_host: str) -> tuple[str, str]:
    """(scheme, host[:port]) of an endpoint given as a host or a URL (tests: http://127.0.0.1:PORT)."""
    endpoint = (endpoint or "").strip().rstrip("/")
    if not endpoint:
        return "https", default_host
    if "://" not in endpoint:
        return "https", endpoint
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProviderConfigError(f"SMS endpoint {endpoint!r} must be a host name or an http(s) URL")
    return parts.scheme, parts.netloc


def grouped(items: Sequence[BatchItem], key: Callable[[BatchItem], Hashable],
            size: int) -> list[list[int]]:
    """Indexes of ``items`` in groups of one key each, at most ``size`` long, in first-seen order."""
    groups: dict[Hashable, list[list[int]]] = {}
    for index, item in enumerate(items):
        chunks = groups.setdefault(key(item), [[]])
        if len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].append(index)
    return [chunk for chunks in groups.values() for chunk in chunks]


def phone_digest(e164: str) -> str:
    """A short digest of a number: provider ids made of a batch id and the number keep no phone."""
    return hashlib.sha256(e164.encode()).hexdigest()[:12]


def transport_error(exc: BaseException, provider: str) -> TemporaryProviderError:
    """The provider error for a request that got no answer, from the requests error underneath.

    The SDKs wrap it (Aliyun: RetryError(str(e)) raised inside ``except``), so the chain
    of causes and contexts is searched for it.
    """
    cause = _requests_error(exc)
    if isinstance(cause, requests.exceptions.ConnectTimeout):
        return TemporaryProviderError(f"timed out connecting to {provider}", maybe_sent=False)
    if isinstance(cause, requests.exceptions.Timeout):
        return TemporaryProviderError(f"{provider} did not answer in time", maybe_sent=True)
    if isinstance(cause, requests.exceptions.ConnectionError):
        never = _never_connected(cause)
        return TemporaryProviderError(f"connection to {provider} failed", maybe_sent=not never)
    return TemporaryProviderError(f"request to {provider} failed ({type(exc).__name__})", maybe_sent=True)


def _requests_error(exc: BaseException | None) -> BaseException | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, requests.exceptions.RequestException):
            return exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "inner_exception", None)
    return None


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    import urllib3

    wrapped = exc.args[0] if exc.args else None
    reason = getattr(wrapped, "reason", None)
    return isinstance(reason, urllib3.exceptions.NewConnectionError) or "Connection refused" in str(exc)


@dataclass(frozen=True)
class RefusalCodes:
    """One provider's error codes, grouped by what they mean for the message."""

    provider: str  # as reasons name it: "Aliyun", "Tencent"
    invalid_number: frozenset[str]
    blacklisted: frozenset[str]
    template_problems: frozenset[str]
    # The account, not the message: wait this long (None: back off as usual) and try again.
    account_waits: Mapping[str, float | None]
    # Codes starting so are the service failing before it took the message.
    temporary_prefixes: tuple[str, ...] = ()


def classify_refusal(code: str, codes: RefusalCodes, *, frequency_wait: float | None = None) -> ProviderError:
    """The provider error for a refusal ``code``; ``frequency_wait``: the code is a per-number limit lifting then.

    A bad or blacklisted number and an unknown code are permanent (never retried blindly), a
    template or signature problem stops the kind, a frequency or account limit waits until it lifts.
    The provider's own message is left out: it may quote the number.
    """
    reason = f"{codes.provider} {code}"
    if frequency_wait is not None:
        return TemporaryProviderError(f"{reason}: per-number frequency limit", code=code,
                                      retry_after_seconds=frequency_wait)
    if code in codes.invalid_number:
        return PermanentProviderError(f"{reason}: invalid number", invalid_number=True, code=code)
    if code in codes.blacklisted:
        return PermanentProviderError(f"{reason}: number on the blacklist (unsubscribed)", code=code,
                                      recipient_opted_out=True)
    if code in codes.template_problems:
        return PermanentProviderError(f"{reason}: template or signature not accepted", code=code,
                                      template_problem=True)
    if code in codes.account_waits:
        return TemporaryProviderError(f"{reason}: try again later", code=code,
                                      retry_after_seconds=codes.account_waits[code])
    if codes.temporary_prefixes and code.startswith(codes.temporary_prefixes):
        return TemporaryProviderError(f"{reason}: the service failed before taking the message", code=code)
    return PermanentProviderError(f"{reason}: refused", code=code)
