"""Tencent Cloud SMS (腾讯云短信) through the official SDK: SendSms, PullSmsSendStatus, PullSmsReplyStatus.

Every message is an approved template: ``template.kind`` is looked up in the template
table for its TemplateId, the variables go as TemplateParamSet in the order the template
names them. The SDK signs requests (TC3-HMAC-SHA256) and reaches ``endpoint``
(TENCENT_SMS_ENDPOINT; tests give a fake on loopback as http://127.0.0.1:PORT). SendSms
is not idempotent: the idempotency key goes as SessionContext, and a timeout is resolved
with PullSmsSendStatusByPhoneNumber before any resend. Provider message ids are the SerialNo
Tencent gives each number.
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from notifications.inbound import DeliveryReceipt, InboundEvent, InboundReply, ReceiptStatus, event_id
from notifications.providers.base import (
    AwaitingReceipt,
    BatchItem,
    PermanentProviderError,
    ProviderError,
    SendResult,
    SmsProvider,
    TemplateMessage,
    TemporaryProviderError,
    require_e164,
)
from notifications.providers.domestic import (
    DAY,
    HOUR,
    RefusalCodes,
    classify_refusal,
    grouped,
    split_endpoint,
    transport_error,
)
from notifications.providers.template_codes import template_code

DEFAULT_HOST = "sms.tencentcloudapi.com"
BATCH_LIMIT = 200  # SendSms: at most 200 numbers per request, one set of variables
PULL_LIMIT = 100
BATCH_CONTEXT = "b:"  # SessionContext of a batch: one per request
LOOKUP_MARGIN = timedelta(minutes=5)

FREQUENCY_LIMITS = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
    "LimitExceeded.PhoneNumberOneHourLimit": HOUR,
    "LimitExceeded.PhoneNumberDailyLimit": DAY,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": DAY,
}
INVALID_NUMBER = frozenset({"InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberParseFail",
                            "UnsupportedOperation.UnsupportedRegion"})
BLACKLISTED = frozenset({"FailedOperation.PhoneNumberInBlacklist", "FailedOperation.PhoneNumberOnBlacklist"})
TEMPLATE_PROBLEMS = frozenset({
    "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.MissingTemplateToModify", "FailedOperation.MissingSignature",
    "InvalidParameterValue.TemplateParameterFormatError", "InvalidParameterValue.TemplateParameterLengthLimit",
    "InvalidParameterValue.ContentLengthLimit", "FailedOperation.ContainSensitiveWord",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
})
ACCOUNT_WAITS: dict[str, float | None] = {"FailedOperation.InsufficientBalanceInSmsPackage": HOUR, "RequestLimitExceeded": 1.0,
                 "LimitExceeded.AppDailyLimit": DAY, "LimitExceeded.DailyLimit": DAY}
REFUSALS = RefusalCodes("Tencent", INVALID_NUMBER, BLACKLISTED, TEMPLATE_PROBLEMS, ACCOUNT_WAITS,
                        temporary_prefixes=("InternalError", "ServerNetworkError"))
# Receipt descriptions meaning the number does not exist or is out of service.
RECEIPT_INVALID_NUMBER = frozenset({"MK:0001", "MK:0004", "IC:0001", "DB:0141", "EMPTY_NUMBER"})


class TencentProvider(SmsProvider):
    """Tencent Cloud SMS; replies and receipts come back by callback or pull."""

    name = "tencent"
    carries_replies = True
    max_batch = BATCH_LIMIT

    def __init__(self, secret_id: str, secret_key: str, sdk_app_id: str, template_codes: Mapping[str, str],
                 endpoint: str = "", timeout: float = 10.0, region: str = "ap-guangzhou"):
        scheme, host = split_endpoint(endpoint, DEFAULT_HOST)
        self.template_codes = dict(template_codes)
        self.sdk_app_id = sdk_app_id
        self.timeout = timeout
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=max(1, round(timeout)), keepAlive=True)
        self._client = SmsClient(credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http))

    def send(self, to_e164: str, body: str, *, idempotency_key: str, status_callback_url: str | None = None,
             template: TemplateMessage | None = None) -> SendResult:
        """SendSms to one number; SessionContext is the idempotency key."""
        require_e164(to_e164)
        [outcome] = self._send_group([to_e164], _required(template), idempotency_key)
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome

    def send_batch(self, items: Sequence[BatchItem]) -> list[SendResult | ProviderError]:
        """SendSms per (kind, variables), up to 200 numbers each; each number gets its own answer."""
        outcomes: list[SendResult | ProviderError | None] = [None] * len(items)
        for group in grouped(items, _same_text, BATCH_LIMIT):
            members = [items[i] for i in group]
            try:
                for item in members:
                    require_e164(item.to_e164)
                context = members[0].idempotency_key if len(members) == 1 else BATCH_CONTEXT + uuid.uuid4().hex
                results = self._send_group([m.to_e164 for m in members], _required(members[0].template), context)
            except ProviderError as exc:
                results = [exc] * len(members)
            for index, result in zip(group, results):
                outcomes[index] = result
        return outcomes  # type: ignore[return-value]

    def _send_group(self, numbers: list[str], template: TemplateMessage,
                    context: str) -> list[SendResult | ProviderError]:
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = numbers
        request.SmsSdkAppId = self.sdk_app_id
        request.TemplateId = template_code(self.template_codes, self.name, template.kind)
        request.SignName = template.signature
        request.TemplateParamSet = [str(value) for value in template.variables.values()]
        request.SessionContext = context
        answer = self._call(self._client.SendSms, request)
        by_number = {status.PhoneNumber: status for status in answer.SendStatusSet or []}
        results: list[SendResult | ProviderError] = []
        for number in numbers:
            status = by_number.get(number)
            if status is None:
                results.append(TemporaryProviderError("Tencent left the number out of its answer", maybe_sent=True))
            elif status.Code == "Ok":
                results.append(SendResult(status.SerialNo, "accepted"))
            else:
                results.append(error_for_code(status.Code))
        return results

    def find_sent(self, idempotency_key: str, *, to_e164: str, body: str, since: datetime,
                  exclude_ids: frozenset[str] = frozenset(), template: TemplateMessage | None = None,
                  ) -> SendResult | None:
        """The send status records of the number since ``since``: the one with our SessionContext.

        A batch carries one SessionContext, so a batch record counts too, leaving out the
        ids the outbox holds for other messages (the residual risk Twilio has).
        """
        offset = 0
        while True:
            request = sms_models.PullSmsSendStatusByPhoneNumberRequest()
            request.BeginTime = int((since - LOOKUP_MARGIN).timestamp())
            request.EndTime = int(datetime.now(UTC).timestamp()) + 60
            request.Offset, request.Limit = offset, PULL_LIMIT
            request.PhoneNumber, request.SmsSdkAppId = to_e164, self.sdk_app_id
            try:
                answer = self._call(self._client.PullSmsSendStatusByPhoneNumber, request)
            except ProviderError as exc:
                raise TemporaryProviderError(f"lookup failed: {exc.reason}", code=exc.code) from None
            records = answer.PullSmsSendStatusSet or []
            for record in records:
                context = record.SessionContext or ""
                if ((context == idempotency_key or context.startswith(BATCH_CONTEXT))
                        and record.SerialNo not in exclude_ids):
                    return SendResult(record.SerialNo, "accepted")
            if len(records) < PULL_LIMIT:
                return None
            offset += PULL_LIMIT

    def pull_inbound(self, awaiting: Sequence[AwaitingReceipt] = ()) -> list[InboundEvent]:
        """Every receipt and reply waiting in Tencent's queues (each is handed out once)."""
        events: list[InboundEvent] = []
        for method, request_type, normalise in (
            (self._client.PullSmsSendStatus, sms_models.PullSmsSendStatusRequest, _receipt_from_pull),
            (self._client.PullSmsReplyStatus, sms_models.PullSmsReplyStatusRequest, _reply_from_pull),
        ):
            while True:
                request = request_type()
                request.Limit, request.SmsSdkAppId = PULL_LIMIT, self.sdk_app_id
                answer = self._call(method, request)
                records = (getattr(answer, "PullSmsSendStatusSet", None) or getattr(answer, "PullSmsReplyStatusSet", None)
                           or [])
                events.extend(normalise(record) for record in records)
                if len(records) < PULL_LIMIT:
                    break
        return events

    def _call(self, method, request):
        try:
            return method(request)
        except TencentCloudSDKException as exc:
            raise _sdk_error(exc) from None


def error_for_code(code: str) -> ProviderError:
    """The provider error for a Tencent error code (the messages may quote the number: dropped)."""
    return classify_refusal(code, REFUSALS, frequency_wait=FREQUENCY_LIMITS.get(code))


def receipt(serial_no: str, report_status: str, description: str) -> DeliveryReceipt:
    """A receipt from Tencent's report fields (callback or pull)."""
    delivered = report_status.upper() == "SUCCESS"
    return DeliveryReceipt(serial_no, ReceiptStatus.DELIVERED if delivered else ReceiptStatus.FAILED,
                           "" if delivered else description[:40],
                           invalid_number=not delivered and description in RECEIPT_INVALID_NUMBER)


def reply(phone: str, text: str, reply_time: str, extend: str = "") -> InboundReply:
    """A reply from Tencent's reply fields; Tencent gives no id, so the fields make one."""
    return InboundReply(event_id("tencent", phone, reply_time, text, extend), phone, text)


def _sdk_error(exc: TencentCloudSDKException) -> ProviderError:
    code = exc.get_code() or ""
    if code == "ClientNetworkError":
        return transport_error(exc, "Tencent Cloud")
    if code == "ServerNetworkError":  # an HTTP error status: the request was answered, not taken
        return TemporaryProviderError("Tencent HTTP error", code=code, maybe_sent=False)
    if code.startswith("AuthFailure"):
        return PermanentProviderError(f"Tencent {code}: check TENCENT_SECRET_ID/KEY", code=code)
    return error_for_code(code)


def _receipt_from_pull(record) -> DeliveryReceipt:
    return receipt(record.SerialNo or "", record.ReportStatus or "", record.Description or "")


def _reply_from_pull(record) -> InboundReply:
    return reply(record.PhoneNumber or "", record.ReplyContent or "", record.ReplyTime or "", record.ExtendCode or "")


def _same_text(item: BatchItem):
    template = item.template
    if template is None:
        return ("", item.idempotency_key)
    return (template.kind, template.signature, tuple(template.variables.items()))


def _required(template: TemplateMessage | None) -> TemplateMessage:
    if template is None:
        raise PermanentProviderError("Tencent Cloud sends approved templates only: no template given",
                                     code="template_missing", template_problem=True)
    return template


# -- callbacks (unsigned JSON) ---------------------------------------------------------------

CALLBACK_ANSWER = {"result": 0, "errmsg": "OK"}


def parse_status_callback(records: list) -> list[DeliveryReceipt]:
    """Status reports: sid, report_status (SUCCESS/FAIL), errmsg, description, mobile."""
    return [receipt(str(record["sid"]), str(record["report_status"]), str(record.get("errmsg") or ""))
            for record in records]


def parse_reply_callback(record: dict) -> list[InboundReply]:
    """One reply: mobile, nationcode, text, time (unix seconds), extend."""
    phone = f"+{record.get('nationcode') or '86'}{record['mobile']}"
    return [reply(phone, str(record["text"]), str(record["time"]), str(record.get("extend") or ""))]
