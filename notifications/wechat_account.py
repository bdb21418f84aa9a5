"""The WeChat service account's settings and outcomes, without wechatpy (an optional extra).

The web app imports this at start; notifications.wechat (which needs ``pip install ".[wechat]"``)
is imported only when WeChat is on and used.
"""

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/"
DEFAULT_OAUTH_BASE_URL = "https://open.weixin.qq.com/connect/"
# Where a worker grants one one-time subscription notice (一次性订阅消息).
SUBSCRIBE_CONFIRM_URL = "https://mp.weixin.qq.com/mp/subscribemsg"
ONE_TIME_SCENE = 1000  # our scene number for "the next job offer" (WeChat allows 0-10000)
REQUEST_TIMEOUT = 10

# Subscription-notice error codes (bizsend and one-time subscribe): the person cannot get it
# by WeChat now, so the message goes by SMS at once.
REFUSAL_CODES = {
    43101: "user_refused",      # refused, unsubscribed, or the one-time grant is used up
    43004: "not_following",     # the worker unfollowed the account
    43019: "blocked",           # the worker is on the account's blacklist
    40003: "invalid_openid",
    45009: "quota_used",        # the account's daily API quota
    45047: "quota_used",
    47003: "template_data",     # the template's fields refused the data
    40037: "invalid_template",
}


class NoticeOutcome(StrEnum):
    SENT = "sent"
    REFUSED = "refused"  # by WeChat for this person or template: SMS instead
    FAILED = "failed"    # WeChat did not answer or erred: SMS instead as well


@dataclass(frozen=True)
class NoticeResult:
    outcome: NoticeOutcome
    code: str = ""    # WeChat's errcode, or "" when sent
    reason: str = ""  # REFUSAL_CODES' word, or the failure's class
    msgid: str = ""


@dataclass(frozen=True)
class WechatConfig:
    """The account's settings (jobmatch.config passes them in)."""

    app_id: str
    app_secret: str
    token: str = ""
    aes_key: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    oauth_base_url: str = DEFAULT_OAUTH_BASE_URL
    template_ids: dict[str, str] = field(default_factory=dict)
    long_term: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_secret)


def parse_template_ids(raw: str) -> dict[str, str]:
    """``"job_offer=TPL1, fair_invitation=TPL2"`` as a dict; ValueError names a malformed entry."""
    ids: dict[str, str] = {}
    for entry in filter(None, (piece.strip() for piece in (raw or "").split(","))):
        kind, sep, template_id = entry.partition("=")
        if not sep or not kind.strip() or not template_id.strip():
            raise ValueError(f"“{entry}” is not kind=template_id")
        ids[kind.strip()] = template_id.strip()
    return ids


def mask_openid(openid: str | None) -> str:
    """The first 4 and last 2 characters: enough for staff to tell two bindings apart."""
    if not openid:
        return ""
    return openid[:4] + "…" + openid[-2:] if len(openid) > 8 else "…"


def with_slash(url: str) -> str:
    """A base URL ending in one slash."""
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class Incoming:
    """What WeChat posted, normalised: a text, a (un)follow event, or something else."""

    kind: str  # "text" | "subscribe" | "unsubscribe" | "other"
    openid: str
    account: str  # the account's own id (ToUserName), for the reply
    content: str = ""
    msg_id: str = ""


class ForgedRequest(Exception):
    """The call does not carry WeChat's signature."""


class OAuthRefused(Exception):
    """WeChat did not exchange the code (expired, used, forged)."""


def jsapi_signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """The JS-SDK signature as WeChat documents it (sha1 of the sorted fields), for checking."""
    raw = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(raw.encode()).hexdigest()


def subscribe_confirm_url(config: WechatConfig, template_id: str, redirect_url: str, reserved: str) -> str:
    """WeChat's page where the worker allows one notice of ``template_id`` (one-time subscription)."""
    from urllib.parse import urlencode

    query = urlencode([("action", "get_confirm"), ("appid", config.app_id), ("scene", ONE_TIME_SCENE),
                       ("template_id", template_id), ("redirect_url", redirect_url), ("reserved", reserved)])
    return f"{SUBSCRIBE_CONFIRM_URL}?{query}#wechat_redirect"
