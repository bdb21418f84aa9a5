import io
import logging
from datetime import UTC, datetime

import pytest

from notifications.clock import FixedClock
from notifications.phones import mask_phone as masked_phone
from notifications.providers import ConsoleProvider, PermanentProviderError, SmsProvider

PHONE = "+8613912343910"
BODY = "【威宁县就业服务】您的登录验证码：482913，10分钟内有效。"


def test_prints_a_masked_number_and_the_body_to_the_stream():
    out = io.StringIO()
    provider = ConsoleProvider(stream=out)
    result = provider.send(PHONE, BODY, idempotency_key="k1")
    line = out.getvalue()
    assert line.count("\n") == 1
    assert "139****3910" in line and "13912343910" not in line
    assert BODY in line
    assert result.status == "sent" and result.provider_message_id in line


def test_prints_to_stdout_by_default(capsys):
    ConsoleProvider().send(PHONE, "hello", idempotency_key="k1")
    assert "139****3910" in capsys.readouterr().out


def test_keeps_sent_messages_for_inspection():
    clock = FixedClock(datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    provider = ConsoleProvider(stream=io.StringIO(), clock=clock)
    provider.send(PHONE, BODY, idempotency_key="k1", status_callback_url="https://x.test/cb")
    [message] = provider.sent
    assert (message.to_e164, message.body, message.idempotency_key) == (PHONE, BODY, "k1")
    assert message.status_callback_url == "https://x.test/cb"
    assert message.sent_at == clock.now()


def test_same_idempotency_key_sends_once():
    provider = ConsoleProvider(stream=io.StringIO())
    first = provider.send(PHONE, BODY, idempotency_key="k1")
    again = provider.send(PHONE, BODY, idempotency_key="k1")
    assert first == again
    assert len(provider.sent) == 1


def test_nothing_goes_through_logging(caplog):
    caplog.set_level(logging.DEBUG)
    ConsoleProvider(stream=io.StringIO()).send(PHONE, BODY, idempotency_key="k1")
    assert "3910" not in caplog.text and "验证码" not in caplog.text


def test_refuses_a_number_that_is_not_e164():
    with pytest.raises(PermanentProviderError) as caught:
        ConsoleProvider(stream=io.StringIO()).send("13912343910", BODY, idempotency_key="k1")
    assert caught.value.invalid_number


def test_is_an_sms_provider_without_replies():
    provider = ConsoleProvider()
    assert isinstance(provider, SmsProvider)
    assert provider.carries_replies is False


@pytest.mark.parametrize(("e164", "masked"), [
    ("+8613912343910", "139****3910"), ("+14155550100", "141****0100"), ("+8612345", "*****"),
])
def test_masked_phone(e164, masked):
    assert masked_phone(e164) == masked
