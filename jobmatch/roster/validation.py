"""Validating a read roster: every problem as `row N, column X: what is wrong`, and typed records."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from sys import intern
from typing import Any, Protocol

from jobmatch import idnumber
from jobmatch.roster.columns import COLUMNS, HEADER_OF, KEYS, Required
from jobmatch.roster.consistency import CrossRow, CrossRowsInMemory, cross_row
from jobmatch.roster.fields import (
    CellError,
    parse_kilometres,
    parse_label,
    parse_list,
    parse_name,
    parse_phone,
    parse_yuan,
)
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.reading import RosterRows, RosterTable
from jobmatch.roster.records import HouseholdKey, PersonRecord
from jobmatch.vocabulary import (
    CANNOT_LEAVE_REASON_FROM_LABEL,
    CAPACITY_FROM_LABEL,
    DISABILITY_FROM_LABEL,
    EMPLOYMENT_FROM_LABEL,
    MOBILITY_FROM_LABEL,
    MONITORING_FROM_LABEL,
    RELATIONS,
    YES_NO_FROM_LABEL,
)
from matching.gc_pause import without_cycle_collection

_COLUMN_ORDER = {column.header: index for index, column in enumerate(COLUMNS)}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_RELATION_LABELS = {relation: relation for relation in RELATIONS}
_LOST_DIGITS_HINT = "身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本格式后重新填写"


@dataclass
class RosterValidation:
    """The outcome of validating a roster.

    ``records`` holds every row without a problem of its own; a caller importing only valid
    households also skips the records whose household is in ``invalid_households``.
    """

    records: list[PersonRecord] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)
    invalid_households: set[HouseholdKey] = field(default_factory=set)
    rows: int = 0  # data rows read

    @property
    def is_valid(self) -> bool:
        """True when the file has no problem at all."""
        return not self.problems


class CrossRows(Protocol):
    """Where validation keeps what the checks across rows compare, and has them checked."""

    def add(self, row: CrossRow) -> None: ...

    def __len__(self) -> int: ...

    def problems(self) -> tuple[list[RosterProblem], set[HouseholdKey]]: ...

    def households_of(self, row_numbers: set[int]) -> set[HouseholdKey]: ...


def validate_roster(table: RosterTable | RosterRows, on_parsed: Callable[[list[PersonRecord]], None] | None = None,
                    part_size: int = 5000, keep_records: bool = True,
                    cross_rows: CrossRows | None = None) -> RosterValidation:
    """Check every row and the rows against each other, collecting every problem.

    Rows are read once, in order: of each, only its record and the few cells the checks across
    rows compare are kept, so a streamed file (``RosterRows``) is never held whole.
    ``on_parsed`` receives the records of rows without a problem of their own, ``part_size`` at a
    time, as they are read (an import stages them meanwhile); the checks across rows, made at the
    end, may still find problems in them. Without ``keep_records`` (they went to ``on_parsed``),
    ``records`` stays empty; with ``cross_rows`` kept elsewhere too (in the database), memory does
    not grow with the file."""
    with without_cycle_collection():
        problems: list[RosterProblem] = []
        parsed: dict[int, PersonRecord] = {}
        compared = cross_rows if cross_rows is not None else CrossRowsInMemory()
        parse_row = _RowParser().parse
        lost_digits = table.ids_with_lost_digits
        part: list[PersonRecord] = []
        for number, values in table.rows:
            record = parse_row(number, values, number in lost_digits, problems)
            if record is not None:
                if keep_records:
                    parsed[number] = record
                if on_parsed is not None:
                    part.append(record)
                    if len(part) >= part_size:
                        on_parsed(part)
                        part = []
            compared.add(cross_row(number, values))
        if on_parsed is not None and part:
            on_parsed(part)
        cross_problems, cross_households = compared.problems()
    problems.extend(cross_problems)
    problems = sorted(set(problems), key=lambda p: (p.row, _COLUMN_ORDER.get(p.column, 99), p.message))
    rows_with_problems = {problem.row for problem in problems}
    invalid_households = set(cross_households)
    invalid_households.update(compared.households_of(rows_with_problems))
    records = [record for number, record in parsed.items() if number not in rows_with_problems]
    return RosterValidation(records, problems, invalid_households, len(compared))


class _RowReport:
    """Collects the problems of one row."""

    def __init__(self, row: int, problems: list[RosterProblem]) -> None:
        self.row = row
        self.problems = problems

    def add(self, key: str, message: str) -> None:
        self.problems.append(RosterProblem(self.row, HEADER_OF[key], message))

    def parse(self, key: str, text: str, parser, *args):
        """``parser(text, *args)``, or None after noting the problem; empty text gives None."""
        if not text:
            return None
        try:
            return parser(text, *args)
        except CellError as exc:
            self.add(key, str(exc))
            return None


_MISSING: Any = object()
_all_cells = itemgetter(*KEYS)
_LABEL_COLUMNS: tuple[tuple[str, dict[str, Any], str], ...] = (  # key, label -> code, the header the message names
    ("relation", _RELATION_LABELS, "关系"),
    ("capacity", CAPACITY_FROM_LABEL, "劳动能力"),
    ("wants_work", YES_NO_FROM_LABEL, "就业意愿"),
    ("employment_status", EMPLOYMENT_FROM_LABEL, "就业状态"),
    ("mobility", MOBILITY_FROM_LABEL, "外出意愿"),
    ("disability", DISABILITY_FROM_LABEL, "残疾等级"),
    ("monitoring", MONITORING_FROM_LABEL, "监测对象"),
    ("cannot_leave_reason", CANNOT_LEAVE_REASON_FROM_LABEL, "不能离开安置点原因"),
)
_ALWAYS_REQUIRED = tuple(column.key for column in COLUMNS if column.required is Required.ALWAYS)
# The order RowParser.parse unpacks a row's cells in.
assert KEYS == (
    "household_no", "county", "settlement", "name", "id_number", "relation", "phone", "capacity", "wants_work",
    "mobility", "max_commute_km", "skills", "certificates", "training_wish", "wage_expectation",
    "employment_status", "employer", "monthly_income", "disability", "monitoring", "cannot_leave_reason", "notes",
)  # fmt: skip


class _RowParser:
    """Turns rows into records, for one file.

    A file repeats a few hundred distinct values in most columns (labels, amounts, skill lists,
    birth dates), so each is parsed once per file and looked up afterwards; a cell the quick way
    does not settle (anything unusual, and every mistake) goes through the parsers of
    jobmatch.roster.fields and jobmatch.idnumber, which word the problems.
    """

    def __init__(self) -> None:
        self.id_numbers = idnumber.ValidIdNumbers()
        self.kilometres: dict[str, float | None] = {"": None}
        self.yuan: dict[str, int | None] = {"": None}
        self.lists: dict[str, tuple[str, ...]] = {"": ()}
        self.codes: dict[tuple[str, ...], tuple] = {}  # the label cells of rows they were right for

    def parse(self, number: int, values: dict[str, str], id_lost_digits: bool,
              problems: list[RosterProblem]) -> PersonRecord | None:
        """The row as a record, or None when the row added any problem to ``problems``."""
        try:
            cells = _all_cells(values)
        except KeyError:  # a file without the optional column (or a table made by hand)
            cells = tuple(values.get(key, "") for key in KEYS)
        (household_no, county, settlement, name, id_text, relation_text, phone_text, capacity_text, wants_text,
         mobility_text, km_text, skills, certificates, training_wish, wage_text, status_text, employer, income_text,
         disability_text, monitoring_text, reason_text, notes) = cells
        count = len(problems)
        if not (household_no and county and settlement and name and id_text and relation_text and capacity_text):
            text = dict(zip(KEYS, cells))
            for key in _ALWAYS_REQUIRED:
                if not text[key]:
                    problems.append(RosterProblem(number, HEADER_OF[key], "必填，不能为空"))

        valid_id = None if id_lost_digits else self.id_numbers.match(id_text)
        id_number: str | None
        born: date | None
        if valid_id is not None:
            id_number, born = valid_id
        else:
            id_number, born = _check_id(_RowReport(number, problems), id_text, id_lost_digits), None
        label_cells = (relation_text, capacity_text, wants_text, status_text, mobility_text, disability_text,
                       monitoring_text, reason_text)
        codes = self.codes.get(label_cells)
        if codes is None:
            codes = self._codes(_RowReport(number, problems), label_cells)
        relation, capacity, wants_work, status, mobility, disability, monitoring, reason = codes

        kilometres = self.kilometres.get(km_text, _MISSING)
        if kilometres is _MISSING:
            kilometres = self._amount(_RowReport(number, problems), "max_commute_km", km_text, parse_kilometres,
                                      self.kilometres)
        wage = self.yuan.get(wage_text, _MISSING)
        if wage is _MISSING:
            wage = self._amount(_RowReport(number, problems), "wage_expectation", wage_text, parse_yuan, self.yuan)
        income = self.yuan.get(income_text, _MISSING)
        if income is _MISSING:
            income = self._amount(_RowReport(number, problems), "monthly_income", income_text, parse_yuan, self.yuan)
        phone = None
        if phone_text:
            try:
                phone = parse_phone(phone_text)
            except CellError as exc:
                problems.append(RosterProblem(number, _PHONE_HEADER, str(exc)))
        if len(problems) > count or id_number is None:
            return None

        return PersonRecord(
            household_no=household_no,
            county=intern(county),  # the same string as the checks across rows keep
            settlement=intern(settlement),
            name=name if name.isalnum() else parse_name(name),  # isalnum: no space to take out
            id_number=id_number,
            relation=relation,
            phone=phone,
            capacity=capacity,
            wants_work=wants_work,
            mobility=mobility,
            max_commute_km=kilometres,
            skills=self._list(skills),
            certificates=self._list(certificates),
            training_wishes=self._list(training_wish),
            wage_expectation=wage,
            employment_status=status,
            employer_name=employer or None,
            monthly_income=income,
            disability=disability or "none",
            monitoring=monitoring or "none",
            notes=notes or None,
            cannot_leave_reason=(reason or "") if "cannot_leave_reason" in values else None,
            gender=idnumber.gender(id_number),
            birth_date=idnumber.birth_date(id_number) if born is None else born,
            row=number,
        )

    def _codes(self, report: _RowReport, label_cells: tuple[str, ...]) -> tuple:
        """The codes of a row's label cells, noting what is wrong; kept for the rows that repeat them when
        nothing is (a roster has a few thousand combinations of labels)."""
        count = len(report.problems)
        codes = []
        for (key, table, header), cell in zip(_LABEL_COLUMNS, label_cells):
            code = table.get(cell, _MISSING)
            if code is _MISSING:  # empty, spelt with spaces, or not a label
                code = report.parse(key, cell, parse_label, table, header)
            codes.append(code)
        capacity = codes[1]
        if capacity is not None and capacity != "none":
            for key, cell in (("wants_work", label_cells[2]), ("employment_status", label_cells[3])):
                if not cell:
                    report.add(key, "劳动能力不是「无劳动能力」时必填，不能为空")
        if len(report.problems) > count or len(self.codes) >= _KEPT:
            return tuple(codes)
        return self.codes.setdefault(label_cells, tuple(codes))

    def _list(self, cell: str) -> tuple[str, ...]:
        """parse_list(cell), once per distinct cell of the file (of the first _KEPT)."""
        known = self.lists.get(cell)
        if known is None:
            known = parse_list(cell)
            if len(self.lists) < _KEPT:
                self.lists[cell] = known
        return known

    @staticmethod
    def _amount(report: _RowReport, key: str, cell: str, parser, known: dict):
        """``parser(cell)``, kept in ``known`` when it is a number, or None after noting the problem."""
        amount = report.parse(key, cell, parser)
        if amount is not None and len(known) < _KEPT:
            known[cell] = amount
        return amount


_PHONE_HEADER = HEADER_OF["phone"]
# Distinct cells of a kind whose parsed value is kept for the rows that repeat them: a roster repeats a
# few hundred lists and amounts; a file of more distinct ones must not make memory grow with it.
_KEPT = 8192


def _check_id(report: _RowReport, text: str, lost_digits: bool) -> str | None:
    """The ID number in upper case, or None after noting what is wrong with it."""
    if not text:
        return None
    if lost_digits or _SCIENTIFIC.match(text):
        report.add("id_number", f"读到的是「{text}」：{_LOST_DIGITS_HINT}")
        return None
    messages = idnumber.check_id_number(text)
    if messages is None:
        return text.upper()
    for message in messages:
        report.add("id_number", message)
    return None
