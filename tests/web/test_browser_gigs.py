"""In headless Chromium: the station clerk's page at 1366 px (post a gig for an employer at the door,
register a walk-in, place them, the printable list) and the worker's gig page at 360 px (say when free,
take the gig offered); screenshots kept, no serious axe-core fault, no English on the Chinese pages."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from jobmatch.clock import local_today
from jobmatch.models import GigPlacement, Settlement, User
from jobmatch.services.gigs import offering
from jobmatch.services.gigs.availability import say_available
from tests.factories import make_household, make_person
from tests.gigs.gig_factories import post
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A
from tests.web.test_browser_workflows import _db, _sign_in

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def _check(page, name, screenshot):  # noqa: F811
    screenshot(page, name)
    assert page_has_no_horizontal_scroll(page), name
    faults = [f"{v['id']} ({v['impact']}): {v['help']}" for v in Axe().run(page).response["violations"]
              if v["impact"] in ("serious", "critical")]
    assert faults == [], name
    assert re.findall(r"[A-Za-z]{2,}", page.inner_text("main")) == [], name


@pytest.mark.slow
def test_the_clerk_runs_the_morning_at_the_station(browser, server, live_app, screenshot):  # noqa: F811
    tomorrow = local_today() + timedelta(days=1)
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    free = [make_person(session, make_household(session, site, household_no=f"GIG-{i}"), name=name)
            for i, name in enumerate(("杨大哥", "龙二姐", "吴三叔"))]
    walk_in = make_person(session, make_household(session, site, household_no="GIG-W"), name="王小妹",
                          phone="13900001111")
    for person in free:
        say_available(session, person.id, "tomorrow", source="sms", actor="test")
    session.commit()
    session.close()

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/gigs?day={tomorrow.isoformat()}")
    form = page.locator("#new-gig")
    form.locator("#employer_name").fill("张老板")
    form.locator("#title").fill("茶园采茶")
    form.locator("#work_date").fill(tomorrow.isoformat())
    form.locator("#start_time").fill("09:00")
    form.locator("#end_time").fill("17:00")
    form.locator("#headcount").fill("3")
    form.locator("#pay_yuan").fill("150")
    form.locator("input[name=meals]").check()
    form.locator("input[name=accident_insurance]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已发布“茶园采茶”" in page.inner_text("main")
    # Tomorrow's walk-in is today's registration: the clerk registers her and places her on the spot.
    page.goto(f"{server}/staff/gigs")
    walk = page.locator("form[action$='/staff/gigs/walk-in']")
    walk.locator("#name").fill("王小妹")
    walk.locator("#phone").fill("139 0000 1111")
    walk.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "王小妹今天可以打零工" in page.inner_text("main")
    page.goto(f"{server}/staff/gigs?day={tomorrow.isoformat()}")
    gig = page.locator("section.gig").filter(has_text="茶园采茶")
    assert "已到 0 / 要 3 人" in gig.inner_text() and "杨大哥" in gig.inner_text()
    _check(page, "gig-station-1366", screenshot)
    page.close()

    session = _db(live_app)
    say_available(session, walk_in.id, "tomorrow", source="station", actor="test")
    session.commit()
    session.close()
    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/gigs?day={tomorrow.isoformat()}")
    gig = page.locator("section.gig").filter(has_text="茶园采茶")
    gig.locator("select[name=person_id]").select_option(label="王小妹")
    gig.get_by_role("button", name="安排").click()
    page.wait_for_load_state()
    assert "已安排王小妹去“茶园采茶”" in page.inner_text("main")
    page.goto(f"{server}/staff/gigs/print?day={tomorrow.isoformat()}")
    assert "王小妹" in page.inner_text("main")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    screenshot(page, "gig-station-print")
    page.close()


@pytest.mark.slow
def test_the_worker_says_when_free_and_takes_a_gig_on_a_phone(browser, server, live_app, screenshot):  # noqa: F811
    tomorrow = local_today() + timedelta(days=1)
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    worker = session.scalar(select(User).where(User.username == "worker")).person
    worker.wants_work, worker.capacity = True, "full"
    session.commit()
    session.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "worker")
    page.goto(f"{server}/w/gigs")
    page.locator("button[value=tomorrow]").click()
    page.wait_for_load_state()
    assert "明天可以打零工" in page.inner_text("main")

    session = _db(live_app)
    gig = post(session, session.get(Settlement, site.id), work_date=tomorrow, start_time="09:00", title="工地清理",
               headcount=2)
    with live_app.app_context():
        offering.offer_gig(session, gig.id, actor="test")
    session.commit()
    session.close()
    page.goto(f"{server}/w/gigs")
    card = page.locator("div.card.gig").filter(has_text="工地清理")
    assert "等您答复" in card.inner_text() and "元/天" in card.inner_text()
    _check(page, "worker-gigs-360", screenshot)
    card.locator("button[value=accept]").click()
    page.wait_for_load_state()
    assert "您接下了这个活" in page.inner_text("main")
    screenshot(page, "worker-gigs-taken-360")
    page.close()

    session = _db(live_app)
    post(session, session.get(Settlement, site.id), work_date=tomorrow + timedelta(days=1), title="酒席帮厨",
         headcount=1, physical_demand="light")
    session.commit()
    session.close()
    page = browser.new_page(**PHONE)
    _sign_in(page, server, "worker")
    page.goto(f"{server}/w/gigs")
    nearby = page.locator("div.card.gig").filter(has_text="酒席帮厨")
    _check(page, "worker-gigs-nearby-360", screenshot)
    nearby.get_by_role("button", name="我要去").click()
    page.wait_for_load_state()
    assert "您接下了这个活" in page.inner_text("main")
    page.close()
    session = _db(live_app)
    assert session.scalars(select(GigPlacement.status).where(GigPlacement.person_id == worker.id)).all() == [
        "accepted", "accepted"]
    session.close()
