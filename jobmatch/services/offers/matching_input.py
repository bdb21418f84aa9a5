"""The matching engine's records built from the database: persons as workers, vacancies as vacancies.

Decisions (the engine's data model is /work/shared/formats/matching-io.md):
- Workers are the members with labour capacity who want work, plus employed members
  (sent as ``employed``: ranked, never allocated, and they tell the engine which
  households already have someone in work).
- Workers who wait on an answer (a ``sent`` offer) or hold a place (``accepted``) are
  left out: one live offer per worker.
- Home is the settlement's location, else the county's; a worker with neither is left out.
- A round reads its workers as columns (WorkerColumns: one select per scope, no Person
  objects); a Person (gigs) becomes the same columns, so both go through one record builder.
- ``welfare_eligible`` (rule 2): anyone the welfare-post ranking gives a priority ground
  (jobmatch.services.welfare.ranking.priority_grounds, the one list): a zero-employment
  household, cannot leave the site, half or weak labour, a disability or a disabled family
  member, a left-behind woman, a monitored household, or older — women from 40 and men from
  50 (the "4050" group of 就业困难人员).
- ``cannot_leave_site`` means mobility "site" whatever the roster says.
- Workers who opted out of SMS or have no valid phone are matched like everyone else;
  their offers are delivered by a staff visit (see jobmatch.services.offers.lifecycle).
- A vacancy's openings are what is left: openings minus offers that are sent, accepted
  or hired. A vacancy with none left is not sent to the engine.
"""

from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import local_today
from jobmatch.db import in_chunks
from jobmatch.models import (
    County,
    Employer,
    EmploymentSpell,
    Household,
    MonitoringCategory,
    Offer,
    Person,
    Settlement,
    Vacancy,
)
from jobmatch.models.offers import CLAIMING_STATUSES, WAITING_STATUSES
from matching import records

OLDER_WORKER_AGE = {"female": 40, "male": 50}


@dataclass
class EngineInput:
    """Workers and vacancies for one run, with the vacancies' database rows behind their ids."""

    workers: list[records.Worker] = field(default_factory=list)
    vacancies: list[records.Vacancy] = field(default_factory=list)
    vacancy_rows: dict[str, Vacancy] = field(default_factory=dict)
    workers_without_location: int = 0


def age_on(birth_date: date | None, today: date) -> int | None:
    """Whole years of age on ``today``."""
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def county_text(county: County | None) -> str:
    """Province and county name, so the engine can tell the province."""
    if county is None:
        return ""
    return province_county_text(county.province, county.name)


def province_county_text(province: str | None, county_name: str) -> str:
    """county_text from the two columns (a round reads them, not the County)."""
    return f"{province or ''}{county_name}"


def is_welfare_eligible(person: "Person | WorkerColumns", age: int | None, facts=None) -> bool:
    """Rule 2's priority groups, exactly as the welfare-post ranking counts them. ``facts``: the
    person's HouseholdFacts when the caller has them (a round computes them for everyone at once;
    a round's WorkerColumns always come with them)."""
    from jobmatch.services.welfare.ranking import priority_grounds

    if facts is None:
        assert isinstance(person, Person)
        facts = person_household_facts(person)
    return bool(priority_grounds(person, age if age is not None else 0, facts))


def person_household_facts(person: Person):
    """The HouseholdFacts of one person, from their household's members and current spells."""
    from jobmatch.services.welfare.ranking import household_facts

    kinds = {m.id: spell.kind for m in person.household.members for spell in m.spells if spell.ended_on is None}
    return household_facts(person.household, person.id, kinds)


def employed_person_ids(session: Session, person_ids) -> set[int]:
    """Those of the given persons who have a current employment spell."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(session.scalars(select(EmploymentSpell.person_id).where(
        EmploymentSpell.ended_on.is_(None), EmploymentSpell.person_id.in_(ids))))


@dataclass(frozen=True)
class Member:
    """What a round needs of a household member for the household's facts."""

    id: int
    monitoring: str
    disability: str


def household_members(session: Session, household_ids) -> tuple[dict[int, list[Member]], dict[int, str]]:
    """The households' members, and person id -> kind of their current employment spell for those
    in work (one query per chunk of households)."""
    members: dict[int, list[Member]] = {household_id: [] for household_id in household_ids}
    spell_kinds: dict[int, str] = {}
    for chunk in in_chunks(members):
        rows = session.execute(
            select(Person.id, Person.household_id, Person.monitoring, Person.disability, EmploymentSpell.kind)
            .outerjoin(EmploymentSpell, (EmploymentSpell.person_id == Person.id) & EmploymentSpell.ended_on.is_(None))
            .where(Person.household_id.in_(chunk)).order_by(Person.id))
        for person_id, household_id, monitoring, disability, kind in rows:
            household = members[household_id]
            if not household or household[-1].id != person_id:  # a second open spell repeats the row
                household.append(Member(person_id, monitoring, disability))
            if kind is not None:
                spell_kinds[person_id] = kind
    return members, spell_kinds


def persons_waiting_on_offers(session: Session) -> set[int]:
    """Persons with a sent offer to answer or an accepted place."""
    return set(session.scalars(select(Offer.person_id).where(Offer.status.in_(WAITING_STATUSES))))


@dataclass(frozen=True, slots=True)
class WorkerColumns:
    """What the engine needs of a member with labour capacity, read as columns (a round reads
    thousands: no Person objects) or taken from a Person (``of_person``)."""

    id: int
    household_id: int
    gender: str
    birth_date: date | None
    capacity: str
    wants_work: bool | None
    mobility: str | None
    cannot_leave_site: bool
    max_commute_km: float | None
    skills: list | None
    certificates: list | None
    wage_expectation: int | None
    disability: str
    zero_employment: bool
    household_monitoring: str
    settlement_lat: float | None
    settlement_lon: float | None
    county_lat: float | None
    county_lon: float | None
    county_province: str | None
    county_name: str

    @classmethod
    def of_person(cls, person: Person) -> "WorkerColumns":
        household = person.household
        settlement, county = household.settlement, household.county
        return cls(
            person.id, household.id, person.gender, person.birth_date, person.capacity, person.wants_work,
            person.mobility, person.cannot_leave_site, person.max_commute_km, person.skills, person.certificates,
            person.wage_expectation, person.disability, household.zero_employment, household.monitoring,
            settlement.lat, settlement.lon, county.lat, county.lon, county.province, county.name)


# The columns behind WorkerColumns, in its order (Person's under the same name, else these).
_HOME_COLUMNS = {
    "household_monitoring": Household.monitoring, "zero_employment": Household.zero_employment,
    "settlement_lat": Settlement.lat, "settlement_lon": Settlement.lon, "county_lat": County.lat,
    "county_lon": County.lon, "county_province": County.province, "county_name": County.name,
}
_WORKER_COLUMNS = [_HOME_COLUMNS[f.name] if f.name in _HOME_COLUMNS else getattr(Person, f.name)
                   for f in fields(WorkerColumns)]


def worker_record(person: Person, *, employed: bool, today: date, facts=None) -> records.Worker | None:
    """The engine's view of one person; None when there is no home location."""
    return columns_worker_record(WorkerColumns.of_person(person), employed=employed, today=today,
                                 facts=facts if facts is not None else person_household_facts(person))


def columns_worker_record(person: WorkerColumns, *, employed: bool, today: date, facts) -> records.Worker | None:
    """The engine's view of one worker's columns, with their household's facts; None when there is
    no home location (the site's, else the county's)."""
    lat, lon = ((person.settlement_lat, person.settlement_lon) if person.settlement_lat is not None
                else (person.county_lat, person.county_lon))
    if lat is None or lon is None:
        return None
    age = age_on(person.birth_date, today)
    mobility = "site" if person.cannot_leave_site else (person.mobility or "county")
    return records.Worker(
        id=str(person.id), household_id=str(person.household_id), lat=lat, lon=lon,
        skills=tuple(person.skills or ()), certificates=tuple(person.certificates or ()),
        capacity=person.capacity, mobility=mobility, max_commute_km=person.max_commute_km,
        county=province_county_text(person.county_province, person.county_name), age=age,
        wage_expectation=person.wage_expectation, zero_employment_household=person.zero_employment,
        monitored_household=person.household_monitoring != MonitoringCategory.NONE,
        welfare_eligible=is_welfare_eligible(person, age, facts), employed=employed,
    )


# Members with labour capacity, zero-employment households first, then monitored ones.
_HAS_LABOUR = Person.capacity != "none"
_LABOUR_ORDER = (Household.zero_employment.desc(), (Household.monitoring != MonitoringCategory.NONE).desc(), Person.id)


def labour_query():
    """Members with labour capacity, their household's site and county loaded, zero-employment
    households first, then monitored ones (for callers that want Person objects)."""
    return (
        select(Person).join(Household, Person.household_id == Household.id).where(_HAS_LABOUR)
        .options(selectinload(Person.household).selectinload(Household.settlement),
                 selectinload(Person.household).selectinload(Household.county))
        .order_by(*_LABOUR_ORDER)
    )


def labour_columns_query():
    """labour_query's members as WorkerColumns' columns (rounds add their scope). Their households'
    members come from household_members: a few columns, not every member as a Person."""
    return (
        select(*_WORKER_COLUMNS).join(Household, Person.household_id == Household.id)
        .join(Settlement, Household.settlement_id == Settlement.id).join(County, Household.county_id == County.id)
        .where(_HAS_LABOUR).order_by(*_LABOUR_ORDER)
    )


def read_workers(session: Session, query) -> list[WorkerColumns]:
    """The rows of a labour_columns_query."""
    return [WorkerColumns(*row) for row in session.execute(query)]


def scope_workers(session: Session, *, county_id: int, settlement_id: int | None,
                  person_id: int | None = None) -> list[WorkerColumns]:
    """scope_persons' members as columns."""
    return read_workers(session, _in_scope(labour_columns_query(), county_id, settlement_id, person_id))


def _in_scope(query, county_id: int, settlement_id: int | None, person_id: int | None):
    query = query.where(Household.county_id == county_id)
    if settlement_id is not None:
        query = query.where(Household.settlement_id == settlement_id)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    return query


def scope_persons(session: Session, *, county_id: int, settlement_id: int | None,
                  person_id: int | None = None) -> list[Person]:
    """Members with labour capacity of the households in the scope (only ``person_id`` when given),
    zero-employment households first, then monitored ones."""
    return list(session.scalars(_in_scope(labour_query(), county_id, settlement_id, person_id)))


def claimed_openings(session: Session, vacancy_ids) -> dict[int, int]:
    """Per vacancy, offers that hold or claim an opening (sent, accepted, hired)."""
    ids = list(vacancy_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Offer.vacancy_id, func.count()).where(Offer.vacancy_id.in_(ids), Offer.status.in_(CLAIMING_STATUSES))
        .group_by(Offer.vacancy_id))
    return {vacancy_id: count for vacancy_id, count in rows}


def vacancy_county(vacancy: Vacancy) -> County | None:
    """The county of the workplace: the vacancy's own, else its employer's."""
    return vacancy.county or (vacancy.employer.county if vacancy.employer else None)


def vacancy_record(vacancy: Vacancy, openings_left: int) -> records.Vacancy:
    """The engine's view of one vacancy with the openings still to fill."""
    return records.Vacancy(
        id=str(vacancy.id), title=vacancy.title, openings=openings_left, lat=vacancy.lat, lon=vacancy.lon,
        skills=tuple(vacancy.skills or ()), description=vacancy.description or "",
        county=county_text(vacancy_county(vacancy)), kind=vacancy.kind, physical_demand=vacancy.physical_demand,
        wage_min=vacancy.wage_min, wage_max=vacancy.wage_max, age_min=vacancy.age_min, age_max=vacancy.age_max,
        dormitory=vacancy.dormitory, hours=vacancy.hours,
    )


def build_engine_input(session: Session, *, county_id: int, settlement_id: int | None,
                       vacancies: list[Vacancy], person_id: int | None = None) -> EngineInput:
    """Workers of the scope (only ``person_id`` when given) and the given vacancies (those with
    openings left) as engine records."""
    result = EngineInput()
    add_vacancies(session, result, vacancies)
    add_workers(session, result, scope_workers(session, county_id=county_id, settlement_id=settlement_id,
                                               person_id=person_id))
    return result


def add_vacancies(session: Session, result: EngineInput, vacancies: list[Vacancy],
                  also_held: dict[int, int] | None = None) -> None:
    """The vacancies with openings left (minus ``also_held``: openings proposed elsewhere)."""
    claimed = claimed_openings(session, [v.id for v in vacancies])
    held = also_held or {}
    for vacancy in vacancies:
        left = vacancy.openings - claimed.get(vacancy.id, 0) - held.get(vacancy.id, 0)
        if left > 0:
            result.vacancies.append(vacancy_record(vacancy, left))
            result.vacancy_rows[str(vacancy.id)] = vacancy


def add_workers(session: Session, result: EngineInput, persons: list[WorkerColumns]) -> None:
    """The persons who want work (or are employed), not waiting on an answer, with a home location."""
    from jobmatch.services.welfare.ranking import members_facts

    today = local_today()
    members, spell_kinds = household_members(session, {p.household_id for p in persons})
    waiting = persons_waiting_on_offers(session)
    for person in persons:
        is_employed = person.id in spell_kinds  # a current spell
        if person.id in waiting or not (is_employed or person.wants_work):
            continue
        facts = members_facts(bool(person.zero_employment), person.id, spell_kinds, members[person.household_id])
        worker = columns_worker_record(person, employed=is_employed, today=today, facts=facts)
        if worker is None:
            result.workers_without_location += 1
            continue
        result.workers.append(worker)


def load_vacancies(session: Session, vacancy_ids) -> list[Vacancy]:
    """Vacancies by id with their employer and counties loaded, in id order."""
    return list(session.scalars(
        select(Vacancy).where(Vacancy.id.in_(list(vacancy_ids)))
        .options(selectinload(Vacancy.county), selectinload(Vacancy.employer).selectinload(Employer.county))
        .order_by(Vacancy.id)))

