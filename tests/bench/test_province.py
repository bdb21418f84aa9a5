"""bench/province.py writes a province with COPY, not through the services: what it writes must be
what the services would have written, or its figures measure another database."""

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.db import make_engine
from jobmatch.models import County, EmploymentSpell, Household, LedgerEvent, Person, Settlement
from jobmatch.services.households.status import compute_statuses
from tests.conftest import _empty_pg

BUILD = Path(__file__).resolve().parents[2] / "bench" / "province_build.py"


def _build_module():
    """bench/province_build.py, registered by name: its worker processes look its functions up there."""
    if "province_build" not in sys.modules:
        spec = importlib.util.spec_from_file_location("province_build", BUILD)
        module = importlib.util.module_from_spec(spec)
        sys.modules["province_build"] = module
        spec.loader.exec_module(module)
    return sys.modules["province_build"]


def _index_definitions(url: str) -> set[str]:
    import psycopg

    build = _build_module()
    with psycopg.connect(build.psycopg_dsn(url)) as conn:
        return build.index_definitions(conn)


def test_a_small_province_has_a_valid_chain_and_true_household_statuses(pg_database):
    _empty_pg(pg_database)
    indexes = _index_definitions(pg_database)
    facts = _build_module().build_province(pg_database, scale=0.001, seed=3, log=lambda *a, **k: None)
    assert _index_definitions(pg_database) == indexes  # dropped for the load, all made again
    engine = make_engine(pg_database)
    session = Session(engine)
    try:
        assert session.scalar(select(func.count()).select_from(County)) == 88
        assert session.scalar(select(func.count()).select_from(Settlement)) == facts["sites"] >= 88
        assert session.scalar(select(func.count()).select_from(Person)) == facts["persons"] >= 1900
        assert facts["events"] == 20_000
        checked = ledger.verify(session)
        assert checked.ok, checked.problem
        assert checked.checked == facts["events"]
        imported = session.scalar(select(func.count()).where(LedgerEvent.kind == "person_imported"))
        assert imported == facts["persons"]
        stored = {h.id: (h.labourers, h.employed, h.zero_employment) for h in session.scalars(select(Household))}
        computed = {i: (s.labourers, s.employed, s.zero_employment) for i, s in compute_statuses(session).items()}
        assert stored == computed
        open_spells = session.scalar(select(func.count()).where(EmploymentSpell.ended_on.is_(None)))
        assert open_spells == sum(employed for _l, employed, _z in stored.values())
        # ids continue after the copied rows: the next INSERT through the services does not collide
        session.add(County(name="新县", province="贵州省", adcode="529999"))
        session.flush()
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def test_the_rounds_workers_read_as_columns_are_the_records_the_orm_objects_made(pg_database):
    """bench/province.py's ORM baseline against the round's columns, on a generated province: the
    largest county's workers and the pool's (every willing worker), record for record."""
    _empty_pg(pg_database)
    facts = _build_module().build_province(pg_database, scale=0.001, seed=5, log=lambda *a, **k: None)
    spec = importlib.util.spec_from_file_location("bench_province", BUILD.parent / "province.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    lines = bench.measure_engine_input(pg_database, facts["largest_county_id"], repeats=1)  # asserts equality

    assert [line.split(" (")[0] for line in lines] == ["workers of a round, largest county",
                                                       "workers of a round, province pool"]
    assert all("same records" in line and "(0 workers)" not in line for line in lines)
