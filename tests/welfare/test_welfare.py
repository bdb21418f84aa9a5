"""Public-welfare posts: ranking with reasons, appointment within the quota, exit, the subsidy roll."""

import threading
import time
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.clock import FixedClock, use_clock
from jobmatch.models import EmploymentSpell, Household, LedgerEvent, Message, WelfareAppointment
from jobmatch.services.answers import answer_ask
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.status import refresh_households
from jobmatch.services.welfare import posts as welfare
from jobmatch.services.welfare.appointments import appoint
from jobmatch.services.welfare.exits import exit_post
from jobmatch.services.welfare.roll import subsidy_roll, write_subsidy_roll
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_user, make_welfare_post

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@contextmanager
def on(moment):
    """The clock at ``moment`` inside the block, back at NOON after it."""
    with frozen_clock(moment):
        yield
    use_clock(FixedClock(NOON))


def appoint_accepted(session, post_id, person_id, *, override_reason="", actor="user:1"):
    """Offer the place and let the worker reply "1" (the appointment counts only then)."""
    appointment = appoint(session, post_id, person_id, actor=actor, override_reason=override_reason)
    ask = session.scalar(select(Message).where(Message.person_id == person_id, Message.expects_reply,
                                               Message.subject == f"welfare_post:{post_id}").order_by(Message.id.desc()))
    assert answer_ask(session, person_id, ask.id, True) == "confirm_accepted"
    session.refresh(appointment)
    return appointment


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON):
        yield


def _site_with_people(session):
    """A site with a zero-employment household, a site-bound weak labourer and an ordinary worker."""
    site = make_settlement(session)
    zero_home = make_household(session, site)
    zero_worker = make_person(session, zero_home, name="张零")
    bound_home = make_household(session, site)
    bound = make_person(session, bound_home, name="李弱", capacity="weak",
                        cannot_leave_site=True, gender="female", birth_date=date(1975, 5, 1))
    make_person(session, bound_home, name="李在外", relation="配偶", spells=[
        EmploymentSpell(kind="outside_province", employer_name="电子厂", started_on=date(2024, 3, 1))])
    ordinary_home = make_household(session, site)
    ordinary = make_person(session, ordinary_home, name="王普")
    make_person(session, ordinary_home, name="王在岗", relation="配偶", spells=[
        EmploymentSpell(kind="within_county", employer_name="服装厂", started_on=date(2025, 1, 1))])
    refresh_households(session, [zero_home.id, bound_home.id, ordinary_home.id], actor="system")
    return site, zero_worker, bound, ordinary


def test_candidates_ranked_zero_employment_first_with_reasons(session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site)
    ranked = welfare.candidates_for_post(session, post.id)
    assert [c.name for c in ranked] == ["张零", "李弱", "王普"]
    assert ranked[0].name == "张零" and ranked[0].zero_employment and "零就业家庭" in ranked[0].reason
    second = ranked[1]
    assert second.name == "李弱" and second.points == 30 + 25 + 15 + 10
    assert second.reason == "不能离开安置点，弱劳力，留守妇女，年龄较大（51岁）"
    assert "王在岗" not in [c.name for c in ranked]  # employed people are not candidates


def test_appoint_within_quota_opens_a_spell_and_clears_zero_employment(session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site, quota=2)
    appointment = appoint_accepted(session, post.id, zero_worker.id)
    assert appointment.term_ends_on == date(2027, 11, 20)
    spell = session.get(EmploymentSpell, appointment.spell_id)
    assert (spell.kind, spell.monthly_income, spell.ended_on) == ("welfare_post", 1500, None)
    assert session.get(Household, zero_worker.household_id).zero_employment is False
    appoint_accepted(session, post.id, bound.id)
    spells_before = session.scalar(select(func.count()).select_from(EmploymentSpell))
    with pytest.raises(WorkflowError, match="名额已满") as full:
        appoint(session, post.id, ordinary.id, actor="user:1")
    assert full.value.field == "post_id"
    assert session.scalar(select(func.count()).select_from(EmploymentSpell)) == spells_before
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.subject == f"welfare_post:{post.id}")).all()
    assert kinds.count("welfare_post_assigned") == 2


def test_appoint_refuses_bad_inputs_and_writes_nothing(session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site)
    closed = make_welfare_post(session, site, status="closed")
    employed = session.scalar(select(EmploymentSpell).where(EmploymentSpell.employer_name == "服装厂")).person
    cases = [
        (999999, zero_worker, "post_id", "找不到公益性岗位"),
        (post.id, make_person(session), "person_id", "不住在该岗位所在的安置点"),
        (closed.id, zero_worker, "post_id", "已关闭"),
        (post.id, make_person(session, make_household(session, site), capacity="none"), "person_id", "无劳动能力"),
        (post.id, employed, "person_id", "已有在岗记录"),
    ]
    events_before = session.scalar(select(func.count()).select_from(LedgerEvent))
    for post_id, person, field, message in cases:
        with pytest.raises(WorkflowError, match=message) as error:
            appoint(session, post_id, person.id, actor="user:1")
        assert error.value.field == field
    assert session.scalar(select(func.count()).select_from(LedgerEvent)) == events_before
    assert session.scalar(select(func.count()).select_from(WelfareAppointment)) == 0


def test_create_post_validates_each_field(session):
    site = make_settlement(session)
    post = welfare.create_post(session, settlement_id=site.id, title="护林员", quota=3, monthly_subsidy=1200,
                               actor="user:1")
    assert post.status == "open" and post.term_months == 12
    for bad, field in [({"quota": 0}, "quota"), ({"title": " "}, "title"), ({"monthly_subsidy": -5}, "monthly_subsidy"),
                       ({"term_months": 60}, "term_months"), ({"settlement_id": 424242}, "settlement_id")]:
        arguments = {"settlement_id": site.id, "title": "护林员", "quota": 3, "monthly_subsidy": 1200, **bad}
        with pytest.raises(WorkflowError) as error:
            welfare.create_post(session, actor="user:1", **arguments)
        assert error.value.field == field


def test_exit_frees_the_place_flags_the_household_and_offers_it_to_the_next(session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site, quota=1)
    with on(datetime(2026, 11, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        appointment = appoint_accepted(session, post.id, zero_worker.id)
    with pytest.raises(WorkflowError) as bad_reason:
        exit_post(session, appointment.id, reason="bored", actor="user:1")
    assert bad_reason.value.field == "reason"
    result = exit_post(session, appointment.id, reason="absence", actor="user:1")
    assert result.appointment.exited_on == date(2026, 11, 20)
    assert session.get(EmploymentSpell, appointment.spell_id).ended_on == date(2026, 11, 20)
    household = session.get(Household, zero_worker.household_id)
    assert household.zero_employment and household.zero_employment_since == NOON
    flagged = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "zero_employment_help_due",
                                                       LedgerEvent.household_id == household.id))
    assert flagged.data["contact_due"].startswith("2026-11-23")
    assert result.next_candidate.name == "李弱"  # the one who left is not offered the place again at once
    message = session.scalar(select(Message).where(Message.subject == f"welfare_post:{post.id}",
                                                   Message.person_id == bound.id))
    assert message.person_id == bound.id and message.kind == "welfare_post" and message.expects_reply
    assert "公益性岗位" in message.body
    with pytest.raises(WorkflowError, match="已经退岗"):
        exit_post(session, appointment.id, reason="absence", actor="user:1")


def test_reply_1_to_a_freed_place_appoints_the_worker(session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site, quota=1)
    appointment = appoint_accepted(session, post.id, zero_worker.id)
    exit_post(session, appointment.id, reason="no_longer_needed", actor="user:1")
    ask = session.scalar(select(Message).where(Message.subject == f"welfare_post:{post.id}",
                                               Message.person_id == bound.id))
    assert answer_ask(session, bound.id, ask.id, True) == "confirm_accepted"
    assert [a.person_id for a in welfare.active_appointments(session, post.id)] == [bound.id]
    assert ledger.verify(session).ok


def test_last_place_taken_once_when_two_staff_appoint_at_the_same_time(app, session):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site, quota=1)
    session.commit()
    other = app.extensions["jobmatch.sessionmaker"]()
    appoint(session, post.id, zero_worker.id, actor="user:1")  # holds the post row until commit
    outcome = {}

    def second_staff():
        try:
            appoint(other, post.id, bound.id, actor="user:2", override_reason="同时操作")
            outcome["result"] = "appointed"
        except WorkflowError as exc:
            outcome["result"] = exc.message
        finally:
            other.rollback()
            other.close()

    thread = threading.Thread(target=second_staff)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()  # waiting for the first transaction
    session.commit()
    thread.join(timeout=30)
    assert "名额已满" in outcome["result"]


def test_subsidy_roll_pro_rates_days_on_post(session, tmp_path):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site, quota=3, monthly_subsidy=1500)
    with on(datetime(2026, 10, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        first = appoint_accepted(session, post.id, zero_worker.id)
    with on(datetime(2026, 10, 5, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        appoint_accepted(session, post.id, bound.id)
    exit_post(session, first.id, reason="absence", exited_on=date(2026, 11, 11), actor="user:1", offer_next=False)
    roll = subsidy_roll(session, post.id, "2026-11")
    assert [(line.name, line.days_on_post, line.subsidy) for line in roll.lines] == [
        ("张零", 10, Decimal("500.00")), ("李弱", 30, Decimal("1500.00"))]
    assert roll.total == Decimal("2000.00")
    october = subsidy_roll(session, post.id, "2026-10")
    assert [line.subsidy for line in october.lines] == [Decimal("1500.00"), Decimal("1306.45")]

    staff = make_user(session, "staff", settlements=[site])
    path = tmp_path / "roll.xlsx"
    write_subsidy_roll(session, post.id, "2026-11", path, user=staff)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "姓名", "身份证号")
    assert rows[2][2] == zero_worker.id_number and rows[2][6] == 10  # full ID: finance pays by it
    assert rows[1][5] == "离岗日期" and rows[2][5].date() == date(2026, 11, 11)  # the first day off the post
    assert rows[-1][0] == "合计" and rows[-1][-1] == 2000
    exported = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "welfare_roll_exported"))
    assert exported.actor == f"user:{staff.id}" and zero_worker.id_number not in str(exported.data)


def test_subsidy_roll_refused_to_others_and_for_bad_months(session, tmp_path):
    site = make_settlement(session)
    post = make_welfare_post(session, site)
    staff = make_user(session, "staff", settlements=[site])
    cases = [(make_user(session, "county_officer"), "2026-11", "user"),
             (make_user(session, "staff", settlements=[make_settlement(session)]), "2026-11", "user"),
             (staff, "2026/11", "month"), (staff, "2027-01", "month")]
    path = tmp_path / "roll.xlsx"
    for user, month, field in cases:
        with pytest.raises(WorkflowError) as error:
            write_subsidy_roll(session, post.id, month, path, user=user)
        assert error.value.field == field and not path.exists()


def test_roll_command_writes_the_file_or_says_why_not(cli, session, tmp_path):
    site, zero_worker, bound, ordinary = _site_with_people(session)
    post = make_welfare_post(session, site)
    with on(datetime(2026, 11, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        appoint_accepted(session, post.id, zero_worker.id)
    make_user(session, "staff", settlements=[site], username="yangmei")
    make_user(session, "county_officer", username="officer")
    session.commit()
    path = tmp_path / "roll.xlsx"
    refused = cli("welfare", "roll", "--post", str(post.id), "--month", "2026-11", "--out", str(path), "--user", "officer")
    assert refused.exit_code == 1 and "只有安置点工作人员或管理员" in refused.output and not path.exists()
    done = cli("welfare", "roll", "--post", str(post.id), "--month", "2026-11", "--out", str(path), "--user", "yangmei")
    assert done.exit_code == 0, done.output
    assert "total 1500.00 yuan" in done.output and path.exists()
