"""What a roster import would change, read before anything is written (roster.md, "Import behaviour").

Two things only the database can tell:
- heads: after the import every household has exactly one 户主, counting the members already
  recorded that the file leaves where they are; a household that would have two, or none,
  is a problem naming the household and its rows;
- the preview staff confirm: new households and persons, changed fields (old → new),
  households moved to another settlement, persons moved between households, and households
  whose members in the file share no ID number with the members recorded (most likely
  another family given the same 户编号).
"""

import hashlib
import json
from collections.abc import Container
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db import id_conditions, in_chunks
from jobmatch.models import County, EmploymentSpell, Household, Person, Settlement
from jobmatch.roster.columns import HEADER_OF
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.records import HouseholdKey, PersonRecord, households_of
from jobmatch.vocabulary import HEAD_RELATION
from jobmatch.vocabulary.roster import (
    CAPACITY_LABELS,
    DISABILITY_LABELS,
    EMPLOYMENT_LABELS,
    MOBILITY_LABELS,
    MONITORING_LABELS,
)

# Person fields shown in the preview, with the roster header staff know them by.
_SHOWN_FIELDS = {
    "name": "name", "relation": "relation", "phone": "phone", "capacity": "capacity", "wants_work": "wants_work",
    "mobility": "mobility", "max_commute_km": "max_commute_km", "skills": "skills", "certificates": "certificates",
    "training_wishes": "training_wish", "wage_expectation": "wage_expectation", "disability": "disability",
    "monitoring": "monitoring", "notes": "notes", "cannot_leave_reason": "cannot_leave_reason",
}
_LABELS = {"capacity": CAPACITY_LABELS, "mobility": MOBILITY_LABELS, "disability": DISABILITY_LABELS,
           "monitoring": MONITORING_LABELS}


@dataclass(frozen=True)
class FieldChange:
    row: int
    name: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class HouseholdMove:
    household_no: str
    rows: list[int]
    old_settlement: str
    new_settlement: str


@dataclass(frozen=True)
class PersonMove:
    row: int
    name: str
    old_household_no: str
    new_household_no: str


@dataclass(frozen=True)
class StrangerHousehold:
    household_no: str
    rows: list[int]
    recorded: list[str]
    incoming: list[str]


LISTED = 200  # items of each kind a preview keeps to show; every one is counted and in the digest
_KINDS = ("new_households", "new_persons", "changes", "moved_households", "moved_persons", "strangers")


@dataclass
class RosterPreview:
    """What an import changes, gathered part by part as the file is compared: of each kind the first
    LISTED items (what a page or the CLI shows), how many there are in all (``counts``), and a
    fingerprint of every one of them, so memory does not grow with the file."""

    new_households: list[str] = field(default_factory=list)
    new_persons: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    moved_households: list[HouseholdMove] = field(default_factory=list)
    moved_persons: list[PersonMove] = field(default_factory=list)
    strangers: list[StrangerHousehold] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    _hashes: dict = field(default_factory=lambda: {kind: hashlib.sha256() for kind in _KINDS}, repr=False,
                          compare=False)

    def add(self, kind: str, item) -> None:
        self.counts[kind] += 1
        value = asdict(item) if not isinstance(item, str) else item
        self._hashes[kind].update(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        listed = getattr(self, kind)
        if len(listed) < LISTED:
            listed.append(item)

    def not_listed(self, kind: str) -> int:
        """How many of this kind the preview counted but does not list."""
        return self.counts[kind] - len(getattr(self, kind))

    def attention_lines(self) -> list[str]:
        """What staff must check is the same household, one line each (the CLI's --dry-run prints them)."""
        lines = [f"moved: household {m.household_no} (rows {', '.join(map(str, m.rows))}): "
                 f"{m.old_settlement} -> {m.new_settlement}" for m in self.moved_households]
        lines += [f"members all differ: household {s.household_no} (rows {', '.join(map(str, s.rows))}): "
                  f"recorded {'、'.join(s.recorded)}; in the file {'、'.join(s.incoming)}" for s in self.strangers]
        lines += [f"moved: row {m.row} {m.name}: household {m.old_household_no} -> {m.new_household_no}"
                  for m in self.moved_persons]
        left_out = sum(self.not_listed(kind) for kind in ("moved_households", "strangers", "moved_persons"))
        return lines + ([f"... and {left_out} more of these"] if left_out else [])

    def digest(self) -> str:
        """A fingerprint of the whole preview (every item, listed or not): the confirm step writes only
        if it is unchanged. Each kind in the order the file gives its items, whatever the parts."""
        whole = hashlib.sha256()
        for kind in _KINDS:
            whole.update(f"{kind} {self.counts[kind]} {self._hashes[kind].hexdigest()}\n".encode())
        return whole.hexdigest()


@dataclass
class Recorded:
    """What the database holds about the file's households and persons."""

    households: dict[HouseholdKey, tuple[int, str]]  # key -> (id, settlement name)
    # household id -> its persons (id_number, name, relation, in_file: whether the file names them)
    members: dict[int, list[dict]]
    persons: dict[str, dict]  # id_number -> person row and its household's number
    household_numbers: dict[int, str]
    # person id -> its current spell (id, person_id, kind, employer_name, monthly_income); read on first use
    spells: dict[int, dict] | None = None
    # ID numbers of persons the file leaves exactly as recorded (fields, household, spell), found by
    # the staged comparison on PostgreSQL (jobmatch.services.roster.staging): they are not in ``persons``.
    # Asked only about the file's (staged) ID numbers.
    unchanged: Container[str] = frozenset()
    staged: bool = False  # read from the staging table, which the import may use too

    def current_spells(self, session: Session) -> dict[int, dict]:
        if self.spells is None:
            self.spells = open_spells(session, [p["id"] for p in self.persons.values()])
        return self.spells


def open_spells(session: Session, person_ids) -> dict[int, dict]:
    """Person id -> its open employment spell (id, person_id, kind, employer_name, monthly_income)."""
    spells: dict[int, dict] = {}
    for row in _open_spell_rows(session, person_ids, EmploymentSpell.kind, EmploymentSpell.employer_name,
                                EmploymentSpell.monthly_income):
        spell = row._asdict()
        del spell["ended_on"]
        spells[row.person_id] = spell
    return spells


def open_spell_ids(session: Session, person_ids) -> dict[int, int]:
    """Person id -> the id of its open employment spell: what the import's new spells' events need."""
    # the rows as tuples: named access to 10,000 rows was half of this (issue 19)
    return {person_id: spell_id for spell_id, person_id, _ended in _open_spell_rows(session, person_ids)}


def _open_spell_rows(session: Session, person_ids, *columns):
    """The open spells of these persons, in id order: found by person_id alone (the few spells of each)
    and the ended ones left here: with ended_on in the WHERE, PostgreSQL may AND in the ended_on index,
    which reads every open spell."""
    for among in id_conditions(session, EmploymentSpell.person_id, person_ids):
        for row in session.execute(select(EmploymentSpell.id, EmploymentSpell.person_id, *columns,
                                          EmploymentSpell.ended_on).where(among).order_by(EmploymentSpell.id)):
            if row[-1] is None:  # ended_on
                yield row


# Read with the shown fields, so the import can compare every stored field without reading the persons again.
_COMPARED_TOO = ("gender", "birth_date", "cannot_leave_site")


def shown_and_compared_fields() -> tuple[str, ...]:
    """The person columns ``Recorded.persons`` holds besides id, id_number, household_id and household_no."""
    return (*_SHOWN_FIELDS, *_COMPARED_TOO)


def recorded_state(session: Session, records: list[PersonRecord]) -> Recorded:
    """What the database holds of these records' households and persons: read once, passed to
    ``head_problems``, ``build_preview`` and the import (records a subset of these)."""
    return _recorded(session, records)


def _recorded(session: Session, records: list[PersonRecord]) -> Recorded:
    keys = {r.household_key for r in records}
    in_file = {r.id_number for r in records}
    counties = {name for name, _ in keys}
    households: dict[HouseholdKey, tuple[int, str]] = {}
    for household_id, county, number, settlement in session.execute(
            select(Household.id, County.name, Household.household_no, Settlement.name)
            .join(County, County.id == Household.county_id).join(Settlement, Settlement.id == Household.settlement_id)
            .where(County.name.in_(sorted(counties)))):
        if (county, number) in keys:
            households[(county, number)] = (household_id, settlement)
    columns = [Person.id, Person.id_number, Person.household_id, Household.household_no,
               *(getattr(Person, name) for name in shown_and_compared_fields())]
    persons: dict[str, dict] = {}
    for chunk in in_chunks([r.id_number for r in records]):
        for row in session.execute(select(*columns).join(Household).where(Person.id_number.in_(chunk))):
            persons[row.id_number] = row._asdict()
    household_ids = {household_id for household_id, _ in households.values()} | {
        p["household_id"] for p in persons.values()}
    members: dict[int, list[dict]] = {}
    numbers: dict[int, str] = {}
    for chunk in in_chunks(sorted(household_ids)):
        for row in session.execute(select(Person.household_id, Person.id_number, Person.name, Person.relation,
                                          Household.household_no).join(Household)
                                   .where(Person.household_id.in_(chunk)).order_by(Person.id)):
            members.setdefault(row.household_id, []).append({**row._asdict(), "in_file": row.id_number in in_file})
            numbers[row.household_id] = row.household_no
    return Recorded(households, members, persons, numbers)


def head_problems(session: Session, records: list[PersonRecord],
                  recorded: Recorded | None = None) -> tuple[list[RosterProblem], set[HouseholdKey]]:
    """Households that would have two heads, or none, once the file is imported. ``records``: whole
    households (a part of the file); whether a recorded member stays where they are is ``in_file``
    of ``recorded.members``, which knows the whole file."""
    recorded = recorded or _recorded(session, records)
    problems: list[RosterProblem] = []
    bad: set[HouseholdKey] = set()
    column = HEADER_OF["relation"]
    for key, members in households_of(records).items():
        found = recorded.households.get(key)
        staying = [m for m in recorded.members.get(found[0], [])] if found else []
        staying = [m for m in staying if not m["in_file"]]
        heads = [f"{m['name']}（已登记，文件中没有）" for m in staying if m["relation"] == HEAD_RELATION]
        heads += [f"{r.name}（第 {r.row} 行）" for r in members if r.relation == HEAD_RELATION]
        if len(heads) == 1:
            continue
        rows = "、".join(str(r.row) for r in members)
        if heads:
            message = f"导入后户编号 {key[1]}（第 {rows} 行）将有 {len(heads)} 个户主：{'、'.join(heads)}；一户只能有一个户主"
        else:
            message = f"导入后户编号 {key[1]}（第 {rows} 行）没有户主：请在与户主关系一列写明谁是户主"
        problems.append(RosterProblem(members[0].row, column, message))
        bad.add(key)
    # A head who moves to another household leaves the household they came from without one.
    file_household_ids = {found[0] for found in recorded.households.values()}
    for record in records:
        person = recorded.persons.get(record.id_number)
        if not person or person["relation"] != HEAD_RELATION or person["household_id"] in file_household_ids:
            continue
        left = [m for m in recorded.members.get(person["household_id"], []) if not m["in_file"]]
        if left and not any(m["relation"] == HEAD_RELATION for m in left):
            problems.append(RosterProblem(record.row, column,
                                          f"此人是户编号 {person['household_no']} 的户主，转到本户后原户"
                                          f"（{'、'.join(m['name'] for m in left)}）没有户主"))
            bad.add(record.household_key)
    return problems, bad


def _shown(field_name: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "（空）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(_LABELS.get(field_name, {}).get(value, value))


def build_preview(session: Session, records: list[PersonRecord], profile_of, recorded: Recorded | None = None,
                  into: RosterPreview | None = None) -> RosterPreview:
    """What importing ``records`` (whole households) would change, added to ``into`` (a preview of the
    parts before); ``profile_of`` gives a record's stored field values. Households in the order
    they first appear, each with its members."""
    recorded = recorded or _recorded(session, records)
    preview = into if into is not None else RosterPreview()
    household_of_key = {key: found[0] for key, found in recorded.households.items()}
    spells = {person_id: (spell["kind"], spell["employer_name"] or "")
              for person_id, spell in recorded.current_spells(session).items()}
    for key, members in households_of(records).items():
        _preview_household(preview, recorded, key, members)
        for record in members:
            if record.id_number not in recorded.unchanged:
                _preview_person(preview, recorded, household_of_key, spells, record, profile_of)
    return preview


def _preview_household(preview: RosterPreview, recorded: Recorded, key: HouseholdKey,
                       members: list[PersonRecord]) -> None:
    found = recorded.households.get(key)
    if found is None:
        preview.add("new_households", key[1])
        return
    rows = [r.row for r in members]
    household_id, settlement = found
    if settlement != members[0].settlement:
        preview.add("moved_households", HouseholdMove(key[1], rows, settlement, members[0].settlement))
    already = recorded.members.get(household_id, [])
    if already and not {m["id_number"] for m in already} & {r.id_number for r in members}:
        preview.add("strangers", StrangerHousehold(key[1], rows, [m["name"] for m in already],
                                                   [r.name for r in members]))


def _preview_person(preview: RosterPreview, recorded: Recorded, household_of_key: dict, spells: dict,
                    record: PersonRecord, profile_of) -> None:
    person = recorded.persons.get(record.id_number)
    if person is None:
        preview.add("new_persons", record.name)
        return
    if household_of_key.get(record.household_key) != person["household_id"]:
        preview.add("moved_persons", PersonMove(record.row, record.name, person["household_no"], record.household_no))
    profile = profile_of(record)
    for field_name, column_key in _SHOWN_FIELDS.items():
        if field_name in profile and profile[field_name] != person[field_name]:
            preview.add("changes", FieldChange(record.row, record.name, HEADER_OF[column_key],
                                               _shown(field_name, person[field_name]),
                                               _shown(field_name, profile[field_name])))
    current = spells.get(person["id"])
    old = EMPLOYMENT_LABELS[current[0]] + (f"（{current[1]}）" if current[1] else "") if current else "未就业"
    status = record.employment_status or "unemployed"
    new = EMPLOYMENT_LABELS[status] + (f"（{record.employer_name}）" if record.employer_name and status != "unemployed"
                                       else "")
    if old != new:
        preview.add("changes", FieldChange(record.row, record.name, HEADER_OF["employment_status"], old, new))
