"""Recruitment fairs: set up, invite, register by reply or web, remind, check in at the door, report."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.models import EmploymentSpell, FairAttendee, Household, LedgerEvent, Message, Settlement
from jobmatch.services.answers import answer_ask
from jobmatch.services.errors import WorkflowError
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_by_identity, check_in_by_token, check_in_qr_svg, check_in_token
from jobmatch.services.fairs.report import fair_report, record_outcome, write_fair_report_xlsx
from jobmatch.services.households.status import refresh_households
from tests.factories import (
    frozen_clock,
    make_county,
    make_employer,
    make_household,
    make_person,
    make_settlement,
    make_vacancy,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
FAIR_DAY = date(2026, 11, 25)
SECRET = "test-secret"


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


@pytest.fixture
def county_with_fair(session, clock):
    """A county with two sites, workers of every kind, two employers and a fair at the first site."""
    county = make_county(session)
    site, other_site = make_settlement(session, county), make_settlement(session, county)
    people = {
        "zero": make_person(session, make_household(session, other_site), name="零就业"),
        "opted_out": make_person(session, make_household(session, site), name="退订", sms_opt_out=True),
        "far": make_person(session, make_household(session, make_settlement(session)), name="外县"),
    }
    busy_home = make_household(session, site)
    people["employed"] = make_person(session, busy_home, name="在岗", spells=[
        EmploymentSpell(kind="within_county", employer_name="厂", started_on=date(2025, 1, 1))])
    people["local"] = make_person(session, busy_home, name="本点", relation="兄弟姐妹")
    refresh_households(session, [p.household_id for p in people.values()], actor="system")
    workshop = make_employer(session, county, name="帮扶车间", kind="workshop")
    company = make_employer(session, county, name="电子厂")
    vacancies = [make_vacancy(session, workshop, openings=10), make_vacancy(session, company, openings=20),
                 make_vacancy(session, company, title="质检员", openings=2)]
    fair = fairs.create_fair(session, name="冬季专场招聘会", held_on=FAIR_DAY, place="文化广场", county_id=county.id,
                             settlement_id=site.id, vacancy_ids=[v.id for v in vacancies], actor="user:1")
    return fair, people, workshop, company


def test_create_fair_names_the_bad_field(session, clock):
    county = make_county(session)
    closed = make_vacancy(session, status="closed")
    good = {"name": "招聘会", "held_on": FAIR_DAY, "place": "广场", "county_id": county.id}
    for bad, field in [({"name": ""}, "name"), ({"held_on": date(2026, 11, 1)}, "held_on"),
                       ({"county_id": 98765}, "county_id"), ({"vacancy_ids": [closed.id]}, "vacancy_ids"),
                       ({"vacancy_ids": [424242]}, "vacancy_ids"),
                       ({"settlement_id": make_settlement(session).id}, "settlement_id")]:
        with pytest.raises(WorkflowError) as error:
            fairs.create_fair(session, actor="user:1", **{**good, **bad})
        assert error.value.field == field


def test_invitations_go_to_jobless_workers_of_the_county_zero_employment_first(session, county_with_fair):
    fair, people, _, _ = county_with_fair
    invited = fairs.invite_workers(session, fair.id, actor="user:1")
    assert [a.person.name for a in invited] == ["零就业", "本点"]
    messages = session.scalars(select(Message).where(Message.subject == f"fair_invitation:{fair.id}")).all()
    assert {m.kind for m in messages} == {"fair_invitation"} and all(m.expects_reply for m in messages)
    assert "冬季专场招聘会" in messages[0].body and "2家单位" in messages[0].body
    assert fairs.invite_workers(session, fair.id, actor="user:1") == []  # nobody twice


def test_registration_by_sms_reply_and_on_the_web(session, county_with_fair):
    fair, people, _, _ = county_with_fair
    fairs.invite_workers(session, fair.id, actor="user:1")
    asks = {m.person_id: m for m in session.scalars(select(Message).where(Message.kind == "fair_invitation"))}
    answer_ask(session, people["zero"].id, asks[people["zero"].id].id, True, via="sms")
    answer_ask(session, people["local"].id, asks[people["local"].id].id, False, via="sms")
    walk_up = fairs.register(session, fair.id, people["far"].id, via="web", actor=f"person:{people['far'].id}")
    attendees = {a.person_id: a for a in session.scalars(select(FairAttendee))}
    assert attendees[people["zero"].id].registered_via == "sms" and attendees[people["zero"].id].registered_at
    assert attendees[people["local"].id].declined_at and attendees[people["local"].id].registered_at is None
    assert walk_up.invited_at is None and walk_up.registered_via == "web"
    [(shown, mine)] = fairs.upcoming_fairs_of(session, people["zero"].id)
    assert shown.id == fair.id and mine.registered_at is not None
    with pytest.raises(WorkflowError) as error:
        fairs.register(session, fair.id, people["far"].id, via="fax", actor="user:1")
    assert error.value.field == "via"
    report = fair_report(session, fair.id)
    assert (report.invited, report.registered, report.declined) == (2, 2, 1)


def test_reminders_wait_until_the_day_before_and_go_once(session, county_with_fair):
    fair, people, _, _ = county_with_fair
    fairs.register(session, fair.id, people["zero"].id, via="staff", actor="user:1")
    assert fairs.queue_reminders(session, fair.id, actor="user:1") == 1
    reminder = session.scalar(select(Message).where(Message.kind == "fair_reminder"))
    assert reminder.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)
    assert "请带身份证" in reminder.body
    assert fairs.queue_reminders(session, fair.id, actor="user:1") == 0


def test_check_in_by_qr_phone_id_number_and_walk_ins(session, county_with_fair, clock):
    fair, people, _, _ = county_with_fair
    county_sites = set(session.scalars(select(Settlement.id).where(Settlement.county_id == fair.county_id)))
    invited = {a.person_id: a for a in fairs.invite_workers(session, fair.id, actor="user:1")}
    token = check_in_token(SECRET, invited[people["zero"].id])
    assert check_in_qr_svg(SECRET, invited[people["zero"].id]).startswith("<svg")
    with pytest.raises(WorkflowError, match="签到还没开始：11月25日 8:00 开始签到"):
        check_in_by_token(session, fair.id, token, secret_key=SECRET, actor="user:1", settlement_ids=county_sites)
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    first = check_in_by_token(session, fair.id, token, secret_key=SECRET, actor="user:1", settlement_ids=county_sites)
    assert first.attendee.check_in_method == "qr" and not first.walk_in and not first.already
    assert check_in_by_token(session, fair.id, token, secret_key=SECRET, actor="user:1", settlement_ids=county_sites).already
    with pytest.raises(WorkflowError) as forged:
        check_in_by_token(session, fair.id, token, secret_key="another-key", actor="user:1",
                          settlement_ids=county_sites)
    assert forged.value.field == "token"
    typed_phone = people["local"].phone[3:6] + " " + people["local"].phone[6:10] + "-" + people["local"].phone[10:]
    by_phone = check_in_by_identity(session, fair.id, phone=typed_phone, actor="user:1",
                                    settlement_ids=county_sites)
    assert by_phone.attendee.person_id == people["local"].id and by_phone.attendee.check_in_method == "phone"
    by_id = check_in_by_identity(session, fair.id, id_number=people["opted_out"].id_number.lower(), actor="user:1",
                                 settlement_ids=county_sites)
    assert by_id.walk_in and by_id.attendee.person_id == people["opted_out"].id
    with pytest.raises(WorkflowError, match="不在本招聘会范围内"):  # another county's worker
        check_in_by_identity(session, fair.id, id_number=people["far"].id_number, actor="user:1",
                             settlement_ids=county_sites | {people["far"].household.settlement_id})
    stranger = check_in_by_identity(session, fair.id, phone="13800138000", name="路人", actor="user:1",
                                    settlement_ids=county_sites)
    assert stranger.walk_in and stranger.attendee.person_id is None and stranger.attendee.visitor_name == "路人"
    event = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "fair_checked_in")
                            .order_by(LedgerEvent.id.desc())).first()
    assert event.data["phone"] == "138****8000"  # masked in the ledger
    for typed, field in [({"phone": "12345"}, "phone"), ({"id_number": "520526198502301234"}, "id_number"), ({}, "phone")]:
        with pytest.raises(WorkflowError) as error:
            check_in_by_identity(session, fair.id, actor="user:1", settlement_ids=county_sites, **typed)
        assert error.value.field == field
    report = fair_report(session, fair.id)
    assert (report.checked_in, report.walk_ins) == (4, 2)


def test_outcomes_per_employer_a_hire_opens_a_job_and_the_report(session, county_with_fair, clock, tmp_path):
    fair, people, workshop, company = county_with_fair
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI))
    zero = people["zero"]
    record_outcome(session, fair.id, employer_id=company.id, person_id=zero.id, stage="interview", actor="user:1")
    record_outcome(session, fair.id, employer_id=workshop.id, person_id=zero.id, stage="interview", actor="user:1")
    record_outcome(session, fair.id, employer_id=workshop.id, person_id=zero.id, stage="hire", actor="user:1")
    record_outcome(session, fair.id, employer_id=workshop.id, person_id=zero.id, stage="hire", actor="user:1")
    spell = session.scalar(select(EmploymentSpell).where(EmploymentSpell.person_id == zero.id))
    assert (spell.kind, spell.employer_name) == ("workshop", "帮扶车间")
    assert session.get(Household, zero.household_id).zero_employment is False
    outsider = make_employer(session, name="没来的单位")
    for bad, field in [({"stage": "lunch"}, "stage"), ({"employer_id": outsider.id}, "employer_id"),
                       ({"person_id": 777777}, "person_id"), ({"vacancy_id": make_vacancy(session, outsider).id}, "vacancy_id")]:
        with pytest.raises(WorkflowError) as error:
            record_outcome(session, fair.id, actor="user:1",
                           **{"employer_id": company.id, "person_id": zero.id, "stage": "offer", **bad})
        assert error.value.field == field
    report = fair_report(session, fair.id)
    assert [(e.employer, e.openings, e.interviews, e.hires) for e in report.employers] == [
        ("帮扶车间", 10, 1, 1), ("电子厂", 22, 1, 0)]
    path = tmp_path / "fair.xlsx"
    write_fair_report_xlsx(report, path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[-1] == ("合计", 3, 32, 2, 0, 1) and ledger.verify(session).ok


def test_large_sites_with_fewer_than_two_fairs_this_year_are_listed(session, clock):
    county = make_county(session)
    big = make_settlement(session, county, name="大安置点", relocated_people=1200)
    served = make_settlement(session, county, name="已办两场", relocated_people=900)
    make_settlement(session, county, name="小安置点", relocated_people=300)
    for held_on in (date(2026, 3, 1), date(2026, 12, 1)):
        fairs.create_fair(session, name="春风行动", held_on=max(held_on, NOON.date()), place="广场",
                          county_id=county.id, settlement_id=served.id, actor="user:1")
    fairs.create_fair(session, name="专场", held_on=date(2026, 12, 5), place="广场", county_id=county.id,
                      settlement_id=big.id, actor="user:1")
    due = {d.settlement: d for d in fairs.sites_due_fairs(session, 2026) if d.county == county.name}
    assert list(due) == ["大安置点"] and (due["大安置点"].fairs_this_year, due["大安置点"].fairs_needed) == (1, 1)
    assert session.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.kind == "fair_created")) == 3


def test_report_and_zero_employment_commands(cli, session, county_with_fair, tmp_path):
    fair, people, _, _ = county_with_fair
    session.commit()
    path = tmp_path / "fair.xlsx"
    out = cli("fairs", "report", str(fair.id), "--out", str(path))
    assert out.exit_code == 0, out.output
    assert "冬季专场招聘会" in out.output and "帮扶车间: 面试 0" in out.output and path.exists()
    missing = cli("fairs", "report", "999999")
    assert missing.exit_code == 1 and "找不到招聘会" in missing.output
    listed = cli("zero-employment", "list")
    assert listed.exit_code == 0 and "3 zero-employment households" in listed.output
