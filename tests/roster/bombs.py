"""Zip bombs for the upload tests: a small .xlsx whose sheet unzips to a huge XML, written streaming."""

import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="就业台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')
_MIB = 1024 * 1024
# A MiB of rows of empty cells: about as compressible as XML gets.
_ROWS = (b"<row>" + b"<c/>" * 1023 + b"</row>") * 256


def write_bomb(path: Path, sheet_mib: int, declared_sheet_bytes: int | None = None) -> Path:
    """An .xlsx whose one sheet unzips to ``sheet_mib`` MiB of rows; optionally lying about that size."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet._compressor = _RepeatingCompressor(sheet._compressor)
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(sheet_mib):
                sheet.write(_ROWS)
            sheet.write(b"</sheetData></worksheet>")
    if declared_sheet_bytes is not None:
        _declare_sheet_size(path, declared_sheet_bytes)
    return path


class _RepeatingCompressor:
    """Deflates the same block once and repeats its output (after a full flush the state starts afresh).

    Compressing a GiB would take the test half a minute; this takes well under a second.
    """

    def __init__(self, compressor):
        self.compressor = compressor
        self.repeated: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if data not in self.repeated:
            self.repeated[data] = self.compressor.compress(data) + self.compressor.flush(zlib.Z_FULL_FLUSH)
        return self.repeated[data]

    def flush(self, *mode) -> bytes:
        return self.compressor.flush(*mode)


def _declare_sheet_size(path: Path, size: int) -> None:
    """Overwrite the sheet's uncompressed size in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = _header_offset(data, b"PK\x03\x04", 26, 30, name)
    data[local + 22:local + 26] = size.to_bytes(4, "little")
    central = _header_offset(data, b"PK\x01\x02", 28, 46, name)
    data[central + 24:central + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _header_offset(data: bytearray, signature: bytes, name_length_at: int, name_at: int, name: bytes) -> int:
    start = 0
    while True:
        start = data.index(signature, start)
        length = int.from_bytes(data[start + name_length_at:start + name_length_at + 2], "little")
        if data[start + name_at:start + name_at + length] == name:
            return start
        start += 4
