"""The dashboard's tiles and first waiting offers, read from the maintained site figures, equal the
live computation after the workflows that change them: both while a change waits to be counted
(the site is recomputed) and after the refresh (its stored figures are read), on both backends."""

import re
from datetime import timedelta

from sqlalchemy import select, text

from jobmatch.access import visible_settlement_ids
from jobmatch.clock import utcnow
from jobmatch.models import Household, Offer, Person, User
from jobmatch.models.offers import OfferChannel, OfferStatus
from jobmatch.services.households import dashboard, monitoring, monitoring_alerts
from jobmatch.services.households.day_figures import day_figures
from jobmatch.services.households.followups import record_follow_up
from jobmatch.services.offers.queries import offers_waiting
from jobmatch.services.province.figures import WAITING_KEPT, refresh_site_figures
from tests.conftest import make_test_app
from tests.web.helpers import load_small_demo, login


def _as_read(session, sites):
    figures = day_figures(session, sites)
    total, first = offers_waiting(session, sites, limit=WAITING_KEPT, total=figures.waiting_offers,
                                  among=figures.waiting_first)
    return figures.totals, figures.monitored, figures.open_alerts, total, [w.offer_id for w in first]


def _live(session, sites):
    total, first = offers_waiting(session, sites, limit=WAITING_KEPT)
    return (dashboard.settlement_totals(session, sites), monitoring.monitored_count(session, sites),
            monitoring_alerts.open_alert_count(session, sites), total, [w.offer_id for w in first])


def _refresh(session) -> None:
    refresh_site_figures(session)
    session.commit()


def _waiting_tile(page: str) -> int:
    return int(re.search(r"等待答复的推荐<b>(\d+)</b>", page).group(1))


def test_the_dashboard_figures_equal_the_live_counts_after_each_workflow(app, session, client):
    load_small_demo(session, households=30)
    staff = session.scalar(select(User).where(User.username == "staff_a"))
    sites = visible_settlement_ids(session, staff)
    _refresh(session)
    assert day_figures(session, sites).waiting_first is not None  # read from the stored figures
    assert _as_read(session, sites) == _live(session, sites)
    waiting_before = _live(session, sites)[3]
    assert waiting_before > 0
    offer_id = _as_read(session, sites)[4][0]
    session.rollback()  # SQLite: the app's writes wait for this session's transaction
    login(client, "staff_a")

    # a worker's yes, given at the door: one offer fewer waiting, the household may count as employed
    client.post(f"/staff/offers/{offer_id}/answer", data={"answer": "accept"})
    session.expire_all()
    assert session.get(Offer, offer_id).status != OfferStatus.SENT
    assert day_figures(session, sites).waiting_first is None  # the site waits to be counted: recomputed
    assert _as_read(session, sites) == _live(session, sites)
    assert _as_read(session, sites)[3] == waiting_before - 1
    session.rollback()
    assert _waiting_tile(client.get("/staff/").get_data(as_text=True)) == waiting_before - 1
    _refresh(session)
    assert day_figures(session, sites).waiting_first is not None
    assert _as_read(session, sites) == _live(session, sites)

    # a follow-up recorded: one household fewer due this month
    due = dashboard.follow_ups_due_summary(session, sites, limit=1)
    record_follow_up(session, household_id=due.lines[0].household_id, staff_user_id=staff.id, method="phone",
                     actor=f"user:{staff.id}", summary="电话回访")
    session.commit()
    assert _as_read(session, sites) == _live(session, sites)
    assert sum(t.follow_ups_due for t in _as_read(session, sites)[0]) == len(due) - 1
    _refresh(session)
    assert _as_read(session, sites) == _live(session, sites)

    # an offer sent, then its worker moved to another site's household: the waiting offer follows them
    answered = session.get(Offer, offer_id)
    mover = session.scalar(select(Person).join(Household).where(Household.settlement_id.in_(sites),
                                                                Person.id != answered.person_id).limit(1))
    session.add(Offer(round_id=answered.round_id, vacancy_id=answered.vacancy_id, person_id=mover.id, rank=1,
                      score=0.5, reasons=[], features={}, status=OfferStatus.SENT, channel=OfferChannel.SMS,
                      created_at=utcnow(), sent_at=utcnow(), expires_at=utcnow() + timedelta(hours=48)))
    session.commit()
    assert _as_read(session, sites) == _live(session, sites)
    assert _as_read(session, sites)[3] == waiting_before
    _refresh(session)
    assert _as_read(session, sites) == _live(session, sites)
    mover.household_id = session.scalar(select(Household.id).where(Household.settlement_id.not_in(sites)).limit(1))
    session.commit()
    assert _as_read(session, sites) == _live(session, sites)
    assert _as_read(session, sites)[3] == waiting_before - 1
    _refresh(session)
    assert _as_read(session, sites) == _live(session, sites)


def test_names_on_the_waiting_list_are_read_as_they_are_now(app, session, client):
    """The figures keep which offers come first, not their text: a corrected name shows at once."""
    load_small_demo(session, households=30)
    _refresh(session)
    first = session.scalar(select(Offer).where(Offer.status == OfferStatus.SENT).order_by(Offer.id).limit(1))
    staff = session.scalar(select(User).where(User.username == "staff_a"))
    sites = visible_settlement_ids(session, staff)
    assert first.id in _as_read(session, sites)[4]
    first.person.name = "改名后"
    session.commit()
    assert day_figures(session, sites).waiting_first is not None  # still the stored figures
    session.rollback()
    login(client, "staff_a")
    assert "改名后" in client.get("/staff/").get_data(as_text=True)


def test_a_sites_zero_employment_households_are_read_from_its_partial_index(pg_url):
    """PostgreSQL lists a site's zero-employment households from ix_households_zero_employment_listed
    (WHERE zero_employment): written "IS TRUE", the condition could not use it, and the dashboard
    read every zero-employment household of a province to show one site's 20 (issue 19)."""
    app = make_test_app(pg_url)
    statement = dashboard._zero_lines_statement().params(settlement_ids=[1], limit=20)
    compiled = statement.compile(app.extensions["jobmatch.engine"], compile_kwargs={"render_postcompile": True})
    with app.extensions["jobmatch.engine"].connect() as connection:
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # a test database is too small to need an index
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars())
    app.extensions["jobmatch.engine"].dispose()
    assert "ix_households_zero_employment_listed" in plan, plan
