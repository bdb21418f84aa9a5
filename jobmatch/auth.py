"""Sign-in with Flask-Login, sessions that end, and the role checks every view uses."""

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, session
from flask_login import LoginManager, current_user, login_user

from jobmatch.clock import utcnow
from jobmatch.config import settings_of
from jobmatch.db import get_session
from jobmatch.services.accounts import sessions

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
SIGNED_IN_AT = "signed_in_at"  # in the session cookie: when its holder signed in (seconds since the epoch)


@login_manager.user_loader
def _load_user(session_token: str):
    settings = settings_of(current_app)
    lifetimes = sessions.SessionLifetimes(settings.session_lifetime_hours, settings.worker_session_lifetime_hours)
    return sessions.signed_in_user(get_session(), session_token, session.get(SIGNED_IN_AT), lifetimes)


def sign_in(user) -> None:
    """Start a session for ``user``. A worker's outlives the browser (a basic phone closes it often);
    everyone else's ends with it, and each ends at its lifetime or at sign-out anyway."""
    login_user(user)
    session[SIGNED_IN_AT] = utcnow().timestamp()
    session.permanent = user.role == "worker"


def init_app(app) -> None:
    login_manager.init_app(app)
    # The cookie's own signed expiry (Flask checks it before we do) must never cut a session short.
    settings = settings_of(app)
    app.permanent_session_lifetime = timedelta(hours=max(settings.session_lifetime_hours,
                                                         settings.worker_session_lifetime_hours))


def roles_required(*roles):
    """Allow the view only to signed-in users with one of these roles (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]  # the nav shows a page to these
        return wrapped
    return decorator
