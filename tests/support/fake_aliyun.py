"""A fake Aliyun SMS (dysmsapi 2017-05-25) on loopback that checks the SDK's ACS3-HMAC-SHA256 signature.

It speaks the RPC wire format the official SDK uses (the action in ``x-acs-action``, the
parameters in the query string, JSON answers) for SendSms, SendBatchSms and
QuerySendDetails, refuses a request whose signature does not match the secret (HTTP 400
SignatureDoesNotMatch, as the real service does) and answers business errors as Aliyun
does: HTTP 200 with a Code other than OK. The signature check is written from Aliyun's
V3 signature documentation, not copied from the SDK.
"""

import hashlib
import hmac
import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

from tests.support.loopback import FakeRequest, LoopbackFake

ACCESS_KEY_ID = "LTAI-test-key"
ACCESS_KEY_SECRET = "aliyun-test-secret"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_CLOCK_SKEW = timedelta(minutes=15)


@dataclass
class AliyunMessage:
    to: str  # E.164
    sign_name: str
    template_code: str
    params: dict[str, str]
    out_id: str
    biz_id: str
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def sid(self) -> str:
        """The id jobmatch records for this message (its OutId and the number)."""
        from notifications.providers.aliyun_provider import provider_id

        return provider_id(self.out_id, self.to)


class FakeAliyun(LoopbackFake):
    def __init__(self, template_codes: set[str] | None = None, secrets: dict[str, str] | None = None):
        super().__init__()
        self.secrets = secrets or {ACCESS_KEY_ID: ACCESS_KEY_SECRET}
        self.template_codes = template_codes  # None: any code is approved
        self.messages: list[AliyunMessage] = []
        self.batch_requests = 0
        self.refused_signatures = 0
        self._business_errors: dict[str, tuple[str, str]] = {}  # number -> (Code, Message)
        self._refused_templates: set[str] = set()
        self._biz_ids = itertools.count(100_000)

    # -- controls -------------------------------------------------------------------------
    def limit_number(self, e164: str, level: str = "分钟级") -> None:
        """Sends to ``e164`` hit the per-number frequency limit until ``clear_limits``."""
        self._business_errors[_national(e164)] = ("isv.BUSINESS_LIMIT_CONTROL", f"触发{level}流控Permits:1")

    def blacklist_number(self, e164: str) -> None:
        self._business_errors[_national(e164)] = ("isv.MOBILE_IN_BLACKLIST", "号码在黑名单中")

    def clear_limits(self) -> None:
        self._business_errors.clear()

    def refuse_template(self, code: str) -> None:
        """Sends with TemplateCode ``code`` are refused as not approved."""
        self._refused_templates.add(code)

    def approve_template(self, code: str) -> None:
        self._refused_templates.discard(code)

    # -- the wire ---------------------------------------------------------------------------
    def http_error_body(self, status: int) -> dict[str, Any]:
        return {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure.",
                "RequestId": uuid.uuid4().hex}

    def handle(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        problem = self._authentication_problem(request)
        if problem is not None:
            return problem
        action = request.headers.get("x-acs-action", "")
        handler = {"SendSms": self._send_sms, "SendBatchSms": self._send_batch_sms,
                   "QuerySendDetails": self._query_send_details}.get(action)
        if handler is None:
            return 404, _error("InvalidAction.NotFound", f"Specified api is not found: {action}")
        params = dict(request.query)
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        return handler(params)

    def _authentication_problem(self, request: FakeRequest) -> tuple[int, dict] | None:
        authorization = request.headers.get("authorization", "")
        algorithm, _, fields = authorization.partition(" ")
        parts = dict(part.split("=", 1) for part in fields.split(",") if "=" in part)
        if algorithm != "ACS3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            return 400, _error("IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        secret = self.secrets.get(parts["Credential"])
        if secret is None:
            return 404, _error("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if request.headers.get("x-acs-content-sha256") != hashlib.sha256(request.body).hexdigest():
            return 400, _error("IncompleteSignature", "x-acs-content-sha256 does not match the body.")
        expected = acs3_signature(request, parts["SignedHeaders"], secret)
        if not hmac.compare_digest(expected, parts["Signature"]):
            with self.lock:
                self.refused_signatures += 1
            return 400, _error("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        sent_at = datetime.strptime(request.headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC)
        if abs(datetime.now(UTC) - sent_at) > MAX_CLOCK_SKEW:
            return 400, _error("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        return None

    def _send_sms(self, query: dict[str, str]) -> tuple[int, dict]:
        numbers = query.get("PhoneNumbers", "").split(",")
        params = json.loads(query.get("TemplateParam") or "{}")
        return self._take(numbers, [query.get("SignName", "")] * len(numbers), query.get("TemplateCode", ""),
                          [params] * len(numbers), query.get("OutId", ""))

    def _send_batch_sms(self, query: dict[str, str]) -> tuple[int, dict]:
        numbers = json.loads(query.get("PhoneNumberJson") or "[]")
        signs = json.loads(query.get("SignNameJson") or "[]")
        params = json.loads(query.get("TemplateParamJson") or "[]")
        if not numbers or len(numbers) > 100 or len(signs) != len(numbers) or len(params) != len(numbers):
            return 200, _error("isv.INVALID_PARAMETERS", "PhoneNumberJson, SignNameJson and TemplateParamJson differ")
        with self.lock:
            self.batch_requests += 1
        return self._take(numbers, signs, query.get("TemplateCode", ""), params, query.get("OutId", ""))

    def _take(self, numbers, signs, code, params, out_id) -> tuple[int, dict]:
        if not code or code in self._refused_templates or (self.template_codes is not None
                                                            and code not in self.template_codes):
            return 200, _error("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)")
        if any(not sign for sign in signs):
            return 200, _error("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法(不存在或被拉黑)")
        for number in numbers:
            if not (number.isdigit() and (len(number) == 11 and number.startswith("1") or len(number) > 11)):
                return 200, _error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
            if number in self._business_errors:
                return 200, _error(*self._business_errors[number])
        biz_id = f"{next(self._biz_ids)}^0"
        with self.lock:
            for number, sign, variables in zip(numbers, signs, params):
                self.messages.append(AliyunMessage(_e164(number), sign, code, dict(variables), out_id, biz_id))
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": uuid.uuid4().hex}

    def _query_send_details(self, query: dict[str, str]) -> tuple[int, dict]:
        to = _e164(query.get("PhoneNumber", ""))
        day = query.get("SendDate", "")
        page_size, page = int(query.get("PageSize") or 10), int(query.get("CurrentPage") or 1)
        with self.lock:
            found = [m for m in self.messages if m.to == to and m.sent_at.astimezone(SHANGHAI).strftime("%Y%m%d") == day]
        shown = found[(page - 1) * page_size: page * page_size]
        return 200, {"Code": "OK", "Message": "OK", "RequestId": uuid.uuid4().hex, "TotalCount": len(found),
                     "SmsSendDetailDTOs": {"SmsSendDetailDTO": [_detail(m) for m in shown]}}

    # -- what tests read ----------------------------------------------------------------------
    def sent_to(self, e164: str) -> list[AliyunMessage]:
        with self.lock:
            return [m for m in self.messages if m.to == e164]


def acs3_signature(request: FakeRequest, signed_headers: str, secret: str) -> str:
    """Aliyun's V3 signature of ``request`` over the headers it says it signed."""
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(request.query.items()))
    names = signed_headers.split(";")
    canonical_headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in names)
    canonical_request = "\n".join([request.method, request.path or "/", canonical_query, canonical_headers,
                                   signed_headers, request.headers.get("x-acs-content-sha256", "")])
    string_to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical_request.encode()).hexdigest()
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def report_callback(messages: list[AliyunMessage], success: bool = True, err_code: str = "DELIVERED") -> bytes:
    """The SmsReport body Aliyun posts for ``messages``."""
    now = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    return json.dumps([{"phone_number": _national(m.to), "send_time": now, "report_time": now, "success": success,
                        "err_code": err_code, "err_msg": "用户接收成功" if success else "失败", "sms_size": "1",
                        "biz_id": m.biz_id, "out_id": m.out_id} for m in messages], ensure_ascii=False).encode()


_sequence = itertools.count(1)


def reply_callback(e164: str, content: str, sequence_id: int | None = None) -> bytes:
    """The SmsUp body Aliyun posts for a reply."""
    return json.dumps([{"phone_number": _national(e164), "send_time": datetime.now(SHANGHAI).strftime(
        "%Y-%m-%d %H:%M:%S"), "content": content, "sign_name": "安置点就业服务", "dest_code": "1234",
        "sequence_id": sequence_id or next(_sequence)}], ensure_ascii=False).encode()


def _detail(message: AliyunMessage) -> dict[str, Any]:
    when = message.sent_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    return {"PhoneNum": _national(message.to), "SendStatus": 3, "ErrCode": "DELIVERED",
            "TemplateCode": message.template_code, "Content": f"【{message.sign_name}】...", "SendDate": when,
            "ReceiveDate": when, "OutId": message.out_id}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"Code": code, "Message": message, "RequestId": uuid.uuid4().hex}


def _encode(text: str) -> str:
    return quote(text, safe="~")


def _national(e164: str) -> str:
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


def _e164(number: str) -> str:
    return f"+86{number}" if len(number) == 11 else f"+{number}"
