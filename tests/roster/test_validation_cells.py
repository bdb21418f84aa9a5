"""A roster with every kind of mistake of tests/roster/cell_cases.py, one per household, and the mistakes
between rows: the report is exactly what roster.md asks, row by row, and every other row is a record.

The validator takes shortcuts for the values a file repeats (labels, amounts, birth dates); these rows
make sure the words staff read, the rows named and the values kept stay those of the full parsers."""

import openpyxl
import pytest

from jobmatch.roster.columns import COLUMNS, HEADER_OF
from jobmatch.roster.labels import FIELD_OF_KEY
from jobmatch.roster.reading import open_roster_rows, read_roster_table
from jobmatch.roster.validation import validate_roster

from .cell_cases import ACCEPTED_CELLS, BAD_CELLS
from .conftest import HEADERS, person, write_csv

COUNTY = "威宁彝族回族苗族自治县"
SETTLEMENT = "威宁和谐安置点"
LOST_DIGITS = "身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本格式后重新填写"
_COLUMN_ORDER = [column.header for column in COLUMNS]


class Roster:
    """Rows as {header: text} with what the validation must say of them."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.problems: list[tuple[int, str, str]] = []  # (row, header, message)
        self.values: dict[int, tuple[str, object]] = {}  # row -> (record field, value)
        self.extra_invalid: set[tuple[str, str]] = set()

    def add(self, household: str, **cells: object) -> int:
        """A person of ``household`` (valid unless ``cells`` say otherwise, even its household_no); their row."""
        seq = len(self.rows) + 1
        overrides = {"household_no": household, "relation": "子女", "phone": f"1397589{seq:04d}", **cells}
        self.rows.append(person(seq, **overrides))  # type: ignore[arg-type]
        return seq + 1  # the header is row 1

    def expect(self, row: int, key: str, message: str) -> None:
        self.problems.append((row, HEADER_OF[key], message))

    def expected_problems(self) -> list[tuple[int, str, str]]:
        return sorted(self.problems, key=lambda p: (p[0], _COLUMN_ORDER.index(p[1]), p[2]))

    def household_of(self, row: int) -> tuple[str, str]:
        cells = self.rows[row - 2]
        return (str(cells["县区"]), str(cells["户编号"]))


def build_roster() -> Roster:
    roster = Roster()
    for index, (key, text, messages) in enumerate(BAD_CELLS):
        row = roster.add(f"B{index:04d}", **{"relation": "户主", key: text})
        roster.add(f"B{index:04d}")
        for message in messages:
            roster.expect(row, key, message)
    for index, (key, text, value) in enumerate(ACCEPTED_CELLS):
        row = roster.add(f"A{index:04d}", **{"relation": "户主", key: text})
        roster.add(f"A{index:04d}")
        roster.values[row] = (FIELD_OF_KEY.get(key, key), value)

    # The same person twice, in two households.
    first = roster.add("D0001", relation="户主")
    roster.add("D0002", relation="户主")
    second = roster.add("D0002", id_number=roster.rows[first - 2]["身份证号"])
    roster.expect(first, "id_number", f"与第 {second} 行的身份证号重复，同一人只能登记一次")
    roster.expect(second, "id_number", f"与第 {first} 行的身份证号重复，同一人只能登记一次")

    # A household whose middle row names another county.
    head = roster.add("C0001", relation="户主")
    odd = roster.add("C0001", county="赫章县")
    roster.add("C0001")
    roster.expect(odd, "county", f"同一户（户编号 C0001）的县区应一致：第 {head} 行为「{COUNTY}」，本行为「赫章县」")
    roster.extra_invalid.add((COUNTY, "C0001"))

    # A household whose last row names another settlement.
    head = roster.add("S0001", relation="户主")
    roster.add("S0001")
    odd = roster.add("S0001", settlement="草海安置点")
    roster.expect(odd, "settlement",
                  f"同一户（户编号 S0001）的安置点应一致：第 {head} 行为「{SETTLEMENT}」，本行为「草海安置点」")

    # Two heads under one household number.
    head = roster.add("T0001", relation="户主")
    second_head = roster.add("T0001", relation="户主")
    roster.expect(second_head, "household_no",
                  f"户编号 T0001 在{COUNTY}已有户主（第 {head} 行 吴丽），一个县区内一个户编号只能对应一户：请核对户编号或与户主关系")
    roster.extra_invalid.add((COUNTY, "T0001"))
    return roster


def check(validation, roster: Roster) -> None:
    assert [(p.row, p.column, p.message) for p in validation.problems] == roster.expected_problems()
    problem_rows = {row for row, _, _ in roster.problems}
    assert [record.row for record in validation.records] == [
        row for row in range(2, len(roster.rows) + 2) if row not in problem_rows
    ]
    records = {record.row: record for record in validation.records}
    for row, (field, value) in roster.values.items():
        assert getattr(records[row], field) == value, (row, field)
    assert validation.invalid_households == {roster.household_of(row) for row in problem_rows} | roster.extra_invalid
    assert validation.rows == len(roster.rows)


def test_every_mistake_in_a_csv_is_reported_as_the_format_says(tmp_path):
    roster = build_roster()
    path = write_csv(tmp_path / "roster.csv", roster.rows)  # type: ignore[arg-type]
    check(validate_roster(read_roster_table(path, "roster.csv")), roster)
    with open(path, "rb") as source:
        check(validate_roster(open_roster_rows(source, "roster.csv")), roster)


def test_past_the_cells_it_keeps_the_validator_reads_them_the_same(tmp_path, monkeypatch):
    """The validator keeps the parsed value of at most _KEPT distinct cells of a kind (lists, amounts, label
    rows), so its memory does not grow with a file of ever new ones: past them, it parses each again."""
    from jobmatch.roster import validation

    monkeypatch.setattr(validation, "_KEPT", 2)
    roster = build_roster()
    path = write_csv(tmp_path / "roster.csv", roster.rows)  # type: ignore[arg-type]
    with open(path, "rb") as source:
        check(validate_roster(open_roster_rows(source, "roster.csv")), roster)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_every_mistake_in_an_xlsx_is_reported_as_the_format_says(tmp_path, monkeypatch, engine):
    from jobmatch.roster import reading

    if engine == "calamine" and reading.python_calamine is None:
        pytest.skip("python-calamine is not installed")
    monkeypatch.setattr(reading, "_xlsx_rows", getattr(reading, f"_read_xlsx_with_{engine}"))
    roster = build_roster()
    # An ID number Excel turned into a number: its last digits are gone.
    row = roster.add("X0001", relation="户主", id_number=520526198102276809.0)
    roster.expect(row, "id_number", f"读到的是「520526198102276800」：{LOST_DIGITS}")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for cells in roster.rows:
        sheet.append([cells[header] for header in HEADERS])
    workbook.save(tmp_path / "roster.xlsx")
    check(validate_roster(read_roster_table(tmp_path / "roster.xlsx", "roster.xlsx")), roster)
