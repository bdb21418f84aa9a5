"""A roster uploaded on the staff console: the staff member's scope checked, then imported.

Staff may only write to their own settlements, so rows naming another settlement, or an ID
number of a person who lives in another settlement, are problems like any other; the
importer then writes nothing (or, with ``partial``, skips those households).
"""

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.db import in_chunks
from jobmatch.models import County, Household, Person, Settlement, User
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.reading import read_roster_table
from jobmatch.roster.validation import validate_roster
from jobmatch.services.roster.importing import ImportReport, configured_xlsx_limits, import_roster


def upload_roster(session: Session, data: bytes, filename: str, *, user: User, settlement_ids: set[int],
                  partial: bool, dry_run: bool) -> ImportReport:
    """Check the scope, then import; raises RosterFileError when the file cannot be read."""
    if user.role != "admin":
        scope_problems = _out_of_scope(session, data, filename, settlement_ids)
        if scope_problems:
            return ImportReport(problems=scope_problems)
    return import_roster(session, io.BytesIO(data), filename=filename, partial=partial, dry_run=dry_run,
                         actor=f"user:{user.id}")


def _out_of_scope(session: Session, data: bytes, filename: str, settlement_ids: set[int]) -> list[RosterProblem]:
    records = validate_roster(read_roster_table(io.BytesIO(data), filename, limits=configured_xlsx_limits())).records
    allowed = {(county, name) for county, name in session.execute(
        select(County.name, Settlement.name).join(Settlement.county).where(Settlement.id.in_(settlement_ids)))}
    elsewhere = _people_living_elsewhere(session, [r.id_number for r in records], settlement_ids)
    households_elsewhere = _households_elsewhere(session, settlement_ids)
    problems = []
    for record in records:
        if (record.county, record.settlement) not in allowed:
            problems.append(RosterProblem(record.row, "安置点", f"“{record.settlement}”不在您负责的安置点内"))
        elif (record.county, record.household_no) in households_elsewhere:
            problems.append(RosterProblem(record.row, "户编号", "这个户编号属于其他安置点，请核对"))
        elif record.id_number in elsewhere:
            problems.append(RosterProblem(record.row, "身份证号", "此人登记在其他安置点，请联系该安置点的专干"))
    return problems


def _households_elsewhere(session, settlement_ids) -> set[tuple[str, str]]:
    """(county, household_no) of households in the user's counties but not their settlements."""
    county_ids = select(Settlement.county_id).where(Settlement.id.in_(settlement_ids))
    return {(county, number) for county, number in session.execute(
        select(County.name, Household.household_no).join(Household.county)
        .where(Household.county_id.in_(county_ids), Household.settlement_id.not_in(settlement_ids)))}


def _people_living_elsewhere(session, id_numbers, settlement_ids) -> set[str]:
    found = set()
    for chunk in in_chunks(id_numbers):
        found |= set(session.scalars(select(Person.id_number).join(Household)
                                     .where(Person.id_number.in_(chunk), Household.settlement_id.not_in(settlement_ids))))
    return found
