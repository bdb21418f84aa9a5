"""Poverty-relapse monitoring (防返贫监测): flagging with a reason, the roster's flag, the list,
the same-day alert on an employment drop, the monthly follow-up's record, the flag as of a past day."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import EmploymentSpell, FollowUp, Household, LedgerEvent, MonitoringAlert, Person
from jobmatch.services.errors import UserError
from jobmatch.services.households import monitoring
from jobmatch.services.households.employment_changes import end_spell
from jobmatch.services.households.followups import JobLoss, MonitoringNotes, record_follow_up
from jobmatch.services.households.monitoring_alerts import close_alert, open_alert_count, open_alerts
from jobmatch.services.households.status import refresh_households
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with frozen_clock(MORNING) as clock:
        yield clock


def _working_household(session, site, number, *, monitoring_flag="unstable", incomes=(2600,), members=1):
    household = make_household(session, site, household_no=number)
    workers = [make_person(session, household, monitoring=monitoring_flag, relation="户主" if i == 0 else "子女",
                           spells=[EmploymentSpell(kind="within_county", employer_name="砖厂", monthly_income=income,
                                                   started_on=date(2025, 1, 1))])
               for i, income in enumerate(incomes)]
    for _extra in range(members - len(incomes)):
        make_person(session, household, relation="子女", capacity="none", wants_work=False, monitoring=monitoring_flag)
    refresh_households(session, [household.id], actor="system")
    monitoring.sync_from_roster(session, [household.id], actor="system")
    return session.get(Household, household.id), workers


def test_staff_flag_and_unflag_with_a_reason_and_the_ledger_keeps_both(session):
    site = make_settlement(session)
    household = make_household(session, site)
    member = make_person(session, household)
    for bad, field in [(("unstable", ""), "reason"), (("poor", "收入低"), "category"), (("unstable", "x" * 201), "reason")]:
        with pytest.raises(UserError) as error:
            monitoring.flag_household(session, household.id, bad[0], reason=bad[1], actor="user:1")
        assert error.value.field == field
    monitoring.flag_household(session, household.id, "hardship", reason="户主重病住院", actor="user:1")
    assert (household.monitoring, household.monitoring_since) == ("hardship", MORNING)
    assert session.get(Person, member.id).monitoring == "hardship"  # the roster column follows
    with pytest.raises(UserError, match="已经是突发严重困难户"):
        monitoring.flag_household(session, household.id, "hardship", reason="再次", actor="user:1")
    monitoring.unflag_household(session, household.id, reason="病愈返岗，风险消除", actor="user:1")
    assert household.monitoring == "none" and session.get(Person, member.id).monitoring == "none"
    with pytest.raises(UserError, match="不是监测对象"):
        monitoring.unflag_household(session, household.id, reason="再次", actor="user:1")
    events = session.execute(select(LedgerEvent.kind, LedgerEvent.data).where(
        LedgerEvent.household_id == household.id).order_by(LedgerEvent.id)).all()
    assert [(kind, data["category"], data["reason"]) for kind, data in events] == [
        ("monitoring_flagged", "hardship", "户主重病住院"), ("monitoring_unflagged", "none", "病愈返岗，风险消除")]


def test_the_roster_flag_becomes_the_households_most_urgent_one(session):
    site = make_settlement(session)
    household = make_household(session, site)
    make_person(session, household, monitoring="marginal")
    make_person(session, household, monitoring="hardship", relation="配偶")
    assert monitoring.sync_from_roster(session, [household.id], actor="import") == [household.id]
    assert session.get(Household, household.id).monitoring == "hardship"
    assert monitoring.sync_from_roster(session, [household.id], actor="import") == []


def test_the_list_puts_open_alerts_first_then_households_not_followed_up(session, clock):
    site = make_settlement(session)
    staff = make_user(session, "staff", settlements=[site])
    followed, _ = _working_household(session, site, "H-FOLLOWED")
    alerted, [worker] = _working_household(session, site, "H-ALERTED")
    waiting, _ = _working_household(session, site, "H-WAITING")
    _working_household(session, site, "H-PLAIN", monitoring_flag="none")
    record_follow_up(session, household_id=followed.id, staff_user_id=staff.id, method="phone", actor="user:1",
                     monitoring=MonitoringNotes("employed", "无", "想学电焊"))
    end_spell(session, worker.spells[0], reason="砖厂停工", actor="user:1")
    lines = monitoring.monitored_households(session, [site.id])
    assert [(m.household_no, m.open_alerts, m.followed_up_this_month) for m in lines] == [
        ("H-ALERTED", 1, False), ("H-WAITING", 0, False), ("H-FOLLOWED", 0, True)]
    assert lines[0].zero_employment and lines[0].category_label == "脱贫不稳定户"
    assert monitoring.monitored_count(session, [site.id]) == 3


def test_a_job_lost_in_a_monitored_household_alerts_its_staff_the_same_day(session, clock, app):
    site = make_settlement(session)
    household, [father, son] = _working_household(session, site, "H-1", incomes=(2600, 500), members=4)
    plain, [neighbour] = _working_household(session, site, "H-2", monitoring_flag="none")
    use_settings(app, settings_of(app).replace(monitoring_income_line=7300))
    with app.app_context():
        end_spell(session, father.spells[0], reason="砖厂停工", actor="user:1")  # 3100 -> 500 a month, 4 people
        end_spell(session, neighbour.spells[0], reason="合同到期", actor="user:1")
    [alert] = open_alerts(session, [site.id])
    assert (alert.household_no, alert.raised_at) == ("H-1", MORNING)
    assert alert.reasons == ["job_ended", "income_below_line"]  # 9,300 -> 1,500 a year per person
    assert alert.reason_labels == "家庭成员失业、人均收入低于监测线"
    clock.set(MORNING + timedelta(hours=3))
    end_spell(session, son.spells[0], reason="车间放假", actor="user:1")
    [same_day] = open_alerts(session, [site.id])
    assert same_day.alert_id == alert.alert_id
    assert open_alert_count(session, [site.id]) == 1  # the dashboard's tile
    assert same_day.reasons == ["job_ended", "income_below_line", "zero_employment"]
    with pytest.raises(UserError, match="帮扶措施"):
        close_alert(session, alert.alert_id, user_id=make_user(session).id, note=" ", actor="user:1")
    close_alert(session, alert.alert_id, user_id=make_user(session).id, note="推荐公益性岗位", actor="user:1")
    assert open_alerts(session, [site.id]) == [] and open_alert_count(session, [site.id]) == 0
    assert [k for k in session.scalars(select(LedgerEvent.kind).where(LedgerEvent.kind.like("monitoring_alert%"))
                                       .order_by(LedgerEvent.id))] == [
        "monitoring_alert_raised", "monitoring_alert_raised", "monitoring_alert_closed"]


def test_a_follow_up_that_records_the_job_loss_alerts_too(session):
    site = make_settlement(session)
    household, [worker] = _working_household(session, site, "H-1")
    record_follow_up(session, household_id=household.id, staff_user_id=None, method="visit", actor="user:1",
                     lost_work=[JobLoss(worker.id, reason="工地完工")],
                     monitoring=MonitoringNotes("unemployed", "需要就近岗位", "想学家政"))
    [alert] = session.scalars(select(MonitoringAlert)).all()
    assert alert.reasons == ["job_ended", "zero_employment", "income_below_line"]
    follow_up = session.scalars(select(FollowUp)).one()
    assert (follow_up.employment_state, follow_up.needs, follow_up.training_wish) == (
        "unemployed", "需要就近岗位", "想学家政")


def test_a_monitored_households_follow_up_must_record_state_needs_and_training_wish(session):
    site = make_settlement(session)
    household, _ = _working_household(session, site, "H-1")
    plain, _ = _working_household(session, site, "H-2", monitoring_flag="none")
    for notes, field in [(MonitoringNotes(), "employment_state"), (MonitoringNotes("employed"), "needs"),
                         (MonitoringNotes("employed", "无"), "training_wish"),
                         (MonitoringNotes("rich", "无", "无"), "employment_state")]:
        with pytest.raises(UserError) as error:
            record_follow_up(session, household_id=household.id, staff_user_id=None, method="phone", actor="user:1",
                             monitoring=notes)
        assert error.value.field == field
    assert session.scalars(select(FollowUp)).all() == []
    record_follow_up(session, household_id=plain.id, staff_user_id=None, method="phone", actor="user:1",
                     summary="电话联系上了")


def test_the_flag_on_a_past_day_is_read_from_the_ledger(session, clock):
    site = make_settlement(session)
    early, _ = _working_household(session, site, "H-EARLY")
    late = make_household(session, site, household_no="H-LATE")
    clock.set(MORNING + timedelta(days=25))  # December 5th
    monitoring.flag_household(session, late.id, "marginal", reason="收入下降", actor="user:1")
    monitoring.unflag_household(session, early.id, reason="稳定就业", actor="user:1")
    november_end = datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert monitoring.monitored_on(session, [site.id], november_end) == {early.id: "unstable"}
    assert monitoring.monitored_on(session, [site.id], clock.now() + timedelta(seconds=1)) == {late.id: "marginal"}


def test_monitored_households_rank_right_after_zero_employment_in_rounds_fairs_and_training(session):
    from jobmatch.services.fairs.events import create_fair, invitation_candidates
    from jobmatch.services.offers.rounds import propose_round
    from jobmatch.services.training.needs import training_needs
    from tests.factories import make_spell, make_welding_site

    site, vacancy, [zero, watched, plain] = make_welding_site(session, workers=3, openings=2)
    for person in (watched, plain):
        household = session.get(Household, person.household_id)
        make_spell(session, make_person(session, household, relation="配偶", skills=[]))
        refresh_households(session, [household.id], actor="test")
    plain.certificates = ["焊工证"]  # the better score: still after the monitored household
    monitoring.flag_household(session, watched.household_id, "unstable", reason="务工收入不稳", actor="user:1")
    for person in (zero, watched, plain):
        person.training_wishes = ["电焊"]
    match_round = propose_round(session, settlement_id=site.id, vacancy_ids=[vacancy.id], actor="user:1")
    proposed = {o.person_id: o for o in match_round.offers if o.status == "proposed"}
    assert set(proposed) == {zero.id, watched.id}
    assert "防返贫监测户优先" in proposed[watched.id].reasons
    fair = create_fair(session, name="专场招聘会", held_on=MORNING.date() + timedelta(days=3), place="广场",
                       county_id=site.county_id, settlement_id=site.id, actor="user:1")
    invited = [p.id for p in invitation_candidates(session, fair)]
    assert invited.index(zero.id) < invited.index(watched.id) < invited.index(plain.id)
    needs = [n.person_id for n in training_needs(session, [site.id])]
    assert needs == [zero.id, watched.id, plain.id]
