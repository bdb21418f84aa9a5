import io
from dataclasses import asdict, replace
from datetime import date

import openpyxl

from jobmatch.roster.columns import COLUMNS
from jobmatch.roster.export import (
    HOUSEHOLD_HEADERS,
    HOUSEHOLD_SHEET,
    ROSTER_SHEET,
    roster_title,
    summarise_households,
    write_roster_xlsx,
)
from jobmatch.roster.reading import read_roster_table
from jobmatch.roster.synthetic import generate_roster
from jobmatch.roster.validation import validate_roster

from .conftest import SAMPLE_ROSTER, problem_texts

TITLE = roster_title("威宁和谐安置点", 2026, 11)


def sample_records():
    return validate_roster(read_roster_table(SAMPLE_ROSTER, "roster-sample.csv")).records


def as_exported(records):
    """An export always has the column 不能离开安置点原因: "not in the file" (None) comes back as "can leave"."""
    return [replace(record, cannot_leave_reason=record.cannot_leave_reason or "") for record in records]


def test_title_names_the_site_and_month():
    assert TITLE == "威宁和谐安置点搬迁群众就业台账（2026年11月）"


def test_export_then_import_gives_back_the_same_records(tmp_path):
    records = sample_records() + generate_roster("凤凰县", ["凤凰新城安置点"], 60, seed=3)
    path = tmp_path / "台账.xlsx"
    write_roster_xlsx(path, TITLE, records, summarise_households(records))
    validation = validate_roster(read_roster_table(path, "台账.xlsx"))
    assert problem_texts(validation) == []
    assert validation.records == as_exported(records)
    assert [record.row for record in validation.records[:2]] == [3, 4]


def test_export_accepts_mappings_and_a_file_object():
    records = sample_records()[:3]
    buffer = io.BytesIO()
    write_roster_xlsx(buffer, TITLE, [asdict(record) for record in records], [])
    buffer.seek(0)
    assert validate_roster(read_roster_table(buffer, "x.xlsx")).records == as_exported(records)


def test_the_roster_sheet_looks_as_staff_expect(tmp_path):
    records = sample_records()
    path = tmp_path / "台账.xlsx"
    write_roster_xlsx(path, TITLE, records, summarise_households(records))
    sheet = openpyxl.load_workbook(path)[ROSTER_SHEET]
    assert sheet["A1"].value == TITLE
    assert [cell.value for cell in sheet[2]] == [column.header for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width >= 20  # the county name is long
    first = {column.key: cell for column, cell in zip(COLUMNS, sheet[3])}
    assert first["id_number"].value == "520526198102276809" and first["id_number"].number_format == "@"
    assert first["phone"].value == "13975893910" and first["phone"].number_format == "@"
    labels = [first[key].value for key in ("capacity", "wants_work", "mobility", "employment_status", "disability")]
    assert labels == ["强劳力", "是", "仅安置点附近", "省外务工", "无"]
    assert first["monthly_income"].value == 4500


def test_the_household_sheet_totals(tmp_path):
    records = sample_records()
    summaries = summarise_households(records, last_follow_ups={("花垣县", "H00002"): date(2026, 11, 3)})
    path = tmp_path / "台账.xlsx"
    write_roster_xlsx(path, TITLE, records, summaries)
    sheet = openpyxl.load_workbook(path)[HOUSEHOLD_SHEET]
    assert [cell.value for cell in sheet[2]] == list(HOUSEHOLD_HEADERS)
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 8
    household = rows["H00002"]
    assert household[:8] == ("H00002", "花垣县", "花垣阳光安置点", "张英勇", 6, 6, 4, "否")
    assert household[8].date() == date(2026, 11, 3)
    assert rows["H00001"][8] is None


def test_a_household_whose_workers_all_lack_a_job_is_zero_employment():
    records = [r for r in sample_records() if r.household_no == "H00005" and r.employment_status == "unemployed"]
    (summary,) = summarise_households(records)
    assert (summary.labourer_count, summary.employed_count, summary.zero_employment) == (1, 0, True)
