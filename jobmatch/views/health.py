"""Liveness (/healthz) and readiness (/readyz) for process supervisors and load balancers.

/healthz says the process answers. /readyz says it can do its work: the database
answers, its schema is at the newest migration, and Redis answers when REDIS_URL is
set. A 503 names what failed, so whoever reads the probe knows where to look.
"""

import logging
from collections.abc import Callable

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from jobmatch.config import settings_of

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

OK = "ok"


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Database, migrations and Redis checked; 503 and the failed names when not ready."""
    checks = readiness_checks(current_app.extensions["jobmatch.engine"], settings_of(current_app).redis_url)
    failed = [name for name, result in checks.items() if result not in (OK, "not configured")]
    body = {"status": "not ready" if failed else "ready", "checks": checks, "failed": failed}
    return jsonify(body), 503 if failed else 200


def readiness_checks(engine, redis_url: str | None) -> dict[str, str]:
    """Each dependency's name and "ok", "not configured" or what went wrong."""
    checks = {"database": _run("database", lambda: _check_database(engine))}
    if checks["database"] == OK:
        checks["migrations"] = _run("migrations", lambda: _check_migrations(engine))
    else:
        checks["migrations"] = "unknown: the database is not reachable"
    checks["redis"] = _run("redis", lambda: _check_redis(redis_url)) if redis_url else "not configured"
    return checks


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        # The full error goes to the log; the probe's body names only its kind (no DSNs).
        log.warning("readiness check failed", extra={"check": name, "error": str(exc)[:300]})
        return f"unreachable ({type(exc).__name__})"


def _check_database(engine) -> str:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return OK


def _check_migrations(engine) -> str:
    from jobmatch.migrate import current_revision, head_revision

    current, head = current_revision(engine), head_revision()
    return OK if current == head else f"at revision {current}, code expects {head}: run `jobmatch db upgrade`"


def _check_redis(redis_url: str) -> str:
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    return OK
