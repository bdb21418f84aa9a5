"""The household timeline reads as sentences with names and titles, newest first, filterable by kind;
views of unmasked personal data go to the access log, not the timeline."""

from sqlalchemy import select

from jobmatch import ledger
from jobmatch.models import Household, LedgerEvent
from jobmatch.services.households.employment_changes import NewJob, start_job
from jobmatch.services.people.timeline import access_log, timeline
from tests.factories import make_employer, make_household, make_person, make_user, make_vacancy
from tests.web.helpers import load_small_demo, login


def test_sentences_name_the_person_the_employer_and_the_job(session):
    household = make_household(session, household_no="WN-0042")
    wang = make_person(session, household, name="王雪燕")
    staff = make_user(session, display_name="杨梅")
    vacancy = make_vacancy(session, make_employer(session, name="威宁县爱心家政"), title="家政服务员")
    ledger.append(session, "offer_sent", actor="system", household_id=household.id, person_id=wang.id,
                  subject=f"vacancy:{vacancy.id}")
    ledger.append(session, "offer_accepted", actor=f"person:{wang.id}", household_id=household.id,
                  person_id=wang.id, subject=f"vacancy:{vacancy.id}")
    ledger.append(session, "follow_up_recorded", actor=f"user:{staff.id}", household_id=household.id)
    session.flush()

    entries = timeline(session, household_id=household.id).entries
    assert [e.text for e in entries] == ["杨梅 回访了 WN-0042 户", "王雪燕 接受了 威宁县爱心家政 家政服务员 的推荐",
                                         "向 王雪燕 推荐了 威宁县爱心家政 家政服务员"]
    only = timeline(session, household_id=household.id, kind="offer_accepted")
    assert [e.kind for e in only.entries] == ["offer_accepted"] and only.kind == "offer_accepted"
    assert {kind for kind, _ in only.kinds} == {"offer_sent", "offer_accepted", "follow_up_recorded"}


def test_a_spell_names_its_employer(session):
    household = make_household(session)
    worker = make_person(session, household, name="李大山")
    start_job(session, NewJob(worker.id, "workshop", "鑫源服装帮扶车间"), actor="test")
    session.flush()
    texts = [e.text for e in timeline(session, person_id=worker.id).entries]
    assert "李大山 开始在 鑫源服装帮扶车间 就业" in texts
    assert not any("spell:" in text or "user:" in text for text in texts)


def test_page_views_go_to_the_access_log_not_the_timeline(app, session):
    demo = load_small_demo(session)
    household = session.get(Household, demo.household_a)
    members, first_name = len(household.members), household.members[0].name
    session.rollback()
    client = app.test_client()
    login(client, "staff")  # sees unmasked ID numbers: each view is ledgered
    for _ in range(5):
        page = client.get(f"/staff/households/{demo.household_a}").get_data(as_text=True)
    timeline_part = page.split("台账记录", 1)[1]
    assert "查看了" not in timeline_part and "查看个人信息" not in timeline_part and "user:" not in timeline_part
    assert "个人信息查看记录" in page
    views = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "personal_data_viewed",
                                                      LedgerEvent.household_id == demo.household_a)).all()
    assert len(views) == 5 * members and ledger.verify(session).ok
    log = access_log(session, demo.household_a)
    assert len(log) == 5 * members and log[0].fields == ["id_number", "phone"]
    session.rollback()
    listed = client.get(f"/staff/households/{demo.household_a}/access-log").get_data(as_text=True)
    assert first_name in listed and "身份证号" in listed


def test_the_english_page_says_who_in_english(app, session):
    demo = load_small_demo(session)
    session.rollback()
    client = app.test_client()
    login(client, "staff_a")
    page = client.get(f"/staff/households/{demo.household_a}?lang=en")
    text = page.get_data(as_text=True).split("ol class=\"timeline\"")[1]
    assert "imported from the roster" in text and "系统" not in text
