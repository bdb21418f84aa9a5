"""Writing .xlsx sheets the way staff expect them, and safely.

The one place the service's .xlsx writers style a sheet (title and header rows, column
widths, frozen panes) and put values in cells. Text is always stored as text: openpyxl
would store a name typed as ``=HYPERLINK(...)`` as a live formula that Excel or WPS runs
when the file is opened (issue 12, finding 2). Marking such a cell as a string keeps the
value exactly as typed, so an exported roster re-imports unchanged; a leading quote or
space (OWASP's advice for CSV) would change the value, so it is not used here.
"""

from collections.abc import Iterable, Sequence

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# What spreadsheet programs take as the start of a formula, or strip before one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
_MIDDLE = Alignment(vertical="center")


def keep_as_text(cell: Cell) -> Cell:
    """Store text that looks like a formula as a string cell; other values are left alone."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
    return cell


def make_cell(sheet, value: object, *, font: Font | None = None, number_format: str | None = None,
              alignment: Alignment | None = None, border=None, fill=None) -> Cell:
    """A styled cell for ``append_row`` (normal and write-only sheets alike)."""
    cell = keep_as_text(WriteOnlyCell(sheet, value=value))
    _style(cell, font=font, number_format=number_format, alignment=alignment, border=border, fill=fill)
    return cell


def append_row(sheet, values: Iterable[object]) -> None:
    """Append a row of values (or cells from ``make_cell``), text kept as text."""
    sheet.append([_safe(sheet, value) for value in values])


def append_title(sheet, text: str) -> None:
    """The sheet's title row: large bold text in the first cell."""
    sheet.append([make_cell(sheet, text, font=TITLE_FONT, alignment=_MIDDLE)])


def append_header(sheet, headers: Iterable[str]) -> None:
    """A row of bold column headers."""
    sheet.append([make_cell(sheet, header, font=HEADER_FONT, alignment=_MIDDLE) for header in headers])


def write_cell(sheet, row: int, column: int, value: object, **style) -> Cell:
    """Put ``value`` at (row, column) of a normal sheet, text kept as text; ``style`` as in ``make_cell``."""
    cell = sheet.cell(row, column)
    cell.value = value
    keep_as_text(cell)
    _style(cell, **style)
    return cell


def set_column_widths(sheet, widths: Sequence[float]) -> None:
    """Widths of the first columns, in Excel character units (a Chinese character takes about two)."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def freeze_rows_above(sheet, row: int) -> None:
    """Keep the rows above ``row`` (title and headers) in view while scrolling."""
    sheet.freeze_panes = f"A{row}"


def _safe(sheet, value: object) -> object:
    # Only formula-looking text needs a cell object; plain values stay cheap for 50,000-row rosters.
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return make_cell(sheet, value)
    return value


def _style(cell: Cell, *, font=None, number_format=None, alignment=None, border=None, fill=None) -> None:
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
