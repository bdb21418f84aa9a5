"""Chinese resident ID numbers (GB 11643-1999): check digit, birth date, gender.

An ID number is 6 digits of region, 8 of birth date (YYYYMMDD), 3 of sequence (odd for
men, even for women) and a check digit (0-9 or X) computed over the first 17.
"""

from datetime import date
from operator import mul
from typing import Any

ID_LENGTH = 18
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
# ASCII digit -> its value, so the bytes of 17 digits multiply with the weights without an int() per digit.
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))


def check_digit(first17: str) -> str:
    """The check character ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if first17.isascii() and first17.isdigit():
        total = sum(map(mul, first17.encode("ascii").translate(_DIGIT_VALUES), _WEIGHTS))
    else:
        total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARACTERS[total % 11]


def check_id_number(text: str, today: date | None = None) -> list[str] | None:
    """Return what is wrong with ``text`` as an ID number, in Chinese, or None if it is valid."""
    number = (text or "").strip().upper()
    if len(number) != ID_LENGTH:
        return [f"应为 18 位，实为 {len(number)} 位"]
    first17, last = number[:17], number[17]
    if not first17.isascii() or not first17.isdigit():
        return ["前 17 位应全是数字"]
    if not (last.isascii() and last.isdigit()) and last != "X":
        return [f"末位应为数字或 X，实为 {last}"]
    problems = []
    born = _parse_birth_date(number)
    if born is None:
        problems.append(f"出生日期 {number[6:14]} 不是真实的日期")
    elif born > (today or date.today()):
        problems.append(f"出生日期 {born.isoformat()} 晚于今天")
    expected = check_digit(first17)
    if expected != last:
        problems.append(f"校验位应为 {expected}，实为 {last}")
    return problems or None


def birth_date(id_number: str) -> date:
    """The birth date written in digits 7-14 of a valid ID number."""
    born = _parse_birth_date(id_number)
    if born is None:
        raise ValueError(f"ID number holds no valid birth date: {id_number[6:14]!r}")
    return born


def gender(id_number: str) -> str:
    """'male' when digit 17 is odd, else 'female'."""
    return "male" if int(id_number[16]) % 2 else "female"


def make_id_number(region6: str, born: date, seq3: int | str) -> str:
    """An ID number with a correct check digit, for test and demo data."""
    sequence = f"{int(seq3):03d}"
    if len(region6) != 6 or not region6.isdigit() or len(sequence) != 3:
        raise ValueError("region must be 6 digits and sequence 0-999")
    first17 = f"{region6}{born:%Y%m%d}{sequence}"
    return first17 + check_digit(first17)


class ValidIdNumbers:
    """Recognises valid ID numbers quickly, for a file of thousands: what their parts that repeat
    (region, birth date) weigh in the check digit, and the birth dates, are worked out once each.

    ``match`` settles the ID numbers written the usual way (18 ASCII digits, or 17 and an X);
    ``check_id_number`` says what is wrong with the others, or accepts them.
    """

    _SEQUENCE_SUMS = {f"{n:03d}": sum(map(mul, map(int, f"{n:03d}"), _WEIGHTS[14:])) for n in range(1000)}

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date.today()
        self.regions: dict[str, int] = {}
        self.birth_dates: dict[str, tuple[date, int] | None] = {}

    def match(self, text: str) -> tuple[str, date] | None:
        """(the ID number in upper case, the birth date) when ``text`` is a valid ID number written
        the usual way, else None: not valid, or to be checked by ``check_id_number``."""
        if len(text) != ID_LENGTH or not text.isascii() or not text[:17].isdigit():
            return None
        last = text[17]
        if last == "x":
            last = "X"
        elif last != "X" and not last.isdigit():
            return None
        born = self.birth_dates.get(text[6:14], _MISSING)
        if born is _MISSING:
            born = self._birth(text)
        if born is None:
            return None
        region = self.regions.get(text[:6])
        if region is None:
            region = self.regions[text[:6]] = sum(map(mul, map(int, text[:6]), _WEIGHTS))
        if _CHECK_CHARACTERS[(region + born[1] + self._SEQUENCE_SUMS[text[14:17]]) % 11] != last:
            return None
        return text[:17] + last, born[0]

    def _birth(self, text: str) -> tuple[date, int] | None:
        born = _parse_birth_date(text)
        if born is None or born > self.today:
            kept = None
        else:  # the birth date's digits weighed two at a time (a county's file holds some 15,000 dates)
            kept = born, (_PAIR_SUMS[0][text[6:8]] + _PAIR_SUMS[1][text[8:10]] + _PAIR_SUMS[2][text[10:12]]
                          + _PAIR_SUMS[3][text[12:14]])
        self.birth_dates[text[6:14]] = kept
        return kept


_MISSING: Any = object()
# What each two digits of the birth date (positions 6-7, 8-9, 10-11, 12-13) weigh in the check digit.
_PAIR_SUMS = tuple({f"{n:02d}": _WEIGHTS[first] * (n // 10) + _WEIGHTS[first + 1] * (n % 10) for n in range(100)}
                   for first in (6, 8, 10, 12))


def _parse_birth_date(id_number: str) -> date | None:
    digits = id_number[6:14]
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
