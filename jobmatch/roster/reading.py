"""Reading a roster file (.xlsx or .csv in UTF-8 or GB18030) into rows of stripped text.

``open_roster_rows`` reads row by row (a CSV is decoded as it streams, an .xlsx sheet is
walked without building a list of its rows), so an import holds one row of text at a time;
``read_roster_table`` collects them for callers that want the whole table.
"""

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from operator import itemgetter
from typing import BinaryIO

import openpyxl
import xlrd
import xlrd.compdoc
import xlrd.xldate
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

try:
    import python_calamine
except ImportError:  # until python-calamine is in requirements.txt everywhere; openpyxl is slower
    python_calamine = None  # type: ignore[assignment]  # optional-import idiom: the module or None

from jobmatch.roster.columns import (
    COLUMNS,
    HEADER_OF,
    Required,
    duplicated_headers,
    is_header_row,
    map_header_row,
)
from jobmatch.roster.xlsx_limits import XlsxLimits, XlsxTooLarge, check_xlsx_size

_EXCEL_MAX_ROWS = 1_048_576
_COLUMNS_READ = 64  # a roster has 21 columns; staff add a few of their own
Source = str | os.PathLike | BinaryIO
Row = tuple[int, dict[str, str]]


class RosterFileError(ValueError):
    """The file cannot be read as a roster at all; the message says why, in Chinese."""


@dataclass
class RosterTable:
    """The data rows of a roster, as text, keyed by column key, with spreadsheet row numbers."""

    filename: str
    header_row: int
    columns: dict[str, int]  # column key -> 0-based position in the row
    rows: list[Row]
    sheet: str | None = None
    # Rows whose ID number cell held a decimal number: Excel keeps 15 significant digits,
    # so the last ones of an 18-digit number are gone and cannot be trusted.
    ids_with_lost_digits: frozenset[int] = field(default_factory=frozenset)


@dataclass
class RosterRows:
    """A roster's data rows as they are read, once through: what ``RosterTable`` holds, streamed."""

    filename: str
    header_row: int
    columns: dict[str, int]
    rows: Iterator[Row]
    sheet: str | None = None
    # Filled as ``rows`` are read: a row's number is in it by the time the row is yielded.
    ids_with_lost_digits: set[int] = field(default_factory=set)


def read_roster_table(source: Source, filename: str, sheet: str | None = None,
                      limits: XlsxLimits | None = None) -> RosterTable:
    """Read a roster from a path or a binary file object; ``filename`` gives the format.

    An .xlsx is refused unread when it unzips beyond ``limits`` (the services pass the app's settings).
    """
    stream = open_roster_rows(source, filename, sheet, limits)
    rows = list(stream.rows)
    return RosterTable(stream.filename, stream.header_row, stream.columns, rows, stream.sheet,
                       frozenset(stream.ids_with_lost_digits))


def open_roster_rows(source: Source, filename: str, sheet: str | None = None,
                     limits: XlsxLimits | None = None) -> RosterRows:
    """The header found (RosterFileError when there is none), the data rows to be read one by one."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".xlsx":
        _refuse_oversized_xlsx(source, filename, limits or XlsxLimits())
        sheet_title, cells = _xlsx_rows(source, filename, sheet)
        return _rows_after_header(cells, filename, sheet_title)
    if extension == ".csv":
        return _rows_after_header(_csv_rows(source), filename, None, text_only=True)
    if extension == ".xls":
        return _read_xls(_read_bytes(source), filename, sheet)
    if extension in (".et", ".wps"):
        raise RosterFileError(f"不支持 {extension} 格式，请在 Excel 或 WPS 中另存为 .xlsx、.xls 或 .csv 后再上传")
    raise RosterFileError(f"无法识别的文件类型「{extension or filename}」，只接受 .xlsx、.xls 和 .csv 文件")


def cell_text(value: object) -> str:
    """A cell value as the text a person typed: numbers without a spurious '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        # Below 10^15 a whole float is the number the file held; above, repr keeps the digits it
        # held and Decimal avoids binary noise.
        return str(int(value)) if -1e15 < value < 1e15 else str(int(Decimal(repr(value))))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_bytes(source: Source) -> bytes:
    if hasattr(source, "read"):
        data = source.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(source, "rb") as file:
            return file.read()
    except OSError as exc:
        raise RosterFileError(f"无法打开文件：{exc.strerror}") from None


def _csv_rows(source: Source) -> Iterator[list[object]]:
    """The CSV's rows, decoded as they are read (the encoding is settled by one decoding pass first)."""
    if isinstance(source, io.TextIOBase):
        yield from _parsed_csv(source)
        return
    binary = _seekable_binary(source)
    try:
        encoding = _csv_encoding(binary)
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            yield from _parsed_csv(text)
        finally:
            text.detach()  # the caller's file stays open
    finally:
        if binary is not source:
            binary.close()


def _parsed_csv(text) -> Iterator[list[object]]:
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise RosterFileError(f"CSV 文件格式有误：{exc}") from None


def _seekable_binary(source: Source) -> BinaryIO:
    if hasattr(source, "read"):
        if hasattr(source, "seekable") and source.seekable():
            return source  # type: ignore[return-value]
        return io.BytesIO(_read_bytes(source))
    try:
        return open(source, "rb")
    except OSError as exc:
        raise RosterFileError(f"无法打开文件：{exc.strerror}") from None


def _csv_encoding(binary: BinaryIO) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        binary.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := binary.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码的 CSV")


def _refuse_oversized_xlsx(source: Source, filename: str, limits: XlsxLimits) -> None:
    try:
        check_xlsx_size(source, limits)
    except XlsxTooLarge as exc:
        raise RosterFileError(f"「{filename}」{exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise RosterFileError(f"无法读取 Excel 文件「{filename}」：文件已损坏或不是 .xlsx 格式") from exc


def _read_xlsx_with_calamine(source: Source, filename: str, sheet: str | None) -> tuple[str, Iterator[Sequence[object]]]:
    # calamine (Rust) reads a 50,000-row sheet about ten times faster than openpyxl. It holds the
    # sheet's cells compactly in Rust; Python sees one row at a time.
    try:
        workbook = python_calamine.load_workbook(source)
    except (python_calamine.CalamineError, OSError) as exc:
        raise RosterFileError(f"无法读取 Excel 文件「{filename}」：文件已损坏或不是 .xlsx 格式") from exc
    try:
        title = _pick_sheet_name(workbook.sheet_names, sheet)
        worksheet = workbook.get_sheet_by_name(title)
    except python_calamine.CalamineError as exc:
        workbook.close()
        raise RosterFileError(f"无法读取 Excel 文件「{filename}」的工作表：{exc}") from exc
    return title, _calamine_rows(workbook, worksheet)


def _calamine_rows(workbook, worksheet) -> Iterator[Sequence[object]]:
    # iter_rows starts at the sheet's first row but at its first used column: pad it back.
    padding = [""] * worksheet.start[1] if worksheet.start else []
    try:
        for cells in worksheet.iter_rows():
            yield padding + cells if padding else cells
    finally:
        workbook.close()


def _read_xlsx_with_openpyxl(source: Source, filename: str, sheet: str | None) -> tuple[str, Iterator[tuple]]:
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterFileError(f"无法读取 Excel 文件「{filename}」：文件已损坏或不是 .xlsx 格式") from exc
    try:
        worksheet = workbook[_pick_sheet_name(workbook.sheetnames, sheet)]
    except RosterFileError:
        workbook.close()
        raise
    # Some writers declare a wrong sheet size; explicit bounds also spare openpyxl a
    # second pass over the sheet to measure it.
    worksheet.reset_dimensions()
    return worksheet.title, _openpyxl_rows(workbook, worksheet)


def _openpyxl_rows(workbook, worksheet) -> Iterator[tuple]:
    try:
        yield from worksheet.iter_rows(min_row=1, max_row=_EXCEL_MAX_ROWS, max_col=_COLUMNS_READ, values_only=True)
    finally:
        workbook.close()


def _pick_sheet_name(sheet_names: list[str], sheet: str | None) -> str:
    if not sheet_names:
        raise RosterFileError("Excel 文件中没有工作表")
    if sheet is None:
        return sheet_names[0]
    if sheet not in sheet_names:
        raise RosterFileError(f"文件中没有名为「{sheet}」的工作表（现有：{'、'.join(sheet_names)}）")
    return sheet


def _read_xls(data: bytes, filename: str, sheet: str | None) -> RosterRows:
    """An old Excel 97-2003 workbook (what many township offices still save), read with xlrd."""
    if len(data) > XlsxLimits().max_unzipped_mb * 1024 * 1024:
        raise RosterFileError(f"「{filename}」太大，请分成几个文件上传")
    try:
        workbook = xlrd.open_workbook(file_contents=data, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, ValueError, IndexError, AssertionError, EOFError) as exc:
        raise RosterFileError(f"无法读取 Excel 文件「{filename}」：文件已损坏或不是 .xls 格式") from exc
    try:
        worksheet = workbook.sheet_by_name(_pick_sheet_name(workbook.sheet_names(), sheet))
        rows = [[_xls_value(cell, workbook.datemode) for cell in worksheet.row(index)[:_COLUMNS_READ]]
                for index in range(worksheet.nrows)]
        return _rows_after_header(rows, filename, worksheet.name)
    finally:
        workbook.release_resources()


def _xls_value(cell, datemode: int) -> object:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value


_xlsx_rows = _read_xlsx_with_calamine if python_calamine is not None else _read_xlsx_with_openpyxl


def _rows_after_header(rows: Iterable[Sequence[object]], filename: str, sheet: str | None,
                       text_only: bool = False) -> RosterRows:
    """``text_only``: every cell is a str (a CSV's are)."""
    iterator = iter(enumerate(rows, start=1))
    header_row, columns = _find_header(iterator, filename)
    stream = RosterRows(filename, header_row, columns, iter(()), sheet)
    stream.rows = _data_rows(iterator, columns, stream.ids_with_lost_digits, text_only)
    return stream


def _data_rows(iterator: Iterator[tuple[int, Sequence[object]]], columns: dict[str, int],
               lossy_id_rows: set[int], text_only: bool = False) -> Iterator[Row]:
    keys = tuple(columns)
    positions = tuple(columns.values())
    pick = itemgetter(*positions)  # the header holds the required columns, so several: a tuple
    full_width = max(positions) + 1
    in_place = positions == tuple(range(full_width))  # the header is the roster's columns and only them
    id_position = columns["id_number"]
    strip = str.strip
    for number, cells in iterator:
        width = len(cells)
        # _text_of, inlined: 1.1 million cells in a county's roster, nearly all of them text.
        if width < full_width:
            texts = [_text_of(cells[position]) if position < width else "" for position in positions]
        elif text_only:
            texts = list(map(strip, cells if in_place and width == full_width else pick(cells)))
        else:
            texts = [value.strip() if value.__class__ is str else cell_text(value)  # type: ignore[attr-defined]
                     for value in pick(cells)]
        if not any(texts):
            continue
        if not text_only and id_position < width and _lost_digits(cells[id_position]):
            lossy_id_rows.add(number)
        yield number, dict(zip(keys, texts))


def _text_of(value: object) -> str:
    # cell_text, with a CSV's (and most .xlsx cells') plain text taken the short way: 1.1 million cells in a county
    return value.strip() if value.__class__ is str else cell_text(value)  # type: ignore[attr-defined]


def _lost_digits(value: object) -> bool:
    return isinstance(value, float) and abs(value) >= 1e15


def _find_header(iterator: Iterator[tuple[int, Sequence[object]]], filename: str) -> tuple[int, dict[str, int]]:
    for number, cells in iterator:
        texts = [cell_text(cell) for cell in cells]
        if any(texts) and is_header_row(texts):
            duplicated = duplicated_headers(texts)
            if duplicated:
                key, indexes = next(iter(duplicated.items()))
                letters = "、".join(_column_letter(index) for index in indexes)
                raise RosterFileError(f"第 {number} 行表头中「{HEADER_OF[key]}」出现了多次（第 {letters} 列），请只保留一列")
            return number, map_header_row(texts)
    required = "、".join(column.header for column in COLUMNS if column.required is Required.ALWAYS)
    raise RosterFileError(f"在「{filename}」中找不到表头行：表头至少要有 {required} 这些列")


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)
