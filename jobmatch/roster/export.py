"""Writing the roster back out as .xlsx: the import layout, plus a sheet of household totals."""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, cast

import openpyxl

from jobmatch.roster.columns import COLUMNS
from jobmatch.roster.labels import field_value, person_cells
from jobmatch.roster.records import HouseholdKey, PersonRecord, households_of
from jobmatch.spreadsheets import (
    append_header,
    append_row,
    append_title,
    freeze_rows_above,
    make_cell,
    set_column_widths,
)
from jobmatch.vocabulary import HEAD_RELATION, YES_NO_LABELS

ROSTER_SHEET = "就业台账"
HOUSEHOLD_SHEET = "户汇总"
HOUSEHOLD_HEADERS = ("户编号", "县区", "安置点", "户主", "人数", "劳动力", "已就业", "零就业家庭", "最近回访日期")
_HOUSEHOLD_WIDTHS = (12, 24, 22, 10, 8, 8, 8, 12, 14)
# Widths in Excel character units; a Chinese character takes about two.
_ROSTER_WIDTHS = {
    "household_no": 12, "county": 24, "settlement": 22, "name": 10, "id_number": 21, "relation": 11,
    "phone": 14, "capacity": 11, "wants_work": 9, "mobility": 13, "max_commute_km": 14, "skills": 24,
    "certificates": 18, "training_wish": 18, "wage_expectation": 13, "employment_status": 13,
    "employer": 24, "monthly_income": 11, "disability": 9, "monitoring": 14,
    "cannot_leave_reason": 16, "notes": 24,
}  # fmt: skip
_TEXT_KEYS = ("id_number", "phone", "household_no")


@dataclass(frozen=True)
class HouseholdSummary:
    """One line of the 户汇总 sheet."""

    household_no: str
    county: str
    settlement: str
    head_name: str
    person_count: int
    labourer_count: int
    employed_count: int
    zero_employment: bool
    last_follow_up: date | None = None


def roster_title(site: str, year: int, month: int) -> str:
    """The title row: 威宁和谐安置点搬迁群众就业台账（2026年11月）."""
    return f"{site}搬迁群众就业台账（{year}年{month}月）"


def summarise_households(
    records: Iterable[PersonRecord], last_follow_ups: dict[HouseholdKey, date] | None = None
) -> list[HouseholdSummary]:
    """Household totals from person records, for exports built from a file rather than the database."""
    summaries = []
    for key, members in households_of(list(records)).items():
        labourers = [m for m in members if m.capacity != "none"]
        employed = [m for m in members if m.employment_status not in (None, "unemployed")]
        head = next((m for m in members if m.relation == HEAD_RELATION), members[0])
        summaries.append(
            HouseholdSummary(
                household_no=key[1],
                county=key[0],
                settlement=members[0].settlement,
                head_name=head.name,
                person_count=len(members),
                labourer_count=len(labourers),
                employed_count=len(employed),
                zero_employment=not employed and any(m.wants_work for m in labourers),
                last_follow_up=(last_follow_ups or {}).get(key),
            )
        )
    return summaries


def write_roster_xlsx(
    target: str | os.PathLike | BinaryIO,
    title: str,
    person_rows: Iterable[object],
    household_rows: Iterable[object],
) -> None:
    """Write persons (PersonRecord or mapping of its fields) and household totals to an .xlsx."""
    workbook = openpyxl.Workbook(write_only=True)
    _write_persons(workbook.create_sheet(ROSTER_SHEET), title, person_rows)
    _write_households(workbook.create_sheet(HOUSEHOLD_SHEET), title, household_rows)
    workbook.save(target)


def _write_persons(sheet, title: str, person_rows: Iterable[object]) -> None:
    set_column_widths(sheet, [_ROSTER_WIDTHS[column.key] for column in COLUMNS])
    freeze_rows_above(sheet, 3)
    append_title(sheet, title)
    append_header(sheet, [column.header for column in COLUMNS])
    text_positions = [index for index, column in enumerate(COLUMNS) if column.key in _TEXT_KEYS]
    for person in person_rows:
        cells: list[object] = list(person_cells(person))
        for position in text_positions:
            # Marked as text so Excel keeps all 18 digits and a re-typed value stays text.
            cells[position] = _text_cell(sheet, cells[position])
        append_row(sheet, cells)


def _write_households(sheet, title: str, household_rows: Iterable[object]) -> None:
    set_column_widths(sheet, _HOUSEHOLD_WIDTHS)
    freeze_rows_above(sheet, 3)
    append_title(sheet, f"{title} 户汇总")
    append_header(sheet, HOUSEHOLD_HEADERS)
    for household in household_rows:
        follow_up = field_value(household, "last_follow_up")
        append_row(
            sheet,
            [
                _text_cell(sheet, str(field_value(household, "household_no") or "")),
                field_value(household, "county") or "",
                field_value(household, "settlement") or "",
                field_value(household, "head_name") or "",
                field_value(household, "person_count") or 0,
                field_value(household, "labourer_count") or 0,
                field_value(household, "employed_count") or 0,
                YES_NO_LABELS[bool(field_value(household, "zero_employment"))],
                _date_cell(sheet, cast(date, follow_up)) if follow_up else "",
            ]
        )


def _text_cell(sheet, value: object):
    return make_cell(sheet, str(value), number_format="@")


def _date_cell(sheet, value: date):
    return make_cell(sheet, value, number_format="yyyy-mm-dd")
