"""Roster export: the database back out in the layout staff import, as of a month's end.

Profiles are as they are now; employment is the spell each person held on the last
day of the month (today, for the current month), so last month's ledger can be
printed again after people changed jobs.
"""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobmatch.clock import LOCAL_TZ, Month, MonthError, local_today
from jobmatch.db import in_chunks
from jobmatch.models import County, EmploymentSpell, Household, Person, Settlement
from jobmatch.roster.export import HouseholdSummary, roster_title, write_roster_xlsx
from jobmatch.services.errors import UserError
from jobmatch.services.households.status import UNEMPLOYED, not_in_workforce
from jobmatch.vocabulary import HEAD_RELATION


class ExportError(UserError):
    """The export was asked for something that does not exist."""


def export_roster(session: Session, target, *, county: str | None = None, settlement: str | None = None,
                  month: str | None = None) -> int:
    """Write the roster for the scope to ``target`` (.xlsx path or file); returns the persons written."""
    as_of, period = _month_end(month)
    settlements = _settlements_in_scope(session, county, settlement)
    households = session.scalars(
        select(Household).where(Household.settlement_id.in_([s.id for s in settlements]))
        .order_by(Household.county_id, Household.settlement_id, Household.household_no)).all()
    members = _members_by_household(session, [h.id for h in households])
    spells = _spells_on(session, [p.id for ps in members.values() for p in ps], as_of)
    names = {s.id: (s.county.name, s.name) for s in settlements}
    person_rows, household_rows = [], []
    for household in households:
        county_name, settlement_name = names[household.settlement_id]
        people = members.get(household.id, [])
        for person in people:
            person_rows.append(_person_row(person, household, county_name, settlement_name, spells.get(person.id), as_of))
        household_rows.append(_household_row(household, people, county_name, settlement_name,
                                             household.last_follow_up_at))
    site = settlements[0].name if len(settlements) == 1 else (county or "全部安置点")
    write_roster_xlsx(target, roster_title(site, period.year, period.number), person_rows, household_rows)
    return len(person_rows)


def _month_end(month: str | None) -> tuple[date, Month]:
    """The day employment is read on (the month's last day, or today) and the month."""
    today = local_today()
    if not month:
        return today, Month.of(today)
    try:
        period = Month.parse(month)
    except MonthError as exc:
        raise ExportError(exc.message, "month") from None
    return min(period.last_day, today), period


def _settlements_in_scope(session, county, settlement) -> list[Settlement]:
    query = select(Settlement).join(County).order_by(County.name, Settlement.name)
    if county:
        if session.scalar(select(County.id).where(County.name == county)) is None:
            raise ExportError(f"没有叫“{county}”的县。", "county")
        query = query.where(County.name == county)
    if settlement:
        query = query.where(Settlement.name == settlement)
    found = session.scalars(query).all()
    if settlement and not found:
        raise ExportError(f"{county or ''}没有叫“{settlement}”的安置点。", "settlement")
    return found


def _members_by_household(session, household_ids) -> dict[int, list[Person]]:
    members: dict[int, list[Person]] = {}
    for chunk in in_chunks(household_ids):
        for person in session.scalars(select(Person).where(Person.household_id.in_(chunk)).order_by(Person.id)):
            members.setdefault(person.household_id, []).append(person)
    return members


def _spells_on(session, person_ids, day: date) -> dict[int, EmploymentSpell]:
    """The spell each person held on ``day`` (the latest started, if several)."""
    held = {}
    for chunk in in_chunks(person_ids):
        rows = session.scalars(
            select(EmploymentSpell).where(
                EmploymentSpell.person_id.in_(chunk), EmploymentSpell.started_on <= day,
                or_(EmploymentSpell.ended_on.is_(None), EmploymentSpell.ended_on > day))
            .order_by(EmploymentSpell.started_on, EmploymentSpell.id))
        for spell in rows:
            held[spell.person_id] = spell
    return held


def _person_row(person: Person, household: Household, county: str, settlement: str, spell, day: date) -> dict:
    if spell is not None:
        status, employer, income = spell.kind, spell.employer_name, spell.monthly_income
    else:  # children, pupils and people without capacity: an empty cell, never 未就业
        status, employer, income = None, None, None
        if person.capacity != "none" and not_in_workforce(person, day) is None:
            status = UNEMPLOYED
    return {
        "household_no": household.household_no, "county": county, "settlement": settlement,
        "name": person.name, "id_number": person.id_number, "relation": person.relation, "phone": person.phone,
        "capacity": person.capacity, "wants_work": person.wants_work, "mobility": person.mobility,
        "max_commute_km": person.max_commute_km, "skills": tuple(person.skills or ()),
        "certificates": tuple(person.certificates or ()), "training_wishes": tuple(person.training_wishes or ()),
        "wage_expectation": person.wage_expectation, "employment_status": status, "employer_name": employer,
        "monthly_income": income, "disability": person.disability, "monitoring": person.monitoring,
        "notes": person.notes, "gender": person.gender, "birth_date": person.birth_date,
        "cannot_leave_reason": person.cannot_leave_reason,
    }


def _household_row(household, people, county, settlement, last_follow_up) -> HouseholdSummary:
    head = next((p for p in people if p.relation == HEAD_RELATION), people[0] if people else None)
    return HouseholdSummary(
        household_no=household.household_no, county=county, settlement=settlement,
        head_name=head.name if head else "", person_count=len(people), labourer_count=household.labourers,
        employed_count=household.employed, zero_employment=household.zero_employment,
        last_follow_up=last_follow_up.astimezone(LOCAL_TZ).date() if last_follow_up else None)
