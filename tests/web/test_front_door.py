"""The front door at /: a way in for each kind of visitor, and the demo a newcomer can try."""

from sqlalchemy import select

from jobmatch.models import Offer, User
from jobmatch.models.offers import OfferStatus
from jobmatch.services.demo import DEMO_PASSWORD, demo_logins, load_demo
from jobmatch.services.offers.matching_input import employed_person_ids
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import PHONE, _serious_violations


def test_the_front_door_has_a_door_for_workers_employers_and_staff(client):
    page = client.get("/").get_data(as_text=True)
    assert "我是找工作的群众" in page and 'href="/w/login"' in page
    assert "我是用人单位" in page and 'href="/e/signup"' in page
    assert "我是工作人员" in page and 'href="/login"' in page


def test_the_sign_in_form_leads_workers_to_the_phone_sign_in(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/w/login"' in page and 'href="/e/signup"' in page


def test_the_demo_worker_is_out_of_work_with_an_open_offer_and_the_phone_is_printed(session, client):
    load_demo(session, households=20, seed=1)
    session.commit()
    worker = session.scalar(select(User).where(User.username == "worker")).person
    assert employed_person_ids(session, [worker.id]) == set()
    offer = session.scalar(select(Offer).where(Offer.person_id == worker.id, Offer.status == OfferStatus.SENT))
    assert offer is not None
    assert ("worker (/w/login)", worker.phone) == demo_logins(session)[4][:2]
    title = offer.vacancy.title
    session.rollback()  # SQLite: let the requests write
    client.post("/login", data={"username": "worker", "password": DEMO_PASSWORD})
    assert title in client.get("/w/").get_data(as_text=True)


def test_the_front_door_on_a_phone_is_easy_to_tap_and_axe_clean(browser, server, screenshot):
    page = browser.new_page(**PHONE)
    page.goto(f"{server}/")
    screenshot(page, "front-door-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    heights = page.eval_on_selector_all("main a.btn", "links => links.map(a => a.getBoundingClientRect().height)")
    assert len(heights) == 4 and min(heights) >= 44
    page.click("text=用手机号登录")
    assert page.url == f"{server}/w/login"
    page.close()
