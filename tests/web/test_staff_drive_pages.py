"""Staff pages of the zero-employment drive and the inbox: door visits, unread texts, the follow-up
form's job changes, and the county overview's bounded list. Scoped to the staff's settlements."""

from datetime import date

from sqlalchemy import func, select

from jobmatch.models import DoorVisit, EmploymentSpell, Household, InboundMessage, LedgerEvent, Person, Vacancy
from jobmatch.services.households.status import refresh_households
from jobmatch.services.sms.inbound import mark_read, receive_reply, unread_count, unread_replies
from notifications.phones import national_digits
from tests.factories import make_spell
from tests.web.helpers import load_small_demo, login


def _text(session, person_id, body, sid):
    phone = session.get(Person, person_id).phone if person_id else "+8613900000000"
    return receive_reply(session, from_phone=phone, body=body, provider_sid=sid).inbound_id


def test_unread_texts_are_scoped_masked_for_officers_and_marked_read(app, session, client):
    demo = load_small_demo(session)
    text_a = _text(session, demo.person_a, "我想找保洁的活", "SMA1")
    text_b = _text(session, demo.person_b, "孩子生病了，明天来不了", "SMB1")
    _text(session, None, "你好", "SMX1")  # a number nobody has: admins only
    session.commit()
    assert [r.id for r in unread_replies(session, settlement_ids={demo.settlement_a})] == [text_a]
    assert unread_count(session) == 3 and unread_count(session, {demo.settlement_a}) == 1
    phone_a = session.get(Person, demo.person_a).phone
    session.rollback()

    login(client, "staff_a")
    assert '未读短信</a><b class="flag">1</b>' in client.get("/staff/").get_data(as_text=True)
    page = client.get("/staff/sms/unread").get_data(as_text=True)
    assert "我想找保洁的活" in page and national_digits(phone_a) in page
    assert "孩子生病了" not in page and "你好" not in page
    assert client.post("/staff/sms/unread/read", data={"inbound_id": [text_a, text_b]}).status_code == 302
    assert session.get(InboundMessage, text_a).unread is False
    assert session.get(InboundMessage, text_b).unread is True  # settlement B's: not staff_a's to mark
    session.rollback()

    officer = app.test_client()
    login(officer, "county")
    page = officer.get("/staff/sms/unread").get_data(as_text=True)
    assert officer.post("/staff/sms/unread/read", data={"inbound_id": [text_b]}).status_code == 403
    assert "孩子生病了" in page and national_digits(session.get(Person, demo.person_b).phone) not in page
    assert mark_read(session, [text_b], actor="test", settlement_ids={demo.settlement_a}) == 0


def test_door_visit_with_a_vacancy_or_a_note_goes_on_the_household_timeline(app, session, client):
    demo = load_small_demo(session)
    vacancy_id = session.scalar(select(func.min(Vacancy.id)).where(Vacancy.status == "open"))
    session.rollback()
    login(client, "staff_a")
    url = f"/staff/households/{demo.household_a}/door-visit"
    assert "送上门的岗位" in client.get(url).get_data(as_text=True)
    empty = client.post(url, data={"vacancy_id": "", "note": ""})
    assert empty.status_code == 400 and "请选择送上门的岗位，或写明情况" in empty.get_data(as_text=True)
    assert client.post(url, data={"vacancy_id": "999999", "note": ""}).status_code == 400
    done = client.post(url, data={"vacancy_id": str(vacancy_id), "note": "户主愿意去看看"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/households/{demo.household_a}")
    visit = session.scalar(select(DoorVisit).where(DoorVisit.household_id == demo.household_a))
    assert (visit.vacancy_id, visit.note) == (vacancy_id, "户主愿意去看看")
    session.rollback()
    timeline = client.get(f"/staff/households/{demo.household_a}").get_data(as_text=True).split("台账记录")[1]
    title = session.get(Vacancy, vacancy_id).title
    session.rollback()
    assert "staff_a 送岗位上门到" in timeline and title in timeline
    assert client.get(f"/staff/households/{demo.household_b}/door-visit").status_code == 404
    assert client.post(f"/staff/households/{demo.household_b}/door-visit", data={"note": "x"}).status_code == 404


def test_follow_up_form_records_jobs_found_and_lost_with_errors_by_the_field(app, session, client):
    demo = load_small_demo(session)
    household = session.get(Household, demo.household_a)
    for person in household.members:
        for spell in person.spells:
            spell.ended_on = spell.ended_on or spell.started_on
    leaver, finder = household.members[0], household.members[-1] if len(household.members) > 1 else None
    make_spell(session, leaver, started_on=date(2025, 3, 1), employer_name="县城超市")
    refresh_households(session, [household.id], actor="test")
    session.commit()
    leaver_id, _finder_id = leaver.id, (finder.id if finder else None)
    session.rollback()
    login(client, "staff_a")
    url = f"/staff/households/{demo.household_a}/follow-up"
    assert "就业变化" in client.get(url).get_data(as_text=True)

    bad = client.post(url, data={"method": "phone", "lost_" + str(leaver_id): "1",
                                 f"lost_on_{leaver_id}": "2024-01-01", f"found_kind_{leaver_id}": "workshop"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert f'id="lost_on_{leaver_id}-error">离职日期不能早于上岗日期' in page
    assert f'id="found_employer_{leaver_id}-error">请填写工作单位' in page

    changes = {"method": "visit", f"lost_{leaver_id}": "1", f"found_kind_{leaver_id}": "workshop",
               f"found_employer_{leaver_id}": "五里岗帮扶车间", f"found_income_{leaver_id}": "2600"}
    assert client.post(url, data=changes).status_code == 302
    spells = session.scalars(select(EmploymentSpell).where(EmploymentSpell.person_id == leaver_id)
                             .order_by(EmploymentSpell.id)).all()
    assert spells[-2].ended_on is not None and spells[-1].employer_name == "五里岗帮扶车间"
    assert spells[-1].ended_on is None and spells[-1].monthly_income == 2600
    kinds = set(session.scalars(select(LedgerEvent.kind).where(LedgerEvent.household_id == demo.household_a)))
    assert {"follow_up_recorded", "employment_ended", "employment_started"} <= kinds
    assert session.get(Household, demo.household_a).last_follow_up_at is not None


def test_county_overview_counts_every_zero_employment_household_and_lists_twenty(app, session, client):
    load_small_demo(session, households=60)
    households = session.scalars(select(Household).order_by(Household.id)).all()
    for household in households[:25]:  # no one employed, everyone wanting work: zero-employment
        for person in household.members:
            person.capacity, person.wants_work = "full", True
            for spell in person.spells:
                spell.ended_on = spell.ended_on or spell.started_on
    refresh_households(session, [h.id for h in households], actor="test")
    session.commit()
    zero = session.scalar(select(func.count(Household.id)).where(Household.zero_employment.is_(True)))
    session.rollback()
    assert zero >= 25
    login(client, "county")
    page = client.get("/county/").get_data(as_text=True)
    assert f"零就业家庭（{zero}）" in page
    listed = page.split(f"零就业家庭（{zero}）")[1]
    assert listed.count("/staff/households/") == 20 and f"还有 {zero - 20} 户未列出" in listed
