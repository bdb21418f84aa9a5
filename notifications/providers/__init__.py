"""SMS providers behind one interface, and the factory that picks one from settings."""

from collections.abc import Mapping
from typing import Any

from notifications.providers.base import (
    LookupUnsupported,
    PermanentProviderError,
    ProviderConfigError,
    ProviderError,
    SendResult,
    SmsProvider,
    TemporaryProviderError,
)
from notifications.providers.console import ConsoleProvider

__all__ = [
    "ConsoleProvider", "LookupUnsupported", "PermanentProviderError", "ProviderConfigError", "ProviderError",
    "SendResult", "SmsProvider", "TemporaryProviderError", "PROVIDER_NAMES", "make_provider",
]

PROVIDER_NAMES = ("console", "twilio")
TWILIO_REQUIRED_SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")  # as jobmatch.config names them


def make_provider(name: str, settings: Mapping[str, Any]) -> SmsProvider:
    """The provider called ``name`` ("console" | "twilio"), configured from ``settings``."""
    chosen = (name or "").strip().lower()
    if chosen == "console":
        return ConsoleProvider()
    if chosen == "twilio":
        return _make_twilio(settings)
    raise ProviderConfigError(
        f"unknown SMS provider {name!r}; choose one of: {', '.join(PROVIDER_NAMES)}"
    )


def _make_twilio(settings: Mapping[str, Any]) -> SmsProvider:
    missing = [key for key in TWILIO_REQUIRED_SETTINGS if not _present(settings.get(key))]
    if missing:
        raise ProviderConfigError(f"SMS provider 'twilio' needs setting {', '.join(missing)}")
    from notifications.providers.twilio_provider import DEFAULT_TIMEOUT_SECONDS, TwilioProvider

    return TwilioProvider(
        account_sid=str(settings["TWILIO_ACCOUNT_SID"]).strip(),
        auth_token=str(settings["TWILIO_AUTH_TOKEN"]).strip(),
        from_number=str(settings["TWILIO_FROM"]).strip(),
        api_base=(str(settings.get("TWILIO_API_BASE") or "").strip() or None),
        timeout=_timeout(settings.get("TWILIO_TIMEOUT"), DEFAULT_TIMEOUT_SECONDS),
    )


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _timeout(raw: Any, default: float) -> float:
    if not _present(raw):
        return default
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise ProviderConfigError(
            f"setting TWILIO_TIMEOUT must be a number of seconds, not {raw!r}"
        ) from None
    if seconds <= 0:
        raise ProviderConfigError("setting TWILIO_TIMEOUT must be positive")
    return seconds
