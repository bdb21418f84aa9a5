"""Monthly follow-ups: due and overdue per staff member, recording a contact with job changes and problems."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from jobmatch.models import EmploymentSpell, FollowUp, Household, LedgerEvent, Problem, Settlement
from jobmatch.roster.synthetic import generate_roster
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.employment_changes import NewJob
from jobmatch.services.households.followups import JobLoss, follow_ups_due_by_staff, record_follow_up
from jobmatch.services.households.problems import NewProblem
from jobmatch.services.households.status import note_follow_up, refresh_households, stale_households
from jobmatch.services.roster.importing import apply_records
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOON) as clock:
        yield clock


def _contacted(session, household, at):
    session.add(FollowUp(household_id=household.id, contacted_at=at, method="phone"))
    note_follow_up(session, household.id, at)


def test_due_and_overdue_by_the_local_calendar_month(session):
    site, elsewhere = make_settlement(session), make_settlement(session)
    staff = make_user(session, "staff", settlements=[site], username="yangmei")
    make_user(session, "staff", settlements=[elsewhere], username="other")
    this_month = make_household(session, site, household_no="H-THIS")
    _contacted(session, this_month, datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))  # 10-31 16:30 UTC: still November here
    last_month = make_household(session, site, household_no="H-LAST")
    _contacted(session, last_month, datetime(2026, 10, 1, 9, tzinfo=SHANGHAI))
    long_ago = make_household(session, site, household_no="H-OLD")
    _contacted(session, long_ago, datetime(2026, 9, 30, 23, 0, tzinfo=SHANGHAI))
    never = make_household(session, site, household_no="H-NEVER")
    zero = make_household(session, site, household_no="H-ZERO")
    make_person(session, zero)
    _contacted(session, zero, datetime(2026, 10, 15, 9, tzinfo=SHANGHAI))
    refresh_households(session, [zero.id, never.id], actor="system")
    [mine] = follow_ups_due_by_staff(session, "yangmei")
    assert mine.display_name == staff.display_name
    assert [(h.household_no, h.overdue) for h in mine.households] == [
        ("H-ZERO", False), ("H-NEVER", True), ("H-OLD", True), ("H-LAST", False)]
    assert mine.overdue == 2
    with pytest.raises(WorkflowError) as error:
        follow_ups_due_by_staff(session, "nobody")
    assert error.value.field == "staff"


def test_a_contact_records_a_new_job_a_lost_job_and_a_problem(session):
    site = make_settlement(session)
    staff = make_user(session, "staff", settlements=[site])
    household = make_household(session, site)
    father = make_person(session, household, name="父亲", spells=[
        EmploymentSpell(kind="within_county", employer_name="砖厂", started_on=date(2025, 3, 1))])
    son = make_person(session, household, name="儿子", relation="儿子")
    refresh_households(session, [household.id], actor="system")
    result = record_follow_up(
        session, household_id=household.id, staff_user_id=staff.id, method="visit", actor=f"user:{staff.id}",
        summary="父亲砖厂停工，儿子去了帮扶车间",
        lost_work=[JobLoss(father.id, reason="砖厂停工")],
        found_work=[NewJob(son.id, kind="workshop", employer_name="五里岗帮扶车间", monthly_income=2600)],
        problems=[NewProblem("砖厂还欠两个月工资", category="wages", person_id=father.id)])
    assert not result.became_zero_employment
    assert session.get(Household, household.id).employed == 1
    assert [s.end_reason for s in father.spells] == ["砖厂停工"]
    problem = result.problems[0]
    assert (problem.source, problem.follow_up_id, problem.category) == ("follow_up", result.follow_up.id, "wages")
    lost_only = record_follow_up(session, household_id=household.id, staff_user_id=staff.id, method="phone",
                                 actor="user:1", lost_work=[JobLoss(son.id, reason="车间放假")])
    assert lost_only.became_zero_employment
    assert session.scalar(select(LedgerEvent.kind).where(LedgerEvent.kind == "zero_employment_help_due"))


def test_a_bad_part_of_a_contact_writes_nothing(session):
    site = make_settlement(session)
    household = make_household(session, site)
    member = make_person(session, household)
    outsider = make_person(session)
    good = {"household_id": household.id, "staff_user_id": None, "method": "phone", "actor": "user:1"}
    cases = [
        ({"method": "letter"}, "method"),
        ({"household_id": 999999}, "household_id"),
        ({"contacted_at": datetime(2026, 12, 1, tzinfo=SHANGHAI)}, "contacted_at"),
        ({"lost_work": [JobLoss(member.id)]}, "lost_work"),
        ({"found_work": [NewJob(outsider.id, kind="workshop", employer_name="车间")]}, "found_work"),
        ({"found_work": [NewJob(member.id, kind="astronaut", employer_name="车间")]}, "kind"),
        ({"found_work": [NewJob(member.id, kind="workshop", employer_name="车间")],
          "problems": [NewProblem("", category="wages")]}, "description"),
        ({"problems": [NewProblem("欠薪", category="weather")]}, "category"),
    ]
    for bad, field in cases:
        with pytest.raises(WorkflowError) as error:
            record_follow_up(session, **{**good, **bad})
        assert error.value.field == field, bad
    for model in (FollowUp, EmploymentSpell, Problem, LedgerEvent):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_the_stored_last_follow_up_only_moves_forward(session):
    household = make_household(session, make_settlement(session))
    make_person(session, household)
    refresh_households(session, [household.id], actor="test")
    later, earlier = datetime(2026, 11, 18, 9, tzinfo=SHANGHAI), datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    record_follow_up(session, household_id=household.id, staff_user_id=None, method="phone", actor="test",
                     contacted_at=later, summary="电话联系上了")
    record_follow_up(session, household_id=household.id, staff_user_id=None, method="visit", actor="test",
                     contacted_at=earlier, summary="入户走访")
    assert session.get(Household, household.id).last_follow_up_at == later
    assert stale_households(session) == []
    session.add(FollowUp(household_id=household.id, contacted_at=NOON, method="phone"))  # not noted: stale
    session.flush()
    assert stale_households(session) == [household.id]


def test_an_empty_follow_up_is_refused_and_clears_nothing(session):
    household = make_household(session, make_settlement(session))
    make_person(session, household)
    with pytest.raises(WorkflowError, match="请写明回访情况") as error:
        record_follow_up(session, household_id=household.id, staff_user_id=None, method="phone", actor="test",
                         summary="   ")
    assert error.value.field == "summary"
    assert session.get(Household, household.id).last_follow_up_at is None
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_a_door_visit_is_the_months_contact(session):
    from jobmatch.services.households.zero_employment import record_door_visit
    from tests.factories import make_vacancy

    site = make_settlement(session)
    household = make_household(session, site)
    make_person(session, household)
    refresh_households(session, [household.id], actor="test")
    record_door_visit(session, household_id=household.id, staff_user_id=None, actor="user:1",
                      vacancy_id=make_vacancy(session, title="保洁员").id, note="户主愿意去")
    assert session.get(Household, household.id).last_follow_up_at == NOON
    [follow_up] = session.scalars(select(FollowUp)).all()
    assert (follow_up.method, follow_up.summary) == ("visit", "送岗位上门：保洁员。户主愿意去")
    assert stale_households(session) == []


def test_a_household_imported_this_month_is_due_but_not_overdue_until_its_first_full_month_ends(session):
    records = generate_roster("威宁彝族回族苗族自治县", ["五里岗安置点"], households=6, seed=14)
    apply_records(session, records, actor="import")
    site = session.scalars(select(Settlement).where(Settlement.name == "五里岗安置点")).one()
    make_user(session, "staff", settlements=[site], username="newsite")
    [imported] = follow_ups_due_by_staff(session, "newsite")
    assert len(imported.households) == 6 and imported.overdue == 0
    with frozen_clock(datetime(2026, 12, 31, 20, 0, tzinfo=SHANGHAI)):  # its first full month, December
        [december] = follow_ups_due_by_staff(session, "newsite")
    assert len(december.households) == 6 and december.overdue == 0
    with frozen_clock(datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI)):  # December ended with no call
        [january] = follow_ups_due_by_staff(session, "newsite")
    assert january.overdue == 6
