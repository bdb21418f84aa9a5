"""A settlement's year of welfare posts and hiring subsidies (issue 13), then every place that shows
money agrees on every amount, to the fen.

The year: places offered by rank (one override with a written reason), consent by SMS "1",
a mid-month start, absences, a household that no longer needs its post (flagged, exited,
the place passed on), a term end (vacated, the place passed on), a holder hired elsewhere; hiring subsidies for an
entrepreneur in the settlement, one of them a re-hire. At the year's end the post rolls
(and their xlsx), the county report (and its spreadsheet), the monthly subsidy list, its
xlsx for finance, the API, and the employer's own page (/e/subsidies) give the same figures.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from jobmatch.clock import FixedClock, Month, use_clock
from jobmatch.models import WelfareAppointment
from jobmatch.services.employers.policy import set_employer_policy
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.hiring import record_hire
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.subsidies.hiring import hiring_subsidies
from jobmatch.services.subsidies.monthly_list import monthly_subsidy_list, write_subsidy_list
from jobmatch.services.welfare import posts
from jobmatch.services.welfare.appointments import appoint
from jobmatch.services.welfare.attendance import record_attendance
from jobmatch.services.welfare.exits import vacate_ended_terms
from jobmatch.services.welfare.needs import check_household_needs, decide_review
from jobmatch.services.welfare.roll import subsidy_roll, write_subsidy_roll
from jobmatch.tasks import InProcessQueue, dispatch_once
from notifications.clock import SystemClock
from tests.factories import (
    make_employer,
    make_household,
    make_person,
    make_sent_offers,
    make_settlement,
    make_spell,
    make_user,
    make_vacancy,
    make_welfare_post,
)
from tests.web.helpers import add_user, bearer, login, token_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = [Month(2026, number) for number in range(1, 13)]
_sms_ids = count(1)


def fen(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def day(month, day_of_month, hour=10):
    use_clock(FixedClock(datetime(2026, month, day_of_month, hour, tzinfo=SHANGHAI)))


def sms_yes(app, session, person):
    """The offer goes out by SMS (console provider) and the worker answers "1" (the webhook's inbound path)."""
    session.commit()
    dispatch_once(app, InProcessQueue(app))
    receive_reply(session, from_phone=person.phone, body="1", provider_sid=f"SM-year-{next(_sms_ids)}")


@pytest.fixture(autouse=True)
def _restore_clock():
    yield
    use_clock(SystemClock())


def test_a_settlement_year_of_welfare_posts_and_hiring_subsidies_agrees_everywhere(app, session, client, tmp_path):
    day(1, 5)
    site = make_settlement(session, name="年度安置点")
    jia = make_person(session, make_household(session, site), name="甲", birth_date=date(1970, 5, 1))
    yi_home = make_household(session, site)
    yi = make_person(session, yi_home, name="乙", gender="female", capacity="weak", birth_date=date(1968, 2, 1),
                     cannot_leave_site=True, cannot_leave_reason="caring_children")
    make_spell(session, make_person(session, yi_home, relation="配偶", name="乙夫"), monthly_income=2500,
               started_on=date(2025, 3, 1), kind="within_county")
    bing_home = make_household(session, site)
    bing = make_person(session, bing_home, name="丙")
    bing_spouse = make_person(session, bing_home, name="丙妻", relation="配偶", gender="female")
    old_job = make_spell(session, bing_spouse, monthly_income=2000, started_on=date(2025, 1, 1))
    ding = make_person(session, make_household(session, site), name="丁", birth_date=date(1990, 1, 1))
    refresh_households(session, [p.household_id for p in (jia, yi, bing, ding)], actor="test")
    cleaner = make_welfare_post(session, site, title="保洁员", quota=2, monthly_subsidy=1500, term_months=6)

    # January: the best-ranked (甲, zero-employment) and, with a written reason, 丙 instead of 乙 and 丁.
    ranked = [c.name for c in posts.candidates_for_post(session, cleaner.id)]
    assert ranked == ["甲", "丁", "乙", "丙"]
    appoint(session, cleaner.id, jia.id, actor="user:1")
    day(1, 10)
    sms_yes(app, session, jia)
    appoint(session, cleaner.id, bing.id, actor="user:1", override_reason="丙持有保洁证，社区急需，经村委会议定")
    day(1, 15)
    sms_yes(app, session, bing)
    assert {a.person_id: a.status for a in session.scalars(select(WelfareAppointment))} == {
        jia.id: "active", bing.id: "active"}

    # February: 甲 is absent three days.
    day(3, 2)
    record_attendance(session, posts.active_appointments(session, cleaner.id)[0].id, "2026-02", 3, actor="user:1")

    # May: 丙's wife earns above the line; the monthly check flags the household, staff exit 丙,
    # the place goes to the best-ranked candidate left (丁), who answers "1" two days later.
    day(5, 1)
    old_job.ended_on = date(2026, 5, 1)
    make_spell(session, bing_spouse, monthly_income=3600, started_on=date(2026, 5, 1))
    [flag] = check_household_needs(session, Month(2026, 5), income_line=3000)
    day(5, 20)
    decide_review(session, flag.id, keep=False, note="", actor="user:1")
    day(5, 22)
    sms_yes(app, session, ding)

    # July: 甲's six-month term ends on 7-10; the place goes to 乙, who answers "1".
    day(7, 10, hour=6)
    [ended] = vacate_ended_terms(session, actor="system")
    assert ended.appointment.person_id == jia.id and ended.next_candidate.name == "乙"
    day(7, 13)
    sms_yes(app, session, yi)

    # Hiring subsidies: an entrepreneur of the settlement hires 戊 (paid once) and re-hires 己 (paid once, not twice).
    workshop = make_employer(session, site.county, kind="workshop", name="年度帮扶车间")
    set_employer_policy(session, workshop.id, government_funded=False, work_for_relief=False,
                        entrepreneur_settlement_id=site.id, actor="user:1")
    wu = make_person(session, make_household(session, site), name="戊")
    ji = make_person(session, make_household(session, site), name="己")
    stable = dict(employer_id=workshop.id, employer_name=workshop.name, contract_months=12, social_insurance=True)
    make_spell(session, wu, started_on=date(2026, 2, 1), **stable)
    make_spell(session, ji, started_on=date(2025, 6, 1), ended_on=date(2026, 1, 31), **stable)
    make_spell(session, ji, started_on=date(2026, 3, 1), **stable)

    # December: the workshop hires 乙 from 12-10; her place ends that day (found other employment).
    day(12, 9)
    [job] = make_sent_offers(session, make_vacancy(session, workshop, title="竹编工"), [yi])
    job.status, job.responded_at = "accepted", job.sent_at
    session.flush()
    record_hire(session, job.id, start_date=date(2026, 12, 10), contract_months=12, social_insurance=True,
                monthly_wage=2800, actor="user:2")

    day(12, 31, hour=20)
    staff = make_user(session, "staff", settlements=[site])
    add_user(session, "year_staff", "staff", settlements=[site])
    add_user(session, "year_boss", "employer", employer_id=workshop.id)
    session.commit()
    token = token_for(session, "year_staff")

    # Figures worked out by hand for the months that test the rules.
    rolls = {month: subsidy_roll(session, cleaner.id, str(month)) for month in MONTHS}
    jan = {line.name: line.subsidy for line in rolls[Month(2026, 1)].lines}
    assert jan == {"甲": Decimal("1064.52"), "丙": Decimal("822.58")}  # 22/31 and 17/31 of 1,500
    feb = {line.name: (line.days_present, line.subsidy) for line in rolls[Month(2026, 2)].lines}
    assert feb == {"甲": (25, Decimal("1339.29")), "丙": (28, Decimal("1500.00"))}  # three days absent
    may = {line.name: line.subsidy for line in rolls[Month(2026, 5)].lines}
    assert may == {"甲": Decimal("1500.00"), "丙": Decimal("919.35"), "丁": Decimal("483.87")}  # 19/31, 10/31
    jul = {line.name: line.subsidy for line in rolls[Month(2026, 7)].lines}
    assert jul == {"甲": Decimal("435.48"), "丁": Decimal("1500.00"), "乙": Decimal("919.35")}  # 9/31, 19/31

    employer_page = hiring_subsidies(session, workshop.id)
    assert [(line.name, line.amount) for line in employer_page.eligible] == [("己", 1000), ("戊", 1000)]
    assert [line.reasons for line in employer_page.not_eligible] == [["此人已在本单位计过补贴（重复录用不再补贴）"]]

    hiring_by_month = defaultdict(Decimal)
    for month in MONTHS:
        roll_total = rolls[month].total
        report = monthly_report(session, site.county, month.year, month.number)
        assert [p["subsidy_total"] for p in report.welfare_posts] == [roll_total], month
        report_path, roll_path = tmp_path / f"report-{month}.xlsx", tmp_path / f"roll-{month}.xlsx"
        write_report_xlsx(report, report_path)  # the county's spreadsheet
        welfare_sheet = list(openpyxl.load_workbook(report_path)["公益性岗位"].iter_rows(values_only=True))
        assert [fen(row[5]) for row in welfare_sheet[3:5]] == [roll_total, roll_total], month  # the post, 合计
        write_subsidy_roll(session, cleaner.id, str(month), roll_path, user=staff)  # the post's roll for finance
        roll_rows = list(openpyxl.load_workbook(roll_path).active.iter_rows(values_only=True))
        assert [fen(row[11]) for row in roll_rows[2:]] == [line.subsidy for line in rolls[month].lines] + [roll_total]
        listed = monthly_subsidy_list(session, month, [site.id])
        welfare_lines = [line for line in listed if line.kind == "welfare_post"]
        assert sum(line.amount for line in welfare_lines) == roll_total, month
        assert sorted(line.amount for line in welfare_lines) == sorted(line.subsidy for line in rolls[month].lines)
        for line in listed:
            if line.kind == "hiring":
                hiring_by_month[month] += line.amount
        session.commit()  # SQLite: end this transaction before the API's request writes
        api = client.get(f"/api/v1/subsidies?month={month}", headers=bearer(token)).json
        assert sorted(Decimal(item["amount"]) for item in api["items"]) == sorted(line.amount for line in listed)
        path = tmp_path / f"{month}.xlsx"
        write_subsidy_list(session, str(month), path, user=staff)
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        exported = [fen(row[6]) for row in rows[2:-1]]
        assert exported == [line.amount for line in listed], month
        assert fen(rows[-1][6]) == sum((line.amount for line in listed), Decimal(0))
        assert fen(api["total"]) == fen(rows[-1][6]), month

    # The hiring subsidy: paid in the month six months are reached, once each, as on the employer's page.
    assert dict(hiring_by_month) == {Month(2026, 8): Decimal("1000.00")}  # 戊; 己's was payable in 2025-12
    year_end = monthly_report(session, site.county, 2026, 12)
    assert [(row["employer"], row["payable"], row["amount"]) for row in year_end.hiring_subsidies] == [
        ("年度帮扶车间", 2, employer_page.eligible_total)]
    session.commit()
    client.post("/logout")
    login(client, "year_boss")  # the employer's own page shows the same hires and amounts
    page = client.get("/e/subsidies").get_data(as_text=True)
    assert "2 人 / 2000 元" in page and page.count("<td>1000</td>") == 2
    assert "此人已在本单位计过补贴（重复录用不再补贴）" in page
    nov = {line.name: line.subsidy for line in rolls[Month(2026, 11)].lines}
    assert nov == {"丁": Decimal("1050.00"), "乙": Decimal("1500.00")}  # 丁's term ends 11-22: 21/30
    dec = {line.name: (line.days_on_post, line.exited_on, line.subsidy) for line in rolls[Month(2026, 12)].lines}
    assert dec == {"乙": (9, date(2026, 12, 10), Decimal("435.48"))}  # hired elsewhere from 12-10: 9/31
    assert sum(roll.total for roll in rolls.values()) == Decimal("31469.92")
