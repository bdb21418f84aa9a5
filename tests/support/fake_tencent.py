"""A fake Tencent Cloud SMS (sms 2021-01-11) on loopback that checks the SDK's TC3-HMAC-SHA256 signature.

It speaks the API 3.0 wire format the official SDK uses (POST /, JSON body, the action in
X-TC-Action, answers inside ``{"Response": ...}``, errors as ``Response.Error`` with HTTP
200) for SendSms, PullSmsSendStatus, PullSmsReplyStatus and
PullSmsSendStatusByPhoneNumber. A wrong secret gets AuthFailure.SignatureFailure as from
the real service. The signature check is written from Tencent's TC3 documentation.
"""

import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.support.loopback import FakeRequest, LoopbackFake

SECRET_ID = "AKID-test"
SECRET_KEY = "tencent-test-secret"
SDK_APP_ID = "1400000001"
MAX_CLOCK_SKEW = 300


@dataclass
class TencentMessage:
    to: str  # E.164
    sign_name: str
    template_id: str
    params: list[str]
    session_context: str
    serial_no: str
    sent_at: float = field(default_factory=time.time)

    @property
    def sid(self) -> str:
        return self.serial_no


class FakeTencent(LoopbackFake):
    content_type = "application/json"  # exactly: the SDK reads errors only from this type
    def __init__(self, template_ids: set[str] | None = None, secrets: dict[str, str] | None = None):
        super().__init__()
        self.secrets = secrets or {SECRET_ID: SECRET_KEY}
        self.template_ids = template_ids
        self.messages: list[TencentMessage] = []
        self.send_requests = 0
        self.refused_signatures = 0
        self.pending_receipts: list[dict] = []
        self.pending_replies: list[dict] = []
        self._number_codes: dict[str, str] = {}
        self._refused_templates: set[str] = set()
        self._serials = itertools.count(1)

    # -- controls -------------------------------------------------------------------------
    def limit_number(self, e164: str, code: str = "LimitExceeded.PhoneNumberThirtySecondLimit") -> None:
        self._number_codes[e164] = code

    def clear_limits(self) -> None:
        self._number_codes.clear()

    def refuse_template(self, template_id: str) -> None:
        self._refused_templates.add(template_id)

    def add_reply(self, e164: str, text: str) -> None:
        """A reply waiting for PullSmsReplyStatus."""
        with self.lock:
            self.pending_replies.append({"ExtendCode": "", "CountryCode": "86", "PhoneNumber": e164,
                                         "SubscriberNumber": e164[3:], "SignName": "安置点就业服务",
                                         "ReplyContent": text, "ReplyTime": datetime.now().strftime("%Y-%m-%d %H:%M:%S")})

    # -- the wire ---------------------------------------------------------------------------
    def http_error_body(self, status: int) -> dict[str, Any]:
        return {"error": "bad gateway"}

    def handle(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        problem = self._authentication_problem(request)
        if problem is not None:
            return 200, _error(*problem)
        params = json.loads(request.body or b"{}")
        if params.get("SmsSdkAppId") != SDK_APP_ID:
            return 200, _error("FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail")
        action = request.headers.get("x-tc-action", "")
        handler = {"SendSms": self._send_sms, "PullSmsSendStatus": self._pull_status,
                   "PullSmsReplyStatus": self._pull_replies,
                   "PullSmsSendStatusByPhoneNumber": self._status_by_number}.get(action)
        if handler is None:
            return 200, _error("InvalidAction", f"action {action} not found")
        return 200, {"Response": dict(handler(params), RequestId=str(uuid.uuid4()))}

    def _authentication_problem(self, request: FakeRequest) -> tuple[str, str] | None:
        authorization = request.headers.get("authorization", "")
        algorithm, _, rest = authorization.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if algorithm != "TC3-HMAC-SHA256" or not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
            return "AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256"
        secret_id, date, service, terminator = (fields["Credential"].split("/") + ["", "", ""])[:4]
        secret = self.secrets.get(secret_id)
        if secret is None:
            return "AuthFailure.SecretIdNotFound", "The SecretId is not found"
        timestamp = int(request.headers.get("x-tc-timestamp") or 0)
        if abs(time.time() - timestamp) > MAX_CLOCK_SKEW:
            return "AuthFailure.SignatureExpire", "Signature expired"
        expected = tc3_signature(request, fields["SignedHeaders"], secret, date, service, timestamp)
        if terminator != "tc3_request" or not hmac.compare_digest(expected, fields["Signature"]):
            with self.lock:
                self.refused_signatures += 1
            return "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
        return None

    def _send_sms(self, params: dict) -> dict:
        numbers = params.get("PhoneNumberSet") or []
        template_id = str(params.get("TemplateId") or "")
        if len(numbers) > 200:
            return _error_body("LimitExceeded.PhoneNumberCountLimit", "more than 200 numbers")
        if not params.get("SignName"):
            return _error_body("FailedOperation.SignatureIncorrectOrUnapproved", "signature not approved")
        if template_id in self._refused_templates or (self.template_ids is not None
                                                      and template_id not in self.template_ids):
            return _error_body("FailedOperation.TemplateIncorrectOrUnapproved", "template not approved")
        statuses = []
        with self.lock:
            self.send_requests += 1
            for number in numbers:
                code = self._number_codes.get(number) or ("Ok" if number.startswith("+861") and len(number) == 14
                                                           else "InvalidParameterValue.IncorrectPhoneNumber")
                serial = f"2433:{next(self._serials):012d}" if code == "Ok" else ""
                if code == "Ok":
                    message = TencentMessage(number, params["SignName"], template_id,
                                             list(params.get("TemplateParamSet") or []),
                                             params.get("SessionContext") or "", serial)
                    self.messages.append(message)
                    self.pending_receipts.append(_receipt(message))
                statuses.append({"SerialNo": serial, "PhoneNumber": number, "Fee": 1 if code == "Ok" else 0,
                                 "SessionContext": params.get("SessionContext") or "", "Code": code,
                                 "Message": "send success" if code == "Ok" else code, "IsoCode": "CN"})
        return {"SendStatusSet": statuses}

    def _pull_status(self, params: dict) -> dict:
        with self.lock:
            taken, self.pending_receipts = (self.pending_receipts[:params.get("Limit", 100)],
                                            self.pending_receipts[params.get("Limit", 100):])
        return {"PullSmsSendStatusSet": taken}

    def _pull_replies(self, params: dict) -> dict:
        with self.lock:
            taken, self.pending_replies = (self.pending_replies[:params.get("Limit", 100)],
                                           self.pending_replies[params.get("Limit", 100):])
        return {"PullSmsReplyStatusSet": taken}

    def _status_by_number(self, params: dict) -> dict:
        begin, end = params.get("BeginTime", 0), params.get("EndTime", time.time() + 60)
        with self.lock:
            found = [_receipt(m) for m in self.messages
                     if m.to == params.get("PhoneNumber") and begin <= m.sent_at <= end]
        offset, limit = params.get("Offset", 0), params.get("Limit", 100)
        return {"PullSmsSendStatusSet": found[offset:offset + limit]}

    def sent_to(self, e164: str) -> list[TencentMessage]:
        with self.lock:
            return [m for m in self.messages if m.to == e164]


def tc3_signature(request: FakeRequest, signed_headers: str, secret: str, date: str, service: str,
                  timestamp: int) -> str:
    """Tencent Cloud's TC3-HMAC-SHA256 signature of ``request``."""
    canonical_headers = "".join(f"{name}:{request.headers.get(name, '').strip().lower() if name == 'content-type' else request.headers.get(name, '').strip()}\n"
                                for name in signed_headers.split(";"))
    canonical_request = "\n".join([request.method, request.path or "/", "", canonical_headers, signed_headers,
                                   hashlib.sha256(request.body).hexdigest()])
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{date}/{service}/tc3_request",
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = ("TC3" + secret).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def status_callback(messages: list[TencentMessage], success: bool = True, errmsg: str = "DELIVRD") -> bytes:
    """The status report body Tencent posts for ``messages``."""
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    return json.dumps([{"user_receive_time": now, "nationcode": "86", "mobile": m.to[3:],
                        "report_status": "SUCCESS" if success else "FAIL", "errmsg": errmsg,
                        "description": "用户短信送达成功" if success else "失败", "sid": m.serial_no}
                       for m in messages], ensure_ascii=False).encode()


def reply_callback(e164: str, text: str, at: int | None = None) -> bytes:
    """The reply body Tencent posts."""
    return json.dumps({"extend": "", "mobile": e164[3:], "nationcode": "86", "sign": "安置点就业服务",
                       "text": text, "time": at or int(time.time())}, ensure_ascii=False).encode()


def _receipt(message: TencentMessage) -> dict:
    return {"UserReceiveTime": datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "CountryCode": "86",
            "SubscriberNumber": message.to[3:], "PhoneNumber": message.to, "SerialNo": message.serial_no,
            "ReportStatus": "SUCCESS", "Description": "DELIVRD", "SessionContext": message.session_context}


def _error(code: str, message: str) -> dict:
    return {"Response": dict(_error_body(code, message), RequestId=str(uuid.uuid4()))}


def _error_body(code: str, message: str) -> dict:
    return {"Error": {"Code": code, "Message": message}}
