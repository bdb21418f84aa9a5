"""Shared by the tests of the Aliyun and Tencent Cloud providers: the fakes and an app that sends to them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from notifications.providers.aliyun_provider import provider_id as aliyun_provider_id
from notifications.providers.template_codes import load_template_codes
from tests.support import fake_aliyun, fake_tencent

CALLBACK_TOKEN = "callback-secret-0123456789abcdef"


@dataclass
class Domestic:
    """One domestic provider's fake and how to talk to it like the provider does."""

    name: str
    fake: Any
    receipt_kind: str  # the callback path for receipts: aliyun "report", tencent "status"
    receipt_body: Callable[..., bytes]
    reply_body: Callable[[str, str], bytes]

    def config(self, **overrides) -> dict:
        """App settings sending through this fake (and taking its callbacks)."""
        return dict(provider_config(self), **overrides)

    def sent_to(self, e164: str) -> list:
        return self.fake.sent_to(e164)

    def sid(self, message) -> str:
        """The provider message id the outbox records for a message the fake took."""
        return aliyun_provider_id(message.out_id, message.to) if self.name == "aliyun" else message.serial_no

    def callback_url(self, kind: str, token: str = CALLBACK_TOKEN) -> str:
        return f"/sms/{self.name}/{token}/{kind}"


def provider_config(domestic: Domestic) -> dict:
    common = {"SMS_PROVIDER": domestic.name, "SMS_CALLBACK_TOKEN": CALLBACK_TOKEN, "TWILIO_TIMEOUT": 4.0,
              "SMS_RETRY_BASE_SECONDS": 0.0, "SMS_RETRY_MAX_SECONDS": 0.0}
    return dict(common, **credentials(domestic.name, domestic.fake.url))


def credentials(name: str, url: str) -> dict:
    if name == "aliyun":
        return {"ALIYUN_ACCESS_KEY_ID": fake_aliyun.ACCESS_KEY_ID,
                "ALIYUN_ACCESS_KEY_SECRET": fake_aliyun.ACCESS_KEY_SECRET, "ALIYUN_SMS_ENDPOINT": url}
    return {"TENCENT_SECRET_ID": fake_tencent.SECRET_ID, "TENCENT_SECRET_KEY": fake_tencent.SECRET_KEY,
            "TENCENT_SMS_APP_ID": fake_tencent.SDK_APP_ID, "TENCENT_SMS_ENDPOINT": url}


def start(name: str) -> Domestic:
    """The fake for ``name``, started; every code of the repository's template table is approved."""
    if name == "aliyun":
        fake = fake_aliyun.FakeAliyun(set(load_template_codes(None, "aliyun").values())).start()
        return Domestic("aliyun", fake, "report", fake_aliyun.report_callback, fake_aliyun.reply_callback)
    fake = fake_tencent.FakeTencent(set(load_template_codes(None, "tencent").values())).start()
    return Domestic("tencent", fake, "status", fake_tencent.status_callback, fake_tencent.reply_callback)


def template_code(name: str, kind: str) -> str:
    return load_template_codes(None, name)[kind]
