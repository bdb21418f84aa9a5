"""Text that looks like a formula is written to every .xlsx the service makes as plain text.

A name, skill, note or employer typed as ``=HYPERLINK(...)`` must open in Excel or WPS
as the text typed, not as a live formula (issue 12, finding 2), and an exported roster
must re-import with nothing changed.
"""

from datetime import date
from decimal import Decimal

import openpyxl

from jobmatch.models import County
from jobmatch.services.fairs.report import (
    EmployerOutcomes,
    FairReport,
    write_fair_report_xlsx,
)
from jobmatch.services.reports.monthly import MonthlyReport, SettlementRow
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.welfare.roll import RollLine, SubsidyRoll, write_roll_xlsx
from tests.roster.conftest import person, write_csv

LINK = '=HYPERLINK("http://x","y")'
FORMULA_LOOKING = (LINK, "+1", "@SUM(A1)", "-2+3", "\tcmd", "\rcmd")


def cells_holding(path, texts):
    """Every cell of every sheet whose value is one of ``texts``: (sheet, coordinate, value, data_type)."""
    found = []
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            found += [(sheet.title, c.coordinate, c.value, c.data_type) for c in row if c.value in texts]
    return found


def assert_all_text(found, expected_count):
    assert len(found) >= expected_count, found
    assert [data_type for *_, data_type in found] == ["s"] * len(found), found


def test_roster_export_writes_formula_looking_text_as_text_and_reimports_unchanged(cli, session, tmp_path):
    rows = [person(1, name=LINK, skills="+1", notes="@SUM(A1)"), person(2, name="吴小明", employer="-2+3")]
    assert cli("roster", "import", str(write_csv(tmp_path / "in.csv", rows))).exit_code == 0
    exported = tmp_path / "export.xlsx"
    assert cli("roster", "export", "--out", str(exported)).exit_code == 0

    found = cells_holding(exported, FORMULA_LOOKING)
    assert {(sheet, value) for sheet, _, value, _ in found} == {
        ("就业台账", LINK), ("就业台账", "+1"), ("就业台账", "@SUM(A1)"), ("就业台账", "-2+3"),
        ("户汇总", LINK)}  # the head's name on the household sheet
    assert_all_text(found, 5)
    again = cli("roster", "import", str(exported))
    assert "created 0, updated 0, unchanged 2" in again.output, again.output


def test_fair_report_writes_an_employer_named_like_a_formula_as_text(tmp_path):
    report = FairReport(1, "=1+1", "2026-11-20", "@场馆", 3, 2, 0, 2, 0,
                        [EmployerOutcomes(7, LINK, 1, 5, 1, 1, 0)])
    path = tmp_path / "fair.xlsx"
    write_fair_report_xlsx(report, path)
    assert_all_text(cells_holding(path, (LINK,)), 1)
    title = openpyxl.load_workbook(path).active["A1"]
    assert (title.value, title.data_type) == ("=1+1（2026-11-20，@场馆）情况统计", "s")


def test_welfare_roll_writes_formula_looking_names_as_text(tmp_path):
    line = RollLine(LINK, "520526198102270011", "+H001", date(2026, 11, 1), None, 30, 0, 30, Decimal("1500.00"))
    roll = SubsidyRoll("-保洁岗", "@安置点", 2026, 11, 30, 1500, [line])
    path = tmp_path / "roll.xlsx"
    write_roll_xlsx(roll, path)
    assert_all_text(cells_holding(path, (LINK, "+H001")), 2)


def test_county_report_writes_formula_looking_names_as_text(tmp_path):
    report = MonthlyReport(
        county=County(name="某县"), year=2026, month=11, as_of=date(2026, 11, 30),
        settlements=[SettlementRow(LINK, households=1, labourers=2, employed=1)],
        zero_employment_households=[], fairs=[],
        welfare_posts=[{"settlement": "+1", "title": "@SUM(A1)", "quota": 1, "filled": 1,
                        "monthly_subsidy": 1500, "subsidy_total": 1500}],
        hiring_subsidies=[{"employer": "-2+3", "hires": 1, "payable": 0, "amount": 0, "pending": 1,
                           "refused": 0}])
    path = tmp_path / "report.xlsx"
    write_report_xlsx(report, path)
    assert_all_text(cells_holding(path, FORMULA_LOOKING), 4)
