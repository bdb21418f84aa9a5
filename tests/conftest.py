"""Fixtures: a migrated database on SQLite and on the real PostgreSQL, the app, a session, the CLI."""

import functools
import shutil

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from jobmatch import create_app
from jobmatch.db import Base, make_engine
from jobmatch.migrate import upgrade
from tests import services

pytest_plugins = ["tests.log_scan"]  # the run's logs are scanned for ID numbers and phones

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database():
    """One migrated PostgreSQL database per test process, emptied between tests."""
    try:
        services.pg_connect_admin().close()
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not there"
        services.missing("PostgreSQL", exc)
    url = services.create_pg_database()
    upgrade(url)
    yield url
    if url in _engines:
        _engines.pop(url).dispose()
    services.drop_pg_database(url)


def _empty_pg(url: str) -> None:
    """Every table emptied and every sequence restarted, as TRUNCATE ... RESTART IDENTITY of all tables
    would, in a few milliseconds: a TRUNCATE makes new files for each of some 55 tables and their
    indexes (0.1-0.5 s a test), where a test fills a few tables with a few rows. So the filled tables
    are found first, and emptied with DELETE (TRUNCATE for the large), triggers off, as a replica would."""
    with _pg_engine(url).begin() as conn:
        filled = [(name, rows) for name, rows in conn.execute(text(_filled_tables())) if rows]
        if not conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
            if filled:  # only a superuser may switch the guards off: TRUNCATE the filled tables
                conn.execute(text(f"TRUNCATE {', '.join(name for name, _ in filled)} CASCADE"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no foreign-key checks, no guards
            large = [name for name, rows in filled if rows >= _DELETE_UP_TO]
            if large:
                conn.execute(text(f"TRUNCATE {', '.join(large)} CASCADE"))
            for name, rows in filled:
                if rows < _DELETE_UP_TO:
                    conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences "
                          "WHERE last_value IS NOT NULL"))
        # A tampering test may have switched the append-only guard off: every test starts with it on.
        if conn.scalar(text("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'ledger_events'::regclass "
                            "AND NOT tgisinternal AND tgenabled = 'D')")):
            conn.execute(text("ALTER TABLE ledger_events ENABLE TRIGGER USER"))


_DELETE_UP_TO = 5000  # rows: a table with more is truncated
_engines: dict = {}


@functools.cache
def _filled_tables() -> str:
    """Each table with (up to _DELETE_UP_TO of) its rows counted, in one statement."""
    import jobmatch.models  # noqa: F401 - every table in the metadata

    return " UNION ALL ".join(
        f"SELECT '\"{t.name}\"', (SELECT count(*) FROM (SELECT 1 FROM \"{t.name}\" LIMIT {_DELETE_UP_TO}) AS r)"
        for t in Base.metadata.sorted_tables)


def _pg_engine(url: str):
    """One engine per test database, kept for the run (a connection is made once, not per test)."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template):
    """A freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "jobmatch.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template):
    path = tmp_path / "jobmatch.sqlite"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_url(pg_database):
    _empty_pg(pg_database)
    return pg_database


def make_test_app(database_url, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "REDIS_URL": None,
        "SMS_PROVIDER": "console",
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,  # test_security.py checks CSRF with it on
        "PUBLIC_BASE_URL": "http://jobmatch.test",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url)
    yield app
    app.extensions["jobmatch.engine"].dispose()


@pytest.fixture
def session(app):
    session = app.extensions["jobmatch.sessionmaker"]()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    """Run a `jobmatch` command against the test app: cli("roster", "import", path)."""
    from jobmatch.cli import main

    def run(*args):
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)

    return run
