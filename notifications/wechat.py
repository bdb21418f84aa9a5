"""The county's WeChat service account (服务号) through wechatpy: notices, OAuth, the server URL, JS-SDK.

Nothing here knows jobmatch. WeChat owns its wire format, so this module verifies and
parses what WeChat sends, and turns WeChat's error codes into three outcomes a channel
can act on: sent, refused (send by SMS instead) and failed for now (also SMS: the
person must hear of it).

openids and access tokens are personal data and credentials: ``mask_openid`` shows
them, nothing here logs them, and wechatpy's own loggers are quietened (they log URLs
holding the access token at DEBUG).
"""

import logging
import secrets
import time
from typing import Any
from urllib.parse import quote

from wechatpy import WeChatClient, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException, WeChatClientException, WeChatOAuthException
from wechatpy.oauth import WeChatOAuth
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from notifications.wechat_account import (  # noqa: F401  (re-exported: one place to import from)
    DEFAULT_API_BASE_URL,
    DEFAULT_OAUTH_BASE_URL,
    REFUSAL_CODES,
    REQUEST_TIMEOUT,
    ForgedRequest,
    Incoming,
    NoticeOutcome,
    NoticeResult,
    OAuthRefused,
    WechatConfig,
    jsapi_signature,
    mask_openid,
    parse_template_ids,
    with_slash,
)


class _NoWeChatSecrets(logging.Filter):
    """Drop urllib3's request lines to WeChat: their query strings hold the access token, secret and openid."""

    MARKERS = ("access_token=", "secret=", "/sns/", "openid=", "/cgi-bin/")

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is kept as logging would
            return True
        return not any(marker in text for marker in self.MARKERS)


logging.getLogger("wechatpy").setLevel(logging.WARNING)  # it logs requests with the token at DEBUG
logging.getLogger("urllib3.connectionpool").addFilter(_NoWeChatSecrets())


class AccountClient(WeChatClient):
    """wechatpy's client with its API base URL configurable (WeChat's own, or a fake in tests)."""

    def __init__(self, config: WechatConfig):
        super().__init__(config.app_id, config.app_secret, timeout=REQUEST_TIMEOUT)
        self.API_BASE_URL = with_slash(config.api_base_url) + "cgi-bin/"
        self._token_url = with_slash(config.api_base_url) + "cgi-bin/token"

    def fetch_access_token(self):
        # wechatpy writes WeChat's own address here; the configured one is used instead.
        return self._fetch_access_token(url=self._token_url, params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})


_clients: dict[tuple[str, str, str], AccountClient] = {}


def client_for(config: WechatConfig) -> AccountClient:
    """One client per account and address: it keeps the access token (2 hours) in memory."""
    key = (config.app_id, config.app_secret, config.api_base_url)
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = AccountClient(config)
    return client


# -- notices ---------------------------------------------------------------------------------

def send_notice(config: WechatConfig, openid: str, kind: str, fields: dict[str, str], url: str,
                title: str = "") -> NoticeResult:
    """Send one subscription notice of ``kind``: long-term (bizsend) or one-time (subscribe)."""
    template_id = config.template_ids.get(kind)
    if not template_id:
        return NoticeResult(NoticeOutcome.REFUSED, "", "no_template")
    data = {name: {"value": value[:20]} for name, value in fields.items()}
    client = client_for(config)
    try:
        if config.long_term:
            answer = client.message.send_subscribe_message(openid, template_id, data, page=url)
        else:
            answer = client.message.send_subscribe_template(openid, template_id, 1000, (title or "通知")[:15],
                                                            {"content": {"value": _one_line(fields)[:200]}},
                                                            url=url)
    except WeChatClientException as exc:
        code = int(exc.errcode) if exc.errcode is not None else None
        if code in REFUSAL_CODES:
            return NoticeResult(NoticeOutcome.REFUSED, str(code), REFUSAL_CODES[code])
        return NoticeResult(NoticeOutcome.FAILED, str(code or ""), "wechat_error")
    except Exception as exc:  # noqa: BLE001 - a timeout or a broken connection: the SMS goes instead
        return NoticeResult(NoticeOutcome.FAILED, "", type(exc).__name__)
    return NoticeResult(NoticeOutcome.SENT, msgid=str(answer.get("msgid", "")))


def _one_line(fields: dict[str, str]) -> str:
    return "；".join(value for value in fields.values() if value)


# -- sign-in by OAuth (snsapi_base: silent) -------------------------------------------------

def oauth(config: WechatConfig, redirect_uri: str, state: str = "") -> WeChatOAuth:
    client = WeChatOAuth(config.app_id, config.app_secret, redirect_uri, scope="snsapi_base", state=state)
    client.API_BASE_URL = with_slash(config.api_base_url)
    client.OAUTH_BASE_URL = with_slash(config.oauth_base_url)
    return client


def authorize_url(config: WechatConfig, redirect_uri: str, state: str) -> str:
    """Where WeChat's browser goes to come back with a code (silently, for snsapi_base)."""
    return oauth(config, redirect_uri, state).authorize_url


def openid_for_code(config: WechatConfig, code: str) -> str:
    """The openid of the person WeChat gave ``code`` for."""
    try:
        answer = oauth(config, "").fetch_access_token(code)
    except (WeChatOAuthException, WeChatClientException) as exc:
        raise OAuthRefused(f"WeChat refused the OAuth code (errcode {exc.errcode})") from None
    except Exception as exc:  # noqa: BLE001 - unreachable: the worker signs in by SMS code instead
        raise OAuthRefused(f"WeChat OAuth unreachable ({type(exc).__name__})") from None
    return str(answer["openid"])


# -- the server URL --------------------------------------------------------------------------

def verify_signature(config: WechatConfig, signature: str, timestamp: str, nonce: str) -> None:
    """ForgedRequest unless the server URL call is signed with the account's token."""
    if not config.token:
        raise ForgedRequest("no WECHAT_TOKEN")
    try:
        check_signature(config.token, signature or "", timestamp or "", nonce or "")
    except InvalidSignatureException:
        raise ForgedRequest("bad signature") from None


def read_incoming(config: WechatConfig, body: bytes, query: dict[str, str]) -> Incoming:
    """Verify and parse one POST to the server URL (plain or safe mode)."""
    verify_signature(config, query.get("signature", ""), query.get("timestamp", ""), query.get("nonce", ""))
    xml = body
    if query.get("encrypt_type") == "aes":
        try:
            xml = _crypto(config).decrypt_message(body, query.get("msg_signature", ""), query.get("timestamp", ""),
                                                  query.get("nonce", ""))
        except Exception:  # noqa: BLE001 - any decryption failure means it is not from WeChat
            raise ForgedRequest("bad encrypted message") from None
    message = parse_message(xml)
    openid, account = str(getattr(message, "source", "") or ""), str(getattr(message, "target", "") or "")
    if message.type == "text":
        return Incoming("text", openid, account, content=message.content or "", msg_id=str(message.id))
    if message.type == "event" and getattr(message, "event", "") in ("subscribe", "unsubscribe"):
        return Incoming(message.event, openid, account,
                        msg_id=f"{message.event}:{openid[-12:]}:{int(message.create_time.timestamp())}")
    return Incoming("other", openid, account)


def passive_reply(config: WechatConfig, incoming: Incoming, text: str, query: dict[str, str]) -> str:
    """The XML answering ``incoming`` with ``text`` (encrypted when it came encrypted)."""
    xml = TextReply(source=incoming.account, target=incoming.openid, content=text).render()
    if query.get("encrypt_type") == "aes":
        return _crypto(config).encrypt_message(xml, query.get("nonce", ""), query.get("timestamp", ""))
    return xml


def _crypto(config: WechatConfig) -> WeChatCrypto:
    return WeChatCrypto(config.token, config.aes_key, config.app_id)


# -- JS-SDK (the scanner on the staff check-in page) ----------------------------------------

def jsapi_config(config: WechatConfig, page_url: str) -> dict[str, Any]:
    """``wx.config`` for ``page_url`` (without its #fragment), signed server-side."""
    client = client_for(config)
    ticket = client.jsapi.get_jsapi_ticket()
    nonce, timestamp = secrets.token_hex(8), int(time.time())
    url = page_url.split("#", 1)[0]
    signature = client.jsapi.get_jsapi_signature(nonce, ticket, timestamp, url)
    return {"appId": config.app_id, "timestamp": timestamp, "nonceStr": nonce, "signature": signature,
            "jsApiList": ["scanQRCode"]}


def quote_state(value: str) -> str:
    return quote(value, safe="")
