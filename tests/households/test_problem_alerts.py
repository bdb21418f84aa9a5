"""Staff told at once (rule 8): a worker's problem report texts the site's staff member."""

import pytest
from sqlalchemy import select

from jobmatch.models import LedgerEvent, Message
from jobmatch.services.accounts.staff_phone import set_staff_phone, shown_phone
from jobmatch.services.errors import UserError
from jobmatch.services.households import problems
from jobmatch.services.households.problems import NewProblem
from jobmatch.tasks import InProcessQueue, dispatch_once
from notifications.segments import count_segments
from tests.factories import make_county, make_household, make_person, make_settlement, make_user
from tests.sms.test_sms_support import fake_twilio, fixed_clock, shanghai, twilio_app  # noqa: F401  (fixtures)


def _site_with_staff(session, phone="13987654321"):
    county = make_county(session)
    site = make_settlement(session, county, name="五里岗安置点")
    worker = make_person(session, make_household(session, site))
    staff = make_user(session, "staff", settlements=[site], display_name="王专干")
    if phone:
        set_staff_phone(session, staff.id, phone, actor="user:1")
    return county, site, worker, staff


def _alerts(session):
    return list(session.scalars(select(Message).where(Message.kind == "problem_alert").order_by(Message.id)))


def test_a_workers_report_texts_the_site_staff_at_once(twilio_app, fake_twilio):
    sessions = twilio_app.extensions["jobmatch.sessionmaker"]
    with twilio_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 10)), sessions() as session:
        _, _, worker, staff = _site_with_staff(session)
        problem = problems.report_problem(session, worker.id, "老板拖欠工资两个月", category="wages")
        session.commit()
        [alert] = _alerts(session)
        assert (alert.user_id, alert.person_id, alert.to_phone, alert.status) == (
            staff.id, None, "+8613987654321", "queued")
        assert alert.body == "【安置点就业服务】五里岗安置点群众反映工资待遇问题，请3分钟内响应（登录工作台处理）。"
        assert count_segments(alert.body).parts == 1
        assert "拖欠" not in alert.body  # the worker's words stay in the service
        session.rollback()
        assert dispatch_once(twilio_app, InProcessQueue(twilio_app)) == 1
        [sent] = fake_twilio.messages
        assert sent.to == "+8613987654321"
        events = session.scalars(select(LedgerEvent).where(LedgerEvent.subject == f"problem:{problem.id}")
                                 .order_by(LedgerEvent.id)).all()
        assert [e.kind for e in events] == ["problem_reported", "sms_queued", "sms_sent"]
        assert all("13987654321" not in str(e.data) for e in events)
        assert events[1].data["to"] == "139****4321"
        session.rollback()
        from jobmatch.services.sms.inbound import record_status

        assert record_status(session, provider_message_id=sent.sid, status="delivered")  # the carrier's receipt
        session.commit()
        assert session.get(Message, alert.id, populate_existing=True).status == "delivered"


def test_a_report_after_nine_in_the_evening_waits_for_eight(session):
    from tests.factories import frozen_clock

    with frozen_clock(shanghai(2026, 11, 25, 20, 58)) as clock:
        _, _, worker, _ = _site_with_staff(session)
        problems.report_problem(session, worker.id, "房子漏水", category="living")
        clock.set(shanghai(2026, 11, 25, 21, 5))
        problems.report_problem(session, worker.id, "想换工作", category="job")
        early, late = _alerts(session)
        # 20:58 leaves 2 of the 3 minutes: the text asking for an answer in 3 minutes waits for 08:00 too
        assert (early.status, early.last_error, early.due_at) == ("held", "working_hours", shanghai(2026, 11, 26, 8))
        assert (late.status, late.due_at) == ("held", shanghai(2026, 11, 26, 8))
        tile = problems.open_problems_tile(session, [worker.household.settlement_id])
        assert tile.open == 2 and tile.oldest_age is not None and tile.oldest_age.total_seconds() == 7 * 60


def test_staff_without_a_phone_get_no_text_and_an_unstaffed_site_texts_the_county_officer(session):
    from tests.factories import frozen_clock

    with frozen_clock(shanghai(2026, 11, 25, 10)):
        county, _, worker, _ = _site_with_staff(session, phone=None)
        problems.report_problem(session, worker.id, "工资少发", category="wages")
        assert _alerts(session) == []
        lonely = make_settlement(session, county, name="新安置点")
        officer = make_user(session, "county_officer", county_id=county.id)
        set_staff_phone(session, officer.id, "139 1111 2222", actor="user:1")
        problems.report_problem(session, make_person(session, make_household(session, lonely)).id, "没活干")
        [alert] = _alerts(session)
        assert alert.user_id == officer.id and "新安置点" in alert.body


def test_only_a_workers_own_report_texts_staff(session):
    from tests.factories import frozen_clock

    with frozen_clock(shanghai(2026, 11, 25, 10)):
        _, _, worker, staff = _site_with_staff(session)
        problems.raise_problem(session, worker.household_id, NewProblem("屋顶漏水", "living"), source="staff",
                               actor=f"user:{staff.id}")
        assert _alerts(session) == []


def test_a_staff_phone_is_checked_masked_to_others_and_never_in_the_ledger(session):
    _, _, _, staff = _site_with_staff(session, phone=None)
    with pytest.raises(UserError) as error:
        set_staff_phone(session, staff.id, "12345", actor="user:1")
    assert error.value.field == "phone"
    set_staff_phone(session, staff.id, "139-8765-4321", actor="user:1")
    officer = make_user(session, "county_officer")
    assert shown_phone(staff, staff) == "+8613987654321"
    assert shown_phone(staff, officer) == "139****4321"
    [event] = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "staff_phone_set")).all()
    assert event.data == {"user_id": staff.id, "phone": "139****4321"}
    set_staff_phone(session, staff.id, "", actor="user:1")
    assert staff.phone is None


def test_an_admin_sets_a_staff_phone_from_the_command_line(app, cli):
    with app.extensions["jobmatch.sessionmaker"]() as session:
        make_user(session, "staff", username="wang")
        session.commit()
    result = cli("staff", "set-phone", "wang", "13987654321")
    assert result.exit_code == 0 and result.output.strip() == "wang: 139****4321"
    assert "13987654321" not in result.output
    bad = cli("staff", "set-phone", "wang", "555")
    assert bad.exit_code == 1 and "11 位手机号" in bad.output
    assert cli("staff", "set-phone", "nobody", "13987654321").exit_code == 1


def test_a_worker_texting_in_their_own_words_alerts_the_site_staff(session):
    from jobmatch.services.sms.inbound import receive_reply
    from tests.factories import frozen_clock

    with frozen_clock(shanghai(2026, 11, 25, 10)):
        _, _, worker, staff = _site_with_staff(session)
        receive_reply(session, from_phone=worker.phone, body="工地老板不给工钱怎么办", provider_sid="SM1")
        [alert] = _alerts(session)
        assert alert.user_id == staff.id and "五里岗安置点群众发来短信留言" in alert.body
        receive_reply(session, from_phone=worker.phone, body="TD", provider_sid="SM2")
        receive_reply(session, from_phone="+8613000000000", body="你好", provider_sid="SM3")  # nobody we know
        assert len(_alerts(session)) == 1  # an opt-out or a stranger's text alerts nobody


def test_a_report_with_three_working_minutes_left_texts_at_once_and_working_hours_are_configurable(app, session):
    from jobmatch.config import settings_of, use_settings
    from tests.factories import frozen_clock

    with frozen_clock(shanghai(2026, 11, 25, 20, 57)) as clock:
        _, _, worker, _ = _site_with_staff(session)
        problems.report_problem(session, worker.id, "房子漏水", category="living")  # due 21:00: still today
        use_settings(app, settings_of(app).replace(problem_working_hours="09:00-18:00"))
        clock.set(shanghai(2026, 11, 26, 17, 58))
        problems.report_problem(session, worker.id, "想换工作", category="job")  # due 09:01 the next day
        clock.set(shanghai(2026, 11, 26, 8, 30))
        problems.report_problem(session, worker.id, "工资少发", category="wages")  # before the office opens
        at_once, evening, morning = _alerts(session)
        assert (at_once.status, at_once.due_at) == ("queued", shanghai(2026, 11, 25, 20, 57))
        assert (evening.status, evening.due_at) == ("held", shanghai(2026, 11, 27, 9))
        assert (morning.status, morning.due_at) == ("held", shanghai(2026, 11, 26, 9))
