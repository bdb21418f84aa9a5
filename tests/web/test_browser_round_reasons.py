"""A staff member proposes a round at 1366 px and reads each offer's reasons as sentences about the worker."""

import re

from jobmatch.services.demo import DEMO_PASSWORD
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A


def test_the_round_page_reads_the_reasons_as_sentences(browser, server, screenshot):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{server}/login")
    page.fill("#username", "staff_a")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{server}/staff/rounds")
    page.select_option("#scope", label=SITE_A)
    with page.expect_navigation():  # count() below does not wait for the round's page to load
        page.click("#new-round button[type=submit]")
    assert re.search(r"/staff/rounds/\d+$", page.url)
    rows = page.locator("table.offers tbody tr")
    assert rows.count() > 0, page.inner_text("main")[:800]  # on failure, what the page said instead
    named = 0
    for i in range(rows.count()):
        name = rows.nth(i).locator("td").nth(1).inner_text().splitlines()[0].strip()
        reasons = rows.nth(i).locator("td.reasons").inner_text()
        assert reasons.strip() and "→" not in reasons and "技能相" not in reasons and "您" not in reasons
        named += name in reasons  # "王某会缝纫，这个岗位要缝纫工", "离王某家 1.2 公里"
    assert named > 0
    assert page_has_no_horizontal_scroll(page)
    screenshot(page, "staff-round-reasons-1366")
    page.close()
