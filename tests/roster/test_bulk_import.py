"""A county-sized roster on the bulk path (issue 19): on PostgreSQL, from ledger.COPY_FROM rows on,
households, persons, spells and ledger events go in through COPY. What a reader sees must be
exactly what the row-by-row INSERTs give: every field, every default, a chain that verifies."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

from jobmatch import ledger
from jobmatch.models import EmploymentSpell, Household, LedgerEvent, MonitoringAlert, Person
from jobmatch.roster.reading import RosterFileError
from jobmatch.roster.records import households_of
from jobmatch.roster.synthetic import generate_roster, write_roster_csv
from jobmatch.services.roster import importing, staging
from jobmatch.services.roster.importing import import_roster
from tests.conftest import make_test_app

COUNTY = "威宁彝族回族苗族自治县"


def _import(session, path):
    with open(path, "rb") as source:
        report = import_roster(session, source, filename=str(path), actor="test")
    session.commit()
    return report


def _write_and_import(session, path, records):
    write_roster_csv(path, records)
    return _import(session, path)


@pytest.fixture
def pg_session(pg_url):
    """A session on PostgreSQL alone: the staged comparison runs only there."""
    app = make_test_app(pg_url)
    session = app.extensions["jobmatch.sessionmaker"]()
    yield session
    session.close()
    app.extensions["jobmatch.engine"].dispose()


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


def _changed_roster(records):
    """The roster a month later: a phone and skills changed, a job lost, a job found, a household
    moved to another settlement, a child moved to another household, a new household."""
    households = households_of(records)
    keys = list(households)
    changed = {key: list(members) for key, members in households.items()}
    first = changed[keys[0]]
    first[0] = replace(first[0], phone="+8613900000001", skills=("电焊", "砌筑"))
    for index, key in enumerate(keys[1:12]):
        members = changed[key]
        employed = [i for i, r in enumerate(members) if r.employment_status not in (None, "unemployed")]
        idle = [i for i, r in enumerate(members) if r.employment_status == "unemployed"]
        if employed and index % 2:
            members[employed[0]] = replace(members[employed[0]], employment_status="unemployed", employer_name=None,
                                           monthly_income=None)
        elif idle:
            members[idle[0]] = replace(members[idle[0]], employment_status="within_county", employer_name="某某公司",
                                       monthly_income=3100)
    moving = changed[keys[13]]
    changed[keys[13]] = [replace(r, settlement="陕桥安置点" if r.settlement != "陕桥安置点" else "五里岗安置点")
                         for r in moving]
    source = next(key for key in keys[20:] if any(r.relation != "户主" for r in changed[key]))
    child = next(r for r in changed[source] if r.relation != "户主")
    changed[source].remove(child)
    target = keys[14]
    changed[target].append(replace(child, household_no=target[1], settlement=changed[target][0].settlement))
    newcomers = [replace(r, household_no="NEW-1") for r in generate_roster(COUNTY, ["五里岗安置点"], 1, seed=99)]
    return [r for members in changed.values() for r in members] + newcomers


def _answers_of_parts_independent(monkeypatch) -> list[bool]:
    """What StagedFile.parts_independent answers in this test, in order (it is asked only of a file of
    several parts): which way the import wrote them."""
    answers: list[bool] = []
    checked = staging.StagedFile.parts_independent
    monkeypatch.setattr(staging.StagedFile, "parts_independent", lambda self: answers.append(checked(self)) or answers[-1])
    return answers


def _events_after(session, last_id):
    """The events written after event ``last_id`` (by id: an uncommitted event has no seq yet)."""
    rows = session.execute(select(LedgerEvent.kind, LedgerEvent.subject, LedgerEvent.data)
                           .where(LedgerEvent.id > last_id).order_by(LedgerEvent.id))
    # New rows' ids differ between two runs (sequences are not rolled back): compare what names no new row.
    return sorted((kind, subject if kind in ("profile_changed", "person_moved") else "", str(data))
                  for kind, subject, data in rows
                  if kind in ("profile_changed", "person_moved", "employment_ended", "person_imported",
                              "household_created"))


@pytest.mark.parametrize("part", [importing.STAGED_PART, 7])
def test_the_staged_comparison_changes_exactly_what_the_plain_one_does(pg_session, tmp_path, monkeypatch, part):
    """On PostgreSQL the import compares through a staging table, part by part while the file is
    read; the plain comparison (SQLite's) on the same database gives the same report, the same
    preview and the same ledger events, whether the file is one part or many."""
    monkeypatch.setattr(importing, "STAGED_PART", part)
    monkeypatch.setattr(importing, "FILE_PART", part)
    records = generate_roster(COUNTY, ["五里岗安置点", "陕桥安置点"], households=60, seed=23)
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    write_roster_csv(before, records)
    write_roster_csv(after, _changed_roster(records))
    _import(pg_session, before)
    last_id = pg_session.scalar(select(func.max(LedgerEvent.id)))

    with open(after, "rb") as source:
        plain = import_roster(pg_session, source, filename=str(after), actor="test", staged=False)
    plain_events = _events_after(pg_session, last_id)
    pg_session.rollback()
    independent = _answers_of_parts_independent(monkeypatch)
    with open(after, "rb") as source:
        staged = import_roster(pg_session, source, filename=str(after), actor="test", staged=True)
    pg_session.commit()

    # in parts of 7, persons move between parts: every part is checked before any is written
    assert independent == ([False] if part == 7 else [])
    assert not plain.problems and not staged.problems
    assert staged.summary_line() == plain.summary_line()
    assert staged.preview.digest() == plain.preview.digest()
    assert staged.preview.moved_households and staged.preview.moved_persons and staged.preview.changes
    assert 0 < staged.updated and 0 < staged.unchanged < len(records)
    assert _events_after(pg_session, last_id) == plain_events
    assert ledger.verify(pg_session).ok


def test_a_second_head_the_file_leaves_out_is_seen_by_both_comparisons(pg_session, tmp_path):
    """A household recorded with two heads (a relation edited by hand), re-imported from a file that
    leaves one of them out and has every other row unchanged: after the import the household would
    still have two heads. The staged comparison reads the members of a household whose rows are
    all unchanged only where more are recorded than the file lists; it must see this one, and say
    so as the plain comparison does."""
    records = generate_roster(COUNTY, ["五里岗安置点"], households=12, seed=5)
    roster = tmp_path / "roster.csv"
    _write_and_import(pg_session, roster, records)
    key, members = next((key, members) for key, members in households_of(records).items() if len(members) > 1)
    other = next(r for r in members if r.relation != "户主")
    pg_session.execute(update(Person).where(Person.id_number == other.id_number).values(relation="户主"))
    pg_session.commit()
    without_other = tmp_path / "without-other.csv"
    write_roster_csv(without_other, [r for r in records if r is not other])

    reports = []
    for staged in (False, True):
        with open(without_other, "rb") as source:
            reports.append(import_roster(pg_session, source, filename=str(without_other), actor="test", staged=staged))
        pg_session.rollback()
    plain, staged_report = reports
    assert [p.message for p in staged_report.problems] == [p.message for p in plain.problems]
    assert len(plain.problems) == 1
    assert "2 个户主" in plain.problems[0].message and other.name in plain.problems[0].message
    assert not staged_report.written and staged_report.unchanged == 0


def test_a_repeated_id_number_found_after_its_rows_were_staged_skips_both_households(pg_session, tmp_path, monkeypatch):
    """The file is staged a few rows at a time while it is read; an ID number given twice, far apart,
    is only found once the whole file is read, after both rows went into the staging table. With
    ``partial``, both households are skipped and the rest imported exactly as the plain comparison
    does: the same problems, report, preview and ledger events."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", 11)
    records = generate_roster(COUNTY, ["五里岗安置点", "陕桥安置点"], households=40, seed=31)
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    _write_and_import(pg_session, before, records)
    changed = _changed_roster(records)
    early, late = changed[3], changed[-8]
    assert early.household_key != late.household_key
    changed[-8] = replace(late, id_number=early.id_number)
    write_roster_csv(after, changed)
    last_id = pg_session.scalar(select(func.max(LedgerEvent.id)))

    reports, events = [], []
    for staged in (False, True):
        with open(after, "rb") as source:
            reports.append(import_roster(pg_session, source, filename=str(after), actor="test", partial=True,
                                         staged=staged))
        events.append(_events_after(pg_session, last_id))
        if not staged:
            pg_session.rollback()
    pg_session.commit()
    plain, staged_report = reports

    assert [(p.row, p.message) for p in staged_report.problems] == [(p.row, p.message) for p in plain.problems]
    assert {p.row for p in plain.problems} == {5, len(changed) - 6}  # the two rows (after the header row)
    assert staged_report.summary_line() == plain.summary_line()
    assert staged_report.skipped_rows == plain.skipped_rows > 0
    assert staged_report.preview.digest() == plain.preview.digest()
    assert events[1] == events[0] and staged_report.updated > 0
    assert ledger.verify(pg_session).ok


def test_unchanged_persons_of_a_skipped_household_do_not_hide_changed_ones(pg_session, tmp_path, monkeypatch):
    """The staged comparison finds the unchanged persons part by part, before the checks across rows
    skip a household: those of a skipped household must not count as unchanged rows of the file.
    Here the skipped household has as many members as there are changed persons elsewhere, so a
    count that still held them would take the whole file for unchanged and update no one."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", 11)
    records = generate_roster(COUNTY, ["五里岗安置点"], households=30, seed=37)
    roster = tmp_path / "roster.csv"
    _write_and_import(pg_session, roster, records)
    households = households_of(records)
    skipped = next(members for members in households.values() if len(members) >= 2)
    others = [r for members in households.values() if members is not skipped for r in members]
    changed = {r.id_number: replace(r, phone=f"+86139000{index:05d}") for index, r in enumerate(others[:len(skipped)])}
    # A new one-person household given an ID number of the skipped household: both households are skipped.
    repeated = replace(skipped[0], household_no="NEW-9", relation="户主")
    after = tmp_path / "after.csv"
    write_roster_csv(after, [changed.get(r.id_number, r) for r in records] + [repeated])

    with open(after, "rb") as source:
        report = import_roster(pg_session, source, filename=str(after), actor="test", partial=True)
    pg_session.commit()

    assert len(report.problems) == 2 and report.skipped_rows == len(skipped) + 1
    assert report.updated == len(skipped)
    phones = dict(pg_session.execute(select(Person.id_number, Person.phone)
                                     .where(Person.id_number.in_(list(changed)))).all())
    assert phones == {id_number: r.phone for id_number, r in changed.items()}


def test_a_file_that_breaks_after_parts_were_staged_leaves_the_session_usable(pg_session, tmp_path, monkeypatch):
    """Parts of the file are compared in a pipeline while the next is read; when the file turns out
    unreadable part way through, the import says so and the session's connection is back to normal."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", 11)
    path = tmp_path / "broken.csv"
    write_roster_csv(path, generate_roster(COUNTY, ["五里岗安置点"], households=20, seed=41))
    with open(path, "a", encoding="utf-8") as broken:
        broken.write("H99999," + "长" * 140_000 + "\n")  # past the csv module's field limit

    connection = pg_session.connection().connection.driver_connection  # the import's, in its transaction

    with pytest.raises(RosterFileError, match="CSV 文件格式有误"), open(path, "rb") as source:
        import_roster(pg_session, source, filename=str(path), actor="test")

    assert connection.pgconn.pipeline_status == 0  # out of pipeline mode
    assert pg_session.scalar(select(func.count(Person.id))) == 0  # the same transaction goes on
    pg_session.rollback()


@pytest.mark.parametrize("file_part", [11, importing.FILE_PART])
def test_the_checks_across_rows_find_in_postgresql_what_they_find_in_memory(pg_session, tmp_path, monkeypatch,
                                                                          file_part):
    """On PostgreSQL, once a file is past one part (here 11 persons), the cells the checks across rows
    compare go to a table as the file is read (memory does not grow with the file), and only the rows
    that may be wrong come back to be checked; a file of one part keeps them, as SQLite does: an ID
    number given twice (once on a row with a problem of its own), a household whose rows name two
    counties, one naming two settlements, one with a second head (written with a space), a row
    without a 户编号. Every problem, in the same words, and the same households skipped as when
    every row is kept in memory."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", file_part)
    records = generate_roster(COUNTY, ["五里岗安置点", "陕桥安置点"], households=40, seed=43)
    households = [members for members in households_of(records).values() if len(members) >= 2]
    rows = list(records)
    position = {id(r): index for index, r in enumerate(rows)}

    def change(record, **values):
        rows[position[id(record)]] = replace(record, **values)

    change(households[0][1], county="赫章县")
    change(households[1][1], settlement="陕桥安置点" if households[1][0].settlement != "陕桥安置点" else "五里岗安置点")
    change(households[2][1], relation="户主 ")
    change(households[3][1], household_no="")
    change(households[5][1], id_number=households[4][1].id_number)
    change(households[4][1], phone="12345")  # a problem of its own: not staged, still compared
    path = tmp_path / "mixed.csv"
    write_roster_csv(path, rows)

    reports = []
    for staged in (False, True):
        with open(path, "rb") as source:
            reports.append(import_roster(pg_session, source, filename=str(path), actor="test", partial=True,
                                         staged=staged))
        pg_session.rollback()
    plain, staged_report = reports

    assert [(p.row, p.column, p.message) for p in staged_report.problems] == [
        (p.row, p.column, p.message) for p in plain.problems]
    messages = " ".join(p.message for p in plain.problems)
    assert "县区应一致" in messages and "安置点应一致" in messages and "已有户主" in messages
    assert "身份证号重复" in messages and "必填" in messages
    assert staged_report.summary_line() == plain.summary_line()
    # every row of the households with a problem, but only the row without a 户编号 of its household
    skipped = sum(len(households[i]) for i in (0, 1, 2, 4, 5)) + 1
    assert staged_report.skipped_rows == plain.skipped_rows == skipped
    assert staged_report.preview.digest() == plain.preview.digest()


def test_a_preview_lists_200_of_each_kind_and_its_fingerprint_covers_the_rest(session, tmp_path):
    """A county's file changes a field of every person: the preview lists the first 200 changes and
    counts them all (memory does not grow with the file), and a record changed in the database after
    the preview, past the 200 listed, still stops the confirm: nothing is written."""
    records = generate_roster(COUNTY, ["五里岗安置点"], households=80, seed=47)
    assert len(records) > 230
    _write_and_import(session, tmp_path / "before.csv", records)
    after = tmp_path / "after.csv"
    write_roster_csv(after, [replace(r, notes=f"备注 {index}") for index, r in enumerate(records)])

    with open(after, "rb") as source:
        preview = import_roster(session, source, filename=str(after), actor="test", dry_run=True).preview
    assert preview.counts["changes"] == len(records) and len(preview.changes) == 200
    assert preview.not_listed("changes") == len(records) - 200

    session.execute(update(Person).where(Person.id_number == records[-1].id_number).values(notes="在别处改过"))
    with pytest.raises(importing.PreviewOutdated), open(after, "rb") as source:
        import_roster(session, source, filename=str(after), actor="test", expected_preview=preview.digest())
    assert session.scalar(select(Person.notes).where(Person.id_number == records[0].id_number)) == (
        records[0].notes or "")


def test_parts_written_as_they_are_checked_are_undone_when_a_later_part_has_a_problem(pg_session, tmp_path,
                                                                                     monkeypatch):
    """A first import of several parts (no one recorded yet, so no move between parts) writes each part
    as soon as it is checked. When the last part's household has no head, nothing of the earlier parts
    stays written; with ``partial`` every other household is imported, exactly as the plain comparison
    does; a dry run writes nothing."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", 11)
    independent = _answers_of_parts_independent(monkeypatch)
    records = generate_roster(COUNTY, ["五里岗安置点"], households=20, seed=53)
    last = list(households_of(records).values())[-1]
    headless = [replace(r, relation="子女") if r in last else r for r in records]
    path = tmp_path / "headless.csv"
    write_roster_csv(path, headless)

    def run(**options):
        with open(path, "rb") as source:
            return import_roster(pg_session, source, filename=str(path), actor="test", **options)

    refused = run()
    assert independent == [True] and len(refused.problems) == 1 and "没有户主" in refused.problems[0].message
    assert not refused.written and pg_session.scalar(select(func.count(Person.id))) == 0
    dry = run(partial=True, dry_run=True)
    assert dry.created == len(records) - len(last) and pg_session.scalar(select(func.count(Person.id))) == 0
    written = run(partial=True)
    events = _event_kinds(pg_session)
    persons = pg_session.scalar(select(func.count(Person.id)))
    pg_session.rollback()
    plain = run(partial=True, staged=False)

    assert written.written and persons == written.created == len(records) - len(last)
    assert written.summary_line() == plain.summary_line() and written.preview.digest() == plain.preview.digest()
    assert _event_kinds(pg_session) == events and events["person_imported"] == persons
    pg_session.rollback()


def _event_kinds(session) -> dict[str, int]:
    return dict(session.execute(select(LedgerEvent.kind, func.count()).group_by(LedgerEvent.kind)).tuples().all())


def test_a_re_import_in_parts_settles_each_part_as_the_plain_comparison_settles_the_file(pg_session, tmp_path,
                                                                                        monkeypatch):
    """Parts that change nothing of each other are settled as each is written: the households' status,
    monitoring flag and alerts of ended jobs. The same statuses, flags, alerts and events as the plain
    comparison, which settles every household once the whole file is written."""
    monkeypatch.setattr(importing, "STAGED_PART", 7)
    monkeypatch.setattr(importing, "FILE_PART", 11)
    records = generate_roster(COUNTY, ["五里岗安置点", "陕桥安置点"], households=24, seed=61)
    employed = [r for r in records if r.employment_status not in (None, "unemployed")]
    assert len({r.household_key for r in employed}) >= 8
    before = [replace(r, monitoring="unstable") if r.household_key in {e.household_key for e in employed[::2]}
              else r for r in records]
    lost = {r.id_number for r in employed[::2]}  # monitored households' jobs end: alerts, some become zero
    after = [replace(r, employment_status="unemployed", employer_name=None, monthly_income=None)
             if r.id_number in lost else r for r in before]
    _write_and_import(pg_session, tmp_path / "before.csv", before)
    last_id = pg_session.scalar(select(func.max(LedgerEvent.id)))
    path = tmp_path / "after.csv"
    write_roster_csv(path, after)
    independent = _answers_of_parts_independent(monkeypatch)

    def settled(staged):
        with open(path, "rb") as source:
            report = import_roster(pg_session, source, filename=str(path), actor="test", staged=staged)
        statuses = sorted(pg_session.execute(select(Household.household_no, Household.labourers, Household.employed,
                                                    Household.zero_employment, Household.monitoring)).tuples())
        alerts = sorted(pg_session.execute(select(Household.household_no, MonitoringAlert.reasons)
                                           .join(MonitoringAlert.household)).tuples(), key=str)
        kinds = sorted(kind for (kind,) in pg_session.execute(select(LedgerEvent.kind)
                                                              .where(LedgerEvent.id > last_id)))
        pg_session.rollback()
        return report.summary_line(), statuses, alerts, kinds

    in_parts = settled(staged=True)
    assert independent == [True]  # written part by part, each settled once written
    _summary, _statuses, alerts, kinds = in_parts
    assert len(alerts) == len({r.household_key for r in employed[::2]}) and "household_became_zero_employment" in kinds
    assert in_parts == settled(staged=False)
