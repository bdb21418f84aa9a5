"""In Chromium: the grouped staff bar is one line at 1366 px and usable at 360 px, opens with the
keyboard (Enter on a group, Tab to a link) and without JavaScript, closes with Escape; the long
timeline pages back with 更早的记录; the employer reads reasons as sentences. Axe clean, screenshots."""

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Household, MatchRound, Offer, User, Vacancy
from jobmatch.services.answers import answer
from jobmatch.services.demo import DEMO_PASSWORD
from jobmatch.services.offers.lifecycle import send_offers
from tests.web.conftest import page_has_no_horizontal_scroll

SERIOUS = ("serious", "critical")
DESK = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def _serious(page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"] if v["impact"] in SERIOUS]


def _bar_rows(page) -> int:
    """How many lines the header's items take (brand, groups, name, sign-out, language)."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll(`header.top .brand, header.top summary, header.top ul.menu > li > a,
                                                     header.top .who, header.top nav > form, header.top nav > a`)];
        return new Set(items.map(el => Math.round(el.getBoundingClientRect().top / 10))).size;
    }""")


def test_the_staff_bar_is_one_line_and_works_by_keyboard(browser, server, live_app, screenshot):
    page = browser.new_page(**DESK)
    _sign_in(page, server, "admin")  # the most links of any role
    page.goto(f"{server}/staff/")
    assert _bar_rows(page) == 1
    assert page.locator("header.top ul.menu-links a").first.is_hidden()  # groups start closed
    page.focus("header.top .brand")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "今日"
    for _ in range(3):  # 今日 → 住户与人员 → 岗位与匹配 → 招聘会与零工
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    links = page.locator("header.top details[open] ul.menu-links a")
    assert links.all_inner_texts() == ["招聘会", "零工", "培训"]
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "零工"
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/gigs")
    assert page.locator("header.top a[aria-current=page]").text_content() == "零工"
    page.click("header.top summary:has-text('报表与台账')")
    assert page.locator("header.top details[open] summary").all_inner_texts() == ["报表与台账"]
    assert _serious(page) == []
    screenshot(page, "staff-nav-open-1366")
    page.click("header.top summary:has-text('设置')")  # opening one group closes the other
    assert page.locator("header.top details[open] summary").all_inner_texts() == ["设置"]
    page.keyboard.press("Escape")
    assert page.locator("header.top details[open]").count() == 0
    assert page.evaluate("document.activeElement.textContent") == "设置"
    page.goto(f"{server}/staff/?lang=en")
    screenshot(page, "staff-nav-en-1366")
    assert _bar_rows(page) == 1
    page.close()


def test_the_bar_works_without_javascript_and_on_a_phone(browser, server, live_app, screenshot):
    page = browser.new_page(**DESK, java_script_enabled=False)
    _sign_in(page, server, "county")
    page.goto(f"{server}/staff/")
    page.click("header.top summary:has-text('报表与台账')")  # two clicks: the group, then the page
    page.click("header.top a:has-text('全县')")
    page.wait_for_url("**/county/")
    page.close()

    phone = browser.new_page(**PHONE)
    _sign_in(phone, server, "staff_a")
    phone.goto(f"{server}/staff/")
    assert page_has_no_horizontal_scroll(phone)
    phone.click("header.top summary:has-text('公益性岗位与补贴')")
    panel = phone.locator("header.top details[open] ul.menu-links")
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the open group fits the phone's width
    assert page_has_no_horizontal_scroll(phone)
    assert _serious(phone) == []
    screenshot(phone, "staff-nav-open-360")
    phone.click("header.top a:has-text('补贴')")
    phone.wait_for_url("**/staff/subsidies")
    phone.close()


def test_a_long_timeline_pages_back_in_the_browser(browser, server, live_app, screenshot):
    session = live_app.extensions["jobmatch.sessionmaker"]()
    household = session.get(Household, live_app.demo.household_a)
    person = household.members[0]
    ledger.append_many(session, [ledger.NewEvent("offer_sent", "system", {"title": f"岗位{n:03d}"}, household.id,
                                                 person.id) for n in range(1, 131)])
    session.commit()
    household_id = household.id
    session.close()
    page = browser.new_page(**DESK)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/households/{household_id}")
    assert "岗位130" in page.inner_text("ol.timeline") and "岗位080" not in page.inner_text("ol.timeline")
    with page.expect_navigation():
        page.click("text=更早的记录")
    timeline = page.inner_text("ol.timeline")
    assert "岗位080" in timeline and "岗位130" not in timeline
    assert page.locator("text=回到最新的记录").is_visible()
    assert _serious(page) == []
    screenshot(page, "staff-timeline-earlier-1366")
    page.close()


def test_the_employer_reads_reasons_as_sentences(browser, server, live_app, screenshot):
    session = live_app.extensions["jobmatch.sessionmaker"]()
    employer = session.scalar(select(User).where(User.username == "employer")).employer
    vacancy = session.scalar(select(Vacancy).where(Vacancy.employer_id == employer.id, Vacancy.status == "open")
                             .order_by(Vacancy.id).limit(1))
    person = session.get(Household, live_app.demo.household_a).members[0]
    match_round = MatchRound(scope="settlement", county_id=person.household.county_id,
                             settlement_id=person.household.settlement_id, created_by="test", created_at=utcnow(),
                             summary={})
    offer = Offer(round=match_round, vacancy_id=vacancy.id, person_id=person.id, status="proposed", rank=1, score=0.8,
                  reasons=["零就业家庭优先", "技能相近：缝纫 → 缝纫工", "离家 1.2 公里", "工资 3500 元，符合期望"],
                  features={}, created_at=utcnow())
    session.add_all([match_round, offer])
    session.flush()
    send_offers(session, [offer.id], actor="test")
    answer(session, f"offer:{offer.id}", person.id, True, actor=f"person:{person.id}", via="web")
    session.commit()
    offer_id, name = offer.id, person.name
    session.close()
    for size, device in (("1366", DESK), ("360", PHONE)):
        page = browser.new_page(**device)
        _sign_in(page, server, "employer")
        page.goto(f"{server}/e/candidates")
        reasons = page.inner_text(f"#offer-{offer_id} ul.reasons")
        assert f"{name}会缝纫，这个岗位要缝纫工，活儿差不多" in reasons and f"离{name}家 1.2 公里" in reasons
        assert "→" not in reasons and "零就业" not in reasons
        assert page_has_no_horizontal_scroll(page) and _serious(page) == []
        page.locator(f"#offer-{offer_id}").scroll_into_view_if_needed()
        screenshot(page, f"employer-candidate-reasons-{size}")
        page.goto(f"{server}/e/candidates?lang=en")
        assert "has the skill 缝纫; this job needs 缝纫工" in page.inner_text(f"#offer-{offer_id} ul.reasons")
        page.close()
