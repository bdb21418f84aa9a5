"""jobmatch: employment service for relocated households.

``create_app`` builds the Flask application: configuration from the environment, the
database, sign-in, translations, CSRF protection, rate limits and one blueprint per area.
"""

from pathlib import Path

from flask import Flask

from jobmatch.config import REPO_ROOT, config_from_env


def create_app(config: dict | None = None) -> Flask:
    """Create the application; ``config`` overrides what the environment says."""
    app = Flask(
        __name__,
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    app.config.update(config_from_env(instance_path=Path(app.instance_path)))
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

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
    return app
