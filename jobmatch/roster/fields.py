"""Parsing one roster cell into a typed value; each parser raises CellError saying what is wrong."""

import re
import unicodedata

from notifications.phones import InvalidPhone, normalise_phone


class CellError(ValueError):
    """A cell value that cannot be used; the message is plain Chinese for staff."""


_LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.0+)?$")
_WHOLE_NUMBER = re.compile(r"^\d+(\.0+)?$")
_HAN_WITH_SPACES = re.compile(r"^[\u3400-\u9fff\s]+$")


def parse_label(text: str, table: dict[str, object], header: str) -> object:
    """The code a vocabulary label stands for: 强劳力 -> 'full'."""
    label = "".join(text.split())
    if label in table:
        return table[label]
    allowed = "、".join(table)
    raise CellError(f"「{text}」不是可填的{header}，可填：{allowed}")


def parse_phone(text: str) -> str:
    """A Chinese mobile number in E.164."""
    try:
        return normalise_phone(text)
    except InvalidPhone as exc:
        raise CellError(f"「{text}」不是有效的手机号：{exc}") from None


def parse_kilometres(text: str) -> float:
    """A distance ≥ 0; '5', '5.5', '５公里' and '5km' are accepted."""
    number = unicodedata.normalize("NFKC", text).strip().removesuffix("公里").removesuffix("km").strip()
    try:
        value = float(number)
    except ValueError:
        raise CellError(f"应为公里数（不小于 0 的数字），实为「{text}」") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"应为公里数（不小于 0 的数字），实为「{text}」")
    if value < 0:
        raise CellError(f"不能为负数，实为「{text}」")
    return value


def parse_yuan(text: str) -> int:
    """Whole yuan ≥ 0; '3500', '3,500', '3500.0' and '3500元' are accepted, ranges are not."""
    number = unicodedata.normalize("NFKC", text).strip().removesuffix("元").strip()
    if _THOUSANDS.match(number):
        number = number.replace(",", "")
    if number.startswith("-") and _WHOLE_NUMBER.match(number[1:]):
        raise CellError(f"不能为负数，实为「{text}」")
    if not _WHOLE_NUMBER.match(number):
        raise CellError(f"应为整数（元），如 3500，实为「{text}」")
    return int(number.split(".")[0])


def parse_list(text: str) -> tuple[str, ...]:
    """Free text split on 、 , ， ; ； / and whitespace, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(part for part in _LIST_SEPARATORS.split(text) if part))


def parse_name(text: str) -> str:
    """A person's name; the spaces staff put inside Chinese names to align them are dropped."""
    if _HAN_WITH_SPACES.match(text):
        return "".join(text.split())
    return " ".join(text.split())
