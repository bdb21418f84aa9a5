"""The province overview as .xlsx: the page's own rows (ProvinceOverview), one sheet of counties and,
when a county was chosen, one of its sites."""

from openpyxl import Workbook

from jobmatch.clock import LOCAL_TZ
from jobmatch.services.province.overview import FiguresRow, ProvinceOverview
from jobmatch.spreadsheets import (
    append_header,
    append_row,
    append_title,
    freeze_rows_above,
    make_cell,
    set_column_widths,
)
from jobmatch.vocabulary.staff import PROVINCE_FIGURE_LABELS

# A site's sheet leaves out the count of sites (always 1), as the page does.
SITE_COLUMNS = [column for column in PROVINCE_FIGURE_LABELS if column != "sites"]
NO_RATE = "无数据"  # no labourers: a rate of nothing, not 0 %


def write_overview_xlsx(overview: ProvinceOverview, target, *, title: str) -> None:
    workbook = Workbook()
    _write_sheet(workbook.active, "各县", f"{title} · 各县", "县", [*overview.counties, overview.total], overview,
                 list(PROVINCE_FIGURE_LABELS))
    if overview.county is not None:
        _write_sheet(workbook.create_sheet(), f"{overview.county.name}各安置点"[:31],
                     f"{overview.county.name} · 各安置点", "安置点", [*overview.sites, overview.county], overview,
                     SITE_COLUMNS)
    workbook.save(target)


def _write_sheet(sheet, name: str, title: str, first_column: str, rows: list[FiguresRow],
                 overview: ProvinceOverview, columns: list[str]) -> None:
    sheet.title = name
    as_of = overview.as_of.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if overview.as_of else "尚未统计"
    append_title(sheet, f"{title}（数据截至 {as_of}）")
    append_header(sheet, [first_column, *(PROVINCE_FIGURE_LABELS[column] for column in columns)])
    for row in rows:
        append_row(sheet, [row.name, *(_cell(sheet, row, column) for column in columns)])
    set_column_widths(sheet, [18] + [11] * len(columns))
    freeze_rows_above(sheet, 3)


def _cell(sheet, row: FiguresRow, column: str) -> object:
    """A figure as the sheet holds it: a count, or the rate as a number shown as a percentage."""
    value = getattr(row, column)
    if column != "employment_rate":
        return value
    return NO_RATE if value is None else make_cell(sheet, value, number_format="0.0%")
