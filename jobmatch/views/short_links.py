"""Short links from SMS (/s/<code>): the page a text points to, after the worker signs in.

A code leads only the person it was sent to. Not signed in, the worker signs in by SMS
code (on a phone the household shares, as the person the link was for) and lands on the
page; signed in as someone else, the link is refused. A fair's link is everyone's: the
fair page shows each worker only their own invitation.
"""

from flask import Blueprint, abort, redirect, session, url_for
from flask_login import current_user

from jobmatch.db import get_session
from jobmatch.security import limiter
from jobmatch.services.errors import UserError
from jobmatch.services.sms.short_links import find_link, target_path

bp = Blueprint("links", __name__)

# The person a followed link was for: the sign-in code goes to them on a shared phone.
LINK_PERSON_KEY = "worker_link_person"
NOT_YOURS = "这个链接是发给家里另一位成员的，不能用您的账号打开。请先退出，再点短信里的链接，按提示登录。"


@bp.get("/s/<code>")
@limiter.limit("60 per minute")
def follow(code: str):
    link = find_link(get_session(), code) or abort(404)
    path = target_path(link.target)
    if not current_user.is_authenticated:
        if link.person_id is not None:
            session[LINK_PERSON_KEY] = link.person_id
        return redirect(url_for("worker.login", next=path))
    if current_user.role != "worker" or link.person_id not in (None, current_user.person_id):
        raise UserError(NOT_YOURS, status=403)
    return redirect(path)
