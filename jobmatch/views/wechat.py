"""WeChat (/wechat/): the service account's server URL, silent sign-in by OAuth, notice links, JS-SDK config.

All of it answers 404 while WeChat is off (WECHAT_APP_ID / WECHAT_APP_SECRET unset). The
server URL needs WeChat's signature (with WECHAT_TOKEN), and in safe mode its encryption;
CSRF does not apply there: WeChat holds no session, the signature is the proof.
"""

import logging
import secrets

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user

from jobmatch import ledger
from jobmatch.auth import roles_required, sign_in
from jobmatch.config import settings_of
from jobmatch.db import get_session
from jobmatch.security import csrf
from jobmatch.services.accounts.worker_sign_in import SignInError, worker_user
from jobmatch.services.wechat import openid_cookie, wechat_config
from jobmatch.services.wechat.binding import binding_of, person_for_openid
from jobmatch.services.wechat.chat import handle_incoming
from jobmatch.services.wechat.notices import open_notice
from notifications import wechat_account
from notifications.wechat_account import ForgedRequest, OAuthRefused, WechatConfig

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__, url_prefix="/wechat")

OPENID_KEY = "wechat_openid"      # sealed: an openid waiting to be bound at the next SMS-code sign-in
STATE_KEY = "wechat_oauth_state"
NEXT_KEY = "wechat_next"
TRIED_KEY = "wechat_oauth_tried"  # OAuth came back without a usable code: sign in by SMS code instead
STAFF_ROLES = ("staff", "admin")


def _config() -> WechatConfig:
    config = wechat_config(settings_of(current_app))
    if not config.enabled:
        abort(404)
    return config


def _wechat():
    """notifications.wechat (wechatpy, the "wechat" extra): imported only once WeChat is on."""
    from notifications import wechat

    return wechat


def in_wechat_browser() -> bool:
    """WeChat's built-in browser says so in its user agent."""
    return "MicroMessenger" in (request.headers.get("User-Agent") or "")


def wechat_enabled() -> bool:
    return wechat_config(settings_of(current_app)).enabled


def pending_openid() -> str:
    return openid_cookie.unseal(str(current_app.secret_key), session.get(OPENID_KEY))


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison that takes any text a client sends."""
    return secrets.compare_digest(expected.encode(), given.encode())


def _safe_next(target: str | None) -> str:
    target = target or ""
    return target if target.startswith("/w/") and not target.startswith("//") else "/w/"


# -- the server URL ---------------------------------------------------------------------------

@bp.route("/callback", methods=["GET", "POST"])
@csrf.exempt
def callback():
    config = _config()
    query = request.args.to_dict()
    if request.method == "GET":  # WeChat checks the URL once when it is configured
        try:
            _wechat().verify_signature(config, query.get("signature", ""), query.get("timestamp", ""),
                                       query.get("nonce", ""))
        except ForgedRequest:
            abort(403)
        return Response(query.get("echostr", ""), mimetype="text/plain")
    try:
        incoming = _wechat().read_incoming(config, request.get_data(), query)
    except ForgedRequest:
        abort(403)
    db = get_session()
    text = handle_incoming(db, incoming)
    db.commit()
    if not text:
        return Response("success", mimetype="text/plain")  # WeChat's "nothing to say"
    return Response(_wechat().passive_reply(config, incoming, text, query), mimetype="application/xml")


# -- silent sign-in inside WeChat --------------------------------------------------------------

@bp.get("/signin")
def signin():
    """Ask WeChat (snsapi_base, no prompt) who this is; comes back to /wechat/oauth."""
    config = _config()
    session[STATE_KEY] = state = secrets.token_urlsafe(12)
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    redirect_uri = settings_of(current_app).public_base_url + url_for("wechat.oauth_return")
    return redirect(_wechat().authorize_url(config, redirect_uri, state))


@bp.get("/oauth")
def oauth_return():
    config = _config()
    target = session.pop(NEXT_KEY, "/w/")
    expected = session.pop(STATE_KEY, None)
    code = request.args.get("code", "")
    if not expected or not _same(expected, request.args.get("state", "")) or not code:
        session[TRIED_KEY] = True
        return redirect(url_for("worker.login", next=target))
    try:
        openid = _wechat().openid_for_code(config, code)
    except OAuthRefused as exc:
        log.warning("WeChat sign-in fell back to the SMS code: %s", exc)
        session[TRIED_KEY] = True
        return redirect(url_for("worker.login", next=target))
    db = get_session()
    person = person_for_openid(db, openid)
    if person is None:  # first time: the worker binds by signing in with phone + SMS code
        session[OPENID_KEY] = openid_cookie.seal(str(current_app.secret_key), openid)
        return redirect(url_for("worker.login", next=target))
    try:
        user = worker_user(db, person.id)
    except SignInError:
        db.rollback()
        session[TRIED_KEY] = True
        return redirect(url_for("worker.login", next=target))
    ledger.append(db, "wechat_signed_in", actor=f"person:{person.id}", person_id=person.id,
                  household_id=person.household_id, subject=f"person:{person.id}")
    db.commit()
    sign_in(user)
    session.pop("_flashes", None)  # "请先登录" from the page that sent us here: signed in now, silently
    return redirect(_safe_next(target))


# -- a notice's link ---------------------------------------------------------------------------

@bp.get("/open/<code>")
def open_link(code: str):
    """Mark the notice opened and go to its page (signing in inside WeChat if need be)."""
    _config()
    if not code or len(code) > 32:
        abort(404)
    db = get_session()
    path = open_notice(db, code) or abort(404)
    db.commit()
    return redirect(path)


# -- JS-SDK: the scanner on the staff check-in page ---------------------------------------------

@bp.get("/jsapi-config")
@roles_required(*STAFF_ROLES)
def jsapi():
    config = _config()
    page = request.args.get("url", "")
    base = settings_of(current_app).public_base_url
    if not page.startswith(base + "/"):
        abort(400)
    try:
        return jsonify(_wechat().jsapi_config(config, page))
    except Exception as exc:  # noqa: BLE001 - the page falls back to typing the code
        log.warning("WeChat JS-SDK ticket unavailable (%s)", type(exc).__name__)
        return jsonify({"error": "unavailable"}), 503


# -- used by the worker's sign-in pages ---------------------------------------------------------

def should_ask_wechat() -> bool:
    """A sign-in page opened in WeChat's browser asks WeChat first, once, unless an openid waits to be bound."""
    return (wechat_enabled() and in_wechat_browser() and not session.get(TRIED_KEY)
            and not pending_openid())


def bind_pending_openid(db, person_id: int) -> None:
    """After an SMS-code sign-in: bind the openid WeChat gave this browser (the first time) to the person."""
    from jobmatch.services.wechat.binding import bind

    openid = pending_openid()
    session.pop(OPENID_KEY, None)
    if openid and wechat_enabled():
        bind(db, person_id, openid, actor=f"person:{person_id}")
        db.commit()


# WeChat's JS-SDK is served only by WeChat: the check-in page opened in WeChat may load it, nothing else.
WECHAT_JS_SDK = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
WECHAT_SCAN_CSP = ("default-src 'self'; script-src 'self' https://res.wx.qq.com; style-src 'self'; "
                   "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def wechat_scan_wanted() -> bool:
    """The staff check-in page offers WeChat's scanner when opened in WeChat with WeChat configured."""
    return wechat_enabled() and in_wechat_browser()


# -- one-time subscriptions (accounts without long-term ones) ------------------------------------

GRANT_KEY = "wechat_grant_state"


def grant_offered() -> bool:
    """A bound worker in WeChat, on an account without long-term subscriptions, can allow the next offer."""
    if not (wechat_enabled() and in_wechat_browser()) or not current_user.is_authenticated:
        return False
    config = wechat_config(settings_of(current_app))
    return (not config.long_term and "job_offer" in config.template_ids
            and binding_of(get_session(), current_user.person_id) is not None)


@bp.get("/subscribe")
@roles_required("worker")
def subscribe():
    """Off to WeChat's page where the worker allows one notice of the next job offer."""
    config = _config()
    template_id = config.template_ids.get("job_offer") or abort(404)
    session[GRANT_KEY] = state = secrets.token_urlsafe(12)
    back = settings_of(current_app).public_base_url + url_for("wechat.subscribed")
    return redirect(wechat_account.subscribe_confirm_url(config, template_id, back, state))


@bp.get("/subscribed")
@roles_required("worker")
def subscribed():
    """WeChat comes back here: ``action=confirm`` when the worker allowed it."""
    _config()
    expected = session.pop(GRANT_KEY, None)
    db = get_session()
    binding = binding_of(db, current_user.person_id)
    confirmed = (request.args.get("action") == "confirm" and expected
                 and _same(expected, request.args.get("reserved", ""))
                 and binding is not None and _same(binding.openid, request.args.get("openid", "")))
    if confirmed:
        person = current_user.person
        ledger.append(db, "wechat_subscription_granted", actor=f"person:{person.id}", person_id=person.id,
                      household_id=person.household_id, subject=f"person:{person.id}")
        db.commit()
        flash("好的，下一条工作推荐会发到微信里。")
    else:
        flash("没有开通微信通知，工作推荐还会发短信。")
    return redirect(url_for("worker.home"))
