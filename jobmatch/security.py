"""The app's edge: the real client address behind the proxy, CSRF protection on forms, rate
limits on sign-in, input free of control characters, and the security headers every response carries.

Rate limits key on the client's address (``request.remote_addr``), which ``ProxyFix`` takes from
the last ``TRUSTED_PROXY_HOPS`` entries of X-Forwarded-For, so behind nginx one client's failures
never count against another's. They are shared between processes in Redis; when Redis does not
answer they fall back to memory, per process, so sign-in keeps working.
"""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from jobmatch.config import settings_of
from jobmatch.control_chars import has_control_chars, without_control_chars
from jobmatch.services.errors import UserError

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The pages need no inline script or style, so nothing inline runs even if markup slips through.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Twilio signs the form as sent: its webhooks take the body as it is and the SMS service cleans it.
RAW_INPUT_BLUEPRINTS = ("sms",)
CONTROL_CHAR_MESSAGE = "“{field}”里有看不见的控制字符，请删掉后重新输入。"


# Redis for the limits answers within this or the sign-in waits no longer before using memory.
LIMIT_STORAGE_TIMEOUT_SECONDS = 1


def init_app(app) -> None:
    settings = settings_of(app)
    if settings.trusted_proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops, x_proto=0, x_host=0,
                                x_port=0, x_prefix=0)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": LIMIT_STORAGE_TIMEOUT_SECONDS,
                                                        "socket_timeout": LIMIT_STORAGE_TIMEOUT_SECONDS})
    limiter.init_app(app)
    app.before_request(refuse_control_characters)
    app.after_request(add_security_headers)


def refuse_control_characters() -> None:
    """A NUL or other control character in the query, form or JSON is refused with 400, naming the field."""
    if request.blueprint in RAW_INPUT_BLUEPRINTS:
        return
    for field, value in _input_strings():
        if has_control_chars(field) or has_control_chars(value):
            name = without_control_chars(field)[:40]
            raise UserError(CONTROL_CHAR_MESSAGE.format(field=name), name)


def _input_strings():
    for values in (request.args, request.form):
        yield from values.items(multi=True)
    if request.is_json:
        yield from _json_strings("body", request.get_json(silent=True))


def _json_strings(field: str, value):
    """(field, text) for every string in a JSON body, keys included."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield field, key
            yield from _json_strings(key, item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(field, item)


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
