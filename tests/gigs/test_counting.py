"""It counts: gig days and pay in the ledger per worker and month, flexible employment from gig days,
and the monthly gig report per station and county."""

from datetime import datetime

import pytest
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.config import settings_of, use_settings
from jobmatch.models import Household, LedgerEvent
from jobmatch.services.gigs import counting, offering, pay
from jobmatch.services.households.status import refresh_households, stale_households
from jobmatch.services.reports.monthly import monthly_report
from tests.factories import frozen_clock, make_household, make_person, make_settlement
from tests.gigs.gig_factories import MORNING, SHANGHAI, post

DECEMBER = Month(2026, 12)


@pytest.fixture
def clock():
    with frozen_clock(MORNING) as clock:
        yield clock


def _work(app, session, clock, site, person, days, **changes):
    gig = post(session, site, headcount=1, days=days, **changes)
    with app.app_context():
        placement = offering.assign_on_the_spot(session, gig.id, person.id, actor="user:clerk")
        pay.confirm_work(session, gig.id, [pay.WorkDone(placement.id, days, None, 180 * days)], actor="user:employer")
    return gig


def test_eight_gig_days_in_a_month_make_a_zero_employment_household_flexibly_employed(app, session, clock):
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    with app.app_context():
        refresh_households(session, [worker.household_id], actor="test")
    assert session.get(Household, worker.household_id).zero_employment
    _work(app, session, clock, site, worker, 7)
    assert session.get(Household, worker.household_id).zero_employment  # 7 days: not yet
    clock.set(datetime(2026, 12, 9, 18, 0, tzinfo=SHANGHAI))
    _work(app, session, clock, site, worker, 1, work_date=datetime(2026, 12, 9).date())
    household = session.get(Household, worker.household_id)
    assert (household.zero_employment, household.employed) == (False, 1)
    assert counting.gig_days_and_earnings(session, DECEMBER) == {worker.id: (8.0, 1440)}
    confirmed = session.scalars(select(LedgerEvent.data).where(LedgerEvent.kind == "gig_work_confirmed",
                                                               LedgerEvent.person_id == worker.id)).all()
    assert [(d["month"], d["days"], d["pay_yuan"]) for d in confirmed] == [("2026-12", 7, 1260), ("2026-12", 1, 180)]
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    with app.app_context():
        report = monthly_report(session, site.county, 2026, 12)
        assert stale_households(session) == []
    [row] = report.settlements
    assert (row.labourers, row.employed, row.by_kind["flexible"]) == (1, 1, 1)
    assert report.zero_employment_households == []


def test_the_flexible_threshold_is_a_setting(app, session, clock):
    use_settings(app, settings_of(app).replace(gig_days_flexible=3))
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    _work(app, session, clock, site, worker, 3)
    with app.app_context():
        assert counting.flexibly_employed(session, DECEMBER, counting.gig_days_flexible()) == {worker.id}
        assert counting.flexibly_employed(session, DECEMBER.next(), counting.gig_days_flexible()) == set()


def test_the_monthly_gig_report_per_station_and_county(app, session, clock):
    site, other = make_settlement(session), None
    other = make_settlement(session, site.county)
    paid, disputed, idle = (make_person(session, make_household(session, site)) for _ in range(3))
    gig = post(session, site, headcount=3)
    post(session, other, headcount=5)
    with app.app_context():
        placed = [offering.assign_on_the_spot(session, gig.id, p.id, actor="user:clerk") for p in (paid, disputed)]
        clock.set(MORNING.replace(hour=18))
        pay.confirm_work(session, gig.id, [pay.WorkDone(p.id, 1, 7, 180) for p in placed], actor="user:employer")
        from jobmatch.services import answers
        answers.answer(session, f"gig_pay:{placed[0].id}", paid.id, True, actor="person:x", via="web")
        answers.answer(session, f"gig_pay:{placed[1].id}", disputed.id, False, actor="person:x", via="web")
        report = counting.monthly_gig_report(session, site.county_id, DECEMBER, counting.gig_days_flexible())
    by_name = {row.name: row for row in report.rows}
    row = by_name[site.name]
    assert (row.gigs_posted, row.places, row.places_filled, row.days_worked) == (1, 3, 2, 2.0)
    assert (row.pay_confirmed_yuan, row.workers_paid, row.disputes) == (360, 1, 1)
    assert (by_name[other.name].gigs_posted, by_name[other.name].places_filled) == (1, 0)
    assert (report.total.gigs_posted, report.total.places) == (2, 8)
    assert idle.id not in {p.person_id for p in placed}


def test_when_the_month_turns_last_months_gig_days_no_longer_count(app, session, cli, clock):
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    _work(app, session, clock, site, worker, 8)
    assert not session.get(Household, worker.household_id).zero_employment
    session.commit()
    clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI))
    assert cli("gigs", "check").exit_code == 0
    session.expire_all()
    assert session.get(Household, worker.household_id).zero_employment
    with app.app_context():
        assert stale_households(session) == []
