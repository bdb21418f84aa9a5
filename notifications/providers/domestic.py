"""What the Aliyun and Tencent Cloud providers share: endpoints, grouping a batch, transport errors."""

import hashlib
from collections.abc import Callable, Hashable, Sequence
from urllib.parse import urlsplit

import requests

from notifications.providers.base import BatchItem, ProviderConfigError, TemporaryProviderError

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
