"""Helpers for roster tests: a valid person row, and writing rows to real files."""

import csv
from datetime import date
from pathlib import Path

import pytest

from jobmatch.idnumber import make_id_number
from jobmatch.roster.columns import COLUMNS
from jobmatch.roster.reading import read_roster_table
from jobmatch.roster.validation import RosterValidation, validate_roster

HEADERS = [column.header for column in COLUMNS]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE_ROSTER = SHARED / "samples" / "roster-sample.csv"


def person(seq: int = 1, **overrides: str) -> dict[str, str]:
    """A valid roster row as {header: text}; ``overrides`` use column keys (id_number=...)."""
    row = {
        "household_no": "H00001",
        "county": "威宁彝族回族苗族自治县",
        "settlement": "威宁和谐安置点",
        "name": "吴丽",
        "id_number": make_id_number("520526", date(1981, 2, 27), seq),
        "relation": "户主" if seq == 1 else "子女",
        "phone": f"139758939{seq:02d}",
        "capacity": "强劳力",
        "wants_work": "是",
        "mobility": "县内",
        "max_commute_km": "10",
        "skills": "电焊、家政",
        "certificates": "",
        "training_wish": "电商直播",
        "wage_expectation": "3500",
        "employment_status": "县内务工",
        "employer": "某某公司",
        "monthly_income": "3200",
        "disability": "无",
        "monitoring": "无",
        "cannot_leave_reason": "",
        "notes": "",
    }
    row.update(overrides)
    return {column.header: row[column.key] for column in COLUMNS}


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig", title: str | None = None) -> Path:
    """Rows as a roster CSV: an optional title row, the header, then one line per row."""
    with open(path, "w", encoding=encoding, newline="") as file:
        writer = csv.writer(file)
        if title:
            writer.writerow([title])
        writer.writerow(HEADERS)
        writer.writerows([row.get(header, "") for header in HEADERS] for row in rows)
    return path


@pytest.fixture
def validate_rows(tmp_path):
    """Write rows to a CSV (header on row 1, first person on row 2), read and validate it."""

    def run(rows: list[dict[str, str]]) -> RosterValidation:
        path = write_csv(tmp_path / "roster.csv", rows)
        return validate_roster(read_roster_table(path, "roster.csv"))

    return run


def problem_texts(validation: RosterValidation) -> list[str]:
    """The report lines, as a user reads them."""
    return [str(problem) for problem in validation.problems]
