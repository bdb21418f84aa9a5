"""`jobmatch round propose --all`: one round per county on the queue, then the province pool."""

import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import MatchRound, Offer, RoundBatch, RoundBatchCounty
from jobmatch.models.offers import OfferStatus, RoundScope
from jobmatch.models.round_batches import BatchStepStatus
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers import province_rounds
from jobmatch.tasks import use_worker_app
from tests import services
from tests.factories import make_county, make_employer, make_household, make_person, make_settlement, make_vacancy

FAR_A = {"lat": 26.86, "lon": 104.27}
FAR_B = {"lat": 27.60, "lon": 105.60}  # about 150 km from A
FAR_C = {"lat": 25.40, "lon": 102.90}


def _county_with_welders(session, name, place, *, welders, mobility="county", openings=1, **vacancy_overrides):
    county = make_county(session, name=name, **place)
    site = make_settlement(session, county, **place)
    persons = [make_person(session, make_household(session, site), skills=["电焊"], mobility=mobility)
               for _ in range(welders)]
    vacancy = make_vacancy(session, make_employer(session, county), title=f"{name}电焊工", skills=["电焊"],
                           openings=openings, **place, **vacancy_overrides)
    refresh_households(session, [p.household_id for p in persons], actor="test")
    return county, persons, vacancy


def _province(session):
    """A: two welders willing to go anywhere in the province, one place at home. B: one welder and a
    work-for-relief project with a dormitory and two places (rule 9: B's people first). C: a county
    whose round will fail."""
    a = _county_with_welders(session, "甲县", FAR_A, welders=2, mobility="province")
    b = _county_with_welders(session, "乙县", FAR_B, welders=1, openings=2, dormitory=True, work_for_relief=True)
    c = _county_with_welders(session, "丙县", FAR_C, welders=1)
    session.commit()
    return a, b, c


def _fail_in(monkeypatch, county_id):
    real = province_rounds.propose_round

    def propose(session, **kwargs):
        if kwargs["county_id"] == county_id:
            raise RuntimeError("engine crashed on 13800138000")  # a message that must not reach staff
        return real(session, **kwargs)

    monkeypatch.setattr(province_rounds, "propose_round", propose)


def _proposed(session, round_id):
    return list(session.scalars(select(Offer).where(Offer.round_id == round_id, Offer.status == OfferStatus.PROPOSED)))


def test_a_failing_county_does_not_stop_the_others_and_the_pool_takes_the_places_left(session, cli, monkeypatch):
    (county_a, welders_a, vacancy_a), (county_b, welders_b, relief_b), (county_c, _, _) = _province(session)
    _fail_in(monkeypatch, county_c.id)

    result = cli("round", "propose", "--all")

    assert result.exit_code == 1
    assert "丙县" in result.output and "RuntimeError" in result.output and "13800138000" not in result.output
    steps = {s.county_id: s for s in session.scalars(select(RoundBatchCounty))}
    assert steps[county_a.id].status == steps[county_b.id].status == BatchStepStatus.DONE
    assert steps[county_c.id].status == BatchStepStatus.FAILED and steps[county_c.id].round_id is None
    # A's round left the relief project out (rule 9), B's round offered it to B's own welder first.
    round_a, round_b = steps[county_a.id].round_id, steps[county_b.id].round_id
    assert {o.vacancy_id for o in _proposed(session, round_a)} == {vacancy_a.id}
    assert [(o.vacancy_id, o.person_id) for o in _proposed(session, round_b)] == [(relief_b.id, welders_b[0].id)]
    # The pool: A's welder left without a place gets the relief project's second place, and nobody else.
    batch = session.scalar(select(RoundBatch))
    assert batch.pool_status == BatchStepStatus.DONE and batch.finished_at is not None
    pool = session.get(MatchRound, batch.pool_round_id)
    assert pool.scope == RoundScope.PROVINCE and pool.county_id is None
    placed_in_a = {o.person_id for o in _proposed(session, round_a)}
    left_in_a = [p.id for p in welders_a if p.id not in placed_in_a]
    assert [(o.vacancy_id, o.person_id) for o in _proposed(session, pool.id)] == [(relief_b.id, left_in_a[0])]
    batch_id = batch.id
    session.rollback()  # end this read before the command's own transaction (SQLite)
    shown = cli("round", "batch", str(batch_id))
    assert "2/3" not in shown.output and "3/3 counties finished" in shown.output and "failed" in shown.output


def test_all_with_a_scope_is_refused(session, cli):
    result = cli("round", "propose", "--all", "--county", "甲县")
    assert result.exit_code == 2 and "--all" in result.output
    assert session.scalar(select(RoundBatch)) is None


def test_pool_round_is_shown_to_the_staff_of_its_workers_sites_only(session, client, cli):
    from tests.factories import make_user

    (county_a, welders_a, _), _, _ = _province(session)
    assert cli("round", "propose", "--all").exit_code == 0
    pool_id = session.scalar(select(RoundBatch)).pool_round_id
    site_a = welders_a[0].household.settlement
    other = make_settlement(session, make_county(session))
    make_user(session, "staff", [site_a], username="staffa").set_password("pw-123456")
    make_user(session, "staff", [other], username="staffx").set_password("pw-123456")
    session.commit()
    for username, sees in (("staffa", True), ("staffx", False)):
        client.post("/logout")
        assert client.post("/login", data={"username": username, "password": "pw-123456"}).status_code == 302
        page = client.get("/staff/rounds")
        assert ("全省统筹" in page.get_data(as_text=True)) is sees
        assert client.get(f"/staff/rounds/{pool_id}").status_code == (200 if sees else 404)


@pytest.mark.slow
def test_on_rq_the_pool_job_waits_for_every_county_even_a_failed_one(pg_url, monkeypatch):
    """Real Redis and RQ: county jobs run on a worker, the pool job only after all of them."""
    from tests.conftest import make_test_app

    services.redis_client()  # skips, or fails under JOBMATCH_REQUIRE_SERVICES, without Redis
    app = make_test_app(pg_url)
    use_settings(app, settings_of(app).replace(redis_url=services.REDIS_URL, rounds_queue="rounds-test"))
    connection = redis.Redis.from_url(services.REDIS_URL)
    queue = Queue("rounds-test", connection=connection)
    queue.empty()
    with app.app_context():
        from jobmatch.db import get_session
        from jobmatch.round_jobs import enqueue_batch

        session = get_session()
        (_, _, _), _, (county_c, _, _) = _province(session)
        _fail_in(monkeypatch, county_c.id)
        batch = province_rounds.start_batch(session, actor="test")
        step_ids = [s.id for s in batch.counties]
        session.commit()
        enqueue_batch(app, batch.id, step_ids)
        assert queue.count == 3  # the pool job is deferred until the counties end
        use_worker_app(app)
        try:
            SimpleWorker([queue], connection=connection).work(burst=True)
        finally:
            use_worker_app(None)
        progress = province_rounds.batch_progress(session, batch.id)
        assert [s.status for s in progress.steps].count(BatchStepStatus.DONE) == 2
        assert len(progress.failed) == 1 and progress.batch.pool_status == BatchStepStatus.DONE
