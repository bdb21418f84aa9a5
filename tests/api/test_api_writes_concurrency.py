"""Identical API writes at once (a client retrying while the first request still runs) make one write."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from jobmatch.models import LedgerEvent, Vacancy
from tests.api.test_api_writes import VACANCY
from tests.conftest import make_test_app
from tests.factories import make_user, make_welding_site
from tests.web.helpers import bearer, token_for

AT_ONCE = 8


def test_identical_posts_at_once_make_one_vacancy_on_postgresql(pg_url):
    app = make_test_app(pg_url)
    try:
        with app.app_context():
            session = app.extensions["jobmatch.sessionmaker"]()
            _, vacancy, _ = make_welding_site(session, workers=0)
            vacancy.employer.lat, vacancy.employer.lon = 26.87, 104.28
            make_user(session, "employer", username="boss", employer_id=vacancy.employer_id)
            session.commit()
            token = token_for(session, "boss")
            before = session.scalar(select(func.count()).select_from(Vacancy))
            session.rollback()
        start = threading.Barrier(AT_ONCE)

        def post(_):
            client = app.test_client()
            start.wait()
            return client.post("/api/v1/vacancies", json=VACANCY,
                               headers=bearer(token) | {"Idempotency-Key": "same-key"})

        with ThreadPoolExecutor(AT_ONCE) as pool:
            responses = list(pool.map(post, range(AT_ONCE)))
        assert [r.status_code for r in responses] == [201] * AT_ONCE, [r.json for r in responses]
        assert len({r.json["id"] for r in responses}) == 1
        assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == AT_ONCE - 1
        assert session.scalar(select(func.count()).select_from(Vacancy)) == before + 1
        assert session.scalar(select(func.count()).select_from(LedgerEvent)
                              .where(LedgerEvent.kind == "vacancy_posted")) == 1
        session.close()
    finally:
        app.extensions["jobmatch.engine"].dispose()
