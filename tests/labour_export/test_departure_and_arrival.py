"""Departure check-in at the gathering point, arrival by "1" or the group leader, follow-ups at 1 and 3
months, and a return that puts the person back in the matching pool."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from jobmatch.models import EmploymentSpell, Household, LedgerEvent, Message
from jobmatch.models.labour_export import ExportMemberStatus
from jobmatch.services.errors import WorkflowError
from jobmatch.services.labour_export import arrival, departure, recruitment
from jobmatch.services.offers.matching_input import build_engine_input
from jobmatch.services.sms.inbound import receive_reply
from tests.factories import frozen_clock
from tests.labour_export.helpers import NOON, SECRET, SHANGHAI, add_workers, make_group, make_setting, sent

DEPARTURE_MORNING = datetime(2026, 11, 25, 6, 30, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


@pytest.fixture
def signed_up(session, clock):
    """A group of 45 seats with three workers holding a seat and one invited only; the clock at departure."""
    setting = make_setting(session)
    setting.people = add_workers(session, setting)
    group = make_group(session, setting)
    recruitment.invite_workers(session, group.id, actor="user:1")
    for key in ("zero", "monitored", "anywhere"):
        recruitment.sign_up(session, group.id, setting.people[key].id, via="web", actor="x")
    clock.set(DEPARTURE_MORNING)
    return setting, group


def _member(group, setting, key):
    return next(m for m in group.members if m.person_id == setting.people[key].id)


def _visible(setting):
    return [setting.site.id, setting.other_site.id]


def test_check_in_by_the_workers_qr_code_or_a_typed_phone_once(session, signed_up):
    setting, group = signed_up
    zero = _member(group, setting, "zero")
    token = departure.check_in_token(SECRET, zero)
    first = departure.check_in_by_token(session, group.id, token, secret_key=SECRET, actor="user:1",
                                       settlement_ids=_visible(setting))
    again = departure.check_in_by_token(session, group.id, token, secret_key=SECRET, actor="user:1",
                                        settlement_ids=_visible(setting))
    assert (first.already, again.already, zero.status, zero.check_in_method) == (
        False, True, ExportMemberStatus.DEPARTED, "qr")
    by_phone = departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=_visible(setting),
                                              phone=setting.people["monitored"].phone)
    assert by_phone.member.status == ExportMemberStatus.DEPARTED and by_phone.member.check_in_method == "phone"
    assert session.query(LedgerEvent).filter_by(kind="export_checked_in").count() == 2


def test_check_in_refuses_the_invited_a_forged_code_another_day_and_people_out_of_scope(session, signed_up, clock):
    setting, group = signed_up
    with pytest.raises(WorkflowError, match="没有报名这个输出团"):
        departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=_visible(setting),
                                       phone=setting.people["province_only"].phone)
    with pytest.raises(WorkflowError, match="二维码无效"):
        departure.check_in_by_token(session, group.id, "forged", secret_key=SECRET, actor="user:1",
                                    settlement_ids=_visible(setting))
    with pytest.raises(WorkflowError, match="范围"):
        departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=[setting.other_site.id],
                                       phone=setting.people["anywhere"].phone)
    clock.set(NOON)
    with pytest.raises(WorkflowError, match="今天不能签到"):
        departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=_visible(setting),
                                       phone=setting.people["anywhere"].phone)


def _depart_all(session, setting, group):
    for key in ("zero", "monitored", "anywhere"):
        departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=_visible(setting),
                                       phone=setting.people[key].phone)


def test_the_arrival_ask_goes_a_day_after_departure_and_a_1_starts_the_job_there(session, signed_up, clock):
    setting, group = signed_up
    _depart_all(session, setting, group)
    assert arrival.queue_arrival_asks(session, actor="cron") == 0  # not yet
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    assert arrival.queue_arrival_asks(session, actor="cron") == 3
    assert arrival.queue_arrival_asks(session, actor="cron") == 0
    zero = setting.people["zero"]
    ask = sent(session.scalar(select(Message).where(Message.person_id == zero.id, Message.kind == "export_arrival")))
    assert "到了请回1" in ask.body
    receive_reply(session, from_phone=zero.phone, body="1 已到达", provider_sid="SMARRIVE")
    member = _member(group, setting, "zero")
    assert (member.status, member.arrived_on, member.arrival_confirmed_by) == (
        ExportMemberStatus.ARRIVED, date(2026, 11, 26), f"person:{zero.id}")
    spell = session.get(EmploymentSpell, member.spell_id)
    assert (spell.kind, spell.employer_name, spell.monthly_income, spell.ended_on) == (
        "outside_province", setting.employer.name, 5500, None)
    household = session.get(Household, zero.household_id)
    assert household.employed == 1 and not household.zero_employment


def test_the_group_leader_confirms_arrival_but_not_for_someone_who_never_left(session, signed_up, clock):
    setting, group = signed_up
    departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=_visible(setting),
                                   phone=setting.people["anywhere"].phone)
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    member = arrival.confirm_arrival(session, group.id, setting.people["anywhere"].id,
                                     actor=f"user:{setting.leader.id}", arrived_on=date(2026, 11, 25))
    assert member.arrived_on == date(2026, 11, 25) and member.arrival_confirmed_by == f"user:{setting.leader.id}"
    with pytest.raises(WorkflowError, match="没有在集合点签到"):
        arrival.confirm_arrival(session, group.id, setting.people["zero"].id, actor="user:1")


def test_follow_ups_record_staying_and_a_return_puts_the_person_back_in_the_pool(session, signed_up, clock):
    setting, group = signed_up
    _depart_all(session, setting, group)
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    for key in ("zero", "monitored", "anywhere"):
        arrival.confirm_arrival(session, group.id, setting.people[key].id, actor="user:1")
    zero, anywhere = _member(group, setting, "zero"), _member(group, setting, "anywhere")
    with pytest.raises(WorkflowError, match="满 1 个月"):
        arrival.record_follow_up(session, zero.id, months=1, stayed=True, actor="user:1")
    clock.set(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    assert [(m.person.name, months) for m, months in arrival.follow_ups_due(session, group)] == [
        ("零就业", 1), ("监测户", 1), ("愿去省外", 1)]
    with pytest.raises(WorkflowError, match="返乡原因"):
        arrival.record_follow_up(session, zero.id, months=1, stayed=False, actor="user:1")
    arrival.record_follow_up(session, zero.id, months=1, stayed=False, reason="家中老人生病",
                             returned_on=date(2026, 12, 20), actor="user:1")
    arrival.record_follow_up(session, anywhere.id, months=1, stayed=True, actor="user:1")
    assert (zero.status, zero.returned_on, zero.stayed_1m, zero.stayed_3m) == (
        ExportMemberStatus.RETURNED, date(2026, 12, 20), False, False)
    assert zero.spell.ended_on == date(2026, 12, 20) and "家中老人生病" in zero.spell.end_reason
    household = session.get(Household, zero.person.household_id)
    assert household.zero_employment  # back to zero-employment: listed first again
    pool = build_engine_input(session, county_id=setting.county.id, settlement_id=None, vacancies=[])
    returned = [w for w in pool.workers if w.id == str(zero.person_id)]
    assert len(returned) == 1 and not returned[0].employed and not zero.person.spells[-1].is_current
    clock.set(datetime(2027, 2, 27, 10, 0, tzinfo=SHANGHAI))
    arrival.record_follow_up(session, anywhere.id, months=3, stayed=True, actor="user:1")
    assert anywhere.stayed_3m is True
    with pytest.raises(WorkflowError, match="已经返乡"):
        arrival.record_follow_up(session, zero.id, months=3, stayed=True, actor="user:1")
