"""The per-site figures the province overview reads stay equal to a recompute from the rows after real
workflows (a roster import, a hire, a job lost, a flag, follow-ups, problems, a household moving site), on
SQLite and PostgreSQL; and they are the dashboard's own counts."""

import dataclasses
from datetime import timedelta

from sqlalchemy import select

from jobmatch.clock import local_today
from jobmatch.models import Household, Offer, Person, Settlement, SiteFigures
from jobmatch.roster.synthetic import generate_roster
from jobmatch.services.demo import COUNTY, SETTLEMENTS
from jobmatch.services.households import dashboard, monitoring, monitoring_alerts, problems
from jobmatch.services.households.employment_changes import current_spell
from jobmatch.services.households.followups import JobLoss, MonitoringNotes, record_follow_up
from jobmatch.services.offers.hiring import record_hire
from jobmatch.services.offers.queries import offers_waiting
from jobmatch.services.province.figures import (
    WAITING_KEPT,
    pending_changes,
    rebuild_site_figures,
    refresh_site_figures,
    stale_site_figures,
)
from jobmatch.services.roster.importing import apply_records
from tests.factories import (
    make_county,
    make_employer,
    make_household,
    make_person,
    make_sent_offers,
    make_settlement,
    make_user,
    make_vacancy,
)

SITE_A, SITE_B = list(SETTLEMENTS)


def _imported(session, households=40, seed=11):
    records = generate_roster(COUNTY, [SITE_A, SITE_B], households=households, seed=seed)
    apply_records(session, records, actor="import")
    session.commit()
    return records


def _site(session, name) -> Settlement:
    return session.scalar(select(Settlement).where(Settlement.name == name))


def _households(session, site: Settlement, **where):
    query = select(Household).where(Household.settlement_id == site.id).order_by(Household.id)
    for column, value in where.items():
        query = query.where(getattr(Household, column) == value)
    return session.scalars(query).all()


def _willing_person(session, household: Household) -> Person:
    return next(p for p in household.members if p.capacity != "none" and p.wants_work)


def _employed_person(session, site: Settlement) -> Person:
    for household in _households(session, site):
        for person in household.members:
            if current_spell(session, person.id) is not None:
                return person
    raise AssertionError("nobody employed at the site")


def test_figures_equal_a_recompute_after_a_day_of_workflows(session):
    _imported(session)
    assert rebuild_site_figures(session) == 2
    session.commit()
    assert stale_site_figures(session) == [] and pending_changes(session, [s.id for s in session.scalars(select(Settlement))]) == 0
    site_a, site_b = _site(session, SITE_A), _site(session, SITE_B)
    before = {f.settlement_id: (f.employed, f.zero_employment, f.monitored, f.open_problems)
              for f in session.scalars(select(SiteFigures))}
    staff = make_user(session, "staff", settlements=[site_a, site_b])

    # A hire: a zero-employment household's willing member accepts an offer and is hired.
    zero_household = _households(session, site_a, zero_employment=True)[0]
    hired = _willing_person(session, zero_household)
    vacancy = make_vacancy(session, make_employer(session, site_a.county), county_id=site_a.county_id)
    offer = make_sent_offers(session, vacancy, [hired])[0]
    offer.status = "accepted"
    record_hire(session, offer.id, start_date=local_today(), contract_months=12, social_insurance=True,
                monthly_wage=3500, actor="test")
    # A job lost, told at a follow-up, at the other site.
    leaver = _employed_person(session, site_b)
    record_follow_up(session, household_id=leaver.household_id, staff_user_id=staff.id, method="phone",
                     actor="test", summary="回访：厂里裁员", lost_work=[JobLoss(leaver.id)])
    # A flag, then that monitored household's follow-up.
    flagged = _households(session, site_b, monitoring="none")[-1]
    monitoring.flag_household(session, flagged.id, "unstable", reason="家中突发重病", actor="test")
    record_follow_up(session, household_id=flagged.id, staff_user_id=staff.id, method="visit", actor="test",
                     summary="入户", monitoring=MonitoringNotes("unemployed", "医疗救助", "无"))
    # A problem reported and one reported and resolved.
    problems.report_problem(session, hired.id, "工资没按时发")
    solved = problems.report_problem(session, leaver.id, "想换个近点的活")
    problems.acknowledge(session, solved.id, user_id=staff.id, actor="test")
    problems.resolve(session, solved.id, resolution="已推荐附近车间", user_id=staff.id, actor="test")
    session.commit()
    # A household moves from site A to site B in the next roster.
    mover = _households(session, site_a)[1]
    records = [dataclasses.replace(r, settlement=SITE_B) for r in generate_roster(COUNTY, [SITE_A, SITE_B], 40, 11)
               if r.household_no == mover.household_no]
    apply_records(session, records, actor="import")
    session.commit()

    assert stale_site_figures(session) == sorted([site_a.id, site_b.id])  # counted only at the refresh
    assert pending_changes(session, [site_a.id, site_b.id]) == 2
    assert refresh_site_figures(session) == 2
    session.commit()
    assert stale_site_figures(session) == []
    after = {f.settlement_id: (f.employed, f.zero_employment, f.monitored, f.open_problems)
             for f in session.scalars(select(SiteFigures))}
    assert after != before
    _assert_the_dashboards_counts(session, [site_a, site_b])


def _assert_the_dashboards_counts(session, sites):
    stored = {f.settlement_id: f for f in session.scalars(select(SiteFigures))}
    for totals in dashboard.settlement_totals(session, {s.id for s in sites}):
        figures = stored[totals.settlement.id]
        assert (figures.households, figures.labourers, figures.employed, figures.zero_employment,
                figures.follow_ups_due) == (totals.households, totals.labourers, totals.employed,
                                            totals.zero_employment, totals.follow_ups_due)
        site = {totals.settlement.id}
        assert figures.monitored == monitoring.monitored_count(session, site)
        assert figures.open_alerts == len(monitoring_alerts.open_alerts(session, site))
        assert figures.open_problems == problems.open_problems_tile(session, site).open


def test_a_refresh_recomputes_only_the_sites_that_changed(session):
    _imported(session)
    rebuild_site_figures(session)
    session.commit()
    site_a = _site(session, SITE_A)
    untouched = session.get(SiteFigures, _site(session, SITE_B).id).computed_at
    household = _households(session, site_a)[0]
    record_follow_up(session, household_id=household.id, staff_user_id=None, method="phone", actor="test",
                     summary="电话回访")
    session.commit()
    assert refresh_site_figures(session) == 1
    session.commit()
    assert session.get(SiteFigures, _site(session, SITE_B).id).computed_at == untouched
    assert refresh_site_figures(session) == 0  # nothing waiting
    new_site = make_settlement(session, site_a.county, name="新建安置点")
    session.commit()
    assert refresh_site_figures(session) == 1
    assert session.get(SiteFigures, new_site.id).households == 0


def test_a_new_month_recounts_every_site(session):
    _imported(session, households=6)
    rebuild_site_figures(session)
    for figures in session.scalars(select(SiteFigures)):
        figures.month = "2000-01"
    session.commit()
    assert refresh_site_figures(session) == 2
    session.commit()
    assert stale_site_figures(session) == []


def test_a_change_committed_during_a_refresh_is_not_lost(pg_url):
    """PostgreSQL, two connections: a change committed while a refresh runs waits for the next one."""
    from sqlalchemy.orm import Session

    from jobmatch.db import make_engine

    engine = make_engine(pg_url)
    with Session(engine) as writer, Session(engine) as refresher:
        _imported(writer, households=8)
        rebuild_site_figures(writer)
        writer.commit()
        household = writer.scalars(select(Household).order_by(Household.id)).first()
        record_follow_up(writer, household_id=household.id, staff_user_id=None, method="phone", actor="test",
                         summary="电话回访", contacted_at=None)
        writer.flush()  # written, not committed: the refresh cannot see it
        refresh_site_figures(refresher)
        refresher.commit()
        writer.commit()
        assert pending_changes(refresher, [household.settlement_id]) == 1
        assert stale_site_figures(refresher) == [household.settlement_id]
        refresh_site_figures(refresher)
        refresher.commit()
        assert stale_site_figures(refresher) == []
    engine.dispose()


def test_the_rebuild_after_a_bulk_load_counts_every_site(session):
    _imported(session, households=10)
    session.execute(SiteFigures.__table__.delete())
    session.commit()
    assert stale_site_figures(session) != []
    assert rebuild_site_figures(session) == 2
    session.commit()
    assert stale_site_figures(session) == []


def test_the_figures_commands(cli, session):
    _imported(session, households=6)
    assert "rebuilt the figures of 2 site(s)" in cli("figures", "rebuild").output
    assert cli("figures", "check").exit_code == 0
    household = session.scalars(select(Household).order_by(Household.id)).first()
    monitoring.flag_household(session, household.id, "marginal", reason="收入下降", actor="test")
    session.commit()
    stale = cli("figures", "check")
    assert stale.exit_code == 1 and "1 site(s) differ from a recompute" in stale.output
    assert "refreshed the figures of 1 site(s)" in cli("figures", "refresh").output
    assert cli("figures", "check").exit_code == 0


def test_a_rebuild_keeps_each_sites_first_twenty_waiting_offers_in_the_dashboards_order(session):
    """One numbered statement for every site gives each site what the dashboard's own query gives it alone."""
    county = make_county(session)
    vacancy = make_vacancy(session, make_employer(session, county), county_id=county.id)
    sites = [make_settlement(session, county, name=f"第{n}安置点") for n in range(4)]
    sizes = (27, 20, 3, 0)  # more than kept, exactly as many, fewer, none
    offers_of = {}
    for site, size in zip(sites, sizes, strict=True):
        households = [make_household(session, site, zero_employment=n % 3 == 0) for n in range(size)]
        persons = [make_person(session, household) for household in households]
        offers = make_sent_offers(session, vacancy, persons[::2]) + make_sent_offers(
            session, vacancy, persons[1::2], channel="visit")
        for n, offer in enumerate(offers):  # expiries out of the order they were made
            offer.expires_at = offer.expires_at - timedelta(minutes=(n * 7) % 11)
        offers_of[site.id] = offers
    session.commit()

    assert rebuild_site_figures(session) == 4
    session.commit()
    stored = dict(session.execute(select(SiteFigures.settlement_id, SiteFigures.waiting_first)).all())
    for site, size in zip(sites, sizes, strict=True):
        _, live = offers_waiting(session, [site.id], limit=WAITING_KEPT)
        assert stored[site.id] == [w.offer_id for w in live], site.name
        assert len(stored[site.id]) == min(size, WAITING_KEPT)
        assert set(stored[site.id]) <= {o.id for o in offers_of[site.id]}  # its own members' offers only
        kept = [session.get(Offer, i) for i in stored[site.id]]  # door deliveries, then zero-employment first
        order = [(o.channel != "visit", not o.person.household.zero_employment) for o in kept]
        assert order == sorted(order)
    assert stored[sites[3].id] == []

    # a refresh of some sites reads them from their members (PostgreSQL), numbered the same way
    for offer in offers_of[sites[0].id][:5]:
        offer.status = "declined"
    session.commit()
    assert refresh_site_figures(session) == 1
    session.commit()
    refreshed = session.scalar(select(SiteFigures.waiting_first).where(SiteFigures.settlement_id == sites[0].id))
    _, live = offers_waiting(session, [sites[0].id], limit=WAITING_KEPT)
    assert refreshed == [w.offer_id for w in live] and len(refreshed) == 20 and refreshed != stored[sites[0].id]
