"""Migrations: upgrade, downgrade and upgrade again on the real PostgreSQL; the schema matches the models."""

from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from jobmatch.db import Base, make_engine
from jobmatch.migrate import downgrade, head_revision, is_up_to_date, upgrade
from tests import services


def _schema_diff(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_downgrade_upgrade_on_postgresql(pg_database):
    url = services.create_pg_database("jobmatch_migrations")
    try:
        upgrade(url)
        engine = make_engine(url)
        assert is_up_to_date(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        engine.dispose()
        downgrade(url, "base")
        engine = make_engine(url)
        assert inspect(engine).get_table_names() == ["alembic_version"]
        engine.dispose()
        upgrade(url)
        assert _schema_diff(url) == []
    finally:
        services.drop_pg_database(url)


def test_sqlite_schema_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    upgrade(url)
    downgrade(url, "base")
    upgrade(url)
    assert _schema_diff(url) == []
    assert head_revision()


def test_0009_backfills_each_households_last_follow_up(database_url):
    from datetime import datetime

    from sqlalchemy.orm import Session

    from jobmatch.models import FollowUp, Household
    from tests.factories import make_household

    early, late = (datetime(2026, 10, day, 8, 30, tzinfo=UTC) for day in (3, 28))
    engine = make_engine(database_url)
    with Session(engine) as session:
        followed, never = make_household(session), make_household(session)
        session.add_all([FollowUp(household_id=followed.id, contacted_at=at, method="phone") for at in (late, early)])
        session.commit()
        ids = followed.id, never.id
    engine.dispose()
    downgrade(database_url, "0008")
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert [session.get(Household, i).last_follow_up_at for i in ids] == [late, None]
    engine.dispose()
