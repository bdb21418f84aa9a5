"""How many SMS parts a text costs, counted the way carriers count."""

from dataclasses import dataclass
from enum import StrEnum


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


# GSM 03.38 basic character set (the escape character itself is left out: it only
# introduces an extension character and never stands for a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_PART_LIMIT = {Encoding.GSM7: 160, Encoding.UCS2: 70}
# A multi-part message spends room in every part on the concatenation header.
MULTI_PART_LIMIT = {Encoding.GSM7: 153, Encoding.UCS2: 67}


@dataclass(frozen=True)
class SegmentCount:
    encoding: Encoding
    units: int  # GSM-7 septets or UTF-16 code units
    parts: int


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` can be sent in GSM-7."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _unit_widths(text: str, encoding: Encoding) -> list[int]:
    if encoding is Encoding.GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack_parts(widths: list[int], capacity: int) -> int:
    # Carriers never split an escape pair or a surrogate pair across two parts,
    # so a wide character that does not fit starts the next part.
    parts, used = 1, 0
    for width in widths:
        if used + width > capacity:
            parts, used = parts + 1, 0
        used += width
    return parts


def count_segments(text: str) -> SegmentCount:
    """Encoding, size in units and number of parts of ``text`` as one SMS."""
    encoding = Encoding.GSM7 if is_gsm7(text) else Encoding.UCS2
    widths = _unit_widths(text, encoding)
    units = sum(widths)
    if units <= SINGLE_PART_LIMIT[encoding]:
        return SegmentCount(encoding, units, 1)
    return SegmentCount(encoding, units, _pack_parts(widths, MULTI_PART_LIMIT[encoding]))
