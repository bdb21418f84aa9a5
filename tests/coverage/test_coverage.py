"""Site coverage (rule 3) and the employment floor (seed 003), as a county officer reads them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.models import Fair, LedgerEvent
from jobmatch.services.coverage import coverage_rows
from jobmatch.services.coverage.records import (
    baseline_from_roster,
    record_special_action,
    set_employment_baseline,
)
from jobmatch.services.errors import UserError
from jobmatch.services.households.followups import follow_ups_for_officer
from tests.coverage.helpers import site_of
from tests.factories import frozen_clock, make_county, make_household, make_settlement, make_spell, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
NOVEMBER = Month(2026, 11)


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def _row(rows, site):
    [row] = [r for r in rows if r.settlement_id == site.id]
    return row


def test_a_200_person_site_without_staff_and_an_800_site_without_action_are_flagged(session):
    county = make_county(session)
    small, _ = site_of(session, county, 199, "小安置点")
    unstaffed, _ = site_of(session, county, 200, "无专干安置点")
    large, _ = site_of(session, county, 900, "大安置点")
    make_user(session, "staff", settlements=[large], display_name="王专干")
    rows = coverage_rows(session, county.id, NOVEMBER)
    assert [r.name for r in rows] == sorted(["小安置点", "无专干安置点", "大安置点"])
    assert (_row(rows, small).people, _row(rows, small).needs_staff) == (199, False)
    assert (_row(rows, unstaffed).people, _row(rows, unstaffed).needs_staff) == (200, True)
    assert _row(rows, large).staff == ["王专干"]
    assert (_row(rows, large).needs_staff, _row(rows, large).needs_action) == (False, True)
    assert not _row(rows, unstaffed).needs_action  # under 800: no special action required


def test_a_fair_or_a_recorded_action_this_year_clears_the_800_flag(session, _clock):
    county = make_county(session)
    large, _ = site_of(session, county, 800, "大安置点")
    officer = make_user(session, "county_officer", county_id=county.id)
    session.add(Fair(name="去年的招聘会", held_on=date(2025, 12, 10), place="广场", settlement_id=large.id,
                     county_id=county.id))
    session.flush()
    assert _row(coverage_rows(session, county.id, NOVEMBER), large).needs_action  # last year's does not count
    record_special_action(session, settlement_id=large.id, kind="training_drive", held_on=date(2026, 11, 3),
                          title="冬季电焊培训行动", user_id=officer.id, actor=f"user:{officer.id}")
    row = _row(coverage_rows(session, county.id, NOVEMBER), large)
    assert (row.actions, row.fairs, row.needs_action) == (1, 0, False)
    # October's report is as of October's end: the November action was not yet held.
    assert _row(coverage_rows(session, county.id, "2026-10"), large).needs_action
    session.add(Fair(name="春风行动", held_on=date(2026, 3, 1), place="广场", settlement_id=large.id, county_id=county.id))
    session.flush()
    assert _row(coverage_rows(session, county.id, "2026-10"), large).fairs == 1
    [event] = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "special_action_recorded")).all()
    assert event.data["title"] == "冬季电焊培训行动" and event.subject == f"settlement:{large.id}"


def test_a_special_action_with_a_mistake_is_refused_and_writes_nothing(session):
    county = make_county(session)
    site = make_settlement(session, county)
    for kind, held_on, title, field in (("party", date(2026, 11, 1), "联欢", "kind"),
                                        ("recruitment_drive", date(2026, 11, 1), "  ", "title"),
                                        ("recruitment_drive", date(2026, 12, 1), "招聘周", "held_on")):
        with pytest.raises(UserError) as error:
            record_special_action(session, settlement_id=site.id, kind=kind, held_on=held_on, title=title,
                                  user_id=None, actor="user:1")
        assert error.value.field == field
    assert session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "special_action_recorded")).all() == []


def test_the_same_action_sent_twice_is_recorded_once(session):
    site = make_settlement(session, make_county(session), name="五里岗安置点")
    values = {"settlement_id": site.id, "kind": "recruitment_drive", "held_on": date(2026, 11, 2),
              "title": "冬季招聘周", "user_id": None, "actor": "user:1"}
    record_special_action(session, **values)
    with pytest.raises(UserError) as error:
        record_special_action(session, **values)
    assert error.value.status == 409 and "已经登记过" in error.value.message
    assert len(session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "special_action_recorded")).all()) == 1


def test_employment_below_the_baseline_is_flagged_month_by_month(session):
    county = make_county(session)
    site, persons = site_of(session, county, 10, "城区安置点")
    spells = [make_spell(session, p, started_on=date(2020, 6, 1)) for p in persons[:6]]
    set_employment_baseline(session, settlement_id=site.id, employed=6, as_of=date(2020, 12, 31), user_id=None,
                            actor="user:1")
    row = _row(coverage_rows(session, county.id, "2026-10"), site)
    assert (row.baseline, row.employed, row.below_floor) == (6, 6, False)
    spells[0].ended_on = date(2026, 11, 5)
    session.flush()
    assert not _row(coverage_rows(session, county.id, "2026-10"), site).below_floor  # as of October's end
    row = _row(coverage_rows(session, county.id, NOVEMBER), site)
    assert (row.employed, row.below_floor) == (5, True)
    [event] = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "employment_baseline_set")).all()
    assert event.data == {"employed": 6, "as_of": "2020-12-31", "source": "entered"}


def test_the_baseline_is_entered_once(session):
    county = make_county(session)
    site = make_settlement(session, county, name="城区安置点")
    set_employment_baseline(session, settlement_id=site.id, employed=120, as_of=date(2020, 12, 31), user_id=None,
                            actor="user:1")
    with pytest.raises(UserError) as error:
        set_employment_baseline(session, settlement_id=site.id, employed=90, as_of=date(2021, 1, 31), user_id=None,
                                actor="user:1")
    assert "只能登记一次" in error.value.message and "120" in error.value.message
    with pytest.raises(UserError):
        baseline_from_roster(session, settlement_id=site.id, as_of=date(2020, 12, 31), user_id=None, actor="user:1")
    other = make_settlement(session, county)
    with pytest.raises(UserError) as error:
        set_employment_baseline(session, settlement_id=other.id, employed=-1, as_of=date(2020, 12, 31),
                                user_id=None, actor="user:1")
    assert error.value.field == "employed"


def test_the_baseline_can_be_taken_from_the_roster_on_a_date(session):
    county = make_county(session)
    site, persons = site_of(session, county, 5, "城区安置点")
    make_spell(session, persons[0], started_on=date(2019, 5, 1))
    make_spell(session, persons[1], started_on=date(2020, 3, 1), ended_on=date(2020, 10, 1))
    make_spell(session, persons[2], started_on=date(2021, 3, 1))
    baseline = baseline_from_roster(session, settlement_id=site.id, as_of=date(2020, 12, 31), user_id=None,
                                    actor="user:1")
    assert (baseline.employed, baseline.source) == (1, "roster")


def test_households_of_a_site_without_staff_fall_to_the_county_officers_follow_up_list(session):
    county = make_county(session)
    staffed = make_settlement(session, county)
    unstaffed = make_settlement(session, county)
    kept = make_household(session, staffed)
    fallen = make_household(session, unstaffed)
    make_user(session, "staff", settlements=[staffed], username="wang")
    retired = make_user(session, "staff", settlements=[unstaffed], username="li", active=False)
    officer = make_user(session, "county_officer", county_id=county.id, username="county")
    lists = follow_ups_for_officer(session, officer, {staffed.id, unstaffed.id})
    assert [(entry.username, entry.unstaffed_sites, [h.household_id for h in entry.households])
            for entry in lists] == [("wang", False, [kept.id]), ("county", True, [fallen.id])]
    retired.active = True
    session.flush()
    assert [entry.username for entry in follow_ups_for_officer(session, officer, {staffed.id, unstaffed.id})] == [
        "li", "wang"]
