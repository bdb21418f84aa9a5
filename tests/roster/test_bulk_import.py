"""A county-sized roster on the bulk path (issue 19): on PostgreSQL, from ledger.COPY_FROM rows on,
households, persons, spells and ledger events go in through COPY. What a reader sees must be
exactly what the row-by-row INSERTs give: every field, every default, a chain that verifies."""

from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.models import EmploymentSpell, Household, LedgerEvent, Person
from jobmatch.roster.synthetic import generate_roster, write_roster_csv
from jobmatch.services.roster.importing import import_roster

COUNTY = "威宁彝族回族苗族自治县"


def _import(session, path):
    with open(path, "rb") as source:
        report = import_roster(session, source, filename=str(path), actor="test")
    session.commit()
    return report


def test_a_roster_past_the_copy_threshold_reads_back_field_for_field(session, tmp_path):
    records = generate_roster(COUNTY, ["五里岗安置点", "陕桥安置点"], households=220, seed=19)
    assert len(records) > ledger.COPY_FROM
    path = tmp_path / "county.csv"
    write_roster_csv(path, records)

    report = _import(session, path)

    assert (report.created, report.unchanged) == (len(records), 0)
    persons = {p.id_number: p for p in session.scalars(select(Person))}
    assert len(persons) == len(records)
    for record in records:
        person = persons[record.id_number]
        assert (person.name, person.birth_date, person.phone, person.capacity, person.skills, person.notes) == (
            record.name, record.birth_date, record.phone, record.capacity, list(record.skills), record.notes or "")
        assert (person.phone_invalid, person.sms_opt_out) == (False, False)  # Python-side defaults, not NULL
    employed = [r for r in records if r.employment_status not in (None, "unemployed")]
    spells = session.scalars(select(EmploymentSpell)).all()
    assert len(spells) == len(employed)
    assert all(s.end_reason == "" and s.social_insurance is False and s.ended_on is None for s in spells)
    households = session.scalars(select(Household)).all()
    assert len(households) == 220 and all(h.labourers >= 0 and h.monitoring for h in households)
    imported = session.scalar(select(func.count()).where(LedgerEvent.kind == "person_imported"))
    assert imported == len(records)
    event = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "person_imported")).first()
    assert event.data["id_number"] in persons and isinstance(event.data["skills"], list)
    checked = ledger.verify(session)
    assert checked.ok, checked.problem

    again = _import(session, path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, len(records))
    assert ledger.verify(session).checked == checked.checked
