"""Checks across rows: one ID number per person, households that agree with themselves.

A household is (county, household_no). Its members stand on consecutive rows, so a run of
rows with the same 户编号 is one household: a row in such a run naming another county is a
disagreement, not another household. Two heads under one (county, household_no) mean the
number was given to two households.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import itemgetter
from sys import intern  # a county's, a site's, a relation's name: one string for all their rows

from jobmatch.roster.columns import HEADER_OF
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.records import HouseholdKey
from jobmatch.vocabulary import HEAD_RELATION

# The cells compared between rows, in the order a CrossRow holds them.
COMPARED = ("id_number", "county", "household_no", "settlement", "relation", "name")
ID, COUNTY, HOUSEHOLD_NO, SETTLEMENT, RELATION, NAME = range(len(COMPARED))
_compared_values = itemgetter(*COMPARED)
# (row number, the COMPARED cells): a tuple, not the row's dict, since one is kept per row of the file
CrossRow = tuple[int, tuple[str, ...]]


def cross_row(number: int, values: Mapping[str, str]) -> CrossRow:
    """What the checks across rows keep of one row (a missing cell is "")."""
    try:  # a file's rows hold every one of them: they are required columns
        id_number, county, household_no, settlement, relation, name = _compared_values(values)
    except KeyError:
        id_number, county, household_no, settlement, relation, name = (values.get(key, "") for key in COMPARED)
    return number, (id_number, intern(county), household_no, intern(settlement), intern(relation), name)


def is_head(cells: tuple[str, ...]) -> bool:
    return cells[RELATION].strip() == HEAD_RELATION


class CrossRowsInMemory:
    """The cells the checks across rows compare, a CrossRow per row of the file, kept in a list
    (jobmatch.services.roster.staging keeps them in PostgreSQL instead)."""

    def __init__(self) -> None:
        self.rows: list[CrossRow] = []

    def add(self, row: CrossRow) -> None:
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def problems(self) -> tuple[list[RosterProblem], set[HouseholdKey]]:
        return cross_row_problems(self.rows)

    def households_of(self, row_numbers: set[int]) -> set[HouseholdKey]:
        """The households these rows name."""
        return {_key(cells) for number, cells in self.rows if number in row_numbers}


def cross_row_problems(rows: list[CrossRow]) -> tuple[list[RosterProblem], set[HouseholdKey]]:
    """Problems between rows, and the households they make invalid."""
    runs = MixedRuns()
    for row in rows:
        runs.add(row)
    return problems_of_groups(rows, runs.end(), _households_to_check(rows).values())


class MixedRuns:
    """The runs of consecutive rows with one 户编号 (a row without one ends a run) that name two
    counties, found as the rows go by: only the current run is held."""

    def __init__(self) -> None:
        self.run: list[CrossRow] = []
        self.found: list[list[CrossRow]] = []

    def add(self, row: CrossRow) -> None:
        household_no = row[1][HOUSEHOLD_NO]
        if self.run and household_no != self.run[0][1][HOUSEHOLD_NO]:
            self._close()
        if household_no:
            self.run.append(row)

    def end(self) -> list[list[CrossRow]]:
        """The runs naming two counties, once every row was added."""
        self._close()
        return self.found

    def _close(self) -> None:
        if len({cells[COUNTY] for _, cells in self.run} - {""}) > 1:
            self.found.append(self.run)
        self.run = []


def problems_of_groups(id_rows: list[CrossRow], runs: Iterable[list[CrossRow]],
                       households: Iterable[list[CrossRow]]) -> tuple[list[RosterProblem], set[HouseholdKey]]:
    """The problems of rows picked out already: ``id_rows`` holds every row of each ID number given more
    than once (and may hold others), ``runs`` the runs of consecutive rows with one 户编号, and
    ``households`` the rows of each (county, household_no), that may name two counties, settlements
    or heads; what is wrong, and the households it makes invalid."""
    problems: list[RosterProblem] = []
    invalid: set[HouseholdKey] = set()
    _check_duplicate_ids(id_rows, problems, invalid)
    for block in runs:
        _check_agreement(block, "county", problems, invalid)
    for group in households:
        _check_agreement(group, "settlement", problems, invalid)
        _check_single_head(group, problems, invalid)
    return problems, invalid


def _key(cells: tuple[str, ...]) -> HouseholdKey:
    return (cells[COUNTY], cells[HOUSEHOLD_NO])


def _check_duplicate_ids(rows: list[CrossRow], problems: list[RosterProblem], households: set[HouseholdKey]) -> None:
    id_numbers = [cells[ID].upper() for _, cells in rows]
    repeated = {id_number for id_number, count in Counter(id_numbers).items() if count > 1 and id_number}
    if not repeated:
        return
    rows_of_id: dict[str, list[CrossRow]] = {}
    for id_number, row in zip(id_numbers, rows):
        if id_number in repeated:
            rows_of_id.setdefault(id_number, []).append(row)
    for same_id_rows in rows_of_id.values():
        for number, cells in same_id_rows:
            others = "、".join(str(other) for other, _ in same_id_rows if other != number)
            problems.append(RosterProblem(number, HEADER_OF["id_number"], f"与第 {others} 行的身份证号重复，同一人只能登记一次"))
            households.add(_key(cells))


def _households_to_check(rows: list[CrossRow]) -> dict[HouseholdKey, list[CrossRow]]:
    """The rows of each (county, household_no) whose rows name two settlements or two heads.

    The other households, nearly all, pass both checks: one pass over the rows finds them
    without gathering each household's rows."""
    settlement_of: dict[HouseholdKey, str] = {}
    with_head: set[HouseholdKey] = set()
    suspect: set[HouseholdKey] = set()
    for _, cells in rows:
        key = (cells[COUNTY], cells[HOUSEHOLD_NO])
        if not (key[0] and key[1]):
            continue
        settlement = cells[SETTLEMENT]
        if settlement and settlement_of.setdefault(key, settlement) != settlement:
            suspect.add(key)
        if is_head(cells):
            if key in with_head:
                suspect.add(key)
            with_head.add(key)
    groups: dict[HouseholdKey, list[CrossRow]] = {}
    if suspect:
        for row in rows:
            key = _key(row[1])
            if key in suspect:
                groups.setdefault(key, []).append(row)
    return groups


def _check_agreement(
    household: list[CrossRow], column: str, problems: list[RosterProblem], households: set[HouseholdKey]
) -> None:
    """Flag the rows whose ``column`` differs from what most rows of the household say."""
    at = COMPARED.index(column)
    if len({cells[at] for _, cells in household} - {""}) < 2:  # nearly every household: one value
        return
    filled = [(number, cells) for number, cells in household if cells[at]]
    counts = Counter(cells[at] for _, cells in filled)  # two values or more: checked above
    first_row_of: dict[str, int] = {}
    for number, cells in filled:
        first_row_of.setdefault(cells[at], number)
    majority = max(counts, key=lambda value: (counts[value], -first_row_of[value]))
    household_no = household[0][1][HOUSEHOLD_NO]
    header = HEADER_OF[column]
    for number, cells in filled:
        if cells[at] != majority:
            message = f"同一户（户编号 {household_no}）的{header}应一致：第 {first_row_of[majority]} 行为「{majority}」，本行为「{cells[at]}」"
            problems.append(RosterProblem(number, header, message))
            households.add(_key(cells))
            households.add(_key(cells[:at] + (majority,) + cells[at + 1:]))


def _check_single_head(household: list[CrossRow], problems: list[RosterProblem],
                       households: set[HouseholdKey]) -> None:
    heads = [(number, cells) for number, cells in household if is_head(cells)]
    if len(heads) < 2:
        return
    first_number, first_head = heads[0]
    county, household_no = _key(first_head)
    for number, _ in heads[1:]:
        message = (
            f"户编号 {household_no} 在{county}已有户主（第 {first_number} 行 {first_head[NAME]}），"
            "一个县区内一个户编号只能对应一户：请核对户编号或与户主关系"
        )
        problems.append(RosterProblem(number, HEADER_OF["household_no"], message))
    households.add((county, household_no))
