"""DATABASE_REPLICA_URL: reports and exports read from the replica; what they record goes to the primary.

A second PostgreSQL database stands in for the streaming replica: it holds the same rows as the
primary (as replication would) plus a change the primary does not have, so a page shows which
one it read.
"""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from jobmatch.db import make_engine
from jobmatch.migrate import upgrade
from jobmatch.models import County, LedgerEvent
from tests import services
from tests.conftest import make_test_app
from tests.factories import make_county, make_household, make_person, make_settlement, make_user


@pytest.fixture
def replica_url(pg_url):
    url = services.create_pg_database("jobmatch_replica")
    upgrade(url)
    yield url
    services.drop_pg_database(url)


def _same_rows(session):
    county = make_county(session, name="威宁县")
    site = make_settlement(session, county, name="五里岗")
    make_person(session, make_household(session, site), name="张三")
    make_user(session, "admin", [site], username="boss").set_password("pw-123456")
    session.commit()
    return county, site


def _fill(url, *, replica_only=False):
    from sqlalchemy.orm import Session

    engine = make_engine(url)
    with Session(engine) as session:
        county, site = _same_rows(session)
        if replica_only:  # replicated already, not yet seen by the primary's readers in this test
            county.name = "威宁县（副本）"
            make_person(session, make_household(session, site), name="李副本")
            session.commit()
    engine.dispose()


def _count_exports(url) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(LedgerEvent).where(
            LedgerEvent.kind == "personal_data_viewed"))
    engine.dispose()
    return count


def test_reports_and_exports_read_the_replica_and_record_on_the_primary(pg_url, replica_url):
    _fill(pg_url)
    _fill(replica_url, replica_only=True)
    app = make_test_app(pg_url, DATABASE_REPLICA_URL=replica_url)
    client = app.test_client()
    assert client.post("/login", data={"username": "boss", "password": "pw-123456"}).status_code == 302

    assert "威宁县（副本）" in client.get("/county/").get_data(as_text=True)
    report = client.get("/county/report.xlsx?month=2026-10")
    assert report.status_code == 200
    exported = client.get("/staff/roster/export?settlement_id=1&month=2026-11")
    assert exported.status_code == 200
    names = {cell.value for row in openpyxl.load_workbook(io.BytesIO(exported.data)).active.iter_rows()
             for cell in row}
    assert {"张三", "李副本"} <= names
    # The export is in the primary's ledger (the replica is read only).
    assert _count_exports(pg_url) == 1 and _count_exports(replica_url) == 0
    # Pages that change things stay on the primary.
    with app.app_context():
        from jobmatch.db import get_session
        assert get_session().scalar(select(County.name)) == "威宁县"
    for engine_key in ("jobmatch.engine", "jobmatch.replica_engine"):
        app.extensions[engine_key].dispose()


def test_without_a_replica_reports_read_the_primary(pg_url):
    _fill(pg_url)
    app = make_test_app(pg_url)
    assert "jobmatch.replica_sessionmaker" not in app.extensions
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": "pw-123456"})
    assert "威宁县" in client.get("/county/").get_data(as_text=True)
    app.extensions["jobmatch.engine"].dispose()
