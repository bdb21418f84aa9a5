"""A worker's day (issue 17): a shared family phone asks who you are, an offer says whose it is and
reads as plain sentences with a 听一听 button, a hire says when, where, whom and what to bring, and
children or people without labour capacity are never "未就业"."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from jobmatch.clock import LOCAL_TZ, local_today
from jobmatch.models import EmploymentSpell, LedgerEvent, User
from jobmatch.services.accounts import worker_sign_in
from jobmatch.services.errors import UserError
from jobmatch.services.households.status import work_status, work_status_label
from jobmatch.services.offers import hiring
from jobmatch.services.offers.lifecycle import transition_offer
from jobmatch.services.roster.exporting import _person_row
from jobmatch.vocabulary.worker import reason_sentence
from tests.factories import frozen_clock, make_household, make_person, make_sent_offers, make_spell, make_welding_site
from tests.web.test_worker_and_security import _code

SECRET = "test-secret"


def _family_on_one_phone(session):
    """A head of household and his daughter, both listed with the father's phone."""
    settlement, vacancy, (father,) = make_welding_site(session, workers=1)
    daughter = make_person(session, father.household, name="王雪燕", relation="女儿", phone=father.phone,
                           birth_date=date(2001, 5, 1), skills=["缝纫"])
    father.name = "王大山"
    session.commit()
    return vacancy, father, daughter


def test_a_shared_phone_asks_who_you_are_and_the_session_is_that_person(app, session, client):
    _, father, daughter = _family_on_one_phone(session)
    father_id, daughter_id, phone = father.id, daughter.id, father.phone
    session.rollback()
    client.post("/w/login", data={"phone": phone[3:]})
    answer = client.post("/w/login/code", data={"code": _code(session, father_id)})
    assert answer.headers["Location"] == "/w/login/who"
    page = client.get("/w/login/who").get_data(as_text=True)
    assert "您是哪一位" in page and "王大山" in page and "王雪燕" in page
    assert client.get("/w/").status_code in (302, 401, 403)  # nobody is signed in before choosing
    assert client.post("/w/login/who", data={"person_id": str(daughter_id)}).headers["Location"] == "/w/"
    home = client.get("/w/").get_data(as_text=True)
    assert "王雪燕，您好" in home and "换成家里其他人" in home
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "worker_signed_in"))
    assert event.person_id == daughter_id and event.actor == f"person:{daughter_id}"
    assert session.scalar(select(User).where(User.person_id == daughter_id)) is not None
    session.rollback()
    client.post("/w/login/who", data={"person_id": str(father_id)})  # the father takes the phone back
    assert "王大山，您好" in client.get("/w/").get_data(as_text=True)


def test_the_member_list_refuses_someone_not_on_that_phone(app, session, client):
    _, father, _daughter = _family_on_one_phone(session)
    stranger = make_person(session, make_household(session), name="外人")
    session.commit()
    father_id, stranger_id, phone = father.id, stranger.id, father.phone
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    client.post("/w/login/code", data={"code": _code(session, father_id)})
    assert client.post("/w/login/who", data={"person_id": str(stranger_id)}).status_code == 400
    assert "外人" not in client.get("/w/login/who").get_data(as_text=True)
    with pytest.raises(worker_sign_in.SignInError) as refused:
        worker_sign_in.sign_in_member(session, phone, stranger_id)
    assert refused.value.field == "person_id"


def test_a_phone_of_one_person_signs_straight_in(app, session, client):
    _, _, (worker,) = make_welding_site(session, workers=1)
    session.commit()
    person_id, phone = worker.id, worker.phone
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    assert client.post("/w/login/code", data={"code": _code(session, person_id)}).headers["Location"] == "/w/"
    assert "换成家里其他人" not in client.get("/w/").get_data(as_text=True)


def _signed_in(client, session, person):
    person_id, phone = person.id, person.phone
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    client.post("/w/login/code", data={"code": _code(session, person_id)})
    client.post("/w/login/who", data={"person_id": str(person_id)})


def test_the_offer_page_says_whose_offer_it_is_in_plain_sentences_with_a_listen_button(app, session, client):
    vacancy, father, daughter = _family_on_one_phone(session)
    (offer,) = make_sent_offers(session, vacancy, [daughter])
    offer.reasons = ["零就业家庭优先", "技能相近：缝纫 → 缝纫工", "离家 1.2 公里", "工资 4000–6000 元，符合期望"]
    session.commit()
    offer_id = offer.id
    _signed_in(client, session, father)  # the father opens the SMS sent to his phone for his daughter
    page = client.get(f"/w/o/{offer_id}").get_data(as_text=True)
    assert "这是给 王雪燕 的工作推荐" in page and "您的家人" in page
    assert "您会缝纫，这个岗位要缝纫工" in page and "离您家 1.2 公里" in page
    reasons = page[page.index('id="reasons"'):page.index("</ul>", page.index('id="reasons"'))]
    assert "→" not in reasons and "技能相近" not in reasons and "零就业" not in reasons
    assert 'data-speak="speech"' in page and "听一听" in page and "speak.js" in page
    button = re.search(r"<button[^>]*data-speak[^>]*>", page).group()
    assert " hidden" in button  # shown only by the script, where the phone can speak
    speech = re.search(r'<p id="speech" hidden>(.*?)</p>', page).group(1)
    assert speech.startswith("王雪燕，这是给您的工作推荐") and "缝纫工" in speech
    assert client.get("/static/speak.js").status_code == 200


def test_reasons_become_sentences_without_arrows_or_catalogue_words():
    assert reason_sentence("技能相符：缝纫 → 缝纫工") == "您会缝纫，这个岗位要缝纫工"
    assert reason_sentence("技能相符：电焊") == "您会电焊，这个岗位正要这门手艺"
    assert reason_sentence("包住宿，离家 250 公里") == "离您家 250 公里，单位包住"
    assert reason_sentence("工资 3000 元") == "每月工资 3000 元"
    for phrase in ("技能相近：服装厂 → 普工", "轻体力活，适合弱劳力", "不要求技能，上手快", "某个新理由：甲 → 乙"):
        assert "→" not in reason_sentence(phrase) and "：" not in reason_sentence(phrase)


def test_a_hire_tells_the_worker_when_where_whom_and_what_to_bring(app, session, client):
    _, vacancy, (worker,) = make_welding_site(session, workers=1)
    vacancy.employer.contact_phone, vacancy.employer.contact_name = "+8613800000001", "李经理"
    (offer,) = make_sent_offers(session, vacancy, [worker])
    transition_offer(session, offer.id, ("sent",), "accepted")
    hiring.record_hire(session, offer.id, start_date=date(2026, 12, 7), contract_months=12, social_insurance=True,
                       monthly_wage=4500, actor="test", work_place="园区 3 号厂房二楼", contact="车间主任 张师傅",
                       bring="身份证、银行卡、一寸照片两张")
    session.commit()
    offer_id = offer.id
    _signed_in(client, session, worker)
    page = client.get(f"/w/o/{offer_id}").get_data(as_text=True)
    for shown in ("上班须知", "12月7日 周一", "园区 3 号厂房二楼", "车间主任 张师傅", "13800000001",
                  "身份证、银行卡、一寸照片两张"):
        assert shown in page, shown
    assert "12月7日 上班，点开看去哪里、找谁、带什么" in client.get("/w/").get_data(as_text=True)


def test_a_hire_without_details_still_says_where_and_whom_from_the_employer(app, session):
    _, vacancy, (worker,) = make_welding_site(session, workers=1)
    (offer,) = make_sent_offers(session, vacancy, [worker])
    transition_offer(session, offer.id, ("sent",), "accepted")
    spell = hiring.record_hire(session, offer.id, start_date=date(2026, 12, 7), contract_months=12,
                               social_insurance=True, monthly_wage=4500, actor="test")
    assert (spell.work_place, spell.contact, spell.bring) == ("", "", "")
    with pytest.raises(UserError) as refused:
        hiring.record_hire(session, offer.id, start_date=date(2026, 12, 7), contract_months=12, social_insurance=True,
                           monthly_wage=4500, actor="test", bring="很" * 201)
    assert refused.value.field == "bring" and "要带的东西" in refused.value.message


def test_children_and_people_without_capacity_are_never_unemployed(app, session):
    household = make_household(session)
    today = local_today()
    toddler = make_person(session, household, relation="子", birth_date=date(today.year - 3, 1, 1), capacity="none")
    pupil = make_person(session, household, relation="女", birth_date=date(today.year - 11, 1, 1), capacity="none")
    teen = make_person(session, household, relation="子", birth_date=date(today.year - 17, 1, 1), capacity="none")
    grandma = make_person(session, household, relation="母亲", birth_date=date(1940, 1, 1), capacity="none")
    labourer = make_person(session, household, relation="户主")
    employed = make_person(session, household, relation="妻子")
    make_spell(session, employed, kind="workshop")
    session.refresh(employed)
    labels = {p.id: work_status_label(p, today) for p in (toddler, pupil, teen, grandma, labourer, employed)}
    assert labels == {toddler.id: "学龄前", pupil.id: "在校", teen.id: "在校", grandma.id: "无劳动能力",
                      labourer.id: "未就业", employed.id: "帮扶车间"}
    assert work_status(labourer, today) == "unemployed"
    rows = {p.id: _person_row(p, household, "县", "点", None, today) for p in (toddler, pupil, labourer)}
    assert rows[toddler.id]["employment_status"] is None and rows[pupil.id]["employment_status"] is None
    assert rows[labourer.id]["employment_status"] == "unemployed"


def test_staff_read_the_same_words_on_the_household_page(app, session, client):
    from tests.factories import make_user
    from tests.web.helpers import login

    household = make_household(session)
    today = local_today()
    make_person(session, household, name="小明", relation="子", birth_date=date(today.year - 4, 1, 1), capacity="none")
    make_person(session, household, name="大明", relation="户主")
    user = make_user(session, "staff", settlements=[household.settlement], username="staff_x")
    from jobmatch.services.demo import DEMO_PASSWORD
    user.set_password(DEMO_PASSWORD)
    session.commit()
    household_id = household.id
    login(client, "staff_x")
    page = client.get(f"/staff/households/{household_id}").get_data(as_text=True)
    assert "学龄前" in page and "未就业" in page
    row = page[page.index("小明"):page.index("</tr>", page.index("小明"))]
    assert "未就业" not in row


def test_the_employer_records_where_whom_and_what_to_bring_with_the_hire(app, session, client):
    from jobmatch.services.offers.lifecycle import answer_offer
    from tests.factories import make_user

    _, vacancy, (worker,) = make_welding_site(session, workers=1)
    (offer,) = make_sent_offers(session, vacancy, [worker])
    answer_offer(session, offer.id, worker.id, True, actor=f"person:{worker.id}", via="sms")
    make_user(session, "employer", username="boss", employer_id=vacancy.employer_id).set_password("pw-123456")
    session.commit()
    offer_id = offer.id
    assert client.post("/login", data={"username": "boss", "password": "pw-123456"}).status_code == 302
    form = client.get("/e/candidates").get_data(as_text=True)
    assert 'name="work_place"' in form and 'name="contact"' in form and 'name="bring"' in form
    hire = {"start_date": "2026-12-07", "contract_months": "12", "monthly_wage": "4500", "social_insurance": "yes",
            "work_place": "园区 3 号厂房", "contact": "张师傅", "bring": "很" * 201}
    refused = client.post(f"/e/offers/{offer_id}/hire", data=hire)
    assert refused.status_code == 400 and "要带的东西最多 200 个字" in refused.get_data(as_text=True)
    assert client.post(f"/e/offers/{offer_id}/hire", data={**hire, "bring": "身份证"}).status_code == 302
    spell = session.scalar(select(EmploymentSpell).where(EmploymentSpell.person_id == worker.id))
    assert (spell.work_place, spell.contact, spell.bring) == ("园区 3 号厂房", "张师傅", "身份证")


def test_an_sms_link_for_one_member_signs_that_member_in_without_asking(app, session, client):
    from jobmatch.views.short_links import LINK_PERSON_KEY

    _, father, daughter = _family_on_one_phone(session)
    father_id, daughter_id, phone = father.id, daughter.id, father.phone
    session.rollback()
    with client.session_transaction() as browser_session:  # what following the daughter's SMS link leaves
        browser_session[LINK_PERSON_KEY] = daughter_id
    client.post("/w/login", data={"phone": phone})
    code = _code(session, daughter_id)
    assert client.post("/w/login/code", data={"code": code}).headers["Location"] == "/w/"
    home = client.get("/w/").get_data(as_text=True)
    assert "王雪燕，您好" in home and "换成家里其他人" in home  # the father can still switch
    assert f'value="{father_id}"' in client.get("/w/login/who").get_data(as_text=True)


def test_after_signing_out_the_family_list_needs_a_new_code(app, session, client):
    from datetime import timedelta

    from jobmatch.clock import utcnow
    from tests.factories import frozen_clock

    _, father, daughter = _family_on_one_phone(session)
    father_id, daughter_id, phone = father.id, daughter.id, father.phone
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    client.post("/w/login/code", data={"code": _code(session, father_id)})
    client.post("/w/login/who", data={"person_id": str(father_id)})
    with frozen_clock(utcnow() + timedelta(hours=2)):  # signed in, the family can still switch
        assert client.get("/w/login/who").status_code == 200
        client.post("/logout")
        assert client.get("/w/login/who").headers["Location"] == "/w/login"
        assert client.post("/w/login/who", data={"person_id": str(daughter_id)}).status_code == 302
        assert client.get("/w/").status_code != 200  # nobody signed in without a new code


def test_the_offer_says_where_the_job_is_when_it_is_not_at_the_employers_office(session):
    from jobmatch.services.employers.places import add_place
    from jobmatch.services.people.worker_home import job_place
    from tests.factories import make_county, make_employer, make_vacancy

    county = make_county(session)
    employer = make_employer(session, county, address="县城人民路 8 号", lat=26.80, lon=104.20)
    park = add_place(session, county_id=county.id, name="陕桥物流园", kind="industrial_park", lat=26.91, lon=104.31,
                     actor="test")
    at_office = make_vacancy(session, employer, lat=26.80, lon=104.20)
    in_the_park = make_vacancy(session, employer, lat=park.lat, lon=park.lon)
    nowhere_known = make_vacancy(session, employer, lat=27.5, lon=105.0)
    assert job_place(session, at_office) == "县城人民路 8 号"
    assert job_place(session, in_the_park) == "陕桥物流园"
    assert job_place(session, nowhere_known) == "县城人民路 8 号"


def test_the_workers_fair_dates_read_as_days_in_either_language(session, client):
    from jobmatch.services.fairs import events as fairs

    fair_day = date(2026, 12, 1)  # a Tuesday, eleven days after the frozen morning
    with frozen_clock(datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TZ)):
        settlement, _, (worker,) = make_welding_site(session, workers=1)
        fair = fairs.create_fair(session, name="春风行动招聘会", held_on=fair_day, place="文化广场",
                                 county_id=settlement.county_id, settlement_id=settlement.id, actor="test")
        fairs.register(session, fair.id, worker.id, via="staff", actor="test")
        session.commit()
        _signed_in(client, session, worker)
        assert "12月1日 周二" in client.get("/w/").get_data(as_text=True)
        english = client.get("/w/?lang=en").get_data(as_text=True)
    assert "12月" not in english and "1 Dec" in english
