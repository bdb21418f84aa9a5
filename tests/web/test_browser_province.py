"""In headless Chromium at 1366 px: the province officer's overview (counties, then a county's sites,
sorted by a column), printable; axe-core finds no serious or critical fault."""

from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import _serious_violations, _sign_in

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def test_the_province_officer_opens_a_county_and_sorts_its_sites(browser, server, screenshot):
    page = browser.new_page(**LAPTOP)
    _sign_in(page, server, "province")
    assert page.url.endswith("/staff/province")  # the province officer's home
    assert page.locator("h1").inner_text() == "全省就业概况"
    assert "数据截至" in page.locator("main").inner_text()
    counties = page.get_by_role("region", name="各县")
    assert counties.locator("tbody tr").count() == 1 and counties.locator("tfoot").inner_text().startswith("合计")
    assert page_has_no_horizontal_scroll(page)
    screenshot(page, "province-counties-1366")
    assert _serious_violations(page) == []

    counties.locator("tbody th a").first.click()
    page.wait_for_url("**/staff/province?county_id=*")  # count() below does not wait for the new page
    page.wait_for_load_state()
    sites = page.locator(".table-wrap").first
    assert sites.locator("tbody tr").count() == 2  # the demo's two sites
    sites.get_by_role("link", name="户数").click()  # most households first
    page.wait_for_url("**sort=households*")
    page.wait_for_load_state()
    assert sites.locator("th[aria-sort=descending]").inner_text().startswith("户数")
    households = [int(text) for text in sites.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert households == sorted(households, reverse=True)
    assert page_has_no_horizontal_scroll(page)
    screenshot(page, "province-county-sites-1366")
    assert _serious_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".no-print").first.is_visible()  # the buttons are left off paper
    screenshot(page, "province-county-sites-print")
    page.close()
