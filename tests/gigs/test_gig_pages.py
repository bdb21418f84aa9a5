"""The gig pages, thin over the services: the station clerk's board at the door, the employer's gig and
pay confirmation, and the worker's gig page (answers through the same path as an SMS)."""

import re

import pytest
from sqlalchemy import select

from jobmatch.models import Gig, GigAvailability, GigPlacement
from jobmatch.services.gigs.availability import say_available
from tests.conftest import make_test_app
from tests.factories import frozen_clock, make_employer, make_household, make_person, make_settlement
from tests.gigs.gig_factories import GIG_DAY, MORNING, post
from tests.web.helpers import add_user, login

GIG_FORM = {"title": "搬运装车", "work_date": GIG_DAY.isoformat(), "start_time": "10:00", "end_time": "17:00",
            "headcount": "2", "pay_yuan": "180", "pay_basis": "day", "pay_timing": "same_day", "pay_method": "wechat",
            "physical_demand": "medium", "meals": "1", "accident_insurance": "1"}


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url, SMS_INPROCESS_DISPATCHER=False)  # the texts stay in the outbox
    yield app
    app.extensions["jobmatch.engine"].dispose()


@pytest.fixture
def clock():
    with frozen_clock(MORNING) as clock:
        yield clock


def test_the_clerk_posts_for_a_walk_in_employer_registers_a_walk_in_and_assigns_them(app, session, client, clock):
    site = make_settlement(session)
    walk_in = make_person(session, make_household(session, site), name="王小妹", phone="13900001111")
    free = make_person(session, make_household(session, site))
    say_available(session, free.id, "today", source="station", actor="test")
    add_user(session, "clerk", "staff", settlements=[site])
    session.commit()
    login(client, "clerk")
    response = client.post("/staff/gigs", data={**GIG_FORM, "settlement_id": site.id, "employer_name": "张老板"})
    assert response.status_code == 302
    assert "短信推送 1 人" in client.get(response.headers["Location"]).get_data(as_text=True)
    bad = client.post("/staff/gigs/walk-in", data={"name": "王小妹", "phone": "13900002222"})
    assert bad.status_code == 400 and "台账上没有手机号为 13900002222 的人" in bad.get_data(as_text=True)
    assert client.post("/staff/gigs/walk-in", data={"name": "王小妹", "phone": "139 0000 1111"}).status_code == 302
    gig_id, walk_in_id, free_id = session.scalars(select(Gig.id)).one(), walk_in.id, free.id
    session.rollback()
    page = client.get("/staff/gigs").get_data(as_text=True)
    assert "张老板" in page and "王小妹" in page and "已到 0 / 要 2 人" in page
    assert client.post(f"/staff/gigs/{gig_id}/assign", data={"person_id": walk_in_id}).status_code == 302
    printed = client.get("/staff/gigs/print").get_data(as_text=True)
    assert "零工派工单" in printed and "王小妹" in printed and "搬运装车" in printed
    assert "零工月报" in client.get("/staff/gigs/report").get_data(as_text=True)
    session.rollback()
    assert {(p.person_id, p.status) for p in session.scalars(select(GigPlacement))} == {
        (free_id, "sent"), (walk_in_id, "accepted")}


def test_a_county_officer_reads_the_station_but_cannot_post(app, session, client, clock):
    site = make_settlement(session)
    add_user(session, "officer", "county_officer", county_id=site.county_id)
    session.commit()
    login(client, "officer")
    assert client.get("/staff/gigs").status_code == 200
    assert client.post("/staff/gigs", data={**GIG_FORM, "settlement_id": site.id,
                                            "employer_name": "张老板"}).status_code == 403


def test_the_employer_posts_a_gig_and_confirms_who_worked(app, session, client, clock):
    site = make_settlement(session)
    employer = make_employer(session, site.county)
    worker = make_person(session, make_household(session, site))
    say_available(session, worker.id, "today", source="sms", actor="test")
    add_user(session, "boss", "employer", employer_id=employer.id)
    session.commit()
    login(client, "boss")
    missing = client.post("/e/gigs", data={**GIG_FORM, "settlement_id": site.id, "end_time": "09:00"})
    assert missing.status_code == 400 and "收工时间应晚于上工时间" in missing.get_data(as_text=True)
    response = client.post("/e/gigs", data={**GIG_FORM, "settlement_id": site.id})
    assert response.status_code == 302
    session.rollback()
    gig_id = session.scalars(select(Gig.id)).one()
    placement_id = session.scalars(select(GigPlacement.id)).one()
    from jobmatch.services import answers
    with app.app_context():
        answers.answer(session, f"gig:{placement_id}", worker.id, True, actor="test", via="web")
    session.commit()
    clock.set(MORNING.replace(hour=17, minute=30))
    page = client.post(f"/e/gigs/{gig_id}", data={f"worked_{placement_id}": "1", f"days_{placement_id}": "1",
                                                  f"pay_{placement_id}": "180"})
    assert page.status_code == 302
    session.rollback()
    confirmed = session.get(GigPlacement, placement_id)
    assert (confirmed.pay_status, confirmed.pay_total_yuan) == ("confirmed", 180)


def test_the_worker_says_when_they_are_free_and_answers_a_gig_on_their_page(app, session, client, clock):
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    add_user(session, "w1", "worker", person_id=worker.id)
    session.commit()
    login(client, "w1")
    worker_id = worker.id
    session.rollback()
    assert client.post("/w/gigs/free", data={"when": "today"}).status_code == 302
    assert session.scalars(select(GigAvailability.day).where(GigAvailability.person_id == worker_id)).all() == [GIG_DAY]
    session.rollback()
    gig = post(session, site, headcount=1)
    from jobmatch.services.gigs import offering
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="test")
    session.commit()
    placement_id = session.scalars(select(GigPlacement.id)).one()
    session.rollback()
    page = client.get("/w/gigs").get_data(as_text=True)
    assert "搬运装车" in page and "等您答复" in page and "180元/天" in page
    deadline = re.search(r'<dd class="deadline">([^<]*)</dd>', page).group(1)
    assert re.fullmatch(r"\d+月\d+日 周. .+前", deadline), deadline  # plain words, as the SMS says it
    response = client.post(f"/w/gigs/{placement_id}/answer", data={"answer": "accept"})
    assert "您接下了这个活" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert session.get(GigPlacement, placement_id).status == "accepted"


def test_the_employer_calls_a_gig_off_and_the_worker_is_told(app, session, client, clock):
    site = make_settlement(session)
    employer = make_employer(session, site.county)
    worker = make_person(session, make_household(session, site))
    say_available(session, worker.id, "today", source="sms", actor="test")
    add_user(session, "boss", "employer", employer_id=employer.id)
    gig = post(session, site, employer)
    from jobmatch.services.gigs import offering
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="test")
    gig_id, worker_id = gig.id, worker.id
    session.commit()
    login(client, "boss")
    assert "取消这个零工" in client.get(f"/e/gigs/{gig_id}").get_data(as_text=True)
    response = client.post(f"/e/gigs/{gig_id}/cancel")
    assert "已短信告诉 1 位工人不用去了" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(GigPlacement.status).where(GigPlacement.person_id == worker_id)) == "cancelled"
