"""A person as the cells of a roster row: codes turned back into the labels staff write."""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from jobmatch.roster.columns import KEYS
from jobmatch.vocabulary import (
    CANNOT_LEAVE_REASON_LABELS,
    CAPACITY_LABELS,
    DISABILITY_LABELS,
    EMPLOYMENT_LABELS,
    MOBILITY_LABELS,
    MONITORING_LABELS,
    YES_NO_LABELS,
)
from notifications.phones import national_digits

Cell = str | int | float

# Column keys whose record field has another name.
FIELD_OF_KEY = {"training_wish": "training_wishes", "employer": "employer_name"}
_LABELS_OF_KEY: dict[str, Mapping[Any, str]] = {
    "capacity": CAPACITY_LABELS,
    "wants_work": YES_NO_LABELS,
    "mobility": MOBILITY_LABELS,
    "employment_status": EMPLOYMENT_LABELS,
    "disability": DISABILITY_LABELS,
    "monitoring": MONITORING_LABELS,
    "cannot_leave_reason": CANNOT_LEAVE_REASON_LABELS,
}
_LIST_KEYS = frozenset({"skills", "certificates", "training_wish"})
_NUMBER_KEYS = frozenset({"max_commute_km", "wage_expectation", "monthly_income"})


def field_value(person: object, name: str) -> object:
    """A field of a PersonRecord-like object or of a mapping; None when absent."""
    if isinstance(person, Mapping):
        return person.get(name)
    return getattr(person, name, None)


def person_cells(person: object) -> list[Cell]:
    """The row's cells in column order: labels and text, numbers as numbers, '' when empty."""
    return [_cell(key, field_value(person, FIELD_OF_KEY.get(key, key))) for key in KEYS]


def person_texts(person: object) -> list[str]:
    """The row's cells in column order, all as text (for CSV)."""
    return [format_number(cell) if isinstance(cell, (int, float)) else cell for cell in person_cells(person)]


def format_number(value: int | float) -> str:
    """5.0 -> '5', 5.5 -> '5.5', 3500 -> '3500'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(key: str, value: object) -> Cell:
    if value is None or value == "":
        return ""
    if key in _LABELS_OF_KEY:
        # Unknown codes (or values already given as labels) are written as they are.
        return _LABELS_OF_KEY[key].get(value, str(value))
    if key == "phone":
        return national_digits(str(value))
    if key in _LIST_KEYS:
        return value if isinstance(value, str) else "、".join(cast(Iterable[str], value))
    if key in _NUMBER_KEYS:
        return value if isinstance(value, (int, float)) else str(value)
    return str(value)
