"""Backup and restore as docs/OPERATIONS.md says: pg_dump -Fc, pg_restore into a fresh database, verify."""

import shutil
import subprocess

import pytest
from sqlalchemy import select, text

from jobmatch import ledger
from jobmatch.migrate import is_up_to_date
from jobmatch.models import Person
from jobmatch.services.demo import load_demo
from jobmatch.services.people.privacy_requests import anonymise_person
from tests import services
from tests.conftest import make_test_app


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def two_databases(pg_database):
    """A source and an empty target database, dropped afterwards."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        services.missing("pg_dump/pg_restore", FileNotFoundError("not on PATH"))
    source, target = services.create_pg_database("jobmatch_backup"), services.create_pg_database("jobmatch_restore")
    yield source, target
    services.drop_pg_database(source)
    services.drop_pg_database(target)


def _fill(url: str) -> tuple[int, str]:
    """Demo data, ledger events and one anonymised person (redacted events); returns the chain head."""
    from jobmatch.migrate import upgrade
    upgrade(url)
    app = make_test_app(url)
    session = app.extensions["jobmatch.sessionmaker"]()
    load_demo(session, households=20, seed=5)
    person = session.scalar(select(Person).order_by(Person.id))
    ledger.append(session, "profile_changed", actor="user:1", person_id=person.id, data={"skills": [[], ["焊工"]]})
    session.commit()
    anonymise_person(session, session.get(Person, person.id).id_number, reason="left", actor="user:1")
    session.commit()
    result = ledger.verify(session)
    session.close()
    app.extensions["jobmatch.engine"].dispose()
    assert result.ok and result.checked > 20
    return result.checked, result.head_hash


def test_dump_restore_and_verify(two_databases, tmp_path):
    source, target = two_databases
    checked, head = _fill(source)
    dump = tmp_path / "jobmatch.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), libpq_url(source)], check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq_url(target), str(dump)], check=True)

    app = make_test_app(target)
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main
    out = CliRunner().invoke(main, ["ledger", "verify"], obj=ScriptInfo(create_app=lambda: app))
    assert out.exit_code == 0, out.output
    assert f"ledger ok: {checked} events, head {head[:16]}" in out.output

    engine = app.extensions["jobmatch.engine"]
    assert is_up_to_date(engine)
    with engine.connect() as connection:  # the append-only guard came back with the data
        for statement in ("UPDATE ledger_events SET actor = 'x' WHERE seq = 1", "DELETE FROM ledger_events"):
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()
    engine.dispose()
