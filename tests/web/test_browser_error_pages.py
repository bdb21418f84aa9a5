"""In headless Chromium: a name typed as markup stays text (and no script runs), the error pages
on a 360 px phone, and axe-core finds no serious or critical fault on the main pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from jobmatch.models import Employer, Offer, Person, User
from jobmatch.models.offers import OfferStatus
from jobmatch.services.demo import DEMO_PASSWORD
from tests.factories import make_sent_offers, make_vacancy
from tests.web.conftest import page_has_no_horizontal_scroll

TAG = "<img src=x onerror=alert(document.domain)>"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SERIOUS = ("serious", "critical")


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def _db(app):
    return app.extensions["jobmatch.sessionmaker"]()


def _sign_up_employer(app, name: str) -> int:
    session = _db(app)
    county_id = session.scalar(select(Employer.county_id).where(Employer.approved).limit(1))
    session.close()
    app.test_client().post("/e/signup", data={
        "name": name, "kind": "company", "county_id": str(county_id), "contact_name": "张厂长",
        "contact_phone": "13985012345", "address": "五里岗工业园", "username": "xinxing",
        "password": "longenough1", "password_again": "longenough1"})
    session = _db(app)
    employer_id = session.scalar(select(Employer.id).where(Employer.name == name))
    session.close()
    return employer_id


def _offers(app) -> tuple[int, int]:
    """An offer sent to the signed-in demo worker and one sent to a person of another household."""
    session = _db(app)
    me = session.scalar(select(User).where(User.username == "worker")).person
    mine = session.scalar(select(Offer.id).where(Offer.person_id == me.id, Offer.status == OfferStatus.SENT))
    other = session.scalar(select(Person).where(Person.household_id != me.household_id).limit(1))
    employer = session.scalar(select(Employer).where(Employer.approved).limit(1))
    [theirs] = make_sent_offers(session, make_vacancy(session, employer), [other])
    session.commit()
    ids = mine, theirs.id  # mine: the demo worker's open offer
    session.close()
    return ids


def test_staff_approving_an_employer_named_like_markup_see_it_as_text_and_no_script_runs(
        browser, server, live_app, screenshot):
    employer_id = _sign_up_employer(live_app, TAG)
    assert employer_id is not None
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _sign_in(page, server, "staff")
    page.goto(f"{server}/staff/employers/pending")
    assert TAG in page.inner_text("main")
    with page.expect_navigation():
        page.click(f"form[action$='/employers/{employer_id}/decision'] button[value=approve]")
    assert page.inner_text(".flash") == f"已通过“{TAG}”。"
    assert page.locator("main img").count() == 0
    screenshot(page, "staff-employer-approved-markup-name-1280")
    assert dialogs == []
    page.close()


def test_a_worker_tapping_a_family_members_link_gets_a_chinese_404_with_a_way_to_switch(
        browser, server, live_app, screenshot):
    _, theirs = _offers(live_app)
    page = browser.new_page(**PHONE)
    _sign_in(page, server, "worker")
    response = page.goto(f"{server}/w/o/{theirs}")
    assert response.status == 404
    assert "这条工作推荐不是发给" in page.inner_text("main")
    screenshot(page, "error-404-other-members-offer-360")
    assert page_has_no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("text=用家里其他人的手机号登录")
    page.wait_for_selector("#phone")
    assert page.url.startswith(f"{server}/w/login")
    page.close()


def test_a_bug_shows_a_chinese_500_page_on_a_phone(browser, server, live_app, screenshot):
    live_app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail():
        raise RuntimeError("a bug")

    live_app.add_url_rule("/w/fails", "fails", fail)
    page = browser.new_page(**PHONE)
    response = page.goto(f"{server}/w/fails")
    assert response.status == 500
    assert "系统出错了" in page.inner_text("main")
    screenshot(page, "error-500-360")
    assert page_has_no_horizontal_scroll(page)
    page.close()


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core" and results.response["url"] == page.url
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("who, paths, device", [
    (None, ["/login", "/no-such-page", "/w/login"], {"viewport": {"width": 1280, "height": 900}}),
    ("worker", ["/w/", "/w/o/{mine}", "/w/o/{theirs}"], PHONE),
    ("staff", ["/staff/", "/staff/no-such-page", "/e/company"], {"viewport": {"width": 1280, "height": 900}}),
])
def test_axe_finds_no_serious_fault_on_the_main_and_error_pages(browser, server, live_app, who, paths, device):
    mine, theirs = _offers(live_app)
    page = browser.new_page(**device)
    if who:
        _sign_in(page, server, who)
    faults = {}
    for path in paths:
        page.goto(server + path.format(mine=mine, theirs=theirs))
        faults[path] = _serious_violations(page)
    assert faults == {path: [] for path in paths}
    page.close()
