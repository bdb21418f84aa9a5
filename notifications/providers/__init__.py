"""SMS providers behind one interface, and the factory that picks one from settings."""

from collections.abc import Mapping
from typing import Any

from notifications.providers.base import (
    AwaitingReceipt,
    BatchItem,
    LookupUnsupported,
    PermanentProviderError,
    ProviderConfigError,
    ProviderError,
    SendResult,
    SmsProvider,
    TemplateMessage,
    TemporaryProviderError,
)
from notifications.providers.console import ConsoleProvider

__all__ = [
    "AwaitingReceipt", "BatchItem", "TemplateMessage", "ConsoleProvider", "LookupUnsupported", "PermanentProviderError", "ProviderConfigError", "ProviderError",
    "SendResult", "SmsProvider", "TemporaryProviderError", "PROVIDER_NAMES", "make_provider",
]

PROVIDER_NAMES = ("console", "twilio", "aliyun", "tencent")
# The names jobmatch.config uses.
TWILIO_REQUIRED_SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
ALIYUN_REQUIRED_SETTINGS = ("ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET")
TENCENT_REQUIRED_SETTINGS = ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_APP_ID")


def make_provider(name: str, settings: Mapping[str, Any]) -> SmsProvider:
    """The provider called ``name``, configured from ``settings``; with SMS_FALLBACK_PROVIDER
    set, the two as one FailoverProvider."""
    primary = make_one_provider(name, settings)
    fallback_name = str(settings.get("SMS_FALLBACK_PROVIDER") or "").strip().lower()
    if not fallback_name:
        return primary
    if fallback_name == primary.name:
        raise ProviderConfigError("SMS_FALLBACK_PROVIDER must differ from SMS_PROVIDER")
    from notifications.providers.failover import FailoverProvider

    return FailoverProvider(primary, make_one_provider(fallback_name, settings))


def make_one_provider(name: str, settings: Mapping[str, Any]) -> SmsProvider:
    """The provider called ``name`` ("console" | "twilio" | "aliyun" | "tencent") alone."""
    chosen = (name or "").strip().lower()
    if chosen == "console":
        return ConsoleProvider()
    if chosen == "twilio":
        return _make_twilio(settings)
    if chosen == "aliyun":
        return _make_aliyun(settings)
    if chosen == "tencent":
        return _make_tencent(settings)
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


def _make_aliyun(settings: Mapping[str, Any]) -> SmsProvider:
    _require(settings, "aliyun", ALIYUN_REQUIRED_SETTINGS)
    from notifications.providers.aliyun_provider import AliyunProvider
    from notifications.providers.template_codes import load_template_codes

    return AliyunProvider(
        access_key_id=str(settings["ALIYUN_ACCESS_KEY_ID"]).strip(),
        access_key_secret=str(settings["ALIYUN_ACCESS_KEY_SECRET"]).strip(),
        template_codes=load_template_codes(settings.get("SMS_TEMPLATE_CODES_FILE"), "aliyun"),
        endpoint=str(settings.get("ALIYUN_SMS_ENDPOINT") or ""),
        timeout=_timeout(settings.get("SMS_PROVIDER_TIMEOUT") or settings.get("TWILIO_TIMEOUT"), 10.0),
    )


def _make_tencent(settings: Mapping[str, Any]) -> SmsProvider:
    _require(settings, "tencent", TENCENT_REQUIRED_SETTINGS)
    from notifications.providers.template_codes import load_template_codes
    from notifications.providers.tencent_provider import TencentProvider

    return TencentProvider(
        secret_id=str(settings["TENCENT_SECRET_ID"]).strip(),
        secret_key=str(settings["TENCENT_SECRET_KEY"]).strip(),
        sdk_app_id=str(settings["TENCENT_SMS_APP_ID"]).strip(),
        template_codes=load_template_codes(settings.get("SMS_TEMPLATE_CODES_FILE"), "tencent"),
        endpoint=str(settings.get("TENCENT_SMS_ENDPOINT") or ""),
        region=str(settings.get("TENCENT_SMS_REGION") or "ap-guangzhou"),
        timeout=_timeout(settings.get("SMS_PROVIDER_TIMEOUT") or settings.get("TWILIO_TIMEOUT"), 10.0),
    )


def _require(settings: Mapping[str, Any], provider: str, keys: tuple[str, ...]) -> None:
    missing = [key for key in keys if not _present(settings.get(key))]
    if missing:
        raise ProviderConfigError(f"SMS provider {provider!r} needs setting {', '.join(missing)}")


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _timeout(raw: Any, default: float) -> float:
    if not _present(raw):
        return default
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise ProviderConfigError(
            f"setting SMS_PROVIDER_TIMEOUT (TWILIO_TIMEOUT) must be a number of seconds, not {raw!r}"
        ) from None
    if seconds <= 0:
        raise ProviderConfigError("setting SMS_PROVIDER_TIMEOUT (TWILIO_TIMEOUT) must be positive")
    return seconds
