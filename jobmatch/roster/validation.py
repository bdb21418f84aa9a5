"""Validating a read roster: every problem as `row N, column X: what is wrong`, and typed records."""

import re
from dataclasses import dataclass, field

from jobmatch import idnumber
from jobmatch.roster.columns import COLUMNS, HEADER_OF, KEYS, Required
from jobmatch.roster.consistency import cross_row_problems
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
from jobmatch.roster.reading import RosterRows, RosterTable, Row
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


def validate_roster(table: RosterTable | RosterRows) -> RosterValidation:
    """Check every row and the rows against each other, collecting every problem.

    Rows are read once, in order: of each, only its record and the few cells the checks across
    rows compare are kept, so a streamed file (``RosterRows``) is never held whole."""
    problems: list[RosterProblem] = []
    parsed: dict[int, PersonRecord] = {}
    compared: list[Row] = []
    for number, values in table.rows:
        row_problems: list[RosterProblem] = []
        record = _parse_row(number, values, number in table.ids_with_lost_digits, row_problems)
        problems.extend(row_problems)
        if record is not None:
            parsed[number] = record
        compared.append((number, {key: values[key] for key in _COMPARED_ACROSS_ROWS if key in values}))
    cross_problems, cross_households = cross_row_problems(compared)
    problems.extend(cross_problems)
    problems = sorted(set(problems), key=lambda p: (p.row, _COLUMN_ORDER.get(p.column, 99), p.message))
    rows_with_problems = {problem.row for problem in problems}
    invalid_households = set(cross_households)
    invalid_households.update(_household_key(values) for number, values in compared if number in rows_with_problems)
    records = [record for number, record in parsed.items() if number not in rows_with_problems]
    return RosterValidation(records, problems, invalid_households, len(compared))


# The cells jobmatch.roster.consistency compares between rows.
_COMPARED_ACROSS_ROWS = ("id_number", "county", "household_no", "settlement", "relation", "name")


def _household_key(values: dict[str, str]) -> HouseholdKey:
    return (values.get("county", ""), values.get("household_no", ""))


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


def _parse_row(
    number: int, values: dict[str, str], id_lost_digits: bool, problems: list[RosterProblem]
) -> PersonRecord | None:
    """The row as a record, or None when ``problems`` (empty on entry) has gained any."""
    report = _RowReport(number, problems)
    text = {key: values.get(key, "") for key in KEYS}
    for column in COLUMNS:
        if column.required is Required.ALWAYS and not text[column.key]:
            report.add(column.key, "必填，不能为空")

    id_number = _check_id(report, text["id_number"], id_lost_digits)
    relation = report.parse("relation", text["relation"], parse_label, _RELATION_LABELS, "关系")
    capacity = report.parse("capacity", text["capacity"], parse_label, CAPACITY_FROM_LABEL, "劳动能力")
    wants_work = report.parse("wants_work", text["wants_work"], parse_label, YES_NO_FROM_LABEL, "就业意愿")
    status = report.parse(
        "employment_status", text["employment_status"], parse_label, EMPLOYMENT_FROM_LABEL, "就业状态"
    )
    if capacity is not None and capacity != "none":
        for key in ("wants_work", "employment_status"):
            if not text[key]:
                report.add(key, "劳动能力不是「无劳动能力」时必填，不能为空")

    record_values = dict(
        household_no=text["household_no"],
        county=text["county"],
        settlement=text["settlement"],
        name=parse_name(text["name"]),
        id_number=id_number,
        relation=relation,
        phone=report.parse("phone", text["phone"], parse_phone),
        capacity=capacity,
        wants_work=wants_work,
        mobility=report.parse("mobility", text["mobility"], parse_label, MOBILITY_FROM_LABEL, "外出意愿"),
        max_commute_km=report.parse("max_commute_km", text["max_commute_km"], parse_kilometres),
        skills=parse_list(text["skills"]),
        certificates=parse_list(text["certificates"]),
        training_wishes=parse_list(text["training_wish"]),
        wage_expectation=report.parse("wage_expectation", text["wage_expectation"], parse_yuan),
        employment_status=status,
        employer_name=text["employer"] or None,
        monthly_income=report.parse("monthly_income", text["monthly_income"], parse_yuan),
        disability=report.parse("disability", text["disability"], parse_label, DISABILITY_FROM_LABEL, "残疾等级")
        or "none",
        monitoring=report.parse("monitoring", text["monitoring"], parse_label, MONITORING_FROM_LABEL, "监测对象")
        or "none",
        notes=text["notes"] or None,
        cannot_leave_reason=(report.parse("cannot_leave_reason", text["cannot_leave_reason"], parse_label,
                                          CANNOT_LEAVE_REASON_FROM_LABEL, "不能离开安置点原因") or "")
        if "cannot_leave_reason" in values else None,
    )
    if problems or id_number is None:
        return None
    return PersonRecord(
        **record_values,
        gender=idnumber.gender(id_number),
        birth_date=idnumber.birth_date(id_number),
        row=number,
    )


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
