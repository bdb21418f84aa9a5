"""Roster upload on the staff console: every problem (content and scope) in one report, a preview of
what would change (moves, households whose members all differ, old → new), then a confirm that
writes exactly the previewed change; a household never ends with two heads or none."""

import io

import pytest
from sqlalchemy import func, select

from jobmatch.models import Household, LedgerEvent, Person, RosterUpload, Settlement
from jobmatch.services.errors import UserError
from jobmatch.services.roster.importing import import_roster
from jobmatch.services.roster.upload import confirm_upload, preview_upload
from tests.factories import make_user

from .conftest import person, write_csv


def _csv(tmp_path, rows, name="台账.csv") -> bytes:
    return write_csv(tmp_path / name, rows).read_bytes()


def _import(session, tmp_path, rows):
    report = import_roster(session, io.BytesIO(_csv(tmp_path, rows, "seed.csv")), filename="seed.csv", actor="test")
    assert report.written, report.problems
    session.flush()


def _family(no="H00001", site="威宁和谐安置点", first=1, size=2, **overrides):
    return [person(first + i, household_no=no, settlement=site, name=f"成员{first + i}",
                   relation="户主" if i == 0 else "子女", **overrides) for i in range(size)]


@pytest.fixture
def two_sites(session, tmp_path):
    """Two settlements of one county, a family in each, and a staff member keeping only the first."""
    _import(session, tmp_path, _family() + _family("H00002", "五里岗安置点", first=10))
    home = session.scalar(select(Settlement).where(Settlement.name == "威宁和谐安置点"))
    staff = make_user(session, "staff", settlements=[home])
    admin = make_user(session, "admin")
    return {"home": home.id, "staff": staff, "admin": admin}


def test_scope_and_content_problems_come_in_one_report(session, tmp_path, two_sites):
    rows = _family(first=1) + _family("H00003", "五里岗安置点", first=20)  # out of scope
    rows[1] = {**rows[1], "手机号": "12345"}  # a bad phone on an in-scope row
    rows.append({**person(21, household_no="H00009", name="重复"), "身份证号": rows[2]["身份证号"]})  # duplicate ID
    result = preview_upload(session, _csv(tmp_path, rows), "台账.csv", user=two_sites["staff"],
                            settlement_ids={two_sites["home"]}, partial=False)
    columns = {(p.row, p.column) for p in result.report.problems}
    assert {(3, "手机号"), (4, "身份证号"), (5, "安置点"), (6, "身份证号")} <= columns
    assert result.token is None and session.scalar(select(func.count(RosterUpload.id))) == 0


def test_a_family_moved_and_filled_with_strangers_is_previewed_and_two_heads_refused(session, tmp_path, two_sites):
    admin, sites = two_sites["admin"], {two_sites["home"]}
    strangers = [person(30 + i, household_no="H00001", settlement="五里岗安置点", name=f"陌生人{i}",
                        relation="户主" if i == 0 else "子女") for i in range(3)]
    refused = preview_upload(session, _csv(tmp_path, strangers), "台账.csv", user=admin, settlement_ids=sites,
                             partial=False)
    messages = [p.message for p in refused.report.problems]
    assert any("H00001" in m and "2 个户主" in m and "成员1（已登记" in m for m in messages), messages
    assert refused.token is None

    no_head = [{**row, "与户主关系": "子女"} for row in strangers]
    shown = preview_upload(session, _csv(tmp_path, no_head), "台账.csv", user=admin, settlement_ids=sites,
                           partial=False)
    preview = shown.report.preview
    assert shown.token and not shown.report.problems
    assert [(m.household_no, m.old_settlement, m.new_settlement) for m in preview.moved_households] == [
        ("H00001", "威宁和谐安置点", "五里岗安置点")]
    assert [(s.recorded, s.incoming) for s in preview.strangers] == [(["成员1", "成员2"], ["陌生人0", "陌生人1", "陌生人2"])]
    household = session.scalar(select(Household).where(Household.household_no == "H00001"))
    assert household.settlement.name == "威宁和谐安置点" and len(household.members) == 2  # nothing written


def test_confirm_writes_exactly_the_preview_once(session, tmp_path, two_sites):
    staff, sites = two_sites["staff"], {two_sites["home"]}
    rows = _family()
    rows[0] = {**rows[0], "手机号": "13900001111", "就业状态": "未就业", "就业单位": ""}
    rows += _family("H00005", first=40, size=1)
    shown = preview_upload(session, _csv(tmp_path, rows), "台账.csv", user=staff, settlement_ids=sites, partial=False)
    changes = {(c.name, c.column): (c.old, c.new) for c in shown.report.preview.changes}
    assert changes[("成员1", "手机号")][1] == "+8613900001111"
    assert changes[("成员1", "就业状态")] == ("县内务工（某某公司）", "未就业")
    assert shown.report.preview.new_households == ["H00005"]
    assert session.scalar(select(func.count(Person.id))) == 4  # previewing wrote nothing

    report = confirm_upload(session, shown.token, user=staff, settlement_ids=sites)
    assert report.written and (report.created, report.updated) == (1, 1)
    assert session.scalar(select(Person.phone).where(Person.name == "成员1")) == "+8613900001111"
    with pytest.raises(UserError, match="找不到这次上传"):
        confirm_upload(session, shown.token, user=staff, settlement_ids=sites)


def test_confirm_refuses_when_the_records_changed_since_the_preview(session, tmp_path, two_sites):
    staff, sites = two_sites["staff"], {two_sites["home"]}
    rows = [{**row, "备注": "新备注"} for row in _family()]
    shown = preview_upload(session, _csv(tmp_path, rows), "台账.csv", user=staff, settlement_ids=sites, partial=False)
    other = make_user(session, "staff", settlements=[session.get(Settlement, two_sites["home"])])
    with pytest.raises(UserError, match="找不到这次上传"):
        confirm_upload(session, shown.token, user=other, settlement_ids=sites)
    session.execute(Person.__table__.update().where(Person.name == "成员2").values(notes="别人刚改的"))
    events = session.scalar(select(func.count(LedgerEvent.id)))
    with pytest.raises(UserError, match="预览之后有了变化"):
        confirm_upload(session, shown.token, user=staff, settlement_ids=sites)
    assert session.scalar(select(func.count(LedgerEvent.id))) == events
    assert session.scalar(select(Person.notes).where(Person.name == "成员1")) != "新备注"


def test_cli_refuses_a_household_left_without_a_head(cli, session, tmp_path):
    first = write_csv(tmp_path / "first.csv", _family())
    assert cli("roster", "import", str(first)).exit_code == 0
    headless = write_csv(tmp_path / "headless.csv", [{**row, "与户主关系": "子女"} for row in _family()])
    out = cli("roster", "import", str(headless))
    assert out.exit_code == 1 and "没有户主" in out.output and "nothing was written" in out.output
    assert session.scalar(select(func.count(Person.id)).where(Person.relation == "户主")) == 1


def test_upload_page_previews_and_the_confirm_button_imports_once(app, session, tmp_path):
    from dataclasses import replace

    from jobmatch.roster.synthetic import generate_roster, write_roster_csv
    from jobmatch.services.demo import COUNTY
    from tests.web.helpers import SITE_A, load_small_demo, login

    load_small_demo(session)
    records = [replace(r, household_no="UP-" + r.household_no) for r in generate_roster(COUNTY, [SITE_A], households=2,
                                                                                        seed=5)]
    path = tmp_path / "台账.csv"
    write_roster_csv(path, records)
    client = app.test_client()
    login(client, "staff_a")
    page = client.post("/staff/roster/upload", data={"roster": (io.BytesIO(path.read_bytes()), "台账.csv")},
                       content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "新建的户（2）" in text and "确认导入" in text
    assert session.scalar(select(func.count(Household.id)).where(Household.household_no.like("UP-%"))) == 0
    token = text.split('name="token" value="')[1].split('"')[0]
    session.rollback()
    done = client.post("/staff/roster/confirm", data={"token": token})
    assert done.status_code == 200 and "已导入" in done.get_data(as_text=True)
    assert session.scalar(select(func.count(Household.id)).where(Household.household_no.like("UP-%"))) == 2
    session.rollback()
    again = client.post("/staff/roster/confirm", data={"token": token})
    assert again.status_code == 409 and "找不到这次上传" in again.get_data(as_text=True)


def test_cli_dry_run_shows_a_move_and_a_household_of_strangers(cli, session, tmp_path):
    assert cli("roster", "import", str(write_csv(tmp_path / "first.csv", _family()))).exit_code == 0
    strangers = [person(50 + i, household_no="H00001", settlement="五里岗安置点", name=f"陌生人{i}", relation="子女")
                 for i in range(2)]
    out = cli("roster", "import", "--dry-run", str(write_csv(tmp_path / "moved.csv", strangers)))
    assert out.exit_code == 0, out.output
    assert "moved: household H00001 (rows 2, 3): 威宁和谐安置点 -> 五里岗安置点" in out.output
    assert "members all differ: household H00001" in out.output and "recorded 成员1、成员2" in out.output


def test_partial_upload_previews_the_good_households_and_confirms_them_only(session, tmp_path, two_sites):
    staff, sites = two_sites["staff"], {two_sites["home"]}
    rows = _family("H00006", first=60) + _family("H00007", "五里岗安置点", first=70)  # the second is out of scope
    shown = preview_upload(session, _csv(tmp_path, rows), "台账.csv", user=staff, settlement_ids=sites, partial=True)
    assert shown.token and {p.column for p in shown.report.problems} == {"安置点"}
    assert shown.report.preview.new_households == ["H00006"] and shown.report.skipped_rows == 2
    report = confirm_upload(session, shown.token, user=staff, settlement_ids=sites)
    numbers = set(session.scalars(select(Household.household_no)))
    assert report.written and "H00006" in numbers and "H00007" not in numbers
