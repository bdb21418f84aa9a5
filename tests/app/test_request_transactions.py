"""How a request's transaction ends on PostgreSQL: one that wrote nothing commits (so the driver
keeps its prepared statements), one that wrote and did not commit is rolled back, as before."""

from sqlalchemy import func, select, text

from jobmatch.db import get_session
from jobmatch.models import County
from tests.conftest import make_test_app
from tests.web.helpers import load_small_demo, login


def test_pages_read_again_run_prepared_statements(pg_url):
    app = make_test_app(pg_url)
    engine = app.extensions["jobmatch.engine"]
    try:
        with app.extensions["jobmatch.sessionmaker"]() as session:
            load_small_demo(session, households=12)
            session.commit()
        engine.dispose()  # the requests below run on one fresh connection
        client = app.test_client()
        login(client, "staff")
        for _ in range(8):  # psycopg prepares a statement the sixth time it runs on a connection
            assert client.get("/staff/").status_code == 200
        assert engine.pool.checkedin() == 1
        with engine.connect() as connection:
            prepared = connection.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        # a ROLLBACK at the end of each request made psycopg forget them all: every statement was planned anew
        assert prepared >= 5
    finally:
        engine.dispose()


def test_a_request_that_wrote_without_committing_is_rolled_back(pg_url):
    app = make_test_app(pg_url)

    @app.get("/test-flush-only")
    def flush_only():
        session = get_session()
        session.add(County(name="只写未提交县", province="贵州省"))
        session.flush()  # written in the transaction; nothing is left pending in the session
        return "flushed"

    @app.get("/test-sql-only")
    def sql_only():
        get_session().execute(text("INSERT INTO counties (name, province, adcode) VALUES ('只执行未提交县', '贵州省', '')"))
        return "executed"

    try:
        client = app.test_client()
        assert client.get("/test-flush-only").status_code == 200
        assert client.get("/test-sql-only").status_code == 200
        with app.extensions["jobmatch.sessionmaker"]() as session:
            assert session.scalar(select(func.count()).select_from(County)) == 0
    finally:
        app.extensions["jobmatch.engine"].dispose()
