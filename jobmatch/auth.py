"""Sign-in with Flask-Login, and the role checks every view uses."""

from functools import wraps

from flask import abort
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from jobmatch.db import get_session
from jobmatch.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"


@login_manager.user_loader
def _load_user(user_id: str):
    # The staff's settlements come along: nearly every page scopes by them.
    user = get_session().get(User, int(user_id), options=[joinedload(User.settlements)])
    return user if user is not None and user.active else None


def init_app(app) -> None:
    login_manager.init_app(app)


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
        return wrapped
    return decorator
