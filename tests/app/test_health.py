"""/healthz and /readyz, with services up and with services "stopped" (a closed port)."""

import socket

import pytest

from tests import services
from tests.conftest import make_test_app


def closed_port() -> int:
    """A loopback port nothing listens on: what a stopped service looks like."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def make_app():
    apps = []

    def make(database_url, **overrides):
        app = make_test_app(database_url, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["jobmatch.engine"].dispose()


def test_healthz_and_readyz_when_ready(client):
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "failed": [],
                             "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"}}


def test_readyz_checks_redis_when_configured(make_app, sqlite_url):
    try:
        services.redis_client().close()
    except Exception as exc:  # noqa: BLE001
        services.missing("Redis", exc)
    response = make_app(sqlite_url, REDIS_URL=services.REDIS_URL).test_client().get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["redis"] == "ok"


def test_readyz_503_when_database_is_stopped(make_app):
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/jobmatch")
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready" and response.json["failed"] == ["database", "migrations"]
    assert response.json["checks"]["database"].startswith("unreachable (")
    assert "postgres@" not in response.get_data(as_text=True)  # no connection string in the body
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_readyz_503_when_redis_is_stopped(make_app, sqlite_url):
    app = make_app(sqlite_url, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["redis"]
    assert response.json["checks"]["database"] == "ok"


def test_readyz_503_when_migrations_are_behind(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}")  # never migrated
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["migrations"]
    assert "jobmatch db upgrade" in response.json["checks"]["migrations"]
