import pytest

from notifications.providers import ConsoleProvider, ProviderConfigError, make_provider
from notifications.providers.twilio_provider import TwilioProvider


def twilio_settings(fake=None, **overrides):
    settings = {
        "TWILIO_ACCOUNT_SID": fake.account_sid if fake else "AC123",
        "TWILIO_AUTH_TOKEN": fake.auth_token if fake else "token",
        "TWILIO_FROM": "+15005550006",
    }
    if fake:
        settings["TWILIO_API_BASE"] = fake.url
    settings.update(overrides)
    return settings


def test_console_needs_no_settings():
    assert isinstance(make_provider("console", {}), ConsoleProvider)
    assert isinstance(make_provider(" Console ", {}), ConsoleProvider)


def test_twilio_from_settings_sends_to_the_configured_api_base(fake_twilio):
    provider = make_provider("twilio", twilio_settings(fake_twilio, TWILIO_TIMEOUT="3"))
    assert isinstance(provider, TwilioProvider) and provider.timeout == 3.0
    provider.send("+8613912343910", "hi", idempotency_key="k")
    assert len(fake_twilio.messages) == 1


def test_twilio_defaults_to_the_real_api_and_a_ten_second_timeout():
    provider = make_provider("twilio", twilio_settings())
    assert provider.api_base is None and provider.timeout == 10.0


@pytest.mark.parametrize(
    "missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"]
)
def test_missing_twilio_setting_is_named(missing):
    settings = twilio_settings()
    settings[missing] = ""
    with pytest.raises(ProviderConfigError, match=missing):
        make_provider("twilio", settings)


def test_all_missing_settings_are_named_at_once():
    with pytest.raises(ProviderConfigError) as caught:
        make_provider("twilio", {})
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"):
        assert name in str(caught.value)


@pytest.mark.parametrize("timeout", ["soon", "0", "-1"])
def test_bad_timeout_is_refused(timeout):
    with pytest.raises(ProviderConfigError, match="TWILIO_TIMEOUT"):
        make_provider("twilio", twilio_settings(TWILIO_TIMEOUT=timeout))


def test_unknown_provider_lists_the_choices():
    with pytest.raises(ProviderConfigError, match="console, twilio, aliyun, tencent"):
        make_provider("wechat", {})


def test_settings_shaped_like_the_app_config_work():
    settings = {"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_FROM": "+15005550006", "TWILIO_API_BASE": None}
    assert make_provider(settings["SMS_PROVIDER"], settings).api_base is None
