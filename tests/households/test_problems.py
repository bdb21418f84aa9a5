"""Problems under the 三个三 rule: 3 minutes to answer, 3 hours to be on site, 3 days to resolve."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jobmatch.models import LedgerEvent
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households import problems
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_user

REPORTED = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock():
    with frozen_clock(REPORTED) as clock:
        yield clock


def test_a_worker_reports_and_staff_meet_every_deadline(session, clock):
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    staff = make_user(session, "staff", settlements=[site])
    problem = problems.report_problem(session, worker.id, "工资拖欠两个月", category="wages")
    assert (problem.source, problem.household_id) == ("worker", worker.household_id)
    clock.set(REPORTED + timedelta(minutes=2))
    problems.acknowledge(session, problem.id, user_id=staff.id, actor=f"user:{staff.id}")
    clock.set(REPORTED + timedelta(hours=2))
    problems.arrive_on_site(session, problem.id, user_id=staff.id, actor=f"user:{staff.id}")
    clock.set(REPORTED + timedelta(days=2))
    problems.resolve(session, problem.id, resolution="联系劳动监察，工资已发放", user_id=staff.id, actor="user:1")
    status = problems.problem_status(problem)
    assert (status.stage, status.overdue, status.late) == ("resolved", [], [])
    assert problems.open_problems(session, [site.id]) == []
    assert [s.stage for s in problems.problems_of_person(session, worker.id)] == ["resolved"]
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.subject == f"problem:{problem.id}")
                            .order_by(LedgerEvent.id)).all()
    assert kinds == ["problem_reported", "problem_acknowledged", "problem_on_site", "problem_resolved"]


def test_missed_deadlines_are_flagged_overdue_then_late(session, clock):
    site = make_settlement(session)
    household = make_household(session, site)
    staff = make_user(session, "staff", settlements=[site])
    slow = problems.raise_problem(session, household.id, problems.NewProblem("屋顶漏水", "living"), source="staff",
                                  actor="user:1")
    clock.set(REPORTED + timedelta(minutes=10))
    fresh = problems.report_problem(session, make_person(session, household).id, "想换工作", category="job")
    assert problems.problem_status(slow).overdue == ["acknowledged"]
    assert [s.problem.id for s in problems.open_problems(session, [site.id])] == [slow.id, fresh.id]
    clock.set(REPORTED + timedelta(hours=4))
    assert problems.problem_status(slow).overdue == ["acknowledged", "on_site"]
    problems.acknowledge(session, slow.id, user_id=staff.id, actor="user:1")
    clock.set(REPORTED + timedelta(days=4))
    problems.resolve(session, slow.id, resolution="电话协调维修", user_id=staff.id, actor="user:1")
    status = problems.problem_status(slow)
    assert status.overdue == [] and status.late == ["acknowledged", "on_site", "resolved"]


def test_out_of_order_and_bad_inputs_are_refused(session, clock):
    site = make_settlement(session)
    household = make_household(session, site)
    worker = make_person(session, household)
    officer = make_user(session, "county_officer")
    staff = make_user(session, "staff", settlements=[site])
    problem = problems.report_problem(session, worker.id, "孩子上学问题")
    cases = [
        (lambda: problems.report_problem(session, worker.id, "  "), "description"),
        (lambda: problems.report_problem(session, worker.id, "x" * 1001), "description"),
        (lambda: problems.report_problem(session, worker.id, "问题", category="gossip"), "category"),
        (lambda: problems.report_problem(session, 999999, "问题"), "person_id"),
        (lambda: problems.raise_problem(session, household.id, problems.NewProblem("问题", person_id=make_person(session).id),
                                        source="staff", actor="user:1"), "person_id"),
        (lambda: problems.arrive_on_site(session, problem.id, user_id=staff.id, actor="user:1"), "problem_id"),
        (lambda: problems.resolve(session, problem.id, resolution="好了", user_id=staff.id, actor="user:1"), "problem_id"),
        (lambda: problems.acknowledge(session, problem.id, user_id=officer.id, actor="user:1"), "user_id"),
    ]
    for call, field in cases:
        with pytest.raises(WorkflowError) as error:
            call()
        assert error.value.field == field
    problems.acknowledge(session, problem.id, user_id=staff.id, actor="user:1")
    with pytest.raises(WorkflowError) as error:
        problems.resolve(session, problem.id, resolution="", user_id=staff.id, actor="user:1")
    assert error.value.field == "resolution"


def test_the_minutes_and_hours_run_in_working_hours_and_the_days_on_the_calendar(session, clock):
    shanghai = ZoneInfo("Asia/Shanghai")
    household = make_household(session, make_settlement(session))
    clock.set(datetime(2026, 11, 20, 20, 0, tzinfo=shanghai))  # one working hour left today
    evening = problems.raise_problem(session, household.id, problems.NewProblem("停水了"), source="staff", actor="user:1")
    due = problems.problem_status(evening).due
    assert due == {"acknowledged": datetime(2026, 11, 20, 20, 3, tzinfo=shanghai),
                   "on_site": datetime(2026, 11, 21, 10, 0, tzinfo=shanghai),  # 1 hour tonight, 2 tomorrow
                   "resolved": datetime(2026, 11, 23, 20, 0, tzinfo=shanghai)}
    clock.set(datetime(2026, 11, 20, 22, 30, tzinfo=shanghai))
    night = problems.raise_problem(session, household.id, problems.NewProblem("工资没到"), source="staff", actor="user:1")
    clock.set(datetime(2026, 11, 21, 7, 59, tzinfo=shanghai))
    assert problems.problem_status(night).overdue == []  # nobody is expected to answer in the night
    clock.set(datetime(2026, 11, 21, 8, 4, tzinfo=shanghai))
    assert problems.problem_status(night).overdue == ["acknowledged"]


def test_working_hours_are_configurable(app, session, clock):
    from jobmatch.services.households.working_hours import WorkingHours
    shanghai = ZoneInfo("Asia/Shanghai")
    household = make_household(session, make_settlement(session))
    clock.set(datetime(2026, 11, 20, 18, 30, tzinfo=shanghai))
    problem = problems.raise_problem(session, household.id, problems.NewProblem("停电"), source="staff", actor="user:1")
    from jobmatch.config import settings_of, use_settings
    before = settings_of(app)
    use_settings(app, before.replace(problem_working_hours="09:00-18:00"))
    try:
        with app.app_context():
            assert problems.problem_status(problem).due["acknowledged"] == datetime(2026, 11, 21, 9, 3, tzinfo=shanghai)
    finally:
        use_settings(app, before)
    for bad in ("21:00-08:00", "八点到九点", ""):
        with pytest.raises(ValueError):
            WorkingHours.parse(bad)


def test_staff_answer_a_problem_by_sms_and_that_is_the_3_minute_answer(session, clock):
    from jobmatch.models import Message
    from jobmatch.services.households.worker_answers import answer_problem
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site), phone="13800138000")
    staff = make_user(session, "staff", settlements=[site])
    problem = problems.report_problem(session, worker.id, "工资拖欠两个月", category="wages")
    with pytest.raises(WorkflowError) as error:
        answer_problem(session, problem.id, "字" * 36, user_id=staff.id, actor="user:1")
    assert error.value.field == "answer" and problem.acknowledged_at is None
    clock.set(REPORTED + timedelta(minutes=2))
    message = answer_problem(session, problem.id, "已联系老板，明天发工资。", user_id=staff.id, actor=f"user:{staff.id}")
    assert message.kind == "staff_answer" and message.person_id == worker.id
    assert "已联系老板，明天发工资。" in message.body and message.body.startswith("【")
    assert problems.problem_status(problem).stage == "acknowledged"
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.subject == f"problem:{problem.id}")).all()
    assert "worker_answered" in kinds and "problem_acknowledged" in kinds
    assert session.scalars(select(Message).where(Message.person_id == worker.id)).all() == [message]


def test_no_free_answer_goes_through_tencent_cloud(app, session, clock):
    from jobmatch.services.households.worker_answers import answer_problem
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site), phone="13800138000")
    staff = make_user(session, "staff", settlements=[site])
    problem = problems.report_problem(session, worker.id, "想换工作", category="job")
    from jobmatch.config import settings_of, use_settings
    saved = settings_of(app)
    use_settings(app, saved.replace(sms_provider="tencent"))
    try:
        with app.app_context(), pytest.raises(WorkflowError) as error:
            answer_problem(session, problem.id, "明天来登记。", user_id=staff.id, actor="user:1")
    finally:
        use_settings(app, saved)
    assert "腾讯云" in error.value.message and problem.acknowledged_at is None
