"""In Chromium: the county page (its 12-month chart with a legend and 无数据 for months before any
record, the unmet-training tile) and the staff training page; axe-core finds no serious fault."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from jobmatch.services.demo import DEMO_PASSWORD

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.slow
def test_county_page_chart_and_training_page_read_well(browser, server, screenshot):
    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "county")
    page.goto(f"{server}/county/")
    chart = page.locator("svg.chart").first
    assert "就业率（月末）" in chart.inner_html() and "无数据" in chart.inner_html()  # legend, and no-data months
    assert "培训需求未满足" in page.inner_text("main")
    assert page.input_value("#month")  # the last full month, filled in
    screenshot(page, "county-overview")
    chart.screenshot(path=str(screenshot(page, "county-overview").with_name("county-trend-chart.png")))
    assert _serious(page) == []
    page.close()

    page = browser.new_page(**DESKTOP)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/training")
    assert "未满足的培训需求" in page.inner_text("main") and "只结业不算" in page.inner_text("main")
    screenshot(page, "staff-training")
    assert _serious(page) == []
    page.close()
