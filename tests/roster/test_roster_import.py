"""Roster import and export against the database: real files in, the same layout out."""

import csv
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.models import EmploymentSpell, Household, LedgerEvent, Person, Settlement
from jobmatch.roster.export import roster_title, summarise_households, write_roster_xlsx
from jobmatch.roster.synthetic import generate_roster, write_roster_csv
from jobmatch.services.households.status import compute_statuses

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "roster-sample.csv"
COUNTY = "威宁彝族回族苗族自治县"


def _fingerprint(session):
    """What a reader of the database would notice changing."""
    session.rollback()
    counts = tuple(session.scalar(select(func.count()).select_from(m)) for m in (Household, Person, EmploymentSpell, LedgerEvent))
    head = ledger.verify(session).head_hash
    session.rollback()  # SQLite: a transaction left open would hold off the next import
    return counts, head


def _sample_rows():
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _write_rows(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_sample_csv_imports_with_statuses(cli, session):
    out = cli("roster", "import", str(SAMPLE))
    assert out.exit_code == 0, out.output
    assert "households 8, persons 32, created 32, updated 0, unchanged 0" in out.output
    wu_li = session.scalar(select(Person).where(Person.id_number == "520526198102276809"))
    assert wu_li.name == "吴丽" and wu_li.phone == "+8613975893910" and wu_li.gender == "female"
    assert wu_li.spells[0].kind == "outside_province" and wu_li.spells[0].monthly_income == 4500
    h2 = session.scalar(select(Household).where(Household.household_no == "H00002"))
    assert (h2.labourers, h2.employed, h2.zero_employment) == (6, 4, False)
    settlement = session.scalar(select(Settlement).where(Settlement.name == "威宁和谐安置点"))
    assert settlement.location_source == "gazetteer" and round(settlement.lat, 1) == 26.9
    assert ledger.verify(session).ok


def test_a_first_import_stores_the_counted_status_and_logs_each_new_zero_employment_household(cli, session, tmp_path):
    path = tmp_path / "roster.csv"
    write_roster_csv(path, generate_roster(COUNTY, ["五里岗安置点"], households=40, seed=3))
    assert cli("roster", "import", str(path)).exit_code == 0
    households = session.scalars(select(Household).order_by(Household.id)).all()
    counted = compute_statuses(session, [h.id for h in households])
    assert [(h.labourers, h.employed, h.zero_employment) for h in households] == [
        (counted[h.id].labourers, counted[h.id].employed, counted[h.id].zero_employment) for h in households]
    flagged = session.scalars(select(LedgerEvent.household_id)
                              .where(LedgerEvent.kind == "household_became_zero_employment")).all()
    zero = [h.id for h in households if h.zero_employment]
    assert sorted(flagged) == zero and zero and len(zero) < len(households)
    assert all(h.zero_employment_since is not None for h in households if h.zero_employment)


@pytest.mark.parametrize("kind", ["xlsx", "csv-utf8-bom", "csv-gb18030-title"])
def test_real_file_kinds_import(cli, session, tmp_path, kind):
    records = generate_roster(COUNTY, ["五里岗安置点", "易地扶贫搬迁安置区"], households=40, seed=3)
    if kind == "xlsx":
        path = tmp_path / "roster.xlsx"
        write_roster_xlsx(path, roster_title("五里岗安置点", 2026, 11), records, summarise_households(records))
    elif kind == "csv-utf8-bom":
        path = tmp_path / "roster.csv"
        write_roster_csv(path, records, encoding="utf-8-sig")
    else:
        path = tmp_path / "roster.csv"
        write_roster_csv(path, records, encoding="gb18030", title_row="五里岗安置点搬迁群众就业台账（2024年10月）")
    out = cli("roster", "import", str(path))
    assert out.exit_code == 0, out.output
    assert f"households 40, persons {len(records)}, created {len(records)}" in out.output
    assert session.scalar(select(func.count()).select_from(Person)) == len(records)
    expected_zero = {s.household_no for s in summarise_households(records) if s.zero_employment}
    stored_zero = set(session.scalars(select(Household.household_no).where(Household.zero_employment)))
    assert stored_zero == expected_zero


def test_reimport_changes_nothing(cli, session):
    cli("roster", "import", str(SAMPLE))
    before = _fingerprint(session)
    out = cli("roster", "import", str(SAMPLE))
    assert "created 0, updated 0, unchanged 32" in out.output
    assert _fingerprint(session) == before


def test_changed_fields_update_and_are_ledgered(cli, session, tmp_path):
    cli("roster", "import", str(SAMPLE))
    rows = _sample_rows()
    header = rows[0]
    rows[1][header.index("手机号")] = "139 0000 1111"
    rows[1][header.index("技能")] = "电工、焊工"
    out = cli("roster", "import", str(_write_rows(tmp_path / "changed.csv", rows)))
    assert "created 0, updated 1, unchanged 31" in out.output
    event = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "profile_changed")).one()
    assert event.data["phone"] == ["+8613975893910", "+8613900001111"]
    assert event.data["skills"] == [["电工"], ["电工", "焊工"]]
    assert ledger.verify(session).ok


def test_job_loss_makes_household_zero_employment(cli, session, tmp_path):
    cli("roster", "import", str(SAMPLE))
    rows = _sample_rows()
    header = rows[0]
    status, employer, income = header.index("就业状态"), header.index("就业单位"), header.index("月收入(元)")
    for row in rows[1:4]:  # all of H00001
        row[status], row[employer], row[income] = "未就业", "", ""
    out = cli("roster", "import", str(_write_rows(tmp_path / "jobless.csv", rows)))
    assert "updated 0, unchanged 32" in out.output  # profiles unchanged, employment is not a profile field
    h1 = session.scalar(select(Household).where(Household.household_no == "H00001"))
    assert (h1.employed, h1.zero_employment) == (0, True) and h1.zero_employment_since is not None
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.household_id == h1.id)).all()
    assert kinds.count("employment_ended") == 3 and "household_became_zero_employment" in kinds
    assert session.scalar(select(func.count()).select_from(EmploymentSpell).where(
        EmploymentSpell.ended_on.is_not(None))) == 3


def _mutate(rows, data_index, column, value):
    rows = [list(r) for r in rows]
    rows[data_index + 1][rows[0].index(column)] = value
    return rows


BAD_CELLS = [
    (0, "身份证号", "520526198102276800"),  # wrong check digit
    (1, "身份证号", "52052619710514188"),  # 17 characters
    (2, "身份证号", "520526199902309934"),  # 30 February
    (3, "与户主关系", "邻居"),
    (4, "劳动能力", "很强"),
    (5, "就业意愿", ""),
    (6, "外出意愿", "出国"),
    (7, "通勤上限(公里)", "-3"),
    (8, "手机号", "12345"),
    (9, "期望月薪(元)", "面议"),
    (10, "就业状态", "打工"),
    (12, "残疾等级", "五级"),
    (13, "监测对象", "困难户"),
    (14, "姓名", ""),
    (15, "月收入(元)", "很多"),
]


@pytest.mark.parametrize("data_index, column, value", BAD_CELLS)
def test_bad_cell_is_reported_and_nothing_written(cli, session, tmp_path, data_index, column, value):
    cli("roster", "import", str(SAMPLE))
    before = _fingerprint(session)
    rows = _mutate(_sample_rows(), data_index, column, value)
    rows[-1][rows[0].index("姓名")] = "新名字"  # a valid change elsewhere must not be written either
    out = cli("roster", "import", str(_write_rows(tmp_path / "bad.csv", rows)))
    assert out.exit_code == 1
    assert f"row {data_index + 2}, column {column}:" in out.output
    assert "nothing was written" in out.output
    assert _fingerprint(session) == before


def test_duplicate_id_reports_both_rows(cli, session, tmp_path):
    rows = _sample_rows()
    rows[5][rows[0].index("身份证号")] = rows[1][rows[0].index("身份证号")]
    out = cli("roster", "import", str(_write_rows(tmp_path / "dup.csv", rows)))
    assert out.exit_code == 1
    assert "row 2, column 身份证号:" in out.output and "row 6, column 身份证号:" in out.output
    assert _fingerprint(session)[0] == (0, 0, 0, 0)


def test_unknown_county_is_a_row_problem(cli, session, tmp_path):
    rows = [list(r) for r in _sample_rows()]
    for row in rows[1:4]:
        row[rows[0].index("县区")] = "威宁县县"
    out = cli("roster", "import", str(_write_rows(tmp_path / "county.csv", rows)))
    assert out.exit_code == 1 and "row 2, column 县区: 未知的县区" in out.output


def test_partial_imports_valid_households_and_lists_skipped_rows(cli, session, tmp_path):
    rows = _mutate(_sample_rows(), 0, "身份证号", "520526198102276800")  # H00001 becomes invalid
    out = cli("roster", "import", "--partial", str(_write_rows(tmp_path / "partial.csv", rows)))
    assert out.exit_code == 0, out.output
    assert "row 2, column 身份证号:" in out.output
    assert "households 7, persons 29, created 29" in out.output and "skipped rows 3" in out.output
    assert session.scalar(select(Household).where(Household.household_no == "H00001")) is None


def test_dry_run_writes_nothing(cli, session):
    out = cli("roster", "import", "--dry-run", str(SAMPLE))
    assert out.exit_code == 0 and "dry run" in out.output and "created 32" in out.output
    assert _fingerprint(session)[0] == (0, 0, 0, 0)


def test_unreadable_file_fails_cleanly(cli, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("这不是台账\n只是一些文字\n", encoding="utf-8")
    out = cli("roster", "import", str(path))
    assert out.exit_code == 1 and "找不到表头行" in out.output and "nothing was written" in out.output


def test_export_reimports_unchanged_and_keeps_layout(cli, session, tmp_path):
    cli("roster", "import", str(SAMPLE))
    before = _fingerprint(session)
    path = tmp_path / "export.xlsx"
    out = cli("roster", "export", "--out", str(path))
    assert out.exit_code == 0 and "wrote 32 persons" in out.output
    book = openpyxl.load_workbook(path)
    persons, totals = book.worksheets
    assert "就业台账" in persons["A1"].value
    header = _sample_rows()[0]  # same columns, same order, plus the optional 不能离开安置点原因 before 备注
    assert [c.value for c in persons[2]] == header[:-1] + ["不能离开安置点原因", header[-1]]
    assert totals.max_row >= 8
    out = cli("roster", "import", str(path))
    assert "created 0, updated 0, unchanged 32" in out.output
    assert _fingerprint(session) == before


def test_export_scope_and_bad_arguments(cli, session, tmp_path):
    cli("roster", "import", str(SAMPLE))
    path = tmp_path / "one.xlsx"
    out = cli("roster", "export", "--out", str(path), "--county", "花垣县", "--settlement", "花垣阳光安置点")
    assert out.exit_code == 0 and "wrote 10 persons" in out.output  # the sample has 10 there
    assert openpyxl.load_workbook(path).worksheets[0]["A1"].value.startswith("花垣阳光安置点")
    assert cli("roster", "export", "--out", str(path), "--county", "没有这个县").exit_code == 1
    assert cli("roster", "export", "--out", str(path), "--month", "2026-13").exit_code == 1
