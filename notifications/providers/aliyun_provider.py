"""Aliyun SMS (阿里云短信服务) through the official SDK: SendSms, SendBatchSms, QuerySendDetails.

Every message is an approved template: ``template.kind`` is looked up in the template
table for its TemplateCode, the variables go as TemplateParam. The SDK signs requests
(ACS3-HMAC-SHA256) and reaches ``endpoint`` (ALIYUN_SMS_ENDPOINT; tests give a fake on
loopback as http://127.0.0.1:PORT). SendSms is not idempotent: the idempotency key goes
as OutId, and a timeout is resolved by QuerySendDetails before any resend.

Provider message ids are ``OutId/<digest of the number>``: a batch has one OutId of its
own ("b:..."), and receipts and QuerySendDetails records name the OutId and the number.
"""

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from notifications.inbound import DeliveryReceipt, InboundEvent, InboundReply, ReceiptStatus
from notifications.phones import national_digits
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
    MINUTE,
    RefusalCodes,
    classify_refusal,
    grouped,
    phone_digest,
    split_endpoint,
    transport_error,
)
from notifications.providers.template_codes import template_code

DEFAULT_HOST = "dysmsapi.aliyuncs.com"
BATCH_LIMIT = 100  # SendBatchSms: at most 100 numbers per request
LOOKUP_PAGE = 50
BATCH_OUT_ID = "b:"  # OutId of a batch: one per request, so it cannot be each message's key

INVALID_NUMBER = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED"})
BLACKLISTED = frozenset({"isv.BLACK_LIST", "isv.MOBILE_IN_BLACKLIST", "isv.SMS_MOBILE_BLACK"})
TEMPLATE_PROBLEMS = frozenset({
    "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_NAME_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.PARAM_LENGTH_LIMIT",
    "isv.PARAM_NOT_SUPPORT_URL", "isv.BLACK_KEY_CONTROL_LIMIT", "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
    "isv.INVALID_JSON_PARAM",
})
# The account, not the message: wait and try again (staff see it in the outbox's last error).
ACCOUNT_WAITS: dict[str, float | None] = {"isv.AMOUNT_NOT_ENOUGH": HOUR, "isv.OUT_OF_SERVICE": HOUR, "isv.DAY_LIMIT_CONTROL": DAY,
                 "Throttling": 1.0, "Throttling.User": 1.0, "isp.SYSTEM_ERROR": None, "isp.GATEWAY_ERROR": None}
FREQUENCY_LIMIT = "isv.BUSINESS_LIMIT_CONTROL"  # per number; the message says minute, hour or day
REFUSALS = RefusalCodes("Aliyun", INVALID_NUMBER, BLACKLISTED, TEMPLATE_PROBLEMS, ACCOUNT_WAITS)
# Receipt error codes meaning the number does not exist or is out of service (空号, 停机).
RECEIPT_INVALID_NUMBER = frozenset({"MK:0001", "MK:0004", "IC:0001", "IC:0015", "DB:0141", "MOBILE_NOT_EXIST"})
# SendSmsStatus in QuerySendDetails: 1 waiting for a receipt, 2 failed, 3 delivered.
NOT_SENT_STATUS = 2
_SHANGHAI = ZoneInfo("Asia/Shanghai")


class AliyunProvider(SmsProvider):
    """Aliyun SMS; replies come back (SmsUp callbacks)."""

    name = "aliyun"
    carries_replies = True
    max_batch = BATCH_LIMIT

    def __init__(self, access_key_id: str, access_key_secret: str, template_codes: Mapping[str, str],
                 endpoint: str = "", timeout: float = 10.0):
        scheme, host = split_endpoint(endpoint, DEFAULT_HOST)
        self.template_codes = dict(template_codes)
        self.timeout = timeout
        config = Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                        endpoint=host, protocol=scheme.upper(), region_id="cn-hangzhou",
                        read_timeout=int(timeout * 1000), connect_timeout=int(min(timeout, 5.0) * 1000))
        self._client = Client(config)

    def send(self, to_e164: str, body: str, *, idempotency_key: str, status_callback_url: str | None = None,
             template: TemplateMessage | None = None) -> SendResult:
        """SendSms with the kind's template; OutId is the idempotency key."""
        require_e164(to_e164)
        message = _required(template)
        request = sms_models.SendSmsRequest(
            phone_numbers=_aliyun_number(to_e164), sign_name=message.signature,
            template_code=template_code(self.template_codes, self.name, message.kind),
            template_param=json.dumps(dict(message.variables), ensure_ascii=False), out_id=idempotency_key)
        self._call(self._client.send_sms_with_options, request)
        return SendResult(provider_id(idempotency_key, to_e164), "accepted")

    def send_batch(self, items: Sequence[BatchItem]) -> list[SendResult | ProviderError]:
        """SendBatchSms per kind, up to 100 numbers each, every number with its own variables."""
        outcomes: list[SendResult | ProviderError | None] = [None] * len(items)
        for group in grouped(items, lambda item: item.template.kind if item.template else "", BATCH_LIMIT):
            members = [items[i] for i in group]
            try:
                results = self._send_group(members)
            except ProviderError as exc:
                results = [exc] * len(members)
            for index, result in zip(group, results):
                outcomes[index] = result
        return outcomes  # type: ignore[return-value]

    def _send_group(self, members: list[BatchItem]) -> list[SendResult | ProviderError]:
        if len(members) == 1:
            item = members[0]
            return [self.send(item.to_e164, item.body, idempotency_key=item.idempotency_key, template=item.template)]
        for item in members:
            require_e164(item.to_e164)
        templates = [_required(item.template) for item in members]
        batch_out_id = BATCH_OUT_ID + uuid.uuid4().hex
        request = sms_models.SendBatchSmsRequest(
            phone_number_json=json.dumps([_aliyun_number(item.to_e164) for item in members]),
            sign_name_json=json.dumps([t.signature for t in templates], ensure_ascii=False),
            template_code=template_code(self.template_codes, self.name, templates[0].kind),
            template_param_json=json.dumps([dict(t.variables) for t in templates], ensure_ascii=False),
            out_id=batch_out_id)
        self._call(self._client.send_batch_sms_with_options, request)
        return [SendResult(provider_id(batch_out_id, item.to_e164), "accepted") for item in members]

    def find_sent(self, idempotency_key: str, *, to_e164: str, body: str, since: datetime,
                  exclude_ids: frozenset[str] = frozenset(), template: TemplateMessage | None = None,
                  ) -> SendResult | None:
        """QuerySendDetails for the number on each day since ``since``: the record with our OutId.

        A batch carries one OutId, so a batch record of the same template counts too,
        leaving out the ids the outbox holds for other messages (the residual risk Twilio has).
        """
        code = self.template_codes.get(template.kind) if template else None
        day = since.astimezone(_SHANGHAI).date()
        today = datetime.now(_SHANGHAI).date()
        while day <= today:
            for record in self._records(to_e164, day):
                found = _matching(record, idempotency_key, code, to_e164, exclude_ids)
                if found is not None:
                    return found
            day += timedelta(days=1)
        return None

    def pull_inbound(self, awaiting: Sequence[AwaitingReceipt] = ()) -> list[InboundEvent]:
        """Receipts of the ``awaiting`` messages from QuerySendDetails.

        Aliyun's API has no pull for replies (they come by SmsUp callback or its message
        queue), so pull mode gets receipts only.
        """
        wanted_on: dict[tuple[str, date], set[str]] = {}
        for item in awaiting:
            day = item.sent_at.astimezone(_SHANGHAI).date()
            wanted_on.setdefault((item.to_e164, day), set()).add(item.provider_message_id)
        today = datetime.now(_SHANGHAI).date()
        events: list[InboundEvent] = []
        for (to_e164, day), wanted in sorted(wanted_on.items()):
            # Aliyun files a record under its own clock's day: one sent around midnight may be the next day's.
            for on in (day, day + timedelta(days=1)):
                if not wanted or on > today:
                    break
                for record in self._records(to_e164, on):
                    message_id = provider_id(record.out_id or "", to_e164)
                    if message_id not in wanted:
                        continue
                    wanted.discard(message_id)
                    receipt = receipt_for(record.out_id or "", to_e164, record.send_status, record.err_code or "")
                    if receipt is not None:
                        events.append(receipt)
        return events

    def _records(self, to_e164: str, day):
        page = 1
        while True:
            request = sms_models.QuerySendDetailsRequest(phone_number=_aliyun_number(to_e164),
                                                         send_date=day.strftime("%Y%m%d"),
                                                         page_size=LOOKUP_PAGE, current_page=page)
            try:
                answer = self._call(self._client.query_send_details_with_options, request)
            except ProviderError as exc:
                raise TemporaryProviderError(f"lookup failed: {exc.reason}", code=exc.code) from None
            dtos = answer.sms_send_detail_dtos.sms_send_detail_dto if answer.sms_send_detail_dtos else []
            yield from dtos or []
            if len(dtos or []) < LOOKUP_PAGE:
                return
            page += 1

    def _call(self, method, request):
        from darabonba.exceptions import ResponseException

        try:
            response = method(request, RuntimeOptions())
        except ResponseException as exc:
            raise _http_error(exc) from None
        except Exception as exc:  # noqa: BLE001 - the SDK wraps network errors in its own types
            raise transport_error(exc, "Aliyun") from None
        answer = response.body
        if answer.code != "OK":
            raise error_for_code(answer.code or "", answer.message or "")
        return answer


def provider_id(out_id: str, to_e164: str) -> str:
    """The outbox's id of one message: the send's OutId and a digest of the number."""
    return f"{out_id}/{phone_digest(to_e164)}"


def error_for_code(code: str, message: str = "") -> ProviderError:
    """The provider error for an Aliyun response Code other than OK (messages may quote the number: dropped)."""
    wait = _limit_wait(message) if code == FREQUENCY_LIMIT else None
    return classify_refusal(code, REFUSALS, frequency_wait=wait)


def receipt_for(out_id: str, to_e164: str, status: int | str, err_code: str) -> DeliveryReceipt | None:
    """A receipt from a QuerySendDetails record (status 1 waiting, 2 failed, 3 delivered)."""
    if str(status) not in ("2", "3"):
        return None
    delivered = str(status) == "3"
    return DeliveryReceipt(provider_id(out_id, to_e164), ReceiptStatus.DELIVERED if delivered else ReceiptStatus.FAILED,
                           "" if delivered else err_code, invalid_number=err_code in RECEIPT_INVALID_NUMBER)


def _limit_wait(message: str) -> float:
    # Aliyun says which limit: 触发分钟级流控 / 触发小时级流控 / 触发天级流控.
    if "天级" in message:
        return DAY
    if "小时级" in message:
        return HOUR
    return MINUTE


def _http_error(exc) -> ProviderError:
    status = getattr(exc, "status_code", None) or 0
    code = str(getattr(exc, "code", "") or "")
    if status == 429 or status >= 500 or code.startswith("Throttling"):
        # An HTTP error answer means the request was refused before it was accepted.
        return TemporaryProviderError(f"Aliyun HTTP {status} {code}", code=code, maybe_sent=False)
    return PermanentProviderError(f"Aliyun HTTP {status} {code}: check ALIYUN_ACCESS_KEY_ID/SECRET and the endpoint",
                                  code=code)


def _matching(record, idempotency_key: str, code: str | None, to_e164: str,
              exclude_ids: frozenset[str]) -> SendResult | None:
    if record.send_status == NOT_SENT_STATUS:
        return None
    out_id = record.out_id or ""
    ours = out_id == idempotency_key or (
        out_id.startswith(BATCH_OUT_ID) and (code is None or record.template_code == code))
    if not ours:
        return None
    found = provider_id(out_id, to_e164)
    return None if found in exclude_ids else SendResult(found, "accepted")


def _required(template: TemplateMessage | None) -> TemplateMessage:
    if template is None:
        raise PermanentProviderError("Aliyun sends approved templates only: no template given",
                                     code="template_missing", template_problem=True)
    return template


def _aliyun_number(e164: str) -> str:
    # Mainland numbers without the country code; others as country code and number, no "+".
    return national_digits(e164) if e164.startswith("+86") else e164.lstrip("+")



# -- callbacks (HTTP batch push: a JSON array per request, unsigned) -----------------------

CALLBACK_ANSWER = {"code": 0, "msg": "成功"}


def parse_report_callback(records: list) -> list[DeliveryReceipt]:
    """SmsReport records: phone_number, success, err_code, out_id (and biz_id, times)."""
    receipts: list[DeliveryReceipt] = []
    for record in records:
        to_e164 = _e164(str(record["phone_number"]))
        success = record.get("success") in (True, "true", "True")
        err_code = str(record.get("err_code") or "")
        receipt = receipt_for(str(record.get("out_id") or ""), to_e164, 3 if success else 2, err_code)
        if receipt is not None:  # always: status 3 or 2 is a final state
            receipts.append(receipt)
    return receipts


def parse_reply_callback(records: list) -> list[InboundReply]:
    """SmsUp records: phone_number, content, sequence_id (unique per reply), dest_code."""
    return [InboundReply(f"aliyun:{record['sequence_id']}", _e164(str(record["phone_number"])), str(record["content"]),
                         str(record.get("dest_code") or ""))
            for record in records]


def _e164(number: str) -> str:
    digits = number.strip().lstrip("+")
    return f"+86{digits}" if len(digits) == 11 and digits.startswith("1") else f"+{digits}"
