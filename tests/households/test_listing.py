"""Staff find households in a full, paged list: by settlement, zero-employment, monitoring, follow-ups
due or overdue, wanting work without a job, kind of job; by part of a name, household number, phone
tail or ID tail; never outside their settlements."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jobmatch.models import Person, Settlement
from jobmatch.services.households.listing import HouseholdFilters, list_households
from jobmatch.services.households.status import note_follow_up, refresh_households
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_spell
from tests.web.helpers import load_small_demo, login

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def _numbers(page):
    return [row.household_no for row in page.rows]


@pytest.fixture
def town(session):
    """Two sites of one county: an employed family, a zero-employment one, a monitored one, and one elsewhere."""
    east, west = make_settlement(session, name="东坪安置点"), make_settlement(session, name="西岭安置点")
    employed = make_household(session, east, household_no="E-001")
    wang = make_person(session, employed, name="王雪燕", phone="+8613912345678")
    make_spell(session, wang, kind="workshop")
    idle = make_household(session, east, household_no="E-002", monitoring="marginal")
    make_person(session, idle, name="李大山", phone="+8613800001111")
    jobless = make_household(session, east, household_no="E-003")
    make_person(session, jobless, name="张红")
    elsewhere = make_household(session, west, household_no="W-001")
    make_person(session, elsewhere, name="王小二")
    refresh_households(session, [employed.id, idle.id, jobless.id, elsewhere.id], actor="test")
    note_follow_up(session, employed.id, datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI))
    note_follow_up(session, idle.id, datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI))
    session.flush()
    return {"east": east.id, "west": west.id, "both": {east.id, west.id}, "jobless": jobless, "wang": wang}


def test_filters_each_narrow_the_list(session, town):
    both = town["both"]
    assert _numbers(list_households(session, both, HouseholdFilters())) == ["E-001", "E-002", "E-003", "W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(settlement_id=town["west"]))) == ["W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(zero_employment=True))) == ["E-002", "E-003",
                                                                                                "W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(monitored=True))) == ["E-002"]
    assert _numbers(list_households(session, both, HouseholdFilters(employed_kind="workshop"))) == ["E-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(employed_kind="welfare_post"))) == []
    assert _numbers(list_households(session, both, HouseholdFilters(wants_work_unemployed=True))) == [
        "E-002", "E-003", "W-001"]
    # followed up in November: not due; in October: due, not overdue; never (and never listed): overdue
    assert _numbers(list_households(session, both, HouseholdFilters(follow_up="due"))) == ["E-002", "E-003", "W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(follow_up="overdue"))) == ["E-003", "W-001"]


def test_search_by_part_of_a_name_number_phone_tail_id_tail_or_settlement(session, town):
    both = town["both"]
    assert _numbers(list_households(session, both, HouseholdFilters(query="王"))) == ["E-001", "W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(query="雪燕"))) == ["E-001"]
    assert list_households(session, both, HouseholdFilters(query="雪燕")).rows[0].found == ((town["wang"].id, "王雪燕"),)
    assert _numbers(list_households(session, both, HouseholdFilters(query="-00"))) == ["E-001", "E-002", "E-003",
                                                                                       "W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(query="1111"))) == ["E-002"]
    assert _numbers(list_households(session, both, HouseholdFilters(query=town["wang"].id_number[-6:]))) == ["E-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(query="西岭"))) == ["W-001"]
    assert _numbers(list_households(session, both, HouseholdFilters(query="100%"))) == []


def test_only_the_users_settlements_are_listed(session, town):
    east_only = {town["east"]}
    assert _numbers(list_households(session, east_only, HouseholdFilters(query="王"))) == ["E-001"]
    assert _numbers(list_households(session, east_only, HouseholdFilters(settlement_id=town["west"]))) == []
    assert list_households(session, set(), HouseholdFilters()).total == 0


def test_paging_and_sorting(session, town):
    east = make_settlement(session, name="北山安置点")
    for number in range(7):
        make_person(session, make_household(session, east, household_no=f"N-{number:03d}"))
    sites = {east.id}
    first = list_households(session, sites, HouseholdFilters(), page_size=3)
    third = list_households(session, sites, HouseholdFilters(page=3), page_size=3)
    assert (first.total, first.pages, _numbers(first)) == (7, 3, ["N-000", "N-001", "N-002"])
    assert (_numbers(third), third.first_number, third.last_number) == (["N-006"], 7, 7)
    everyone = list_households(session, town["both"], HouseholdFilters(sort="settlement"))
    assert [row.settlement_name for row in everyone.rows] == ["东坪安置点"] * 3 + ["西岭安置点"]
    rows = list_households(session, town["both"], HouseholdFilters(sort="zero_first")).rows
    assert [row.zero_employment for row in rows] == [True, True, True, False]
    assert rows[0].head_name == "李大山" and rows[0].members == 1


def test_every_sort_pages_through_the_same_rows_as_one_page(session, town):
    """Paged by 2, each sort's pages put together are its one-page list: names and member counts too."""
    for sort in ("household_no", "settlement", "zero_first", "follow_up"):
        whole = list_households(session, town["both"], HouseholdFilters(sort=sort))
        pages = [list_households(session, town["both"], HouseholdFilters(sort=sort, page=n), page_size=2)
                 for n in (1, 2)]
        assert [r for page in pages for r in page.rows] == whole.rows, sort


def test_empty_search_and_a_settlement_name_show_the_paged_list(app, session):
    demo = load_small_demo(session, households=120)
    site_name = session.get(Settlement, demo.settlement_a).name
    worker_name = session.get(Person, demo.person_a).name
    session.rollback()  # no read transaction of the test's own open while the app writes (SQLite)
    client = app.test_client()
    login(client, "staff_a")
    everything = client.get("/staff/search", query_string={"q": ""}).get_data(as_text=True)
    assert "户清单" in everything and "下一页" in everything and "第 1–50 户" in everything
    by_name = client.get("/staff/search", query_string={"q": site_name[:3]}).get_data(as_text=True)
    assert "没有符合条件的户" not in by_name and demo.household_b_no not in by_name
    found = client.get("/staff/search", query_string={"q": worker_name}).get_data(as_text=True)
    assert f'找到：{worker_name}</a>' in found and f"/staff/persons/{demo.person_a}" in found
    second = client.get("/staff/households", query_string={"page": 2, "zero": 1}).get_data(as_text=True)
    assert "上一页" in second or "没有符合条件的户" in second
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert "/staff/households?zero=1" in dashboard and "/staff/households?follow_up=due" in dashboard
