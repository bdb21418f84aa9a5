"""A worker's text in their own words is a problem on the 三个三 clock (rule 8): it alerts staff as a report
on the page does, a further text joins the open problem, and staff answer it, close it, or close it with
one click as "not a problem"."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobmatch.models import InboundMessage, LedgerEvent, Message, Problem
from jobmatch.models.problems import NotAProblemReason, ProblemSource, ProblemStage
from jobmatch.services.accounts.staff_phone import set_staff_phone
from jobmatch.services.errors import UserError
from jobmatch.services.households import problems, text_problems, worker_answers
from jobmatch.services.sms.inbound import receive_reply, unread_replies
from tests.factories import frozen_clock, make_county, make_household, make_person, make_settlement, make_user
from tests.sms.test_sms_support import shanghai


def _site(session):
    site = make_settlement(session, make_county(session), name="五里岗安置点")
    worker = make_person(session, make_household(session, site))
    staff = make_user(session, "staff", settlements=[site])
    set_staff_phone(session, staff.id, "13987654321", actor="user:1")
    return worker, staff


def _problems_of(session, person_id):
    return list(session.scalars(select(Problem).where(Problem.person_id == person_id).order_by(Problem.id)))


def _alerts(session):
    return list(session.scalars(select(Message).where(Message.kind == "problem_alert").order_by(Message.id)))


def _events(session, kind):
    return list(session.scalars(select(LedgerEvent).where(LedgerEvent.kind == kind).order_by(LedgerEvent.seq)))


def test_a_text_in_own_words_opens_a_problem_and_a_second_text_joins_it(session):
    with frozen_clock(shanghai(2026, 11, 25, 10)) as clock:
        worker, staff = _site(session)
        first = receive_reply(session, from_phone=worker.phone, body="  工地老板不给工钱怎么办 ", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        assert (problem.source, problem.description, problem.household_id) == (
            ProblemSource.SMS, "工地老板不给工钱怎么办", worker.household_id)
        [alert] = _alerts(session)
        assert alert.user_id == staff.id and alert.subject == f"problem:{problem.id}"
        assert "五里岗安置点群众发来短信留言" in alert.body
        [reported] = _events(session, "problem_reported")
        assert reported.data == {"category": "other", "source": "sms", "inbound_id": first.inbound_id}

        clock.set(shanghai(2026, 11, 25, 10, 5))
        second = receive_reply(session, from_phone=worker.phone, body="已经两个月了", provider_sid="SM2")
        assert len(_problems_of(session, worker.id)) == 1 and len(_alerts(session)) == 1  # joined, not a new one
        [attached] = _events(session, "problem_text_attached")
        assert attached.subject == f"problem:{problem.id}" and attached.data == {"inbound_id": second.inbound_id}
        texts = text_problems.texts_of_problems(session, [problem.id])[problem.id]
        assert [t.body for t in texts] == ["  工地老板不给工钱怎么办 ", "已经两个月了"]
        assert [r.id for r in unread_replies(session)] == [first.inbound_id, second.inbound_id]  # still for staff

        for sid, body in (("SM3", "1"), ("SM4", "零工 明天"), ("SM5", "TD")):  # answers and keywords: no problem
            receive_reply(session, from_phone=worker.phone, body=body, provider_sid=sid)
        receive_reply(session, from_phone="+8613000000000", body="你好", provider_sid="SM6")  # a stranger
        assert len(session.scalars(select(Problem)).all()) == 1 and len(_alerts(session)) == 1


def test_a_text_at_night_opens_the_problem_at_once_and_its_alert_waits_for_working_hours(session):
    with frozen_clock(shanghai(2026, 11, 25, 22, 30)):
        worker, _ = _site(session)
        receive_reply(session, from_phone=worker.phone, body="孩子病了明天去不了", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        [alert] = _alerts(session)
        assert (alert.status, alert.due_at) == ("held", shanghai(2026, 11, 26, 8))
        status = problems.problem_status(problem, now=shanghai(2026, 11, 26, 8, 2))
        assert status.due[ProblemStage.ACKNOWLEDGED] == shanghai(2026, 11, 26, 8, 3) and status.overdue == []


def test_one_click_closes_a_text_as_not_a_problem_saying_why(session):
    with frozen_clock(shanghai(2026, 11, 25, 10)) as clock:
        worker, staff = _site(session)
        text = receive_reply(session, from_phone=worker.phone, body="谢谢你们", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        with pytest.raises(UserError):
            text_problems.close_as_not_a_problem(session, problem.id, "because", user_id=staff.id, actor="user:9")
        clock.set(shanghai(2026, 11, 25, 10, 2))
        text_problems.close_as_not_a_problem(session, problem.id, NotAProblemReason.GREETING, user_id=staff.id,
                                             actor=f"user:{staff.id}")
        assert (problem.not_a_problem, problem.resolution) == ("greeting", "不是问题：问候或道谢，不用办")
        assert problem.resolved_at == shanghai(2026, 11, 25, 10, 2) and problem.handled_by_user_id == staff.id
        status = problems.problem_status(problem, now=shanghai(2026, 11, 29, 10))
        assert (status.stage, status.overdue, status.late) == (ProblemStage.RESOLVED, [], [])
        assert problems.open_problems(session) == []
        assert session.get(InboundMessage, text.inbound_id).unread is False  # off the unread page
        [closed] = _events(session, "problem_not_a_problem")
        assert closed.subject == f"problem:{problem.id}" and closed.data == {"reason": "greeting"}
        with pytest.raises(UserError, match="已经关闭"):
            text_problems.close_as_not_a_problem(session, problem.id, "greeting", user_id=staff.id, actor="user:9")

        receive_reply(session, from_phone=worker.phone, body="还想问个事", provider_sid="SM2")
        assert len(_problems_of(session, worker.id)) == 2  # the closed one takes no more texts
        page_report = problems.report_problem(session, worker.id, "想换工作")  # joined by nothing: a new problem
        with pytest.raises(UserError, match="只有短信留言"):
            text_problems.close_as_not_a_problem(session, page_report.id, "greeting", user_id=staff.id, actor="user:9")


def test_a_closed_text_problem_past_its_three_minutes_counts_the_answer_late(session):
    with frozen_clock(shanghai(2026, 11, 25, 10)) as clock:
        worker, staff = _site(session)
        receive_reply(session, from_phone=worker.phone, body="在吗", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        clock.set(shanghai(2026, 11, 25, 10) + timedelta(minutes=10))
        text_problems.close_as_not_a_problem(session, problem.id, NotAProblemReason.MISTAKE, user_id=staff.id,
                                             actor=f"user:{staff.id}")
        assert problems.problem_status(problem).late == [ProblemStage.ACKNOWLEDGED]


def test_answering_the_text_answers_its_problem_and_answering_the_problem_reads_its_texts(session):
    with frozen_clock(shanghai(2026, 11, 25, 10)):
        worker, staff = _site(session)
        first = receive_reply(session, from_phone=worker.phone, body="房子漏水", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        worker_answers.answer_text(session, first.inbound_id, "下午来看", user_id=staff.id, actor=f"user:{staff.id}")
        assert problem.acknowledged_at == shanghai(2026, 11, 25, 10)
        second = receive_reply(session, from_phone=worker.phone, body="还在漏", provider_sid="SM2")
        assert session.get(InboundMessage, second.inbound_id).problem_id == problem.id
        worker_answers.answer_problem(session, problem.id, "马上到", user_id=staff.id, actor=f"user:{staff.id}")
        assert unread_replies(session) == []
        problems.resolve(session, problem.id, resolution="修好了", user_id=staff.id, actor=f"user:{staff.id}")
        assert problem.not_a_problem == "" and problems.open_problems(session) == []


def test_a_text_on_a_problem_staff_already_answered_alerts_them_again(session):
    with frozen_clock(shanghai(2026, 11, 25, 10)) as clock:
        worker, staff = _site(session)
        receive_reply(session, from_phone=worker.phone, body="房子漏水", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        worker_answers.answer_problem(session, problem.id, "下午来看", user_id=staff.id, actor=f"user:{staff.id}")

        clock.set(shanghai(2026, 11, 25, 14))
        receive_reply(session, from_phone=worker.phone, body="还在漏，人还没来", provider_sid="SM2")
        first_alert, again = _alerts(session)
        assert again.user_id == staff.id and again.subject == f"problem:{problem.id}" and again.status == "queued"
        assert "五里岗安置点群众又发来短信留言，请3分钟内响应" in again.body
        assert len(_problems_of(session, worker.id)) == 1 and problem.acknowledged_at == shanghai(2026, 11, 25, 10)

        receive_reply(session, from_phone=worker.phone, body="水越来越大", provider_sid="SM3")
        assert len(_alerts(session)) == 2  # told of the last one and not looked yet: no second text for it
        worker_answers.answer_problem(session, problem.id, "马上到", user_id=staff.id, actor=f"user:{staff.id}")
        clock.set(shanghai(2026, 11, 25, 14, 30))
        receive_reply(session, from_phone=worker.phone, body="到哪了", provider_sid="SM4")
        assert len(_alerts(session)) == 3  # staff read the last ones: this one is news again


def test_a_text_at_night_on_an_answered_problem_alerts_staff_in_working_hours(session):
    with frozen_clock(shanghai(2026, 11, 25, 20)) as clock:
        worker, staff = _site(session)
        receive_reply(session, from_phone=worker.phone, body="明天能去上工吗", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        problems.acknowledge(session, problem.id, user_id=staff.id, actor=f"user:{staff.id}")
        clock.set(shanghai(2026, 11, 25, 23, 10))
        receive_reply(session, from_phone=worker.phone, body="还没回我", provider_sid="SM2")
        _, again = _alerts(session)
        assert (again.status, again.due_at) == ("held", shanghai(2026, 11, 26, 8))


def test_the_problems_page_shows_the_text_sent_after_the_answer_with_its_time(session, client):
    with frozen_clock(shanghai(2026, 11, 25, 10)) as clock:
        worker, staff = _site(session)
        receive_reply(session, from_phone=worker.phone, body="房子漏水", provider_sid="SM1")
        [problem] = _problems_of(session, worker.id)
        clock.set(shanghai(2026, 11, 25, 10, 1))
        receive_reply(session, from_phone=worker.phone, body="厨房那边", provider_sid="SM2")
        problems.acknowledge(session, problem.id, user_id=staff.id, actor=f"user:{staff.id}")
        clock.set(shanghai(2026, 11, 25, 14, 7))
        receive_reply(session, from_phone=worker.phone, body="还在漏，人还没来", provider_sid="SM3")
    staff.set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": staff.username, "password": "pw-123456"}).status_code == 302
    row = client.get("/staff/problems").get_data(as_text=True).split(f'id="problem-{problem.id}"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert "2026-11-25 10:01 又发来</span>：厨房那边" in row  # before the answer, as before
    assert '<span class="flag text-after-answer">2026-11-25 14:07 响应后又发来</span>：还在漏，人还没来' in row
    english = client.get("/staff/problems?lang=en").get_data(as_text=True)
    assert "2026-11-25 14:07 wrote again after the answer" in english
