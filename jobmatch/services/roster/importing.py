"""Roster import: a validated spreadsheet applied to the database, every change in the ledger.

Persons are matched by ID number, households by (county, household_no). Unchanged rows
change nothing; changed fields update the record and write a ``profile_changed`` event;
a changed employment status ends the current spell and starts another. Everything is
done in bulk, so a county-sized roster imports in seconds. On PostgreSQL the records are
COPYed into a staging table while the file is read (jobmatch.services.roster.staging): a
query per part sets the unchanged persons aside, new persons are inserted from it with one
INSERT ... SELECT, and only the rest is compared in Python (issue 19).

Once the file is read, the import goes over it twice, a part (whole households) at a time:
first the head checks and the preview, then, when nothing stops it, the writes. On PostgreSQL
the parts are read back from the staging table, so memory does not grow with the file; on
SQLite the whole file is one part.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from json.encoder import encode_basestring as _quoted
from operator import attrgetter

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from jobmatch import gazetteer, ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.db import copy_insert, in_chunks, is_postgresql
from jobmatch.models import County, EmploymentSpell, Household, Person, Settlement
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.reading import open_roster_rows
from jobmatch.roster.records import HouseholdKey, PersonRecord, households_of
from jobmatch.roster.validation import validate_roster
from jobmatch.roster.xlsx_limits import XlsxLimits
from jobmatch.services.accounts.sessions import end_worker_sessions
from jobmatch.services.errors import UserError
from jobmatch.services.households.monitoring import sync_from_roster
from jobmatch.services.households.monitoring_alerts import JobEnded, alert_on_jobs_ended
from jobmatch.services.households.status import counts_of_new_household, refresh_households
from jobmatch.services.roster import preview, staging
from jobmatch.services.roster.preview import RosterPreview
from matching.gc_pause import without_cycle_collection

MoreChecks = Callable[[list[PersonRecord]], list[RosterProblem]]

# Person columns that come straight from the roster, compared on re-import.
PROFILE_FIELDS = (
    "name", "relation", "phone", "capacity", "wants_work", "mobility", "max_commute_km", "skills",
    "certificates", "training_wishes", "wage_expectation", "disability", "monitoring", "notes",
    "gender", "birth_date",
)
LIST_FIELDS = ("skills", "certificates", "training_wishes")
_profile_values = attrgetter(*PROFILE_FIELDS)
_row_of = attrgetter("row")
# Compared only when the file has the column 不能离开安置点原因 (roster.md: without it, unchanged).
SITE_BOUND_FIELDS = ("cannot_leave_reason", "cannot_leave_site")
END_REASON = "台账更新"
LEDGER_PART = 5000  # events appended per call, so memory does not grow with the file
STAGED_PART = 5000  # records staged and compared at a time on PostgreSQL, while the next are read
# Persons (whole households) checked, previewed and written at a time on PostgreSQL: the import's memory
# is bounded by this, whatever the size of the file; a file of up to this many is read back once.
FILE_PART = 25_000


@dataclass
class ImportReport:
    problems: list[RosterProblem] = field(default_factory=list)
    households: int = 0
    persons: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    written: bool = False
    # What the import changes (or, on a dry run, would change): see jobmatch.services.roster.preview.
    preview: RosterPreview | None = None

    def summary_line(self, dry_run: bool = False) -> str:
        prefix = "dry run, nothing written: " if dry_run else ""
        skipped = f", skipped rows {self.skipped_rows}" if self.skipped_rows else ""
        return (f"{prefix}households {self.households}, persons {self.persons}, created {self.created}, "
                f"updated {self.updated}, unchanged {self.unchanged}{skipped}")


def import_roster(session: Session, source, *, filename: str, actor: str, sheet: str | None = None,
                  partial: bool = False, dry_run: bool = False, more_checks: MoreChecks | None = None,
                  expected_preview: str | None = None, staged: bool | None = None) -> ImportReport:
    """Validate the whole file, then apply it; with problems and not ``partial``, write nothing.

    Every problem is in the one report: the file's content, heads per household counted with
    the members already recorded, and ``more_checks`` (the uploader's scope). With
    ``expected_preview`` (a ``RosterPreview.digest``), nothing is written unless the change is
    still exactly the one previewed. Raises ``jobmatch.roster.reading.RosterFileError`` when
    the file cannot be read at all. ``staged``: compare through a staging table (default: on
    PostgreSQL; False measures the plain path in bench/roster_import.py).
    """
    with without_cycle_collection():  # hundreds of thousands of objects, no cycles
        return _import_roster(session, source, filename=filename, actor=actor, sheet=sheet, partial=partial,
                              dry_run=dry_run, more_checks=more_checks, expected_preview=expected_preview,
                              staged=staged)


def _import_roster(session: Session, source, *, filename: str, actor: str, sheet: str | None, partial: bool,
                   dry_run: bool, more_checks: MoreChecks | None, expected_preview: str | None,
                   staged: bool | None) -> ImportReport:
    stream = open_roster_rows(source, filename, sheet, limits=configured_xlsx_limits())
    staged = is_postgresql(session) if staged is None else staged
    checks = _RecordChecks(session, more_checks)
    file: staging.StagedFile | _RecordsInMemory
    if staged:  # staged and compared part by part while the file is read; records not kept in Python
        with staging.Stager(session, STAGED_PART, FILE_PART) as stager:
            def stage(part: list[PersonRecord]) -> None:
                stager.wait()  # the checks may query: the last part's comparison must be out of the way
                checks.check(part)
                stager.add(part)
            validation = validate_roster(stream, on_parsed=stage, part_size=STAGED_PART, keep_records=False,
                                         cross_rows=stager.cells)
        file = stager.finish({p.row for p in validation.problems}, validation.invalid_households)
    else:
        validation = validate_roster(stream)
        checks.check(validation.records)
        file = _RecordsInMemory(session, [r for r in validation.records
                                          if r.household_key not in validation.invalid_households])
    problems = validation.problems + checks.problems
    skip = validation.invalid_households | checks.households
    report = ImportReport()
    # Parts that read nothing another part writes are written as soon as they are checked, each read
    # once, in a savepoint given up when a later part finds a problem, the preview is not the one
    # expected, or it is a dry run. Otherwise every part is checked before any is written.
    together = file.parts > 1 and file.parts_independent()
    savepoint = session.begin_nested() if together else None
    try:
        writer = _Writer(session, file, report, actor, each_part=True) if together else None
        previewed = _check_parts(session, file, problems, skip, partial, writer)
        problems.sort(key=lambda p: (p.row, p.column))
        if problems and not partial:
            if savepoint is not None:
                savepoint.rollback()
            return ImportReport(problems=problems)
        report.problems = problems
        file.drop(skip)
        report.skipped_rows = validation.rows - file.rows
        report.preview = previewed
        if expected_preview is not None and previewed.digest() != expected_preview:
            raise PreviewOutdated("台账在预览之后有了变化（文件或已登记的数据），没有写入。请重新上传并核对预览。")
        if writer is None:
            savepoint = session.begin_nested()
            _apply_file(session, file, report, actor)
        else:
            writer.finish()
        assert savepoint is not None
        if dry_run:
            savepoint.rollback()
        else:
            savepoint.commit()
            report.written = True
        return report
    except BaseException:
        if savepoint is not None and savepoint.is_active:
            savepoint.rollback()
        raise


def _check_parts(session: Session, file: "staging.StagedFile | _RecordsInMemory", problems: list[RosterProblem],
                 skip: set[HouseholdKey], partial: bool, writer: "_Writer | None") -> RosterPreview:
    """Heads counted with the members recorded, and the preview, part by part: adds to ``problems`` and
    ``skip``. With ``writer``, each part is written once checked (unless nothing will be written)."""
    previewed = RosterPreview()
    for number in range(file.parts):
        records, recorded = file.part(number)
        head_problems, headless = preview.head_problems(session, records, recorded)
        problems += head_problems
        skip |= headless
        if partial or not problems:  # else nothing is written: what it would change does not matter
            kept = [r for r in records if r.household_key not in skip]
            preview.build_preview(session, kept, _profile_of, recorded, into=previewed)
            if writer is not None:
                writer.write(kept, recorded)
                file.written()
    return previewed


class PreviewOutdated(UserError):
    """The confirmed change is no longer the one previewed."""

    status = 409


def apply_records(session: Session, records: list[PersonRecord], *, actor: str) -> ImportReport:
    """Apply already validated records (the demo and the benchmarks generate them)."""
    report = ImportReport()
    if is_postgresql(session):
        _apply_file(session, staging.stage_records(session, records, FILE_PART), report, actor)
    else:
        _apply_file(session, _RecordsInMemory(session, records), report, actor)
    report.written = True
    return report


class _RecordsInMemory:
    """A file's records held in Python, as one part (SQLite): what staging.StagedFile is on PostgreSQL."""

    parts = 1
    quiet_households = quiet_persons = 0  # each household is compared

    def __init__(self, session: Session, records: list[PersonRecord]) -> None:
        self.session = session
        self.records = records
        self.recorded: preview.Recorded | None = None

    def parts_independent(self) -> bool:
        return True  # one part

    @property
    def rows(self) -> int:
        return len(self.records)

    def part(self, number: int) -> tuple[list[PersonRecord], preview.Recorded]:
        if self.recorded is None:  # read once: the writes go by what was read for the preview
            self.recorded = preview.recorded_state(self.session, self.records)
        return self.records, self.recorded

    def written(self) -> None:
        pass

    def drop(self, households: set[HouseholdKey]) -> None:
        self.records = [r for r in self.records if r.household_key not in households]


class _RecordChecks:
    """The checks of records that need the database, made on each part as it is read: counties neither
    in the database nor in the gazetteer (most likely a typo), and ``more_checks``."""

    def __init__(self, session: Session, more_checks: MoreChecks | None) -> None:
        self.more_checks = more_checks
        self.known = set(session.scalars(select(County.name)))
        self.found: dict[tuple[str, str], bool] = {}  # a county new to the database, looked up once per region code
        self.problems: list[RosterProblem] = []
        self.households: set[HouseholdKey] = set()

    def check(self, records: list[PersonRecord]) -> None:
        for record in records:
            if record.county in self.known:
                continue
            key = (record.county, record.id_number[:6])
            if key not in self.found:
                self.found[key] = gazetteer.find_county(*key) is not None
            if self.found[key]:
                continue
            self.problems.append(RosterProblem(record.row, "县区", f"未知的县区“{record.county}”，请写县区全称"))
            self.households.add(record.household_key)
        if self.more_checks is not None:
            extra = self.more_checks(records)
            self.problems += extra
            rows = {problem.row for problem in extra}
            self.households |= {r.household_key for r in records if r.row in rows}


def _apply_file(session: Session, file: "staging.StagedFile | _RecordsInMemory", report: ImportReport,
                actor: str) -> None:
    """Write the file part by part."""
    writer = _Writer(session, file, report, actor)
    for number in range(file.parts):
        writer.write(*file.part(number))
        file.written()
    writer.finish()


class _Writer:
    """Writes a file's parts (whole households), then sets each touched household's status and monitoring
    flag and raises the alerts of jobs ended: ``each_part`` (parts that change nothing of each other),
    once each part is written, so nothing held grows with the file; else in ``finish``, once every
    part is, a bounded number of households at a time."""

    def __init__(self, session: Session, file: "staging.StagedFile | _RecordsInMemory", report: ImportReport,
                 actor: str, each_part: bool = False) -> None:
        self.session, self.report, self.actor = session, report, actor
        self.each_part = each_part
        self.events = _LedgerParts(session)
        self.touched: set[int] = set()
        report.households += file.quiet_households  # nothing to write there
        report.persons += file.quiet_persons
        report.unchanged += file.quiet_persons

    def write(self, records: list[PersonRecord], recorded: preview.Recorded) -> None:
        self.touched |= _apply(self.session, records, self.report, self.actor, self.events, recorded)
        if self.each_part:
            self._settle()

    def finish(self) -> None:
        self._settle()

    def _settle(self) -> None:
        self.events.flush()
        for households in in_chunks(sorted(self.touched)):
            refresh_households(self.session, households, actor=self.actor)
            sync_from_roster(self.session, households, actor=self.actor)
        alert_on_jobs_ended(self.session, self.events.jobs_ended, actor=self.actor)
        self.touched, self.events.jobs_ended = set(), []


def _apply(session: Session, records: list[PersonRecord], report: ImportReport, actor: str, events: "_LedgerParts",
           recorded: preview.Recorded) -> set[int]:
    """Write one part (whole households) as ``recorded`` (read for its preview, or just now) finds it;
    the ids of the households whose status may have changed."""
    households = households_of(records)
    report.households += len(households)
    report.persons += len(records)
    if not records:
        return set()
    settlement_ids = _ensure_places(session, records)
    household_ids, household_events = _ensure_households(session, households, settlement_ids, actor)
    for event in household_events:
        events.append(event)
    unchanged = recorded.unchanged
    existing = {r.id_number: recorded.persons[r.id_number] for r in records if r.id_number in recorded.persons}
    report.unchanged += sum(1 for r in records if r.id_number in unchanged)
    records = [r for r in records if r.id_number not in unchanged]
    new_records = [r for r in records if r.id_number not in existing]
    person_ids = _insert_persons(session, new_records, household_ids, actor, events, recorded.staged)
    touched = {household_ids[r.household_key] for r in new_records}
    for record in records:
        if record.id_number in existing:
            person = existing[record.id_number]
            person_ids[record.id_number] = person["id"]
            if _update_person(session, person, record, household_ids[record.household_key], actor, events):
                report.updated += 1
                touched.update({person["household_id"], household_ids[record.household_key]})
            else:
                report.unchanged += 1
    report.created += len(new_records)
    known_spells = recorded.current_spells(session)
    touched |= _apply_employment(session, records, person_ids, household_ids, actor, events, known_spells)
    return touched


class _LedgerParts:
    """The import's ledger events, appended in order: those made one by one between other
    statements LEDGER_PART at a time, and those made in a run (one per new person, one per new
    spell) streamed into the ledger as they are made. Memory does not grow with the file."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[ledger.NewEvent] = []
        self.jobs_ended: list[JobEnded] = []

    def append(self, event: ledger.NewEvent) -> None:
        self.pending.append(event)
        if event.kind == "employment_ended" and event.household_id is not None and isinstance(event.data, dict):
            self.jobs_ended.append(JobEnded(event.household_id, event.data.get("monthly_income")))
        if len(self.pending) >= LEDGER_PART:
            self.flush()

    def stream(self, events: Iterable[ledger.NewEvent]) -> None:
        """Append a run of events (of kinds other than employment_ended) after those pending."""
        self.flush()
        ledger.append_stream(self.session, events)

    def flush(self) -> None:
        ledger.append_stream(self.session, self.pending)
        self.pending = []


def _ensure_places(session: Session, records: list[PersonRecord]) -> dict[tuple[str, str], int]:
    """County and settlement ids by (county, settlement) name, creating the missing ones."""
    counties = {c.name: c for c in session.scalars(select(County))}
    settlement_ids = {}
    for record in records:
        key = (record.county, record.settlement)
        if key in settlement_ids:
            continue
        county = counties.get(record.county) or _create_county(session, record)
        counties[record.county] = county
        settlement = session.scalar(
            select(Settlement).where(Settlement.county_id == county.id, Settlement.name == record.settlement))
        if settlement is None:
            settlement = Settlement(county_id=county.id, name=record.settlement, lat=county.lat, lon=county.lon,
                                    location_source="gazetteer")
            session.add(settlement)
            session.flush()
        settlement_ids[key] = settlement.id
    return settlement_ids


def _create_county(session: Session, record: PersonRecord) -> County:
    place = gazetteer.find_county(record.county, record.id_number[:6])
    assert place is not None  # households in counties the gazetteer does not know were skipped (_RecordChecks)
    county = County(name=record.county, province=place.province, adcode=place.adcode, lat=place.lat, lon=place.lon)
    session.add(county)
    session.flush()
    return county


def _ensure_households(session, households, settlement_ids, actor):
    """Household ids by (county, household_no); new ones created, moved ones updated."""
    county_ids = {c.name: c.id for c in session.scalars(select(County))}
    existing = {}
    in_counties = Household.county_id.in_({county_ids[k[0]] for k in households})
    for numbers in in_chunks(sorted({number for _county, number in households})):  # this part's, not the county's
        for row in session.execute(select(Household.id, Household.county_id, Household.household_no,
                                          Household.settlement_id)
                                   .where(in_counties, Household.household_no.in_(numbers))):
            existing[(row.county_id, row.household_no)] = row
    ids, events, new_rows, new_keys, moves = {}, [], [], [], []
    listed_at = utcnow()
    for key, members in households.items():
        county_id = county_ids[key[0]]
        settlement_id = settlement_ids[(key[0], members[0].settlement)]
        found = existing.get((county_id, key[1]))
        if found is None:
            new_rows.append({"county_id": county_id, "settlement_id": settlement_id, "household_no": key[1],
                             "listed_at": listed_at, **counts_of_new_household(
                                 (member.capacity, _wanted_employment(member) is not None) for member in members)})
            new_keys.append(key)
            continue
        ids[key] = found.id
        if found.settlement_id != settlement_id:
            moves.append({"id": found.id, "settlement_id": settlement_id})
            events.append(ledger.NewEvent("profile_changed", actor,
                                          {"settlement": [found.settlement_id, settlement_id]},
                                          household_id=found.id, subject=f"household:{found.id}"))
    if moves:
        session.execute(update(Household), moves)
    if new_rows:
        _bulk_insert(session, Household.__table__, new_rows)
        created = _ids_by_natural_key(session, Household, (Household.county_id, Household.household_no),
                                      [(r["county_id"], r["household_no"]) for r in new_rows])
        for key, row in zip(new_keys, new_rows):
            household_id = created[(row["county_id"], row["household_no"])]
            ids[key] = household_id
            events.append(ledger.NewEvent("household_created", actor,
                                          {"county": key[0], "household_no": key[1],
                                           "settlement_id": row["settlement_id"]},
                                          household_id=household_id, subject=f"household:{household_id}"))
    return ids, events


def _profile_of(record: PersonRecord) -> dict:
    profile = dict(zip(PROFILE_FIELDS, _profile_values(record)))
    for name in LIST_FIELDS:
        profile[name] = list(profile[name])
    profile["notes"] = profile["notes"] or ""
    if record.cannot_leave_reason is not None:
        profile["cannot_leave_reason"] = record.cannot_leave_reason
        profile["cannot_leave_site"] = bool(record.cannot_leave_reason)
    return profile


def _insert_persons(session, records, household_ids, actor, events, staged: bool = False) -> dict[str, int]:
    if not records:
        return {}
    if staged:
        ids = staging.insert_new_persons(session, {r.id_number: household_ids[r.household_key]  # ids in file order
                                                   for r in sorted(records, key=_row_of)})
    else:
        _bulk_insert(session, Person.__table__, [{**_profile_of(r), "id_number": r.id_number,
                                                  "household_id": household_ids[r.household_key]} for r in records])
        by_key = _ids_by_natural_key(session, Person, (Person.id_number,), [(r.id_number,) for r in records])
        ids = {id_number: person_id for (id_number,), person_id in by_key.items()}
    events.stream(_imported_events(records, household_ids, ids, actor))
    return ids


def _imported_events(records: list[PersonRecord], household_ids: dict[HouseholdKey, int], ids: dict[str, int],
                     actor: str) -> Iterable[ledger.NewEvent]:
    """One person_imported event per new person, its data the person's row (made one at a time)."""
    for record in records:
        person_id = ids[record.id_number]
        yield ledger.NewEvent("person_imported", actor, imported_data(record),
                              household_id=household_ids[record.household_key],
                              person_id=person_id, subject=f"person:{person_id}")


def imported_data(record: PersonRecord) -> ledger.CanonicalJSON:
    """A new person's row as its person_imported event holds it: the canonical JSON of the profile
    (_profile_of) and the ID number, written out field by field, in the order of their names. Half
    the time of building the dict and encoding it (0.08 s of a 20,000-person import, issue 19);
    tests/roster/test_imported_data.py holds it to the encoder's text."""
    born, reason = record.birth_date, record.cannot_leave_reason
    site_bound = "" if reason is None else (
        f'"cannot_leave_reason":{_json(reason)},"cannot_leave_site":{"true" if reason else "false"},')
    return ledger.CanonicalJSON(
        f'{{"birth_date":{"null" if born is None else _json(born.isoformat())},{site_bound}'
        f'"capacity":{_json(record.capacity)},"certificates":{_json_list(record.certificates)},'
        f'"disability":{_json(record.disability)},"gender":{_json(record.gender)},'
        f'"id_number":{_json(record.id_number)},"max_commute_km":{_json(record.max_commute_km)},'
        f'"mobility":{_json(record.mobility)},"monitoring":{_json(record.monitoring)},"name":{_json(record.name)},'
        f'"notes":{_json(record.notes or "")},"phone":{_json(record.phone)},"relation":{_json(record.relation)},'
        f'"skills":{_json_list(record.skills)},"training_wishes":{_json_list(record.training_wishes)},'
        f'"wage_expectation":{_json(record.wage_expectation)},"wants_work":{_json(record.wants_work)}}}')


def _json(value) -> str:
    """One value as canonical_json writes it: the common types directly, the rest by the encoder."""
    if value.__class__ is str:
        return _quoted(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    return ledger.canonical_json(value)


@lru_cache(maxsize=4096)  # a file repeats a few hundred lists of skills, certificates and wishes
def _json_list(values: tuple) -> str:
    return ledger.canonical_json(values)


def _update_person(session, person: dict, record: PersonRecord, household_id: int, actor, events) -> bool:
    """Write the fields that changed and one event naming them; False when nothing changed."""
    profile = _profile_of(record)
    changes = {f: [person[f], profile[f]] for f in PROFILE_FIELDS + SITE_BOUND_FIELDS
               if f in profile and person[f] != profile[f]}
    moved = person["household_id"] != household_id
    if not changes and not moved:
        return False
    values = {f: new for f, (_old, new) in changes.items()}
    if moved:
        values["household_id"] = household_id
        events.append(ledger.NewEvent("person_moved", actor, {"household_id": [person["household_id"], household_id]},
                                      household_id=household_id, person_id=person["id"],
                                      subject=f"person:{person['id']}"))
    session.execute(update(Person), [{"id": person["id"], **values}])
    if "phone" in changes:
        end_worker_sessions(session, [person["id"]])
    if changes:
        events.append(ledger.NewEvent("profile_changed", actor, changes, household_id=household_id,
                                      person_id=person["id"], subject=f"person:{person['id']}"))
    return True


def _apply_employment(session, records, person_ids, household_ids, actor, events, current: dict[int, dict]) -> set[int]:
    """Bring each person's current employment spell in line with the roster's status.

    ``current``: the recorded persons' current spells, read already (persons created by this
    import have none)."""
    today = local_today()
    touched, new_spells, ended = set(), [], []
    for record in records:
        person_id = person_ids[record.id_number]
        household_id = household_ids[record.household_key]
        spell = current.get(person_id)
        wanted = _wanted_employment(record)
        if spell and wanted and (spell["kind"], spell["employer_name"]) == (wanted["kind"], wanted["employer_name"]):
            if spell["monthly_income"] != wanted["monthly_income"]:
                session.execute(update(EmploymentSpell), [{"id": spell["id"], "monthly_income": wanted["monthly_income"]}])
                events.append(ledger.NewEvent("profile_changed", actor,
                                              {"monthly_income": [spell["monthly_income"], wanted["monthly_income"]]},
                                              household_id=household_id, person_id=person_id,
                                              subject=f"spell:{spell['id']}"))
            continue
        if spell:
            ended.append({"id": spell["id"], "ended_on": today, "end_reason": END_REASON})
            events.append(_spell_event("employment_ended", spell, actor, household_id, person_id, today))
        if wanted:
            new_spells.append((household_id, {**wanted, "person_id": person_id, "started_on": today}))
        if spell or wanted:
            touched.add(household_id)
    if ended:
        session.execute(update(EmploymentSpell), ended)
    _insert_spells(session, new_spells, actor, events)
    return touched


def _wanted_employment(record: PersonRecord) -> dict | None:
    if record.employment_status in (None, "unemployed"):
        return None
    return {"kind": record.employment_status, "employer_name": record.employer_name or "",
            "monthly_income": record.monthly_income}


def _insert_spells(session, new_spells, actor, events) -> None:
    if not new_spells:
        return
    rows = [row for _household, row in new_spells]
    _bulk_insert(session, EmploymentSpell.__table__, rows)
    # Each person now has exactly one open spell: the one just inserted.
    spell_ids = preview.open_spell_ids(session, [row["person_id"] for row in rows])
    events.stream(_spell_event("employment_started", {**row, "id": spell_ids[row["person_id"]]}, actor,
                               household_id, row["person_id"], row["started_on"])
                  for household_id, row in new_spells)


def _ids_by_natural_key(session, model, key_columns, keys, *conditions) -> dict[tuple, int]:
    """Primary keys of rows just inserted, found by their natural key.

    Cheaper than INSERT ... RETURNING, which SQLAlchemy runs row by row on SQLite when
    the order of the returned ids must match the parameters.
    """
    found = {}
    first = key_columns[0]
    for chunk in in_chunks(keys):
        query = select(model.id, *key_columns).where(first.in_({k[0] for k in chunk}), *conditions)
        wanted = set(chunk)
        for row in session.execute(query):
            key = tuple(row[1:])
            if key in wanted:
                found[key] = row[0]
    return found


def _spell_event(kind, spell, actor, household_id, person_id, on: date) -> ledger.NewEvent:
    data = {"spell_id": spell["id"], "kind": spell["kind"], "employer_name": spell["employer_name"],
            "monthly_income": spell["monthly_income"], "on": on.isoformat()}  # the text the ledger would write
    if kind == "employment_ended":
        data["reason"] = END_REASON
    return ledger.NewEvent(kind, actor, data, household_id=household_id, person_id=person_id,
                           subject=f"spell:{spell['id']}")


def _bulk_insert(session: Session, table, rows: list[dict]) -> None:
    """INSERT many rows; on PostgreSQL, from ledger.COPY_FROM rows on, through COPY (issue 19)."""
    if len(rows) >= ledger.COPY_FROM and is_postgresql(session):
        copy_insert(session, table, rows)
    else:
        session.execute(insert(table), rows)


def configured_xlsx_limits() -> XlsxLimits:
    """How large an uploaded .xlsx may unzip to (ROSTER_XLSX_MAX_*)."""
    return XlsxLimits.from_settings(current_settings())
