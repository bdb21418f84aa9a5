"""jobmatch: employment service for relocated households.

``create_app`` builds the Flask application: the settings (read from the environment once),
the database, sign-in, translations, CSRF protection, rate limits and one blueprint per area.
"""

import dataclasses
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers

from jobmatch.config import INSTANCE_PATH, REPO_ROOT, Settings, install_settings


def create_app(config: Mapping[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """Create the application with ``settings`` (default: the environment's).

    ``config`` overrides: a key naming a setting (``"SMS_DAILY_CAP"``) changes that setting,
    any other key (``"TESTING"``, ``"WTF_CSRF_ENABLED"``) goes to Flask's own config.
    """
    settings, flask_overrides = _with_overrides(settings or Settings.from_env(os.environ), config or {})
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    install_settings(app, settings)
    app.config.update(_flask_config(settings))
    app.config.update(flask_overrides)
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)

    from jobmatch import auth, db, i18n, logs, metrics, routing, security
    from jobmatch.views import register_blueprints

    logs.init_app(app)
    db.init_app(app)
    routing.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    register_blueprints(app)
    metrics.init_app(app)
    # Once per process, while it starts (later calls do nothing): otherwise the first query of each
    # gunicorn or RQ worker pays it, 0.1-0.2 s on top of its request or job.
    configure_mappers()
    return app


def _with_overrides(settings: Settings, config: Mapping[str, Any]) -> tuple[Settings, dict]:
    names = {spec.name for spec in dataclasses.fields(Settings)}
    changes = {key.lower(): value for key, value in config.items() if key.lower() in names}
    flask_keys = {key: value for key, value in config.items() if key.lower() not in names}
    return (settings.replace(**changes) if changes else settings), flask_keys


def local_secret_key(path: Path = INSTANCE_PATH / "secret_key") -> str:
    """The key kept in ``path``, made (readable by this user only) the first time."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key)
    return key


def _flask_config(settings: Settings) -> dict:
    """Flask's own keys, filled from the settings."""
    return {
        # Without SECRET_KEY a key made once and kept in instance/ lets a fresh checkout work and
        # keeps sign-ins and fair QR codes valid across restarts; production sets its own (`jobmatch doctor`).
        "SECRET_KEY": settings.secret_key or local_secret_key(),
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "zh",
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    }
