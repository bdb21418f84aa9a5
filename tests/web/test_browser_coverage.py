"""In headless Chromium at 1366 px: the county page's coverage flags, and the staff coverage page;
axe-core finds no serious or critical fault on either."""

from sqlalchemy import select

from jobmatch.models import County
from tests.coverage.helpers import site_of
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import _serious_violations, _sign_in

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def test_the_county_page_shows_the_coverage_flags(browser, server, live_app, screenshot):
    with live_app.extensions["jobmatch.sessionmaker"]() as session:
        county = session.scalar(select(County).order_by(County.id).limit(1))
        site_of(session, county, 260, "金钟新区安置点")  # 260 people, nobody assigned
        session.commit()
    page = browser.new_page(**LAPTOP)
    _sign_in(page, server, "county")
    page.goto(f"{server}/county/#coverage-flags")
    table = page.locator("#coverage")
    row = table.locator("tr", has_text="金钟新区安置点")
    assert "200人以上无就业专干" in row.inner_text()
    assert row.locator(".flag").count() == 2  # no staff named, and the warning
    assert page_has_no_horizontal_scroll(page)
    screenshot(page, "county-coverage-1366")
    assert _serious_violations(page) == []
    page.goto(f"{server}/staff/coverage")
    assert page.locator("#new-action").is_visible() and page.locator("#new-baseline").is_visible()
    screenshot(page, "staff-coverage-1366")
    assert _serious_violations(page) == []
    page.close()
