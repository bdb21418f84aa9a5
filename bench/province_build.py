"""Build a province in a new PostgreSQL database, fast (issue 19): the data bench/province.py measures on.

88 counties of Guizhou (the gazetteer's, of different sizes: the largest about 4x the mean), 950
sites, 2,000,000 persons in households of 1-7 (the synthetic roster generator's people), their
current employment spells, vacancies, and 20,000,000 ledger events with a valid hash chain
(household_created, person_imported and employment_started for each, then follow_up_recorded
events up to the total). ``scale`` takes a share of every figure but the counties.

How it is fast:
- the secondary indexes, unique and foreign-key constraints of the four big tables are dropped
  before the load and made again after it (one sort per index instead of 20 M random inserts);
- the counties' households, persons and spells are generated in worker processes, as COPY text
  with their events' data and digests, while this process computes the hash chain;
- the ledger is one COPY ... FREEZE stream on a second connection, in the transaction that
  emptied the table (no later VACUUM), sent by a writer thread (psycopg's QueuedLibpqWriter);
- follow-ups repeat one text per month, so each month's digest is computed once.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import multiprocessing
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import psycopg
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import JSON, Table, func, select
from sqlalchemy.orm import Session

from jobmatch import gazetteer, ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.db import copy_insert, make_engine
from jobmatch.models import County, Employer, EmploymentSpell, Household, Person, Settlement, Vacancy
from jobmatch.models.ledger import EventKind
from jobmatch.roster.synthetic import _PHONE_PREFIXES, _RosterGenerator
from jobmatch.services.households.status import HouseholdStatus
from jobmatch.services.roster.importing import _profile_of, _wanted_employment

FULL_PERSONS, FULL_SITES, FULL_EVENTS = 2_000_000, 950, 20_000_000
ACTOR = "import"
TITLES = ("普工", "电焊工", "保洁员", "保安", "家政服务员", "仓库管理员", "快递分拣员", "养老护理员",
          "厨师帮工", "茶叶采摘工", "电子装配工", "缝纫工", "司机", "水电工", "绣娘")
BIG_TABLES = ("households", "persons", "employment_spells", "ledger_events")
# Counties generated ahead of the one being written: bounds the memory the workers' output takes.
_AHEAD = 4
_LINES_PER_WRITE = 20_000
# Maintained per-site figures (another branch): rebuilt after the load when the module exists.
SITE_FIGURES_MODULE = "jobmatch.services.province.figures"


def guizhou_counties(count: int) -> list[gazetteer.Place]:
    places = [p for same_name in gazetteer._places().values() for p in same_name
              if p.adcode.startswith("52") and p.lat is not None and p.name != "市辖区"]
    return sorted(places, key=lambda p: p.adcode)[:count]


# -- COPY text ---------------------------------------------------------------------------------

def copy_value(value, as_json: bool = False) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if as_json:
        value = json.dumps(value, ensure_ascii=False)
    elif value is True or value is False:
        return "t" if value else "f"
    elif isinstance(value, (int, float)):
        return str(value)
    elif isinstance(value, (datetime, date)):
        return value.isoformat()
    value = str(value)  # a StrEnum as its value
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


@dataclass
class CopyText:
    """Rows of one table as COPY text, with the columns they fill (the rest take their defaults)."""

    table: str
    columns: list[str]
    text: str

    @classmethod
    def of(cls, table: Table, rows: list[dict]) -> CopyText:
        """As jobmatch.db.copy_insert writes dicts: a column the rows leave out takes its Python default."""
        given = rows[0].keys() if rows else ()
        columns = [c for c in table.columns if c.name in given or (c.default is not None and not c.primary_key)]
        defaults = {c.name: getattr(c.default, "arg", None) for c in columns if c.name not in given}
        json_columns = {c.name for c in columns if isinstance(c.type, JSON)}
        names = [c.name for c in columns]

        def value(row: dict, name: str):
            if name in given:
                return row[name]
            default = defaults[name]
            return default(None) if callable(default) else default

        lines = ["\t".join(copy_value(value(row, name), name in json_columns) for name in names) for row in rows]
        return cls(table.name, names, "".join(line + "\n" for line in lines))

    def write(self, cursor: psycopg.Cursor) -> None:
        if self.text:
            with cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
                copy.write(self.text)


# -- one county, in a worker process -------------------------------------------------------------

class CountyRosterGenerator(_RosterGenerator):
    """The synthetic roster's people, with phones from a few hundred carrier blocks (号段) per county,
    as a real county's are. The base draws from all 360,000 blocks, so at a province's size nearly
    every number is a block the phone check has not seen (and its cache holds 65,536)."""

    BLOCKS_PER_COUNTY = 400

    def __init__(self, county_name: str, settlements: list[str], seed: int) -> None:
        super().__init__(county_name, settlements, seed)
        self.blocks = [f"{self.rng.choice(_PHONE_PREFIXES)}{self.rng.randrange(10**4):04d}"
                       for _ in range(self.BLOCKS_PER_COUNTY)]

    def _phone_digits(self) -> str:
        return f"{self.rng.choice(self.blocks)}{self.rng.randrange(10**4):04d}"


@dataclass
class CountyTask:
    county: dict
    sites: dict[str, int]  # site name -> id
    persons_wanted: int
    seed: int
    first_ids: dict[str, int]  # the county's id range starts: household, person, spell, vacancy
    now: datetime


@dataclass
class CountyRows:
    county_id: int
    persons: int
    households: int
    tables: list[CopyText] = field(default_factory=list)
    vacancies: list[dict] = field(default_factory=list)  # written after the load, with copy_insert
    # (kind, household_id, person_id, subject, data text, data digest), in ledger order
    events: list[tuple] = field(default_factory=list)


def _event(kind: EventKind, household_id, person_id, subject: str, data: dict) -> tuple:
    data_text = ledger.canonical_json(data)
    return (kind.value, household_id, person_id, subject, data_text,
            hashlib.sha256(data_text.encode("utf-8")).hexdigest())


def county_rows(task: CountyTask) -> CountyRows:
    """A county's households, persons, spells and vacancies as COPY text, and their events."""
    rng = random.Random(task.seed * 1000 + task.county["id"])
    generator = CountyRosterGenerator(task.county["name"], list(task.sites), seed=task.seed + task.county["id"])
    ids = dict(task.first_ids)
    now, today = task.now, local_today()
    households, persons, spells, events = [], [], [], []
    vacancy_skills: list[list[str]] = []
    made = 0
    while made < task.persons_wanted:
        household_id, number = ids["household"], len(households) + 1
        ids["household"] += 1
        records = generator.household(f"H{number:06d}")
        labourers = employed = willing = 0
        for record in records:
            person_id = ids["person"]
            ids["person"] += 1
            persons.append({**_profile_of(record), "id": person_id, "id_number": record.id_number,
                            "household_id": household_id})
            if record.capacity != "none":
                labourers += 1
                willing += bool(record.wants_work)
            wanted_job = _wanted_employment(record)
            if wanted_job:
                employed += 1
                spells.append({**wanted_job, "id": ids["spell"], "person_id": person_id,
                               "started_on": today - timedelta(days=rng.randint(30, 900))})
                ids["spell"] += 1
            if record.skills and len(vacancy_skills) < 200:
                vacancy_skills.append(list(record.skills[:2]))
        status, head = HouseholdStatus(labourers, employed, willing), records[0]
        households.append({
            "id": household_id, "county_id": task.county["id"], "settlement_id": task.sites[head.settlement],
            "household_no": f"H{number:06d}", "labourers": labourers, "employed": employed,
            "zero_employment": status.zero_employment,
            "zero_employment_since": now - timedelta(days=rng.randint(1, 60)) if status.zero_employment else None,
            "last_follow_up_at": now - timedelta(days=rng.randint(0, 75)),
            "monitoring": head.monitoring, "monitoring_since": None if head.monitoring == "none" else now,
            "listed_at": now - timedelta(days=400)})
        made += len(records)
    household_of = {row["id"]: row["household_id"] for row in persons}
    for row in households:
        events.append(_event(EventKind.HOUSEHOLD_CREATED, row["id"], None, f"household:{row['id']}",
                             {"county": task.county["name"], "household_no": row["household_no"],
                              "settlement_id": row["settlement_id"]}))
    for row in persons:
        data = {k: v for k, v in row.items() if k not in ("household_id", "id")}
        events.append(_event(EventKind.PERSON_IMPORTED, row["household_id"], row["id"], f"person:{row['id']}", data))
    for row in spells:
        events.append(_event(EventKind.EMPLOYMENT_STARTED, household_of[row["person_id"]], row["person_id"],
                             f"spell:{row['id']}", {"spell_id": row["id"], "kind": row["kind"],
                                                    "employer_name": row["employer_name"],
                                                    "monthly_income": row["monthly_income"], "on": row["started_on"]}))
    vacancies = _vacancies(task, rng, ids["vacancy"], max(2, made // 400), vacancy_skills)
    tables = [CopyText.of(Household.__table__, households), CopyText.of(Person.__table__, persons),
              CopyText.of(EmploymentSpell.__table__, spells)]
    return CountyRows(task.county["id"], made, len(households), tables, vacancies, events)


def _vacancies(task: CountyTask, rng: random.Random, first_id: int, count: int, skills: list[list[str]]) -> list[dict]:
    county = task.county
    rows = []
    for n in range(count):
        low = rng.randrange(1800, 4000, 100)
        rows.append({"id": first_id + n, "employer_id": county["id"], "title": rng.choice(TITLES),
                     "skills": rng.choice(skills) if skills else [], "openings": rng.randint(1, 8),
                     "county_id": county["id"], "lat": county["lat"] + rng.uniform(-0.1, 0.1),
                     "lon": county["lon"] + rng.uniform(-0.1, 0.1),
                     "physical_demand": rng.choice(("light", "medium", "heavy")), "wage_min": low,
                     "wage_max": low + 1000, "status": "open", "posted_at": task.now - timedelta(hours=rng.randint(1, 300))})
    return rows


# -- the ledger's hash chain, streamed ------------------------------------------------------------

class LedgerStream:
    """The ledger's hash chain (as ledger.append_many computes it), written as one COPY ... FREEZE."""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self.seq, self.prev = 0, ledger.GENESIS_HASH
        self._cursor, self._lines, self._checked_kinds = cursor, [], set()
        cursor.execute("TRUNCATE ledger_events")  # FREEZE needs the table emptied in this transaction
        self._copy_context = cursor.copy(f"COPY ledger_events ({', '.join(ledger._LEDGER_COLUMNS)}) FROM STDIN "
                                         "WITH (FREEZE)", writer=QueuedLibpqWriter(cursor))
        self._copy = self._copy_context.__enter__()

    def add(self, at: datetime, at_text: str, kind: str, household_id, person_id, subject: str, data_text: str,
            digest: str) -> None:
        """Append one event; ``at_text`` is ``at.isoformat()`` (the same for many events)."""
        self.seq += 1
        household = "null" if household_id is None else household_id
        person = "null" if person_id is None else person_id
        # canonical_json of the header, written out: every part is ASCII with nothing to escape.
        header = f'["{self.prev}",{self.seq},"{at_text}","{ACTOR}","{kind}",{household},{person},"{subject}","{digest}"]'
        row_hash = hashlib.sha256(header.encode()).hexdigest()
        if kind not in self._checked_kinds:
            self._checked_kinds.add(kind)
            assert row_hash == ledger.chain_hash(self.prev, self.seq, at, ACTOR, kind, household_id, person_id,
                                                 subject, digest), "the streamed header differs from chain_hash"
        if "\\" in data_text:
            data_text = data_text.replace("\\", "\\\\")  # canonical JSON escapes control characters itself
        self._lines.append(f"{self.seq}\t{at_text}\t{ACTOR}\t{kind}\t{copy_value(household_id)}\t"
                           f"{copy_value(person_id)}\t{subject}\t{data_text}\t{digest}\t{self.prev}\t{row_hash}\n")
        self.prev = row_hash
        if len(self._lines) >= _LINES_PER_WRITE:
            self._send()

    def _send(self) -> None:
        self._copy.write("".join(self._lines))
        self._lines = []

    def close(self) -> None:
        self._send()
        self._copy_context.__exit__(None, None, None)


# -- deferred indexes and constraints -----------------------------------------------------------

def drop_deferred_indexes(conn: psycopg.Connection, tables=BIG_TABLES) -> list[str]:
    """Drop the tables' foreign keys, unique constraints and secondary indexes (primary keys stay);
    returns the statements that make them again, in an order that works."""
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        (list(tables),)).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1", (list(tables),)).fetchall()
    for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2]):  # foreign keys first
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    uniques = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "u"]
    foreign = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "f"]
    return uniques + [definition for _name, definition in indexes] + foreign


def index_definitions(conn: psycopg.Connection, tables=BIG_TABLES) -> set[str]:
    rows = conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", (list(tables),)).fetchall()
    constraints = conn.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                               "WHERE conrelid = ANY(%s::regclass[])", (list(tables),)).fetchall()
    return {r[0] for r in rows} | {f"{n} {d}" for n, d in constraints}


# -- the build ----------------------------------------------------------------------------------

@dataclass
class Plan:
    counties: list[dict]
    sites: list[dict]
    tasks: list[CountyTask]
    events_wanted: int


def plan_province(scale: float, seed: int) -> Plan:
    """Counties, sites and each county's share of the persons; ids in a range per county."""
    rng = random.Random(seed)
    persons_wanted = int(FULL_PERSONS * scale)
    places = guizhou_counties(88)
    weights = [rng.lognormvariate(0, 0.6) for _ in places]
    total_weight = sum(weights)
    now = utcnow()
    counties = [{"id": i + 1, "name": p.name, "province": p.province, "adcode": p.adcode, "lat": p.lat, "lon": p.lon}
                for i, p in enumerate(places)]
    remaining_sites = max(88, int(FULL_SITES * scale)) - len(places)
    sites: list[dict] = []
    tasks = []
    first = {"household": 1, "person": 1, "spell": 1, "vacancy": 1}
    for county, weight in zip(counties, weights):
        names = {}
        for n in range(1 + round(remaining_sites * weight / total_weight)):
            name = f"{county['name'][:2]}第{n + 1}安置点"
            sites.append({"id": len(sites) + 1, "county_id": county["id"], "name": name,
                          "lat": county["lat"] + rng.uniform(-0.1, 0.1), "lon": county["lon"] + rng.uniform(-0.1, 0.1),
                          "location_source": "gazetteer"})
            names[name] = sites[-1]["id"]
        wanted = max(10, int(persons_wanted * weight / total_weight))
        tasks.append(CountyTask(county, names, wanted, seed, dict(first), now))
        # a county never makes more than wanted + 6 persons (households of at most 7)
        room = wanted + 7
        first = {"household": first["household"] + room, "person": first["person"] + room,
                 "spell": first["spell"] + room, "vacancy": first["vacancy"] + room // 400 + 2}
    return Plan(counties, sites, tasks, int(FULL_EVENTS * scale))


def _generated(pool, tasks: list[CountyTask]) -> Iterator[CountyRows]:
    """county_rows of each task in order, computed a few counties ahead in the pool's processes."""
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(county_rows, (task,)))
        if len(pending) > _AHEAD:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def build_province(url: str, scale: float, seed: int, processes: int = 2, log=print) -> dict:
    """Write the province into the (migrated, empty) database at ``url``; returns what the
    measurements need (largest county, site, ...) and the build's phases in seconds."""
    import time

    phases: dict[str, float] = {}
    started = time.perf_counter()
    plan = plan_province(scale, seed)
    engine = make_engine(url)
    session = Session(engine)
    copy_insert(session, County.__table__, plan.counties)
    copy_insert(session, Settlement.__table__, plan.sites)
    copy_insert(session, Employer.__table__, [
        {"id": c["id"], "name": f"{c['name'][:2]}产业园就业帮扶车间", "kind": "workshop", "county_id": c["id"],
         "lat": c["lat"], "lon": c["lon"], "approved": True} for c in plan.counties])
    session.commit()
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as admin:
        indexes_before = index_definitions(admin)
        restore = drop_deferred_indexes(admin)
    facts = {"persons": 0, "households": 0, "vacancies": 0, "largest_county_id": None, "largest_county_persons": 0}
    household_ids: list[int] = []
    # The pool forks before any connection or writer thread exists.
    with multiprocessing.get_context("fork").Pool(processes) as pool, \
            psycopg.connect(psycopg_dsn(url)) as rows_conn, psycopg.connect(psycopg_dsn(url)) as ledger_conn:
        rows_cursor, chain = rows_conn.cursor(), LedgerStream(ledger_conn.cursor())
        at = utcnow()
        at_text = at.isoformat()
        vacancies: list[dict] = []
        for county in _generated(pool, plan.tasks):
            for table in county.tables:
                table.write(rows_cursor)
            vacancies += county.vacancies
            for kind, household_id, person_id, subject, data_text, digest in county.events:
                chain.add(at, at_text, kind, household_id, person_id, subject, data_text, digest)
            household_ids.extend(e[1] for e in county.events if e[0] == EventKind.HOUSEHOLD_CREATED.value)
            facts["persons"] += county.persons
            facts["households"] += county.households
            if county.persons > facts["largest_county_persons"]:
                facts["largest_county_id"], facts["largest_county_persons"] = county.county_id, county.persons
        rows_conn.commit()
        phases["persons"] = time.perf_counter() - started
        log(f"  persons and their events written in {phases['persons']:.0f} s", flush=True)
        _add_follow_ups(chain, household_ids, plan.events_wanted)
        chain.close()
        ledger_conn.commit()
    copy_insert(session, Vacancy.__table__, vacancies)
    session.commit()
    phases["events"] = time.perf_counter() - started - phases["persons"]
    log(f"  follow-ups written in {phases['events']:.0f} s", flush=True)
    facts["vacancies"], facts["events"] = len(vacancies), chain.seq
    mark = time.perf_counter()
    with psycopg.connect(psycopg_dsn(url), autocommit=True) as admin:
        admin.execute("SET maintenance_work_mem = '1GB'")
        for statement in restore:
            admin.execute(statement)
        assert index_definitions(admin) == indexes_before, "an index or constraint was not made again"
        phases["indexes"] = time.perf_counter() - mark
        log(f"  indexes and constraints made again in {phases['indexes']:.0f} s", flush=True)
        for table in ("counties", "settlements", "employers", "households", "persons", "employment_spells",
                      "vacancies", "ledger_events"):
            admin.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"(SELECT coalesce(max(id), 1) FROM {table}))")
        mark = time.perf_counter()
        admin.execute("VACUUM (ANALYZE) households, persons, employment_spells, vacancies")
        admin.execute("ANALYZE")
        phases["analyze"] = time.perf_counter() - mark
    phases["site_figures"] = rebuild_site_figures(session)
    largest_site = session.execute(
        select(Household.settlement_id, func.count()).group_by(Household.settlement_id)
        .order_by(func.count().desc()).limit(1)).first()
    session.close()
    engine.dispose()
    phases["total"] = time.perf_counter() - started
    assert largest_site is not None
    return {**facts, "sites": len(plan.sites), "counties": len(plan.counties), "largest_site_id": largest_site[0],
            "largest_site_households": largest_site[1], "phases": phases}


def _add_follow_ups(chain: LedgerStream, household_ids: list[int], events_wanted: int) -> None:
    """follow_up_recorded events (one round of visits per month) until the chain holds ``events_wanted``;
    their follow_ups rows are not generated."""
    at = utcnow()
    at_text = at.isoformat()
    kind = EventKind.FOLLOW_UP_RECORDED.value
    month = 0
    while chain.seq < events_wanted:
        data_text = ledger.canonical_json({"channel": "visit", "note": "入户走访，家中一切正常", "month": month})
        digest = hashlib.sha256(data_text.encode("utf-8")).hexdigest()
        for household_id in household_ids[: events_wanted - chain.seq]:
            chain.add(at, at_text, kind, household_id, None, f"household:{household_id}", data_text, digest)
        month += 1


def rebuild_site_figures(session: Session) -> float | None:
    """Run the maintained per-site figures' rebuild (jobmatch.services.province.figures, another
    branch) once it exists; seconds taken, None when it does not exist yet."""
    import time

    try:
        module = importlib.import_module(SITE_FIGURES_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name is None or not SITE_FIGURES_MODULE.startswith(missing.name):
            raise  # the module is there but something it imports is not
        return None
    started = time.perf_counter()
    module.rebuild_site_figures(session)
    session.commit()
    return time.perf_counter() - started


def database_size(url: str) -> str:
    with psycopg.connect(psycopg_dsn(url)) as conn:
        return conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
