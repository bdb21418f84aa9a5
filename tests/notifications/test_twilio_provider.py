"""The Twilio provider, using the official client, against the fake Twilio on loopback."""

import logging
import socket

import pytest

from notifications.providers import PermanentProviderError, TemporaryProviderError
from notifications.providers.twilio_provider import TwilioProvider

FROM = "+15005550006"
PHONE = "+8613912343910"
BODY = "【威宁县就业服务】威宁县易地扶贫搬迁就业帮扶车间（服装厂）招缝纫工。回1接受 回2不要"
CALLBACK = "https://jobmatch.example.cn/sms/status/42"


def provider_for(fake, **overrides):
    settings = dict(
        account_sid=fake.account_sid, auth_token=fake.auth_token, from_number=FROM,
        api_base=fake.url, timeout=2,
    )
    settings.update(overrides)
    return TwilioProvider(**settings)


def test_send_reaches_twilio_with_the_right_fields(fake_twilio):
    result = provider_for(fake_twilio).send(
        PHONE, BODY, idempotency_key="outbox-1", status_callback_url=CALLBACK
    )
    [received] = fake_twilio.messages
    assert (received.to, received.from_, received.body) == (PHONE, FROM, BODY)
    assert received.status_callback == CALLBACK
    assert received.account_sid == fake_twilio.account_sid
    assert result.provider_message_id == received.sid
    assert result.provider_message_id.startswith("SM")
    assert result.status == "queued"


def test_no_status_callback_field_when_none_given(fake_twilio):
    provider_for(fake_twilio).send(PHONE, BODY, idempotency_key="outbox-1")
    assert "StatusCallback" not in fake_twilio.messages[0].form


def test_api_base_with_trailing_slash(fake_twilio):
    provider_for(fake_twilio, api_base=fake_twilio.url + "/").send(PHONE, BODY, idempotency_key="k")
    assert len(fake_twilio.messages) == 1


def test_same_idempotency_key_is_not_sent_twice_by_one_provider(fake_twilio):
    provider = provider_for(fake_twilio)
    first = provider.send(PHONE, BODY, idempotency_key="outbox-1")
    again = provider.send(PHONE, BODY, idempotency_key="outbox-1")
    assert first == again
    assert fake_twilio.attempts == 1


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_throttling_are_temporary(fake_twilio, status):
    fake_twilio.fail_next(1, status=status, code=20429 if status == 429 else None)
    with pytest.raises(TemporaryProviderError) as caught:
        provider_for(fake_twilio).send(PHONE, BODY, idempotency_key="outbox-1")
    assert caught.value.maybe_sent is False
    assert fake_twilio.messages == []


def test_temporary_failure_then_success_on_retry(fake_twilio):
    provider = provider_for(fake_twilio)
    fake_twilio.fail_next(2)
    for _ in range(2):
        with pytest.raises(TemporaryProviderError):
            provider.send(PHONE, BODY, idempotency_key="outbox-1")
    assert provider.send(PHONE, BODY, idempotency_key="outbox-1").status == "queued"
    assert fake_twilio.attempts == 3 and len(fake_twilio.messages) == 1


def test_timeout_is_temporary_and_may_have_been_sent(fake_twilio):
    fake_twilio.delay_responses(3)
    with pytest.raises(TemporaryProviderError) as caught:
        provider_for(fake_twilio, timeout=0.3).send(PHONE, BODY, idempotency_key="outbox-1")
    assert caught.value.maybe_sent is True
    assert len(fake_twilio.messages) == 1  # Twilio got it; only the answer was late


def test_connection_refused_is_temporary_and_not_sent():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    provider = TwilioProvider("AC1", "token", FROM, api_base=f"http://127.0.0.1:{port}", timeout=1)
    with pytest.raises(TemporaryProviderError) as caught:
        provider.send(PHONE, BODY, idempotency_key="outbox-1")
    assert caught.value.maybe_sent is False


def test_invalid_to_number_is_permanent_and_flags_the_number(fake_twilio):
    fake_twilio.reject_numbers({PHONE}, code=21211)
    with pytest.raises(PermanentProviderError) as caught:
        provider_for(fake_twilio).send(PHONE, BODY, idempotency_key="outbox-1")
    error = caught.value
    assert error.invalid_number is True and error.code == 21211
    assert "13912343910" not in str(error)  # Twilio's own message would quote the number


@pytest.mark.parametrize(("code", "invalid_number", "opted_out"), [
    (21614, True, False),  # not a mobile number
    (21610, False, True),  # recipient unsubscribed
    (21408, False, False),  # region not enabled: our configuration, not the number
])
def test_permanent_twilio_errors(fake_twilio, code, invalid_number, opted_out):
    fake_twilio.reject_numbers({PHONE}, code=code)
    with pytest.raises(PermanentProviderError) as caught:
        provider_for(fake_twilio).send(PHONE, BODY, idempotency_key="outbox-1")
    assert caught.value.invalid_number is invalid_number
    assert caught.value.recipient_opted_out is opted_out
    assert str(code) in caught.value.reason


def test_wrong_credentials_are_permanent(fake_twilio):
    with pytest.raises(PermanentProviderError) as caught:
        provider_for(fake_twilio, auth_token="wrong").send(PHONE, BODY, idempotency_key="k")
    assert caught.value.code == 20003 and not caught.value.invalid_number


def test_malformed_number_is_refused_before_any_request(fake_twilio):
    with pytest.raises(PermanentProviderError) as caught:
        provider_for(fake_twilio).send("139 1234 3910", BODY, idempotency_key="k")
    assert caught.value.invalid_number
    assert fake_twilio.attempts == 0


def test_phone_and_body_never_reach_logging(fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    provider = provider_for(fake_twilio)
    provider.send(PHONE, BODY, idempotency_key="k1", status_callback_url=CALLBACK)
    fake_twilio.reject_numbers({PHONE})
    with pytest.raises(PermanentProviderError):
        provider.send(PHONE, BODY, idempotency_key="k2")
    assert caplog.records  # the twilio client does log requests...
    assert "3910" not in caplog.text  # ...but not the number
    assert "缝纫工" not in caplog.text and "%E7%BC" not in caplog.text  # nor the body


def test_twilio_does_not_carry_replies():
    assert TwilioProvider.carries_replies is False


def test_timeout_must_be_positive():
    with pytest.raises(ValueError):
        TwilioProvider("AC1", "token", FROM, timeout=0)


def test_edge_and_region_settings_do_not_redirect_away_from_the_api_base(fake_twilio, monkeypatch):
    monkeypatch.setenv("TWILIO_EDGE", "singapore")
    monkeypatch.setenv("TWILIO_REGION", "sg1")
    provider_for(fake_twilio).send(PHONE, BODY, idempotency_key="outbox-1")
    assert len(fake_twilio.messages) == 1
