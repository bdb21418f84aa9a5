"""The roster's columns (roster.md), in order, and how a header cell is matched to one."""

import re
from dataclasses import dataclass
from enum import Enum


class Required(Enum):
    """When a row must hold a value in a column."""

    ALWAYS = "always"
    UNLESS_NO_CAPACITY = "unless capacity is 无劳动能力"
    NEVER = "never"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: Required


COLUMNS: tuple[Column, ...] = (
    Column("户编号", "household_no", Required.ALWAYS),
    Column("县区", "county", Required.ALWAYS),
    Column("安置点", "settlement", Required.ALWAYS),
    Column("姓名", "name", Required.ALWAYS),
    Column("身份证号", "id_number", Required.ALWAYS),
    Column("与户主关系", "relation", Required.ALWAYS),
    Column("手机号", "phone", Required.NEVER),
    Column("劳动能力", "capacity", Required.ALWAYS),
    Column("就业意愿", "wants_work", Required.UNLESS_NO_CAPACITY),
    Column("外出意愿", "mobility", Required.NEVER),
    Column("通勤上限(公里)", "max_commute_km", Required.NEVER),
    Column("技能", "skills", Required.NEVER),
    Column("证书", "certificates", Required.NEVER),
    Column("培训意愿", "training_wish", Required.NEVER),
    Column("期望月薪(元)", "wage_expectation", Required.NEVER),
    Column("就业状态", "employment_status", Required.UNLESS_NO_CAPACITY),
    Column("就业单位", "employer", Required.NEVER),
    Column("月收入(元)", "monthly_income", Required.NEVER),
    Column("残疾等级", "disability", Required.NEVER),
    Column("监测对象", "monitoring", Required.NEVER),
    # Optional (roster.md): files without it stay valid and leave the recorded reasons unchanged.
    Column("不能离开安置点原因", "cannot_leave_reason", Required.NEVER),
    Column("备注", "notes", Required.NEVER),
)

KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
HEADER_OF: dict[str, str] = {column.key: column.header for column in COLUMNS}
ALWAYS_REQUIRED_KEYS: frozenset[str] = frozenset(
    column.key for column in COLUMNS if column.required is Required.ALWAYS
)

# Whitespace of any width, brackets of both widths, and the "*" templates put on required headers.
_HEADER_NOISE = re.compile(r"[\s\u3000()（）\[\]【】*＊]+")


def normalise_header(text: str) -> str:
    """A header cell reduced to what is compared: 通勤上限（公里） -> 通勤上限公里."""
    return _HEADER_NOISE.sub("", text or "").lower()


_KEY_OF_HEADER: dict[str, str] = {
    **{normalise_header(column.header): column.key for column in COLUMNS},
    **{normalise_header(column.key): column.key for column in COLUMNS},
}


def key_of_header(text: str) -> str | None:
    """The column key a header cell names (Chinese header or English key), or None."""
    return _KEY_OF_HEADER.get(normalise_header(text))


def map_header_row(cells: list[str]) -> dict[str, int]:
    """Column key -> 0-based cell index for every recognised header cell (first occurrence wins)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = key_of_header(cell)
        if key is not None and key not in positions:
            positions[key] = index
    return positions


def duplicated_headers(cells: list[str]) -> dict[str, list[int]]:
    """Column key -> 0-based indexes, for keys named by more than one header cell."""
    seen: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        key = key_of_header(cell)
        if key is not None:
            seen.setdefault(key, []).append(index)
    return {key: indexes for key, indexes in seen.items() if len(indexes) > 1}


def is_header_row(cells: list[str]) -> bool:
    """True when the row names at least every always-required column."""
    return ALWAYS_REQUIRED_KEYS <= map_header_row(cells).keys()
