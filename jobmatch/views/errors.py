"""One handler for every error a person meets: their own mistake (UserError) or an HTTP error.

Pages get a Chinese error page in the site's layout with a way back; the JSON endpoints
(/api/v1 and the rounds endpoints) get JSON bodies in their own shapes.
"""

import re

from flask import jsonify, make_response, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from jobmatch.db import get_session
from jobmatch.services.errors import UserError
from jobmatch.views.auth import HOME_BY_ROLE

JSON_BLUEPRINTS = ("rounds",)  # answer {"error": message, "field": field}

PAGES = {  # status: (title, what to do)
    400: ("请求有误", "提交的内容有问题，请返回上一页检查后再试。"),
    403: ("没有权限", "您的账号不能打开这个页面。如果需要，请联系社区就业专干。"),
    404: ("找不到这个页面", "这个页面不存在，或者不是给您看的。"),
    405: ("不能这样打开", "这个页面不能这样打开，请从页面上的按钮或链接进入。"),
    413: ("文件太大", "上传的文件太大，请拆成几个小一些的文件再上传。"),
    429: ("操作太频繁", "操作太频繁了，请过几分钟再试。"),
    500: ("系统出错了", "系统出了点问题，您的操作可能没有完成。请稍后再试，或联系社区就业专干。"),
}
CSRF_EXPIRED = "页面停留太久已过期，请返回上一页，刷新后再提交。"
HAN = re.compile(r"[\u4e00-\u9fff]")


def init_app(app) -> None:
    app.register_error_handler(UserError, user_error)
    app.register_error_handler(HTTPException, http_error)


def user_error(error: UserError):
    """A person's mistake: nothing of the request is kept; they see the message they can act on."""
    get_session().rollback()
    if request.path.startswith("/api/"):
        body = {"code": "invalid_input", "message": error.message}
        return jsonify(error=body | ({"field": error.field} if error.field else {})), error.status
    if request.blueprint in JSON_BLUEPRINTS:
        return jsonify(error=error.message, field=error.field), error.status
    return error_page(error.status, error.message)


def http_error(exc: HTTPException):
    """Werkzeug's errors (abort(404), a 405, a 413, the limiter's 429, an unhandled 500)."""
    status = exc.code or 500
    if status >= 500:
        get_session().rollback()
    if request.path.startswith("/api/"):
        return _api_json(exc)
    if request.blueprint in JSON_BLUEPRINTS:
        return jsonify(error=_message(exc, status), field=None), status
    response = error_page(status, _message(exc, status))
    for name, value in exc.get_headers():
        if name.lower() != "content-type":  # keeps Allow on 405, Retry-After on 429
            response.headers[name] = value
    return response


def error_page(status: int, message: str):
    """The error page in the site's layout, with a way back for whoever is looking at it."""
    title = PAGES.get(status, PAGES[500 if status >= 500 else 400])[0]
    back_url, back_label = _way_back()
    # A text meant for another member of the household lands on a shared phone: let them switch.
    other_member_sign_in = (url_for("worker.login", next=request.path)
                            if status == 404 and request.path.startswith("/w/") else None)
    page = render_template("errors/error.html", status=status, title=title, message=message,
                           back_url=back_url, back_label=back_label, other_member_sign_in=other_member_sign_in)
    return make_response(page, status)


def _message(exc: HTTPException, status: int) -> str:
    if isinstance(exc, CSRFError):
        return CSRF_EXPIRED
    # Werkzeug's and the extensions' descriptions are English and technical; the app's own
    # (abort(404, "这条推荐……")) are Chinese and written for the reader, so only those are shown.
    if exc.description and HAN.search(exc.description):
        return exc.description
    return PAGES.get(status, PAGES[500 if status >= 500 else 400])[1]


def _way_back() -> tuple[str, str]:
    try:
        role = current_user.role if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - the database that broke the page may break this too
        role = None
    if role in HOME_BY_ROLE:
        endpoint = HOME_BY_ROLE[role]
        label = {"worker": "回到我的首页", "employer": "回到单位首页"}.get(role, "回到工作台")
        return url_for(endpoint), label
    if request.path.startswith("/w/"):
        return url_for("worker.home"), "回到我的首页"
    return url_for("auth.index"), "回到首页"


def _api_json(exc: HTTPException):
    code = getattr(exc, "error_code", None) or (exc.name or "error").lower().replace(" ", "_")
    response = jsonify(error={"code": code, "message": exc.description or exc.name})
    response.status_code = exc.code or 500
    for name, value in exc.get_headers():
        if name.lower() != "content-type":  # keeps Allow on 405
            response.headers[name] = value
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response
