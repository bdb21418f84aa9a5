"""Refusing an .xlsx that would inflate far beyond a real roster, before any parser sees it.

An .xlsx is a zip: a 1 MiB upload can hold a 1 GiB sheet that drives a worker to
gigabytes of memory while it is parsed (issue 12, finding 7). The central directory
declares each member's size, so oversized and suspiciously well-compressed files are
refused at once; then the members are inflated in small chunks, counting bytes and
cells, so a file that lies about its sizes is caught too (zipfile stops at the declared
size and the checksum fails) without ever holding more than a chunk in memory.
"""

import zipfile
from dataclasses import dataclass

from jobmatch.config import Settings

_MIB = 1024 * 1024
_CHUNK = _MIB
# Members smaller than this may compress as well as they like (an empty styles.xml does).
_RATIO_CHECKED_FROM = _MIB
# Counting "<c" counts every cell element (<c r="A1">, <c/>) and the few <col>s: a cheap upper
# bound. Cells written with a namespace prefix (<x:c>) are not counted, but stay within the size limit.
_CELL_START = b"<c"


@dataclass(frozen=True)
class XlsxLimits:
    """How large an uploaded .xlsx may be once unzipped (defaults fit a 50,000-person county roster)."""

    max_unzipped_mb: int = Settings.roster_xlsx_max_unzipped_mb
    max_cells: int = Settings.roster_xlsx_max_cells
    max_ratio: int = Settings.roster_xlsx_max_ratio

    @classmethod
    def from_settings(cls, settings) -> "XlsxLimits":
        """The ROSTER_XLSX_MAX_* settings (a ``jobmatch.config.Settings``)."""
        return cls(max_unzipped_mb=settings.roster_xlsx_max_unzipped_mb, max_cells=settings.roster_xlsx_max_cells,
                   max_ratio=settings.roster_xlsx_max_ratio)


class XlsxTooLarge(ValueError):
    """The file would inflate beyond the limits; the message says so in Chinese."""


def check_xlsx_size(source, limits: XlsxLimits) -> None:
    """Raise XlsxTooLarge (or zipfile.BadZipFile) unless ``source`` unzips within ``limits``.

    A file object is left at its start for the parser.
    """
    start = source.tell() if hasattr(source, "seek") else None
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            _check_declared_sizes(members, limits)
            _check_inflated_sizes(archive, members, limits)
    finally:
        if start is not None:
            source.seek(start)


def _too_large(limits: XlsxLimits) -> XlsxTooLarge:
    return XlsxTooLarge(f"文件解压后过大（超过 {limits.max_unzipped_mb} MB），请检查文件或分成几个文件上传")


def _check_declared_sizes(members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    if sum(member.file_size for member in members) > limits.max_unzipped_mb * _MIB:
        raise _too_large(limits)
    for member in members:
        if member.file_size >= _RATIO_CHECKED_FROM and member.file_size > limits.max_ratio * max(1, member.compress_size):
            raise XlsxTooLarge(f"文件压缩比异常（{member.filename} 解压后超过 {limits.max_ratio} 倍），"
                               "不像正常的台账文件，请在 Excel 或 WPS 中另存为 .xlsx 后再上传")


def _check_inflated_sizes(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    inflated, cells = 0, 0
    for member in members:
        is_sheet = member.filename.startswith("xl/worksheets/")
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                inflated += len(chunk)
                if inflated > limits.max_unzipped_mb * _MIB:
                    raise _too_large(limits)
                if is_sheet:
                    counted, tail = _count_cells(tail + chunk)
                    cells = _add_cells(cells, counted, limits)
        cells = _add_cells(cells, tail.count(_CELL_START), limits)


def _count_cells(text: bytes) -> tuple[int, bytes]:
    """Cells in ``text`` up to its last tag, and the rest (that tag may go on in the next chunk)."""
    cut = text.rfind(b"<")
    if cut == -1:
        return 0, b""
    return text.count(_CELL_START, 0, cut), text[cut:]


def _add_cells(cells: int, more: int, limits: XlsxLimits) -> int:
    if cells + more > limits.max_cells:
        raise XlsxTooLarge(f"文件中的单元格过多（超过 {limits.max_cells:,} 个），请检查文件或分成几个文件上传")
    return cells + more
