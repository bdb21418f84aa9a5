"""In headless Chromium: staff offer a public-welfare place from the ranked list (a reason is
required for anyone but the first), the worker sees the offer with 回1接受 回2不要 and accepts it
on a phone, and the employer reads their hiring subsidies; each page at 360 px and 1366 px,
with no English on the Chinese pages and no serious axe-core fault."""

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from jobmatch.clock import add_months, local_today
from jobmatch.models import EmploymentSpell, Message, Settlement, User, WelfareAppointment
from jobmatch.services.households.status import refresh_households
from tests.factories import make_household, make_person, make_spell, make_welfare_post
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A
from tests.web.test_browser_workflows import _db, _sign_in

# The browser's own widgets (the month picker) speak the reader's language too.
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
SERIOUS = ("serious", "critical")
REASON = "本人持有保洁员证，社区急需，经居委会议定"


def _serious_faults(page) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in Axe().run(page).response["violations"] if v["impact"] in SERIOUS]


def _english_words(page) -> list[str]:
    """Latin words in the page's content (the header keeps the sign-in name and the link to English;
    "Excel" is what people call the spreadsheet file)."""
    return [word for word in re.findall(r"[A-Za-z]{2,}", page.inner_text("main")) if word != "Excel"]


def _check_both_widths(page, name: str, screenshot) -> None:
    """The page as it is now, at 1366 px and at 360 px: screenshot, no page-wide scroll, axe, no English."""
    for width, height in ((1366, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"{name}-{width}")
        assert page_has_no_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
        assert _serious_faults(page) == [], name
        assert _english_words(page) == [], name


def _set_up(app) -> dict:
    """At the demo's site A: a cleaner's post, a candidate ranked above the demo worker, and the demo
    employer made a settlement entrepreneur with one payable, one pending and one refused hire."""
    session = _db(app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    worker = session.scalar(select(User).where(User.username == "worker")).person
    worker.wants_work, worker.capacity, worker.birth_date = True, "full", date(1988, 3, 1)
    first = make_person(session, make_household(session, site, household_no="WELFARE-1"), name="龙阿婆", gender="female", capacity="weak",
                        birth_date=date(1966, 4, 1), cannot_leave_site=True, cannot_leave_reason="caring_children")
    refresh_households(session, [first.household_id], actor="test")
    post = make_welfare_post(session, site, title="安置点保洁员", quota=2, monthly_subsidy=1200)
    employer = session.scalar(select(User).where(User.username == "employer")).employer
    employer.entrepreneur_settlement_id = site.id
    today = local_today()
    hires = {"张阿妹": (add_months(today, -8), 12, True), "杨小兰": (add_months(today, -2), 12, True),
             "吴春花": (add_months(today, -7), 6, True)}
    for number, (name, (started_on, contract_months, insured)) in enumerate(hires.items(), start=2):
        household = make_household(session, site, household_no=f"WELFARE-{number}")
        make_spell(session, make_person(session, household, name=name), started_on=started_on,
                   employer_id=employer.id, employer_name=employer.name, contract_months=contract_months,
                   social_insurance=insured)
    session.commit()
    ids = {"post": post.id, "worker": worker.id, "worker_name": worker.name, "first": first.name}
    session.close()
    return ids


@pytest.mark.slow
def test_staff_offer_a_welfare_place_the_worker_accepts_and_the_employer_reads_subsidies(
        browser, server, live_app, screenshot):
    ids = _set_up(live_app)

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/welfare/{ids['post']}")
    ranking = page.locator("table").filter(has_text="优先原因")
    first_row = ranking.locator("tbody tr").first
    assert ids["first"] in first_row.inner_text() and "零就业家庭" in first_row.inner_text()
    assert "零就业家庭排在最前" in page.inner_text("main")  # the ranking is explained on the page
    row = ranking.locator("tbody tr").filter(has_text=ids["worker_name"])
    reason = row.locator("input[name=override_reason]")
    row.locator("button[type=submit]").click()  # no reason: the browser keeps the form
    assert reason.evaluate("input => input.validity.valueMissing")
    assert page.url.endswith(f"/staff/welfare/{ids['post']}")
    reason.evaluate("input => input.removeAttribute('required')")  # the server refuses it too
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "须写明理由" in page.inner_text("main")
    row = page.locator("table").filter(has_text="优先原因").locator("tbody tr").filter(has_text=ids["worker_name"])
    row.locator("input[name=override_reason]").fill(REASON)
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert REASON in page.inner_text("main") and "已推送，等本人答复" in page.inner_text("main")
    _check_both_widths(page, "staff-welfare-post", screenshot)
    page.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "worker")
    page.goto(f"{server}/w/")
    place = page.locator("#welfare")
    assert "安置点保洁员" in place.inner_text() and "回1接受 回2不要" in place.inner_text()
    deadline = place.locator(".deadline").inner_text().removeprefix("答复期限：")  # "12月3日 周四 中午12点前"
    session = _db(live_app)
    text = session.scalar(select(Message.body).where(Message.kind == "welfare_post",
                                                     Message.person_id == ids["worker"]))
    session.close()
    assert f"请在{deadline}回1接受" in text  # the SMS states the deadline the page shows
    _check_both_widths(page, "worker-welfare-offer", screenshot)
    page.set_viewport_size({"width": 360, "height": 740})
    place.locator("button[value=accept]").click()
    page.wait_for_load_state()
    assert "在岗" in page.locator("#welfare").inner_text()
    screenshot(page, "worker-welfare-accepted-360")
    page.close()

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "employer")
    page.goto(f"{server}/e/subsidies")
    main = page.inner_text("main")
    assert "1 人 / 1000 元" in main and "张阿妹" in main and "杨小兰" in main
    assert "合同期不足一年（6 个月）" in main
    _check_both_widths(page, "employer-subsidies", screenshot)
    page.close()

    session = _db(live_app)
    appointment = session.scalar(select(WelfareAppointment).where(WelfareAppointment.person_id == ids["worker"]))
    assert appointment.status == "active" and appointment.override_reason == REASON
    assert session.scalar(select(EmploymentSpell.kind).where(EmploymentSpell.person_id == ids["worker"],
                                                             EmploymentSpell.ended_on.is_(None))) == "welfare_post"
    session.close()
