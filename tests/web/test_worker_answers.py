"""Rule 8's 3-minute answer from the pages: staff text the worker back from an unread text or a problem;
the answer is an SMS in the outbox and a ledger event, scoped to the staff's settlements."""

from sqlalchemy import select

from jobmatch.models import InboundMessage, LedgerEvent, Message, Person, Problem
from jobmatch.models.problems import ProblemCategory
from jobmatch.services.households.problems import report_problem
from jobmatch.services.sms.inbound import receive_reply
from notifications.kinds import MessageKind
from tests.web.helpers import load_small_demo, login


def _answers_to(session, person_id):
    return session.scalars(select(Message.body).where(Message.person_id == person_id,
                                                      Message.kind == MessageKind.STAFF_ANSWER)).all()


def test_staff_answer_an_unread_text_by_sms_and_it_is_read(app, session, client):
    demo = load_small_demo(session)
    phone_a, phone_b = (session.get(Person, p).phone for p in (demo.person_a, demo.person_b))
    text_a = receive_reply(session, from_phone=phone_a, body="我想找保洁的活", provider_sid="SMA1").inbound_id
    text_b = receive_reply(session, from_phone=phone_b, body="孩子生病了", provider_sid="SMB1").inbound_id
    session.commit()
    login(client, "staff_a")
    assert "发短信答复" in client.get("/staff/sms/unread").get_data(as_text=True)
    client.post(f"/staff/sms/unread/{text_a}/answer", data={"answer": "字" * 36})
    assert session.get(InboundMessage, text_a).unread is True and _answers_to(session, demo.person_a) == []
    session.rollback()
    response = client.post(f"/staff/sms/unread/{text_a}/answer", data={"answer": "明天上午来安置点办公室登记。"},
                           follow_redirects=True)
    assert "答复短信已发出" in response.get_data(as_text=True)
    [body] = _answers_to(session, demo.person_a)
    assert "明天上午来安置点办公室登记。" in body
    assert session.get(InboundMessage, text_a).unread is False
    assert session.scalar(select(LedgerEvent.kind).where(LedgerEvent.subject == f"inbound:{text_a}",
                                                         LedgerEvent.kind == "worker_answered"))
    session.rollback()
    client.post(f"/staff/sms/unread/{text_b}/answer", data={"answer": "好的"})  # settlement B: not staff_a's
    assert _answers_to(session, demo.person_b) == [] and session.get(InboundMessage, text_b).unread is True


def test_staff_answer_a_problem_by_sms_which_acknowledges_it(app, session, client):
    demo = load_small_demo(session)
    problem_id = report_problem(session, demo.person_a, "工资拖欠两个月", category=ProblemCategory.WAGES).id
    session.commit()
    login(client, "staff_a")
    assert "发短信答复" in client.get("/staff/problems").get_data(as_text=True)
    client.post(f"/staff/problems/{problem_id}/answer", data={"answer": "已联系老板，周五前发工资。"})
    assert session.get(Problem, problem_id).acknowledged_at is not None
    assert ["已联系老板，周五前发工资。" in body for body in _answers_to(session, demo.person_a)] == [True]
