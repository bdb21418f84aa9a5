"""The county's monthly report (.xlsx) and the employment-rate trend."""

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.clock import local_today
from jobmatch.models import County
from jobmatch.services.reports.monthly import employment_on, monthly_report
from tests.web.helpers import load_small_demo, login


def test_report_has_every_section_and_totals_that_add_up(app, session, client):
    load_small_demo(session)
    county = session.scalar(select(County))
    today = local_today()
    report = monthly_report(session, county, today.year, today.month)
    total = report.total
    assert total.employed == sum(total.by_kind.values()) and total.labourers >= total.employed
    session.rollback()
    login(client, "county")
    response = client.get(f"/county/report.xlsx?month={today:%Y-%m}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["就业情况", "零就业家庭", "公益性岗位", "招聘会", "培训", "就业补贴", "防返贫监测", "覆盖情况",
                                   "监测户汇总"]
    sheet = workbook["就业情况"]
    assert "就业情况月报" in sheet["A1"].value and sheet["A3"].value == "安置点"
    total_row = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"][0]
    assert total_row[3] == total.employed and total_row[2] == total.labourers
    assert workbook["培训"]["A3"].value == "培训班" and workbook["就业补贴"]["A3"].value == "用人单位"
    assert client.get("/county/report.xlsx?month=2026-13").status_code == 400


def test_employment_is_read_from_spell_dates():
    class Spell:
        def __init__(self, id, kind, started_on, ended_on):
            self.id, self.kind, self.started_on, self.ended_on = id, kind, started_on, ended_on

    spells = [Spell(1, "within_county", date(2026, 1, 5), date(2026, 3, 1)),
              Spell(2, "welfare_post", date(2026, 4, 1), None)]
    assert employment_on(spells, date(2025, 12, 31)) is None
    assert employment_on(spells, date(2026, 2, 28)) == "within_county"
    assert employment_on(spells, date(2026, 3, 15)) is None
    assert employment_on(spells, date(2026, 6, 30)) == "welfare_post"


def test_county_overview_draws_the_trend_without_javascript(app, session, client):
    load_small_demo(session)
    session.rollback()
    login(client, "county")
    page = client.get("/county/").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]  # the menu's own script only closes other groups
    assert main.count("<svg") == 2 and "<script" not in main and "近12个月就业率" in main
    assert client.post("/staff/roster/upload").status_code == 403  # read-only
