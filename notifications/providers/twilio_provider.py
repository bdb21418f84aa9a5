"""Sending through Twilio with the official client.

The API base URL can be changed (TWILIO_API_BASE) so tests reach a fake Twilio on
loopback. twilio-python 9 has no base-URL argument (``Domain.base_url`` is internal); its
documented extension point is a custom HTTP client (``Client(http_client=...)``, see
twilio-python's advanced-examples/custom-http-client.md), so ours rewrites the scheme and
host of each request. The rewrite comes after the client applies TWILIO_EDGE/TWILIO_REGION,
so those cannot send test traffic elsewhere. The timeout is TwilioHttpClient's own.
Twilio keeps no idempotency key for Messages, so the key only guards against resending
within this process (see RecentSends); ``find_sent`` recognises an earlier send by
number, sender and text instead.
"""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
from twilio.base import values as twilio_values
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.providers.base import (
    PermanentProviderError,
    RecentSends,
    SendResult,
    SmsProvider,
    TemplateMessage,
    TemporaryProviderError,
    require_e164,
)

DEFAULT_TIMEOUT_SECONDS = 10.0
# find_sent: clocks differ, and Twilio's DateSent filter works on whole seconds.
LOOKUP_MARGIN = timedelta(minutes=5)
LOOKUP_LIMIT = 200
NOT_SENT_STATUSES = frozenset({"failed", "canceled"})

# Twilio error codes that mean the recipient's number itself is bad.
INVALID_NUMBER_CODES = frozenset({21211, 21217, 21401, 21421, 21614})
RECIPIENT_OPTED_OUT_CODES = frozenset({21610})
# Our own descriptions: Twilio's messages can quote the phone number, so they are not kept.
ERROR_DESCRIPTIONS = {
    20003: "authentication failed (check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)",
    20429: "too many requests",
    21211: "invalid 'To' phone number",
    21217: "phone number does not appear to be valid",
    21401: "invalid phone number",
    21408: "sending to this region is not enabled on the account",
    21421: "phone number is invalid",
    21602: "message body is required",
    21606: "the 'From' number cannot send this message",
    21610: "recipient has unsubscribed (replied STOP)",
    21612: "the 'To' number cannot be reached from the 'From' number",
    21614: "'To' number is not a mobile number",
    30007: "message filtered by the carrier",
}


# The client logs every request at INFO, query parameters included: a lookup's would
# carry the phone number into the logs. Only its warnings are let through.
_HTTP_LOG = logging.getLogger("notifications.providers.twilio_http")
_HTTP_LOG.setLevel(logging.WARNING)


class _BaseUrlHttpClient(TwilioHttpClient):
    """Sends every request to ``api_base`` instead of https://*.twilio.com."""

    def __init__(self, api_base: str, timeout: float):
        super().__init__(timeout=timeout, logger=_HTTP_LOG)
        self._base = urlsplit(api_base.rstrip("/"))

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        """Forward to TwilioHttpClient with the URL's scheme and host replaced."""
        original = urlsplit(url)
        rewritten = original._replace(
            scheme=self._base.scheme,
            netloc=self._base.netloc,
            path=self._base.path + original.path,
        )
        return super().request(method, urlunsplit(rewritten), *args, **kwargs)


class TwilioProvider(SmsProvider):
    """Twilio Programmable Messaging. Replies from Chinese numbers do not come back."""

    name = "twilio"
    carries_replies = False

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ):
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        http_client = (
            _BaseUrlHttpClient(api_base, timeout) if api_base
            else TwilioHttpClient(timeout=timeout, logger=_HTTP_LOG)
        )
        self.from_number = from_number
        self.api_base = api_base
        self.timeout = timeout
        self._client = Client(account_sid, auth_token, http_client=http_client)
        self._recent = RecentSends()

    def send(
        self,
        to_e164: str,
        body: str,
        *,
        idempotency_key: str,
        status_callback_url: str | None = None,
        template: TemplateMessage | None = None,
    ) -> SendResult:
        """Create the message at Twilio; maps every failure to a provider error."""
        require_e164(to_e164)
        earlier = self._recent.get(idempotency_key)
        if earlier is not None:
            return earlier
        try:
            message = self._client.messages.create(
                to=to_e164,
                from_=self.from_number,
                body=body,
                status_callback=status_callback_url or twilio_values.unset,
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            raise provider_error_for(exc.status, exc.code) from None
        except requests.exceptions.RequestException as exc:
            raise transport_error_for(exc) from None
        result = SendResult(str(message.sid), str(message.status or "queued"))
        self._recent.remember(idempotency_key, result)
        return result


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
        """Look for an earlier send of ``body`` to ``to_e164`` among Twilio's messages since ``since``.

        Twilio keeps no idempotency key, so a message is recognised by number, sender
        and text, leaving out the ids the outbox already holds for other messages.
        """
        earlier = self._recent.get(idempotency_key)
        if earlier is not None:
            return earlier
        try:
            listed = self._client.messages.list(
                to=to_e164, date_sent_after=since - LOOKUP_MARGIN, limit=LOOKUP_LIMIT
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            error = provider_error_for(exc.status, exc.code)
            raise TemporaryProviderError(f"lookup failed: {error.reason}", code=exc.code) from None
        except requests.exceptions.RequestException as exc:
            raise transport_error_for(exc) from None
        for message in sorted(listed, key=lambda m: str(m.date_created or "")):
            if (message.body == body and message.from_ == self.from_number
                    and message.sid not in exclude_ids and message.status not in NOT_SENT_STATUSES):
                return SendResult(str(message.sid), str(message.status))
        return None


def provider_error_for(
    http_status: int, code: int | None
) -> TemporaryProviderError | PermanentProviderError:
    """The provider error for a Twilio error response (HTTP status and Twilio code)."""
    reason = f"Twilio error {code} (HTTP {http_status}): " + ERROR_DESCRIPTIONS.get(
        code or 0, "see https://www.twilio.com/docs/errors"
    )
    if http_status == 429 or http_status >= 500:
        return TemporaryProviderError(reason, code=code)
    return PermanentProviderError(
        reason,
        invalid_number=code in INVALID_NUMBER_CODES,
        code=code,
        recipient_opted_out=code in RECIPIENT_OPTED_OUT_CODES,
    )


def transport_error_for(exc: requests.exceptions.RequestException) -> TemporaryProviderError:
    """The provider error for a failure to talk to Twilio at all."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TemporaryProviderError("timed out connecting to Twilio", maybe_sent=False)
    if isinstance(exc, requests.exceptions.Timeout):
        return TemporaryProviderError("Twilio did not answer in time", maybe_sent=True)
    if isinstance(exc, requests.exceptions.ConnectionError):
        refused = _never_connected(exc)
        return TemporaryProviderError("connection to Twilio failed", maybe_sent=not refused)
    return TemporaryProviderError(
        f"request to Twilio failed ({type(exc).__name__})", maybe_sent=True
    )


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    # requests wraps urllib3's MaxRetryError, whose reason says whether the TCP
    # connection was ever made; if not, the request cannot have been delivered.
    wrapped = exc.args[0] if exc.args else None
    return isinstance(getattr(wrapped, "reason", None), urllib3.exceptions.NewConnectionError)
