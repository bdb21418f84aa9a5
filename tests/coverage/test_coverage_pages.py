"""The coverage flags on the county page and report, and the staff pages that record what clears them."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.models import EmploymentBaseline, SpecialAction, User
from tests.coverage.helpers import site_of
from tests.factories import frozen_clock, make_county, make_household
from tests.web.helpers import add_user, login

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


@pytest.fixture
def county_of_three(app):
    """A county with a staffed 900-person site, an unstaffed 250-person one, and a small one."""
    sessions = app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        county = make_county(session, name="威宁县")
        large, _ = site_of(session, county, 900, "五里岗安置点")
        unstaffed, _ = site_of(session, county, 250, "金钟安置点")
        small, _ = site_of(session, county, 30, "小海安置点")
        fallen = make_household(session, unstaffed, household_no="JZ-0001")
        add_user(session, "zhuangan", "staff", settlements=[large, small])
        add_user(session, "xianli", "county_officer", county_id=county.id)
        session.commit()
        return {"county": county.id, "large": large.id, "unstaffed": unstaffed.id, "small": small.id,
                "fallen": fallen.household_no}


def test_the_county_page_flags_an_unstaffed_site_and_a_large_site_without_action(client, county_of_three):
    login(client, "xianli")
    page = client.get("/county/").get_data(as_text=True)
    coverage = page[page.index('id="coverage-flags"'):]
    assert "金钟安置点" in coverage and "200人以上无就业专干" in coverage
    assert "800人以上今年无专项行动" in coverage
    assert coverage.count("200人以上无就业专干") == 1 and coverage.count("800人以上今年无专项行动") == 1
    small_row = coverage[coverage.index("小海安置点"):].split("</tr>")[0]
    assert "flag" not in small_row  # 30 people: nothing asked of it


def test_the_county_officers_follow_up_list_carries_the_unstaffed_sites_households(client, county_of_three):
    login(client, "xianli")
    page = client.get("/staff/follow-ups").get_data(as_text=True)
    assert county_of_three["fallen"] in page and "无专干安置点" in page


def test_staff_record_a_special_action_and_the_flag_clears(app, client, county_of_three):
    login(client, "zhuangan")
    refused = client.post("/staff/coverage/actions", data={"settlement_id": county_of_three["large"],
                                                           "kind": "recruitment_drive", "held_on": "2026-12-05",
                                                           "title": "冬季招聘周"})
    assert refused.status_code == 400 and "办完再登记" in refused.get_data(as_text=True)
    done = client.post("/staff/coverage/actions", data={"settlement_id": county_of_three["large"],
                                                        "kind": "recruitment_drive", "held_on": "2026-11-18",
                                                        "title": "冬季招聘周"})
    assert done.status_code == 302
    not_mine = client.post("/staff/coverage/actions", data={"settlement_id": county_of_three["unstaffed"],
                                                            "kind": "training_drive", "held_on": "2026-11-18",
                                                            "title": "培训周"})
    assert not_mine.status_code == 400  # not one of this staff member's sites
    page = client.get("/staff/coverage").get_data(as_text=True)
    assert "冬季招聘周" in page and "800人以上今年无专项行动" not in page
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.scalars(select(SpecialAction.title)).all() == ["冬季招聘周"]


def test_a_baseline_is_entered_once_on_the_page(app, client, county_of_three):
    login(client, "xianli")
    form = {"settlement_id": county_of_three["unstaffed"], "as_of": "2020-12-31", "employed": "180"}
    assert client.post("/staff/coverage/baseline", data=form).status_code == 302
    again = client.post("/staff/coverage/baseline", data=dict(form, employed="150"))
    assert again.status_code == 409 and "只能登记一次" in again.get_data(as_text=True)
    page = client.get("/county/").get_data(as_text=True)
    assert "低于就业基数" in page  # nobody at 金钟 holds a job now
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.get(EmploymentBaseline, county_of_three["unstaffed"]).employed == 180


def test_the_report_has_a_coverage_sheet(client, county_of_three):
    login(client, "xianli")
    response = client.get("/county/report.xlsx?month=2026-11")
    sheet = load_workbook(io.BytesIO(response.data))["覆盖情况"]
    lines = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert lines["金钟安置点"][1:3] == (250, "无") and lines["金钟安置点"][8] == "是"
    assert lines["五里岗安置点"][1] == 900 and lines["五里岗安置点"][9] == "是"
    assert lines["小海安置点"][8:11] == ("", "", "") or lines["小海安置点"][8:11] == (None, None, None)
    assert lines["合计"][8:11] == (1, 1, 0)


def test_staff_set_their_own_phone_on_the_account_page(app, client, county_of_three):
    login(client, "zhuangan")
    bad = client.post("/staff/account", data={"phone": "12345"})
    assert bad.status_code == 400 and "11 位手机号" in bad.get_data(as_text=True)
    assert client.post("/staff/account", data={"phone": "139 8765 4321"}).status_code == 302
    assert "+8613987654321" in client.get("/staff/account").get_data(as_text=True)
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.scalar(select(User.phone).where(User.username == "zhuangan")) == "+8613987654321"


