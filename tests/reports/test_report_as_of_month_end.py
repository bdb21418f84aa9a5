"""A month's report is as of that month's end: the zero-employment list and the monitored households
read back from the ledger, not today's; the xlsx carries the lines a county office signs, prints on
A4 landscape with its header rows repeated, and the month box defaults to the last full month."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.models import EmploymentSpell, LedgerEvent
from jobmatch.services.households import monitoring
from jobmatch.services.households.employment_changes import end_spell
from jobmatch.services.households.followups import MonitoringNotes, record_follow_up
from jobmatch.services.households.status import refresh_households
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from tests.factories import frozen_clock, make_household, make_person, make_settlement

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)
NOVEMBER_END = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def _with_job(session, site, number):
    household = make_household(session, site, household_no=number)
    worker = make_person(session, household, spells=[
        EmploymentSpell(kind="within_county", employer_name="砖厂", monthly_income=3000, started_on=date(2025, 1, 1))])
    refresh_households(session, [household.id], actor="system")
    return household, worker


def _flag_state_from_ledger(session, kinds, moment):
    """Independently of the report: the households whose latest event of ``kinds`` before ``moment`` is the first kind."""
    latest = {}
    for household_id, kind in session.execute(select(LedgerEvent.household_id, LedgerEvent.kind).where(
            LedgerEvent.kind.in_(kinds), LedgerEvent.occurred_at < moment).order_by(LedgerEvent.id)):
        latest[household_id] = kind
    return {h for h, kind in latest.items() if kind == kinds[0]}


def test_the_november_report_lists_novembers_households_not_todays(session):
    with frozen_clock(NOVEMBER) as clock:
        site = make_settlement(session)
        county = site.county
        in_november, november_worker = _with_job(session, site, "H-NOV")
        in_december, december_worker = _with_job(session, site, "H-DEC")
        watched, _ = _with_job(session, site, "H-WATCH")
        monitoring.flag_household(session, watched.id, "unstable", reason="收入不稳", actor="user:1")
        end_spell(session, november_worker.spells[0], reason="停工", actor="user:1")
        record_follow_up(session, household_id=watched.id, staff_user_id=None, method="phone", actor="user:1",
                         monitoring=MonitoringNotes("employed", "无", "无"))
        clock.set(NOVEMBER_END + timedelta(days=1, hours=9))  # December 2nd
        end_spell(session, december_worker.spells[0], reason="停工", actor="user:1")
        late = make_household(session, site, household_no="H-LATE")
        monitoring.flag_household(session, late.id, "hardship", reason="火灾", actor="user:1")
        monitoring.unflag_household(session, watched.id, reason="稳定就业", actor="user:1")

        report = monthly_report(session, county, 2026, 11)
        assert report.as_of == date(2026, 11, 30)
        zero_ids = _flag_state_from_ledger(session, ("household_became_zero_employment",
                                                     "household_left_zero_employment"), NOVEMBER_END)
        assert zero_ids == {in_november.id}
        assert [(z.household_no, z.since) for z in report.zero_employment_households] == [("H-NOV", NOVEMBER)]
        monitored_ids = _flag_state_from_ledger(session, ("monitoring_flagged", "monitoring_unflagged"), NOVEMBER_END)
        assert monitored_ids == {watched.id}
        assert [(m.household_no, m.category, m.followed_up) for m in report.monitored_households] == [
            ("H-WATCH", "unstable", True)]
        assert (report.total.zero_employment, report.total.monitored, report.total.monitored_followed_up) == (1, 1, 1)
        assert report.total.employed == 2  # H-DEC still worked on November 30th

        buffer = io.BytesIO()
        write_report_xlsx(report, buffer, filed_by="李专干")
        workbook = load_workbook(io.BytesIO(buffer.getvalue()))
        for sheet in workbook.worksheets:
            texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
            assert any(t.startswith("填报单位：") for t in texts), sheet.title
            assert "填报人：李专干" in texts and "审核人：" in texts and "填报日期：2026年12月02日" in texts, sheet.title
            assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
            assert sheet.print_title_rows == "$1:$3"
        zero_sheet = [r for r in workbook["零就业家庭"].iter_rows(min_row=4, values_only=True) if r[0] == 1]
        assert zero_sheet == [(1, site.name, "H-NOV", 1, "2026-11-10")]
        monitoring_rows = [r for r in workbook["防返贫监测"].iter_rows(min_row=4, values_only=True) if r[0] == 1]
        assert monitoring_rows == [(1, site.name, "H-WATCH", "脱贫不稳定户", "是", 0)]
        employment = workbook["就业情况"]
        headers = [c.value for c in employment[3]]
        total = [r for r in employment.iter_rows(values_only=True) if r[0] == "合计"][0]
        assert total[headers.index("防返贫监测户数")] == 1 and total[headers.index("零就业家庭户数")] == 1


def test_the_month_box_and_the_download_default_to_the_last_full_month(app, session, client):
    from tests.web.helpers import load_small_demo, login

    with frozen_clock(datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)):
        load_small_demo(session)
        session.rollback()
        login(client, "county")
        page = client.get("/county/").get_data(as_text=True)
        assert 'name="month" type="month" value="2026-11"' in page
        response = client.get("/county/report.xlsx")
        assert "2026-11.xlsx" in response.headers["Content-Disposition"]


def test_months_before_any_record_are_no_data_not_zero_and_the_chart_says_so(session):
    from jobmatch.services.reports.monthly import employment_trend
    from jobmatch.views.charts import monthly_columns

    with frozen_clock(NOVEMBER):
        site = make_settlement(session)
        household, _ = _with_job(session, site, "H-1")
        make_person(session, household, relation="配偶")
        refresh_households(session, [household.id], actor="system")
        from jobmatch import ledger
        ledger.append(session, "household_created", actor="import", household_id=household.id)
    with frozen_clock(datetime(2026, 12, 15, 9, tzinfo=SHANGHAI)):
        # A later event changes nothing: the data starts at the household's first one.
        ledger.append(session, "profile_changed", actor="user:1", household_id=household.id,
                      data={"notes": ["", "新电话"]})
        trend = employment_trend(session, {site.id})
        assert trend[:10] == [(f"{month[0]}-{month[1]:02d}", None) for month in
                              [(2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5), (2026, 6), (2026, 7), (2026, 8),
                               (2026, 9), (2026, 10)]]
        assert trend[10:] == [("2026-11", 0.5), ("2026-12", 0.5)]
        chart = str(monthly_columns(trend, title="近12个月就业率"))
        assert chart.count("无数据") == 11 and "就业率（月末）" in chart  # ten months and the legend
