"""Aliyun and Tencent refusals mean the same things for a message, through one classify_refusal."""

import pytest

from notifications.providers import aliyun_provider, tencent_provider
from notifications.providers.base import PermanentProviderError, TemporaryProviderError
from notifications.providers.domestic import DAY, HOUR, MINUTE

CASES = [  # (provider's error_for_code, code, what the outbox must do)
    (aliyun_provider.error_for_code, "isv.MOBILE_NUMBER_ILLEGAL", "invalid_number"),
    (tencent_provider.error_for_code, "InvalidParameterValue.IncorrectPhoneNumber", "invalid_number"),
    (aliyun_provider.error_for_code, "isv.BLACK_LIST", "opted_out"),
    (tencent_provider.error_for_code, "FailedOperation.PhoneNumberInBlacklist", "opted_out"),
    (aliyun_provider.error_for_code, "isv.SMS_TEMPLATE_ILLEGAL", "template"),
    (tencent_provider.error_for_code, "FailedOperation.TemplateIncorrectOrUnapproved", "template"),
    (aliyun_provider.error_for_code, "isv.AMOUNT_NOT_ENOUGH", "wait"),
    (tencent_provider.error_for_code, "LimitExceeded.AppDailyLimit", "wait"),
    (tencent_provider.error_for_code, "InternalError.Timeout", "retry"),
    (aliyun_provider.error_for_code, "isv.SOMETHING_NEW", "refused"),
    (tencent_provider.error_for_code, "FailedOperation.SomethingNew", "refused"),
]


@pytest.mark.parametrize(("error_for_code", "code", "meaning"), CASES)
def test_each_refusal_is_classified_alike_for_both_providers(error_for_code, code, meaning):
    error = error_for_code(code)
    assert error.code == code and code in error.reason
    if meaning in ("wait", "retry"):
        assert isinstance(error, TemporaryProviderError)
        assert (error.retry_after_seconds is not None) is (meaning == "wait")
        return
    assert isinstance(error, PermanentProviderError)
    assert (error.invalid_number, error.recipient_opted_out, error.template_problem) == (
        meaning == "invalid_number", meaning == "opted_out", meaning == "template")


def test_a_per_number_frequency_limit_waits_until_it_lifts():
    assert aliyun_provider.error_for_code("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控").retry_after_seconds == MINUTE
    assert aliyun_provider.error_for_code("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控").retry_after_seconds == HOUR
    assert aliyun_provider.error_for_code("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控").retry_after_seconds == DAY
    limit = tencent_provider.error_for_code("LimitExceeded.PhoneNumberThirtySecondLimit")
    assert isinstance(limit, TemporaryProviderError) and limit.retry_after_seconds == 30.0
    assert "frequency" in limit.reason


def test_the_number_never_reaches_the_reason():
    error = aliyun_provider.error_for_code("isv.BUSINESS_LIMIT_CONTROL", "13912345678 触发天级流控")
    assert "13912345678" not in error.reason
