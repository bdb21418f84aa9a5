"""A fake WeChat (api.weixin.qq.com and open.weixin.qq.com) on loopback, driven by wechatpy.

It answers what jobmatch asks of WeChat, in WeChat's wire format (JSON with errcode/errmsg,
HTTP 200 even for errors):
- GET /cgi-bin/token: checks appid and secret (40013 / 40125 otherwise);
- GET /connect/oauth2/authorize: what WeChat's browser does for snsapi_base: a 302 back to
  redirect_uri with a one-use code for ``browser_openid`` (the person "holding the phone");
- GET /sns/oauth2/access_token: exchanges such a code (40029 for an unknown or used one);
- POST /cgi-bin/message/subscribe/bizsend (long-term) and /cgi-bin/message/template/subscribe
  (one-time): checks the access token (40001) and refuses openids told to (43101 not
  subscribed, 43019 blocked, 45009 quota ...);
- GET /cgi-bin/ticket/getticket: the JS-SDK ticket.
It also builds what WeChat's servers post to the server URL: signed query strings, text and
event XML, and safe-mode encryption. Every openid and access token it hands out is noted
beside the test run's log, so the log scan fails on any of them (tests/log_scan.py).
"""

import itertools
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.support.loopback import FakeRequest, LoopbackFake, _handler_for

APP_ID = "wx0123456789abcdef"
APP_SECRET = "wechat-test-secret"
TOKEN = "wechat-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat gives it
ACCOUNT = "gh_0123456789ab"
JSAPI_TICKET_PREFIX = "jsapi-ticket-"
SECRETS_FILE_NAME = "wechat-secrets.txt"


def note_secret(value: str) -> None:
    """Write an openid or token beside the run's log: the log scan fails on any line holding it."""
    log_file = os.environ.get("JOBMATCH_LOG_FILE")
    if log_file and value:
        with open(Path(log_file).with_name(SECRETS_FILE_NAME), "a", encoding="utf-8") as out:
            out.write(value + "\n")


def new_openid() -> str:
    openid = "o" + secrets.token_urlsafe(20)[:27]
    note_secret(openid)
    return openid


@dataclass
class Notice:
    openid: str
    template_id: str
    data: dict[str, Any]
    url: str
    long_term: bool


class FakeWeChat(LoopbackFake):
    content_type = "application/json; encoding=utf-8"

    def __init__(self, app_id: str = APP_ID, secret: str = APP_SECRET):
        super().__init__()
        self.app_id, self.secret = app_id, secret
        self.tokens: set[str] = set()
        self.oauth_codes: dict[str, str] = {}
        self.notices: list[Notice] = []
        self.refusals: dict[str, int] = {}
        self.browser_openid = ""
        self.ticket = JSAPI_TICKET_PREFIX + secrets.token_hex(8)
        self._msgids = itertools.count(1000)

    # -- controls -------------------------------------------------------------------------
    def refuse(self, openid: str, errcode: int = 43101) -> None:
        """Notices to ``openid`` get ``errcode`` from now on."""
        self.refusals[openid] = errcode

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def oauth_code_for(self, openid: str) -> str:
        code = secrets.token_hex(8)
        with self.lock:
            self.oauth_codes[code] = openid
        return code

    # -- the wire -------------------------------------------------------------------------
    def start(self):
        import threading
        from http.server import ThreadingHTTPServer

        base = _handler_for(self)
        fake = self

        class Handler(base):  # type: ignore[misc,valid-type]
            def _serve(self) -> None:
                if self.command == "GET" and self.path.startswith("/connect/oauth2/authorize"):
                    self.send_response(302)
                    self.send_header("Location", fake.authorize(self.path))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super()._serve()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def authorize(self, path: str) -> str:
        from urllib.parse import parse_qsl, urlsplit

        query = dict(parse_qsl(urlsplit(path).query))
        assert query.get("appid") == self.app_id and query.get("scope") == "snsapi_base", query
        code = self.oauth_code_for(self.browser_openid)
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return f"{query['redirect_uri']}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"

    def handle(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        path = request.path
        if path == "/cgi-bin/token":
            return 200, self._token(request.query)
        if path == "/sns/oauth2/access_token":
            return 200, self._oauth(request.query)
        if request.query.get("access_token") not in self.tokens:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if path in ("/cgi-bin/message/subscribe/bizsend", "/cgi-bin/message/template/subscribe"):
            return 200, self._notice(json.loads(request.body or b"{}"), long_term=path.endswith("bizsend"))
        if path == "/cgi-bin/ticket/getticket":
            return 200, {"errcode": 0, "errmsg": "ok", "ticket": self.ticket, "expires_in": 7200}
        return 404, {"errcode": 404, "errmsg": f"no fake for {path}"}

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = "ACCESS" + secrets.token_urlsafe(24)
        note_secret(token)
        with self.lock:
            self.tokens.add(token)
        return {"access_token": token, "expires_in": 7200}

    def _oauth(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("appid") != self.app_id or query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        with self.lock:
            openid = self.oauth_codes.pop(query.get("code", ""), None)
        if not openid:
            return {"errcode": 40029, "errmsg": "invalid code"}
        token = "SNS" + secrets.token_urlsafe(24)
        note_secret(token)
        return {"access_token": token, "expires_in": 7200, "refresh_token": "R" + token, "openid": openid,
                "scope": "snsapi_base"}

    def _notice(self, body: dict[str, Any], long_term: bool) -> dict[str, Any]:
        openid = body.get("touser", "")
        refusal = self.refusals.get(openid)
        if refusal:
            return {"errcode": refusal, "errmsg": "user refuse to accept the msg"}
        with self.lock:
            self.notices.append(Notice(openid, body.get("template_id", ""), body.get("data", {}),
                                       body.get("page") or body.get("url") or "", long_term))
            return {"errcode": 0, "errmsg": "ok", "msgid": next(self._msgids)}


# -- what WeChat posts to the server URL -----------------------------------------------------

def signed_query(token: str = TOKEN, **extra: str) -> dict[str, str]:
    """signature, timestamp and nonce as WeChat signs a call to the server URL."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce, **extra}


def text_xml(openid: str, content: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(openid: str, event: str) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def encrypted(xml: str, query: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The safe-mode body and query for ``xml`` (msg_signature over the encrypted text)."""
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    body = crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
    from xml.etree import ElementTree

    root = ElementTree.fromstring(body)
    return body, dict(query, encrypt_type="aes", msg_signature=root.findtext("MsgSignature") or "")


def decrypt_reply(body: str, query: dict[str, str]) -> str:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(body)
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    return crypto.decrypt_message(body, root.findtext("MsgSignature") or "", root.findtext("TimeStamp") or "",
                                  root.findtext("Nonce") or "")


def wechat_settings(fake: FakeWeChat, **overrides: Any) -> dict[str, Any]:
    """The WECHAT_* settings pointing at ``fake`` (every push kind has a template)."""
    values = {
        "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_API_BASE_URL": fake.url + "/", "WECHAT_OAUTH_BASE_URL": fake.url + "/connect/",
        "WECHAT_TEMPLATE_IDS": "job_offer=TPL-OFFER,welfare_post=TPL-WELFARE,fair_invitation=TPL-FAIR,"
                               "fair_reminder=TPL-FAIR-REMIND,follow_up=TPL-FOLLOW,gig_offer=TPL-GIG,"
                               "export_invitation=TPL-EXPORT,export_reminder=TPL-EXPORT-REMIND",
        "WECHAT_FALLBACK_MINUTES": 60, "WECHAT_LONG_TERM": True,
    }
    values.update(overrides)
    return values
