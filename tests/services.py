"""The real services the tests talk to: PostgreSQL and Redis on this machine.

With JOBMATCH_REQUIRE_SERVICES=1 a missing service fails the run; otherwise the tests
that need it are skipped.
"""

import os
import uuid

import pytest

PG_ADMIN_DSN = os.environ.get("JOBMATCH_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
REDIS_URL = os.environ.get("JOBMATCH_TEST_REDIS", "redis://127.0.0.1:6379/15")
REQUIRE = os.environ.get("JOBMATCH_REQUIRE_SERVICES") == "1"


def missing(service: str, error: Exception):
    message = f"{service} is not reachable ({error}); start it as README.md says"
    if REQUIRE:
        pytest.fail(message + " [JOBMATCH_REQUIRE_SERVICES=1]", pytrace=False)
    pytest.skip(message)


def pg_connect_admin():
    import psycopg
    return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)


def create_pg_database(prefix: str = "jobmatch_test") -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with pg_connect_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with pg_connect_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_client():
    import redis
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    client.ping()
    return client
