"""Read workers/vacancies JSON Lines and write matches.jsonl, as matching-io.md says."""
from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from matching.errors import MatchingInputError
from matching.records import (
    CAPACITIES,
    MOBILITIES,
    PHYSICAL_DEMANDS,
    VACANCY_HOURS,
    VACANCY_KINDS,
    WORKER_HOURS,
    Match,
    Vacancy,
    Worker,
)


@dataclass(frozen=True)
class Key:
    """One key of an input line: its name, type check and whether it must be there."""

    name: str
    kind: str  # "id", "string", "strings", "bool", "enum", "integer", "openings", "distance", "lat", "lon"
    required: bool = False
    choices: tuple[str, ...] = ()


WORKER_KEYS = (
    Key("id", "id", required=True),
    Key("household_id", "id", required=True),
    Key("skills", "strings"),
    Key("certificates", "strings"),
    Key("capacity", "enum", choices=CAPACITIES),
    Key("mobility", "enum", choices=MOBILITIES),
    Key("max_commute_km", "distance"),
    Key("lat", "lat", required=True),
    Key("lon", "lon", required=True),
    Key("county", "string"),
    Key("age", "integer"),
    Key("wage_expectation", "integer"),
    Key("zero_employment_household", "bool"),
    Key("monitored_household", "bool"),
    Key("welfare_eligible", "bool"),
    Key("available_hours", "enum", choices=WORKER_HOURS),
    Key("employed", "bool"),
)

VACANCY_KEYS = (
    Key("id", "id", required=True),
    Key("title", "string", required=True),
    Key("skills", "strings"),
    Key("description", "string"),
    Key("openings", "openings", required=True),
    Key("lat", "lat", required=True),
    Key("lon", "lon", required=True),
    Key("county", "string"),
    Key("kind", "enum", choices=VACANCY_KINDS),
    Key("physical_demand", "enum", choices=PHYSICAL_DEMANDS),
    Key("wage_min", "integer"),
    Key("wage_max", "integer"),
    Key("age_min", "integer"),
    Key("age_max", "integer"),
    Key("dormitory", "bool"),
    Key("hours", "enum", choices=VACANCY_HOURS),
)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:60]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(key: Key, value: Any) -> Any:
    """Return the value converted for the record, or raise ValueError saying what is wrong."""
    name, kind = key.name, key.kind
    if kind == "id":
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'"{name}" must be a non-empty string, got {_show(value)}')
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError(f'"{name}" must be a string, got {_show(value)}')
        return value
    if kind == "strings":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f'"{name}" must be a list of strings, got {_show(value)}')
        return tuple(item.strip() for item in value if item.strip())
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f'"{name}" must be true or false, got {_show(value)}')
        return value
    if kind == "enum":
        if value not in key.choices:
            allowed = ", ".join(f'"{choice}"' for choice in key.choices)
            raise ValueError(f'"{name}" must be one of {allowed}, got {_show(value)}')
        return value
    if kind in ("integer", "openings"):
        if not _is_number(value) or value != int(value):
            raise ValueError(f'"{name}" must be an integer, got {_show(value)}')
        if kind == "openings" and value < 1:
            raise ValueError(f'"{name}" must be an integer ≥ 1, got {_show(value)}')
        return int(value)
    if not _is_number(value):
        raise ValueError(f'"{name}" must be a number, got {_show(value)}')
    limits = {"lat": 90.0, "lon": 180.0}
    if kind in limits and abs(value) > limits[kind]:
        raise ValueError(f'"{name}" must be between -{limits[kind]:g} and {limits[kind]:g} degrees, got {_show(value)}')
    if kind == "distance" and value < 0:
        raise ValueError(f'"{name}" must not be negative, got {_show(value)}')
    return float(value)


def parse_record(obj: Any, keys: Iterable[Key]) -> dict[str, Any]:
    """Check one decoded line against its keys and return the record's fields; unknown keys are ignored."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {_show(obj)}")
    fields: dict[str, Any] = {}
    for key in keys:
        value = obj.get(key.name)
        if value is None:  # missing or null: the default, unless the key is required
            if key.required:
                raise ValueError(f'missing required key "{key.name}"')
            continue
        fields[key.name] = _check_value(key, value)
    return fields


_UNSURE = object()  # a fast check's answer when the value needs the full check (and maybe an error message)


def _fast_id(value: Any) -> Any:
    return value if type(value) is str and value and not value.isspace() else _UNSURE


def _fast_string(value: Any) -> Any:
    return value if type(value) is str else _UNSURE


def _fast_strings(value: Any) -> Any:
    if type(value) is not list:
        return _UNSURE
    for item in value:
        if type(item) is not str:
            return _UNSURE
    return tuple(stripped for item in value if (stripped := item.strip()))


def _fast_bool(value: Any) -> Any:
    return value if value is True or value is False else _UNSURE


def _fast_integer(value: Any) -> Any:
    return value if type(value) is int else _UNSURE


def _fast_openings(value: Any) -> Any:
    return value if type(value) is int and value >= 1 else _UNSURE


def _fast_number_within(limit: float) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:  # NaN and the infinities fail the comparison and go to the full check
        return float(value) if (type(value) is float or type(value) is int) and -limit <= value <= limit else _UNSURE

    return check


def _fast_distance(value: Any) -> Any:
    return float(value) if (type(value) is float or type(value) is int) and 0 <= value < math.inf else _UNSURE


def _fast_check(key: Key) -> Callable[[Any], Any]:
    """The common case of `_check_value` for one key, as plain type checks; _UNSURE for anything else."""
    if key.kind == "enum":
        choices = frozenset(key.choices)
        return lambda value: value if type(value) is str and value in choices else _UNSURE
    checks: dict[str, Callable[[Any], Any]] = {
        "id": _fast_id, "string": _fast_string, "strings": _fast_strings, "bool": _fast_bool, "integer": _fast_integer,
        "openings": _fast_openings, "lat": _fast_number_within(90.0), "lon": _fast_number_within(180.0), "distance": _fast_distance,
    }
    return checks[key.kind]


def _record_parser(keys: tuple[Key, ...]) -> Callable[[Any], dict[str, Any]]:
    """parse_record for these keys, with the same results and errors, checking common values faster."""
    plan = [(key.name, key.required, _fast_check(key), key) for key in keys]

    def parse(obj: Any) -> dict[str, Any]:
        if type(obj) is not dict:
            return parse_record(obj, keys)
        get = obj.get
        fields: dict[str, Any] = {}
        for name, required, fast, key in plan:
            value = get(name)
            if value is None:
                if required:
                    raise ValueError(f'missing required key "{name}"')
                continue
            checked = fast(value)
            fields[name] = _check_value(key, value) if checked is _UNSURE else checked
        return fields

    return parse


def _read_records(
    path: str,
    keys: tuple[Key, ...],
    build: Callable[..., Any],
    check: Callable[[dict[str, Any]], None] | None = None,
) -> list:
    records = []
    first_line_of_id: dict[str, int] = {}
    parse = _record_parser(keys)
    try:
        with open(path, "rb") as handle:
            raw_lines = handle.read().splitlines()
    except OSError as error:
        raise MatchingInputError(f"cannot read {path}: {error.strerror or error}") from error
    for number, raw in enumerate(raw_lines, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise MatchingInputError(f"line {number} of {path}: not valid UTF-8") from None
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            raise MatchingInputError(f"line {number} of {path}: not valid JSON ({error.msg} at column {error.colno})") from None
        try:
            fields = parse(obj)
            if check is not None:
                check(fields)
        except ValueError as error:
            raise MatchingInputError(f"line {number} of {path}: {error}") from None
        record_id = fields["id"]
        if record_id in first_line_of_id:
            raise MatchingInputError(
                f'line {number} of {path}: duplicate id {_show(record_id)} (first on line {first_line_of_id[record_id]})'
            )
        first_line_of_id[record_id] = number
        records.append(build(**fields))
    return records


def _check_vacancy_ranges(fields: dict[str, Any]) -> None:
    """wage_min ≤ wage_max and age_min ≤ age_max when both are given."""
    for low, high in (("wage_min", "wage_max"), ("age_min", "age_max")):
        if low in fields and high in fields and fields[low] > fields[high]:
            raise ValueError(f'"{low}" {fields[low]} is above "{high}" {fields[high]}')


def read_workers(path: str) -> list[Worker]:
    """Read workers.jsonl; raise MatchingInputError with `line N of FILE: ...` on the first bad line."""
    return _read_records(path, WORKER_KEYS, Worker)


def read_vacancies(path: str) -> list[Vacancy]:
    """Read vacancies.jsonl; raise MatchingInputError with `line N of FILE: ...` on the first bad line."""
    return _read_records(path, VACANCY_KEYS, Vacancy, _check_vacancy_ranges)


def _number(value: float) -> str:
    """A float as json.dumps writes it (repr, except NaN and the infinities)."""
    return repr(value) if math.isfinite(value) else json.dumps(value)


class _MatchLines:
    """matches.jsonl lines, byte for byte as json.dumps(match.to_json_dict(), ensure_ascii=False)
    would write them, with each id and reason text encoded once however many lines repeat it."""

    def __init__(self) -> None:
        self._encoded: dict[str, str] = {}

    def _text(self, text: str) -> str:
        if type(text) is not str:  # not cached: 1, 1.0 and True are one dict key
            return json.dumps(text, ensure_ascii=False)
        encoded = self._encoded.get(text)
        if encoded is None:
            encoded = self._encoded[text] = json.dumps(text, ensure_ascii=False)
        return encoded

    def line(self, match: Match) -> str:
        if type(match.rank) is not int or type(match.score) is not float or type(match.allocated) is not bool:
            return json.dumps(match.to_json_dict(), ensure_ascii=False) + "\n"
        text = self._text
        return (
            f'{{"vacancy_id": {text(match.vacancy_id)}, "worker_id": {text(match.worker_id)}, "rank": {match.rank}, '
            f'"score": {_number(round(match.score, 4))}, "allocated": {"true" if match.allocated else "false"}, '
            f'"reasons": [{", ".join(map(text, match.reasons))}]}}\n'
        )


def write_matches(path: str, matches: Iterable[Match]) -> int:
    """Write matches.jsonl atomically (temp file, then rename); return the number of lines."""
    directory = os.path.dirname(os.path.abspath(path))
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=directory, prefix=".matches-", suffix=".tmp", delete=False
    )
    count = 0
    lines = _MatchLines()
    try:
        with handle:
            batch: list[str] = []
            for match in matches:
                batch.append(lines.line(match))
                count += 1
                if len(batch) == 10_000:
                    handle.write("".join(batch))
                    batch.clear()
            handle.write("".join(batch))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise
    return count
