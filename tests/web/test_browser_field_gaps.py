"""In headless Chromium: a worker's text in their own words on the unread page and the problems page at
1366 px, closed as "not a problem" with one click; a gig at a known place chosen on the station page
(1366 px) and shown on the worker's gig page (360 px). Screenshots kept, no serious axe-core fault, no
English on the Chinese pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobmatch.clock import local_today
from jobmatch.models import Gig, Person, Place, Problem, Settlement, User
from jobmatch.services.gigs import offering
from jobmatch.services.sms.inbound import receive_reply
from tests.web.helpers import SITE_A
from tests.web.test_browser_gigs import DESKTOP, PHONE, _check
from tests.web.test_browser_workflows import _db, _sign_in


@pytest.mark.slow
def test_staff_see_a_text_as_a_problem_and_close_it_as_not_a_problem(browser, server, live_app, screenshot):
    session = _db(live_app)
    person = session.get(Person, live_app.demo.person_a)
    first = receive_reply(session, from_phone=person.phone, body="谢谢你们上次帮忙找活", provider_sid="BR-1")
    receive_reply(session, from_phone=person.phone, body="没别的事", provider_sid="BR-2")
    problem_id = session.scalar(select(Problem.id).where(Problem.person_id == person.id, Problem.source == "sms"))
    session.commit()
    session.close()

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/sms/unread")
    text = page.locator("li.card").filter(has_text="谢谢你们上次帮忙找活")
    assert "已记为群众反映的问题" in text.inner_text()
    _check(page, "field-gaps-unread-1366", screenshot)
    text.get_by_role("link", name="已记为群众反映的问题，去处理").click()
    page.wait_for_load_state()
    row = page.locator(f"#problem-{problem_id}")
    assert "短信留言" in row.inner_text() and "没别的事" in row.inner_text()
    _check(page, "field-gaps-problems-1366", screenshot)
    row.locator("select[name=reason]").select_option(label="问候或道谢，不用办")
    row.get_by_role("button", name="不是问题").click()
    page.wait_for_load_state()
    assert "已关闭：不是问题。" in page.inner_text("main")
    assert page.locator(f"#problem-{problem_id}").count() == 0
    page.goto(f"{server}/staff/sms/unread")
    assert "谢谢你们上次帮忙找活" not in page.inner_text("main")
    page.close()
    session = _db(live_app)
    closed = session.get(Problem, problem_id)
    assert (closed.not_a_problem, closed.resolved_at is not None) == ("greeting", True)
    assert first.inbound_id
    session.close()


@pytest.mark.slow
def test_a_gig_at_a_known_place_from_the_station_to_the_workers_phone(browser, server, live_app, screenshot):
    tomorrow = local_today() + timedelta(days=1)
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    park = session.scalar(select(Place).where(Place.name == "五里岗工业园区"))
    worker = session.scalar(select(User).where(User.username == "worker")).person
    worker.wants_work, worker.capacity = True, "full"
    site_id, park_id, worker_id = site.id, park.id, worker.id
    session.commit()
    session.close()

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/gigs?day={tomorrow.isoformat()}")
    form = page.locator("#new-gig")
    form.locator("#employer_name").fill("张老板")
    form.locator("#title").fill("仓库卸货")
    form.locator("#place_id").select_option(label="五里岗工业园区")
    form.locator("#address").fill("3号仓库")
    form.locator("#work_date").fill(tomorrow.isoformat())
    form.locator("#start_time").fill("09:00")
    form.locator("#end_time").fill("17:00")
    form.locator("#headcount").fill("2")
    form.locator("#pay_yuan").fill("160")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已发布“仓库卸货”" in page.inner_text("main")
    gig_card = page.locator("section.gig").filter(has_text="仓库卸货")
    assert "五里岗工业园区 3号仓库" in gig_card.inner_text()
    _check(page, "field-gaps-gig-station-1366", screenshot)
    page.close()

    session = _db(live_app)
    gig = session.scalar(select(Gig).where(Gig.title == "仓库卸货"))
    assert (gig.place_id, gig.settlement_id) == (park_id, site_id)
    from jobmatch.services.gigs.availability import say_available
    say_available(session, worker_id, "tomorrow", source="sms", actor="test")
    with live_app.app_context():
        offering.offer_gig(session, gig.id, actor="test")
    session.commit()
    session.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "worker")
    page.goto(f"{server}/w/gigs")
    card = page.locator("div.card.gig").filter(has_text="仓库卸货")
    assert "五里岗工业园区 3号仓库" in card.inner_text()
    _check(page, "field-gaps-worker-gig-360", screenshot)
    page.close()


@pytest.mark.slow
def test_the_employer_names_a_known_place_for_a_gig(browser, server, live_app, screenshot):
    tomorrow = local_today() + timedelta(days=1)
    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "employer")
    page.goto(f"{server}/e/gigs")
    form = page.locator("#new-gig")
    form.locator("#title").fill("园区搬运")
    form.locator("#place_id").select_option(label="五里岗工业园区")
    form.locator("#work_date").fill(tomorrow.isoformat())
    form.locator("#headcount").fill("2")
    form.locator("#pay_yuan").fill("170")
    _check(page, "field-gaps-employer-gig-form-1366", screenshot)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "五里岗工业园区" in page.inner_text("main")
    page.close()
