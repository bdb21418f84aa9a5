"""PostgreSQL: a roster's records COPYed into a temporary staging table, then compared set-based (issue 19).

The import reads from the database only what can change something. One query finds the
persons whose every stored field, household and current employment spell are already what
the file says ("unchanged"); only the others, and the households they touch, are read into
Python for the head checks, the preview and the updates. An unchanged re-import is a COPY
plus that query, run on each part of the file while validation reads the next (``Stager``).

Past one part (the import's FILE_PART persons), the file's records and the cells compared
across rows stay in PostgreSQL, not in Python: once it is read, the import takes the records
back a part (whole households) at a time (``StagedFile``), so its memory does not grow with
the file.

"Unchanged" is decided strictly (NULLs and types compared as Python compares them), so a
person it leaves out is simply compared again in Python, as on SQLite.
"""

import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import lru_cache
from sys import intern

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from jobmatch.db import IntArray, TextArray, copy_rows, driver_connection
from jobmatch.roster.consistency import ID, CrossRow, CrossRowsInMemory, MixedRuns, is_head, problems_of_groups
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.records import HouseholdKey, PersonRecord
from jobmatch.services.roster.preview import Recorded, open_spells, shown_and_compared_fields
from jobmatch.vocabulary import HEAD_RELATION

TABLE = "roster_staging"
UNCHANGED = "roster_unchanged"
# The file's households, each with its part, or quiet: nothing to write or show (_HOUSEHOLDS_QUERY).
HOUSEHOLDS = "roster_households"
# The records left once the file is read and checked, but those of quiet households, each with its part
# and whether it is unchanged.
FILE = "roster_file"
CELLS = "roster_cells"  # what the checks across rows compare, of every row of the file

_COLUMNS = (
    ("row", "integer"), ("id_number", "varchar(18)"), ("county", "text"), ("county_id", "integer"),
    ("household_no", "text"), ("settlement", "text"), ("name", "text"), ("relation", "text"), ("phone", "text"),
    ("capacity", "text"), ("wants_work", "boolean"), ("mobility", "text"), ("max_commute_km", "double precision"),
    ("skills", "jsonb"), ("certificates", "jsonb"), ("training_wishes", "jsonb"), ("wage_expectation", "integer"),
    ("disability", "text"), ("monitoring", "text"), ("notes", "text"), ("gender", "text"), ("birth_date", "date"),
    ("cannot_leave_reason", "text"), ("cannot_leave_site", "boolean"),
    ("employment_kind", "text"), ("employer_name", "text"), ("monthly_income", "integer"),
)
COLUMN_NAMES = tuple(name for name, _type in _COLUMNS)


class Stager:
    """Stages a file's records part by part while validation reads it (``add`` is validate_roster's
    ``on_parsed``): each part is COPYed, then compared with the database in a pipeline, so PostgreSQL
    finds one part's unchanged persons while Python reads the next. ``finish`` takes out the rows
    the checks across rows found wrong and gives the rest as a ``StagedFile``. A context manager: the
    connection leaves pipeline mode however the validation ends.

    A file of at most ``file_part`` records is also kept in Python as it is read (the bound the
    import's parts set anyway), so that it need not be read back."""

    def __init__(self, session: Session, part_size: int = 5000, file_part: int = 25_000) -> None:
        self.session = session
        self.part_size = part_size
        self.file_part = file_part
        self.kept: list[PersonRecord] | None = []  # None once the file is past file_part records
        self.connection: psycopg.Connection = driver_connection(session)
        self.pipeline: AbstractContextManager[psycopg.Pipeline] | None = None
        # For the rest of the transaction, plans as for data in memory or on SSD (a random read costs about
        # what a sequential one does): with PostgreSQL's default of 4, comparing a county's file with a
        # province hashed all of its households rather than look up the file's 5,000 (0.24 s against 0.12 s).
        session.execute(text("SET LOCAL random_page_cost = 1.1"))
        for table in (FILE, HOUSEHOLDS, UNCHANGED, TABLE, CELLS):
            session.execute(text(f"DROP TABLE IF EXISTS {table}"))
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in _COLUMNS)
        # No primary key while loading: a file may give one ID number twice (a problem validation
        # reports at the end); the key is made once those rows are out (finish).
        session.execute(text(f"CREATE TEMPORARY TABLE {TABLE} ({columns}) ON COMMIT DROP"))
        session.execute(text(f"CREATE INDEX ON {TABLE} (row)"))  # a part is the rows after those staged before
        session.execute(text(f"CREATE TEMPORARY TABLE {UNCHANGED} (id_number varchar(18)) ON COMMIT DROP"))
        session.execute(text(f"CREATE TEMPORARY TABLE {CELLS} ({_CELL_TYPES}) ON COMMIT DROP"))
        self.cells = StagedCells(self, keep_up_to=file_part)
        # Staged with each row, so the comparison finds the household by (county id, number) without
        # joining counties: per part, PostgreSQL scanned the counties once for every row.
        self.county_ids: dict[str, int] = dict(session.execute(text("SELECT name, id FROM counties")).tuples().all())

    def __enter__(self) -> "Stager":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.wait()

    def add(self, records: list[PersonRecord]) -> None:
        """Stage these records and start comparing them; returns without waiting for the comparison."""
        if not records:
            return
        self.wait()
        self.cells.flush()
        county_ids = self.county_ids
        copy_rows(self.session, TABLE, COLUMN_NAMES, (_staged_row(record, county_ids) for record in records))
        self.pipeline = pipeline = self.connection.pipeline()
        pipeline.__enter__()
        rows = [record.row for record in records]
        self.connection.execute(_UNCHANGED_QUERY, (min(rows), max(rows)))
        if self.kept is not None:
            if len(self.kept) + len(records) <= self.file_part:
                self.kept.extend(records)
            else:
                self.kept = None

    def wait(self) -> None:
        """Wait for the last part's statements and leave pipeline mode (raising what failed in them):
        the session can run other statements again."""
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            pipeline.__exit__(None, None, None)

    def finish(self, problem_rows: Iterable[int] = (), invalid_households: Iterable[HouseholdKey] = ()) -> "StagedFile":
        """Take out the staged rows with a problem and those of invalid households; the rest, as the
        import reads them back, whole households of at most about ``file_part`` persons a part."""
        self.wait()
        rows = sorted(set(problem_rows))
        if rows:
            self.session.execute(text(f"DELETE FROM {TABLE} s USING unnest(CAST(:rows AS integer[])) AS bad(row) "
                                      "WHERE s.row = bad.row"), {"rows": rows})
        self.session.execute(text(_HOUSEHOLDS_QUERY), {"size": self.file_part})
        self.session.execute(text(f"CREATE INDEX ON {HOUSEHOLDS} (county, household_no)"))
        self.session.execute(text(_FILE_QUERY))
        for table in (TABLE, UNCHANGED, CELLS):
            self.session.execute(text(f"DROP TABLE {table}"))
        staged = StagedFile(self.session)
        staged.drop(set(invalid_households))
        self.session.execute(text(f"ALTER TABLE {FILE} ADD PRIMARY KEY (id_number)"))
        if staged.parts > 1:  # one part is the whole table
            self.session.execute(text(f"CREATE INDEX ON {FILE} (part, first_row, row)"))
            self.session.execute(text(f"ANALYZE {FILE} (part)"))  # how many rows a part has (never autovacuumed)
        elif self.kept is not None:
            staged.keep(self.kept, set(rows))
        return staged


# A household is quiet when its rows are all unchanged persons, exactly its recorded members, in the
# settlement recorded, one of them its head: the import neither writes nor shows anything of it, and
# its records stay here. The others are parts: whole households in the order the file first gives
# them, as few parts of at most about :size persons as they fill, of even size. (A member of a household
# that is not quiet, recorded elsewhere, is never in a quiet one: they would not be unchanged there.)
_HOUSEHOLDS_QUERY = f"""
CREATE TEMPORARY TABLE {HOUSEHOLDS} ON COMMIT DROP AS
SELECT county, household_no, first_row, persons, quiet,
       CASE WHEN NOT quiet THEN div(before * div(total + CAST(:size AS bigint) - 1, :size), total)::integer END AS part
FROM (
  SELECT *, sum(CASE WHEN quiet THEN 0 ELSE persons END) OVER (ORDER BY first_row) - persons AS before,
         sum(CASE WHEN quiet THEN 0 ELSE persons END) OVER () AS total
  FROM (
    SELECT k.county, k.household_no, k.first_row, k.persons,
           coalesce(k.unchanged AND k.heads = 1 AND k.settlements = 1 AND st.name = k.settlement
                    AND (SELECT count(*) FROM persons p WHERE p.household_id = h.id) = k.persons, false) AS quiet
    FROM (SELECT s.county, s.household_no, min(s.row) AS first_row, count(*) AS persons,
                 min(s.settlement) AS settlement, count(DISTINCT s.settlement) AS settlements,
                 count(*) FILTER (WHERE s.relation = '{HEAD_RELATION}') AS heads,
                 bool_and(EXISTS (SELECT 1 FROM {UNCHANGED} u WHERE u.id_number = s.id_number)) AS unchanged
          FROM {TABLE} s GROUP BY s.county, s.household_no) k
    LEFT JOIN counties c ON c.name = k.county
    LEFT JOIN households h ON h.county_id = c.id AND h.household_no = k.household_no
    LEFT JOIN settlements st ON st.id = h.settlement_id
  ) households
) counted
"""
_FILE_QUERY = f"""
CREATE TEMPORARY TABLE {FILE} ON COMMIT DROP AS
SELECT s.*, h.first_row, h.part, EXISTS (SELECT 1 FROM {UNCHANGED} u WHERE u.id_number = s.id_number) AS unchanged
FROM {TABLE} s JOIN {HOUSEHOLDS} h USING (county, household_no)
WHERE NOT h.quiet
"""


class StagedFile:
    """A read file's records in PostgreSQL (``FILE``), and what the database holds that they may
    change, read back one part at a time: ``part(n)`` gives part n's records, in file order
    by household, and its ``Recorded``. The part read last is kept until the import writes.
    The quiet households are only counted: ``quiet_households`` of ``quiet_persons``."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.parts = 0
        self.rows = 0  # every record of the file, quiet or not
        self.quiet_households = 0
        self.quiet_persons = 0
        self._last: tuple[int, list[PersonRecord], Recorded] | None = None
        # A file of one part, kept as it was read: its records (not those of quiet households) and the
        # unchanged among them.
        self._kept: tuple[list[PersonRecord], frozenset[str]] | None = None
        self._count()

    def keep(self, records: list[PersonRecord], problem_rows: set[int]) -> None:
        """The records of the file, one part, held already: the part need not be read back."""
        wanted = set(self.session.execute(text(f"SELECT county, household_no FROM {HOUSEHOLDS} WHERE NOT quiet"))
                     .tuples())
        unchanged = frozenset(self.session.scalars(text(f"SELECT id_number FROM {FILE} WHERE unchanged")))
        self._kept = ([r for r in records if r.row not in problem_rows and r.household_key in wanted], unchanged)

    def part(self, number: int) -> tuple[list[PersonRecord], Recorded]:
        if self._last is not None and self._last[0] == number:
            return self._last[1], self._last[2]
        records, unchanged = self._kept if self._kept is not None else _records_of_part(self.session, number)
        self._last = (number, records, _recorded_of_part(self.session, number, unchanged))
        return self._last[1], self._last[2]

    def parts_independent(self) -> bool:
        """No person of the file is recorded in a household of another part (a move between parts):
        writing one part then changes nothing the checks and the preview of another read."""
        return not self.session.scalar(text(f"""SELECT EXISTS (
            SELECT 1 FROM {FILE} f
            JOIN persons p ON p.id_number = f.id_number
            JOIN households h ON h.id = p.household_id
            JOIN counties c ON c.id = h.county_id
            JOIN {HOUSEHOLDS} k ON k.county = c.name AND k.household_no = h.household_no
            WHERE k.part IS DISTINCT FROM f.part)"""))

    def written(self) -> None:
        """The import wrote: a part must be read again."""
        self._last = None

    def drop(self, households: set[HouseholdKey]) -> None:
        """Take these households out of the file (skipped by a partial import)."""
        if not households:
            return
        keys = sorted(households)
        for table in (FILE, HOUSEHOLDS):
            self.session.execute(text(f"""DELETE FROM {table} s
                USING unnest(CAST(:counties AS text[]), CAST(:numbers AS text[])) AS bad(county, household_no)
                WHERE s.county = bad.county AND s.household_no = bad.household_no"""),
                {"counties": [county for county, _ in keys], "numbers": [number for _, number in keys]})
        self._count()
        if self._kept is not None:
            self._kept = ([r for r in self._kept[0] if r.household_key not in households], self._kept[1])
        if self._last is not None:
            number, records, recorded = self._last
            self._last = (number, [r for r in records if r.household_key not in households], recorded)

    def _count(self) -> None:
        parts, quiet, rows, quiet_rows = self.session.execute(text(
            f"""SELECT max(part) + 1, count(*) FILTER (WHERE quiet), sum(persons), sum(persons) FILTER (WHERE quiet)
                FROM {HOUSEHOLDS}""")).one()
        self.parts, self.quiet_households, self.rows, self.quiet_persons = (
            parts or 0, quiet or 0, rows or 0, quiet_rows or 0)


def stage_records(session: Session, records: list[PersonRecord], file_part: int = 25_000) -> StagedFile:
    """Stage records validated already (the demo's and the benchmarks'), to be read back as a file's."""
    with Stager(session, file_part=file_part) as stager:
        stager.add(records)
    return stager.finish()


class StagedCells:
    """Where validation keeps what the checks across rows compare (its ``cross_rows``): in Python for
    a file of one part; past it, every row's cells COPYed into CELLS with the Stager's parts. SQL then
    picks out the few rows that may be wrong (an ID number given twice, a household naming two
    settlements or heads; runs of rows naming two counties are caught as the rows go by), and
    jobmatch.roster.consistency checks those as it checks a file held in memory: the same
    problems, in the same words, without a cell per row in Python."""

    def __init__(self, stager: Stager, keep_up_to: int) -> None:
        self.stager = stager
        self.keep_up_to = keep_up_to
        # In Python while the file is at most keep_up_to rows (the bound the import's parts set), then in CELLS.
        self.kept: CrossRowsInMemory | None = CrossRowsInMemory()
        self.pending: list[CrossRow] = []
        self.count = 0
        self.runs = MixedRuns()  # once spilled: a run is consecutive rows, checked as they go by, not in SQL

    def add(self, row: CrossRow) -> None:
        self.count += 1
        if self.kept is not None:
            self.kept.add(row)
            if len(self.kept) > self.keep_up_to:  # past one part: these go with the Stager's next part
                self.pending, self.kept = self.kept.rows, None
                for kept in self.pending:
                    self.runs.add(kept)
            return
        self.runs.add(row)
        self.pending.append(row)
        if len(self.pending) >= 2 * self.stager.part_size:  # rows with problems: no records to send them with
            self.stager.wait()
            self.flush()

    def __len__(self) -> int:
        return self.count

    def flush(self) -> None:
        """COPY the cells kept since the last time (the Stager's pipeline must be out of the way)."""
        if self.pending:
            copy_rows(self.stager.session, CELLS, _CELL_COLUMNS,
                      ((number, cells[ID].upper(), is_head(cells), *cells) for number, cells in self.pending))
            self.pending = []

    def problems(self) -> tuple[list[RosterProblem], set[HouseholdKey]]:
        if self.kept is not None:
            return self.kept.problems()
        self.stager.wait()
        self.flush()
        id_rows = [row for _group, row in self._rows(_REPEATED_IDS)]
        return problems_of_groups(id_rows, self.runs.end(), _grouped(self._rows(_MIXED_HOUSEHOLDS)))

    def households_of(self, row_numbers: set[int]) -> set[HouseholdKey]:
        if self.kept is not None:
            return self.kept.households_of(row_numbers)
        if not row_numbers:
            return set()
        return {(county, number) for county, number in self.stager.session.execute(
            text(f"SELECT DISTINCT county, household_no FROM {CELLS} WHERE row = ANY(:rows)"),
            {"rows": sorted(row_numbers)})}

    def _rows(self, query: str) -> list[tuple[object, CrossRow]]:
        return [(group, (number, tuple(cells)))
                for group, number, *cells in self.stager.session.execute(text(query))]


def _grouped(rows: list[tuple[object, CrossRow]]) -> list[list[CrossRow]]:
    groups: dict[object, list[CrossRow]] = {}
    for group, row in rows:
        groups.setdefault(group, []).append(row)
    return list(groups.values())


_CELL_TYPES = ("row integer, id_key text, head boolean, id_number text, county text, household_no text, "
               "settlement text, relation text, name text")
_CELL_COLUMNS = ("row", "id_key", "head", "id_number", "county", "household_no", "settlement", "relation", "name")
_CROSS_ROW = "row, id_number, county, household_no, settlement, relation, name"  # a CrossRow: its number, its cells
# Every row of an ID number given more than once (id_key: the number in capitals, as the check compares it).
_REPEATED_IDS = f"""SELECT NULL, {_CROSS_ROW} FROM {CELLS}
WHERE id_key IN (SELECT id_key FROM {CELLS} WHERE id_key <> '' GROUP BY id_key HAVING count(*) > 1)
ORDER BY row"""
# Households, (county, household_no), whose rows name two settlements or two heads.
_MIXED_HOUSEHOLDS = f"""SELECT dense_rank() OVER (ORDER BY county, household_no), {_CROSS_ROW} FROM {CELLS}
WHERE (county, household_no) IN (
    SELECT county, household_no FROM {CELLS} WHERE county <> '' AND household_no <> '' GROUP BY county, household_no
    HAVING count(DISTINCT nullif(settlement, '')) > 1 OR count(*) FILTER (WHERE head) > 1)
ORDER BY row"""


def _staged_row(record: PersonRecord, county_ids: dict[str, int]) -> tuple:
    employed = record.employment_status not in (None, "unemployed")
    reason = record.cannot_leave_reason
    return (
        record.row, record.id_number, record.county, county_ids.get(record.county), record.household_no,
        record.settlement, record.name, record.relation, record.phone, record.capacity, record.wants_work,
        record.mobility, record.max_commute_km,
        _json_list(record.skills), _json_list(record.certificates), _json_list(record.training_wishes),
        record.wage_expectation, record.disability, record.monitoring, record.notes or "", record.gender,
        record.birth_date, reason, None if reason is None else bool(reason),
        record.employment_status if employed else None, (record.employer_name or "") if employed else None,
        record.monthly_income if employed else None,
    )


@lru_cache(maxsize=4096)  # a file repeats a few hundred lists: each encoded once
def _json_list(values: tuple[str, ...]) -> str:
    return _ENCODER.encode(values)


_ENCODER = json.JSONEncoder(ensure_ascii=False)


# A staged person is unchanged when the person with that ID number is in the household the row names,
# every roster field is equal, and the open employment spell is the one the row asks for (none when
# not employed). Mirrors importing._update_person and importing._apply_employment.
_UNCHANGED_QUERY = f"""
INSERT INTO {UNCHANGED}
SELECT s.id_number
FROM {TABLE} s
JOIN persons p ON p.id_number = s.id_number
JOIN households h ON h.id = p.household_id
LEFT JOIN LATERAL (
    -- FILTER, not WHERE: the person's few spells are found by person_id alone (with ended_on in the WHERE,
    -- PostgreSQL may AND in the ended_on index, which reads every open spell for each person)
    SELECT count(*) FILTER (WHERE e.ended_on IS NULL) AS n,
           max(e.kind) FILTER (WHERE e.ended_on IS NULL) AS kind,
           max(e.employer_name) FILTER (WHERE e.ended_on IS NULL) AS employer_name,
           max(e.monthly_income) FILTER (WHERE e.ended_on IS NULL) AS monthly_income
    FROM employment_spells e WHERE e.person_id = p.id
) spell ON true
WHERE s.row BETWEEN %s AND %s  -- the part just staged: the file's rows after those of the parts before
  AND h.county_id = s.county_id AND h.household_no = s.household_no
  AND p.name = s.name AND p.relation = s.relation AND p.phone IS NOT DISTINCT FROM s.phone
  AND p.capacity = s.capacity AND p.wants_work IS NOT DISTINCT FROM s.wants_work
  AND p.mobility IS NOT DISTINCT FROM s.mobility AND p.max_commute_km IS NOT DISTINCT FROM s.max_commute_km
  AND p.skills::jsonb = s.skills AND p.certificates::jsonb = s.certificates
  AND p.training_wishes::jsonb = s.training_wishes
  AND p.wage_expectation IS NOT DISTINCT FROM s.wage_expectation
  AND p.disability = s.disability AND p.monitoring = s.monitoring AND p.notes = s.notes
  AND p.gender = s.gender AND p.birth_date = s.birth_date
  AND (s.cannot_leave_reason IS NULL
       OR (p.cannot_leave_reason = s.cannot_leave_reason AND p.cannot_leave_site = s.cannot_leave_site))
  AND CASE WHEN s.employment_kind IS NULL THEN spell.n = 0
           ELSE spell.n = 1 AND spell.kind = s.employment_kind AND spell.employer_name = s.employer_name
                AND spell.monthly_income IS NOT DISTINCT FROM s.monthly_income END
"""


_READ_BACK = (
    "row", "id_number", "county", "household_no", "settlement", "name", "relation", "phone", "capacity", "wants_work",
    "mobility", "max_commute_km", "skills::text", "certificates::text", "training_wishes::text", "wage_expectation",
    "disability", "monitoring", "notes", "gender", "birth_date", "cannot_leave_reason", "employment_kind",
    "employer_name", "monthly_income", "unchanged",
)
_PART_QUERY = f"SELECT {', '.join(_READ_BACK)} FROM {FILE} WHERE part = %s ORDER BY first_row, row"


def _records_of_part(session: Session, number: int) -> tuple[list[PersonRecord], frozenset[str]]:
    """A part's records as validation made them (what the import reads of them), and the ID numbers
    of the unchanged persons among them."""
    records, unchanged_ids = [], []
    for (row, id_number, county, household_no, settlement, name, relation, phone, capacity, wants_work, mobility,
         kilometres, skills, certificates, training_wishes, wage, disability, monitoring, notes, gender, born, reason,
         employment, employer, income, unchanged) in driver_connection(session).execute(_PART_QUERY, (number,)).fetchall():
        records.append(PersonRecord(
            household_no=household_no, county=intern(county), settlement=intern(settlement), name=name,
            id_number=id_number, relation=relation, phone=phone, capacity=capacity, wants_work=wants_work,
            mobility=mobility, max_commute_km=kilometres, skills=_tuple_of(skills),
            certificates=_tuple_of(certificates), training_wishes=_tuple_of(training_wishes), wage_expectation=wage,
            employment_status=employment, employer_name=employer, monthly_income=income, disability=disability,
            monitoring=monitoring, notes=notes or None, gender=gender, birth_date=born, cannot_leave_reason=reason,
            row=row))
        if unchanged:
            unchanged_ids.append(id_number)
    return records, frozenset(unchanged_ids)


@lru_cache(maxsize=4096)
def _tuple_of(encoded: str) -> tuple[str, ...]:
    return tuple(json.loads(encoded))


def _recorded_of_part(session: Session, number: int, unchanged: frozenset[str]) -> Recorded:
    """What the database holds that part ``number`` of the staged file may change: only the persons not
    unchanged, their current spells, and the members of the households where a head check or the
    preview needs them."""
    households: dict = {}
    with_staying: set[int] = set()
    for household_id, county, household_no, settlement, staged, recorded in session.execute(text(f"""
        SELECT h.id, c.name, h.household_no, st.name, k.staged,
               (SELECT count(*) FROM persons p WHERE p.household_id = h.id) AS recorded
        FROM (SELECT county, household_no, count(*) AS staged FROM {FILE} WHERE part = :part GROUP BY 1, 2) k
        JOIN counties c ON c.name = k.county
        JOIN households h ON h.county_id = c.id AND h.household_no = k.household_no
        JOIN settlements st ON st.id = h.settlement_id"""), {"part": number}):
        households[(county, household_no)] = (household_id, settlement)
        if recorded > staged:
            with_staying.add(household_id)
    person_columns = ", ".join(f"p.{name}" for name in shown_and_compared_fields())
    # Looked up by index, ID number by ID number: joined, PostgreSQL would hash a province's persons and
    # spells to find the few the file names (0.4 s and 0.25 s of a 20,000-person first import).
    persons = {row.id_number: row._asdict() for row in session.execute(text(f"""
        SELECT p.id, p.id_number, p.household_id, h.household_no, {person_columns}
        FROM persons p JOIN households h ON h.id = p.household_id
        WHERE p.id_number = ANY(ARRAY(SELECT id_number FROM {FILE} WHERE part = :part AND NOT unchanged))"""),
        {"part": number})}
    members, numbers = _members_needed(session, number, with_staying, persons)
    spells = open_spells(session, [person["id"] for person in persons.values()])
    return Recorded(households, members, persons, numbers, spells, unchanged, staged=True)


def _members_needed(session: Session, number: int, with_staying: set[int],
                    persons: dict) -> tuple[dict[int, list[dict]], dict[int, str]]:
    """The members of the households where anything but unchanged persons is: a recorded member the
    file leaves out, a person not unchanged, or the household a loaded person comes from. Elsewhere
    the recorded members are exactly the file's, and the checks need none of them.

    ``with_staying``: the part's recorded households with more members recorded than rows in the
    file. Where every row of a household is an unchanged person (each then a member of it), that
    is exactly "a recorded member the file leaves out"; any other household of the part has a
    person not unchanged, and is needed anyway."""
    with_changes = set(session.scalars(text(f"""
        SELECT DISTINCT h.id
        FROM {FILE} s
        JOIN counties c ON c.name = s.county
        JOIN households h ON h.county_id = c.id AND h.household_no = s.household_no
        WHERE s.part = :part AND NOT s.unchanged"""), {"part": number}))
    needed = sorted(with_staying | with_changes | {p["household_id"] for p in persons.values()})
    members: dict[int, list[dict]] = {}
    numbers: dict[int, str] = {}
    if not needed:
        return members, numbers
    for row in session.execute(text(f"""
            SELECT p.household_id, p.id_number, p.name, p.relation, h.household_no,
                   EXISTS (SELECT 1 FROM {FILE} f WHERE f.id_number = p.id_number) AS in_file
            FROM unnest(CAST(:ids AS integer[])) AS needed(id)
            JOIN persons p ON p.household_id = needed.id JOIN households h ON h.id = p.household_id
            ORDER BY p.id"""), {"ids": needed}):
        members.setdefault(row.household_id, []).append(row._asdict())
        numbers[row.household_id] = row.household_no
    return members, numbers


_PERSON_INSERT = f"""
INSERT INTO persons (household_id, id_number, name, gender, birth_date, relation, phone, phone_invalid, capacity,
                     wants_work, mobility, max_commute_km, skills, certificates, training_wishes, wage_expectation,
                     disability, monitoring, notes, sms_opt_out, cannot_leave_site, cannot_leave_reason)
SELECT new.household_id, s.id_number, s.name, s.gender, s.birth_date, s.relation, s.phone, false, s.capacity,
       s.wants_work, s.mobility, s.max_commute_km, s.skills::json, s.certificates::json, s.training_wishes::json,
       s.wage_expectation, s.disability, s.monitoring, s.notes, false, coalesce(s.cannot_leave_site, false),
       coalesce(s.cannot_leave_reason, '')
FROM unnest(CAST(:id_numbers AS text[]), CAST(:household_ids AS integer[])) WITH ORDINALITY
       AS new(id_number, household_id, n)
JOIN {FILE} s ON s.id_number = new.id_number
ORDER BY new.n
RETURNING id, id_number
"""


def insert_new_persons(session: Session, households: dict[str, int]) -> dict[str, int]:
    """Insert the file's persons with these ID numbers into these (existing) households, in the order
    given; their new ids.

    The household ids come from the caller, who has just found or made them: joined here by county
    and number, PostgreSQL merge-joined the staged rows with every household of the province. Each
    staged row is looked up by its ID number in the order given: sorting them by ID number (text)
    to join, then by row, was a fifth of the statement (issue 19)."""
    return {id_number: person_id for person_id, id_number in session.execute(text(_PERSON_INSERT), {
        "id_numbers": TextArray(households), "household_ids": IntArray(households.values())})}
