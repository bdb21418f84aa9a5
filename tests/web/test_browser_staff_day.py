"""A staff member's day in Chromium: the household list filtered to overdue follow-ups and searched,
then a roster upload with one bad row fixed, a preview and a confirm; at 360 and 1366 px, axe clean,
no English on the Chinese pages."""

import re
from dataclasses import replace

from axe_playwright_python.sync_playwright import Axe

from jobmatch.roster.synthetic import generate_roster, write_roster_csv
from jobmatch.services.demo import COUNTY, DEMO_PASSWORD
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A

SERIOUS = ("serious", "critical")
SIZES = {"360": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
                 "locale": "zh-CN"},
         "1366": {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}}
ENGLISH = re.compile(r"\b(?:the|and|households?|page|search|next|none|true|false)\b", re.IGNORECASE)


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def _serious(page) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"] if v["impact"] in SERIOUS]


def _no_english(page) -> None:
    main = page.inner_text("main")
    assert not ENGLISH.search(main), ENGLISH.search(main)


def test_household_list_filtered_searched_and_paged(browser, server, live_app, screenshot):
    for size, device in SIZES.items():
        page = browser.new_page(**device)
        _sign_in(page, server, "staff_a")
        page.goto(f"{server}/staff/")
        page.click("text=待回访 >> nth=0")
        assert "/staff/households?follow_up=due" in page.url
        page.select_option("select[name=follow_up]", "overdue")
        page.click("form.filters button.btn.secondary")
        assert "follow_up=overdue" in page.url
        text = page.inner_text("main")
        assert re.search(r"户清单（\d+）", text)
        assert "已逾期" in text or "没有符合条件的户" in text
        page.goto(f"{server}/staff/search?q=")
        assert "户清单" in page.inner_text("h1")
        first_number = page.inner_text("table tbody tr:first-child td:first-child")
        page.fill("#q", first_number)
        page.click(".searchbar button")
        assert first_number in page.inner_text("table tbody")
        page.goto(f"{server}/staff/households")
        screenshot(page, f"staff-households-{size}")
        assert _serious(page) == []
        _no_english(page)
        if size == "360":
            assert page_has_no_horizontal_scroll(page)
        page.click("table tbody tr:first-child td:first-child a")
        timeline = page.inner_text("ol.timeline")
        assert not re.search(r"\b(?:user|offer|spell|person|household):\d", timeline)
        screenshot(page, f"staff-household-timeline-{size}")
        assert _serious(page) == []
        _no_english(page)
        page.close()


def _files(tmp_path, seed):
    """A good roster of three new households, and the same with one ID number's check digit wrong."""
    records = [replace(r, household_no=f"NEW{seed}-" + r.household_no)
               for r in generate_roster(COUNTY, [SITE_A], households=3, seed=seed)]
    good, bad = tmp_path / f"good{seed}" / "台账.csv", tmp_path / f"bad{seed}" / "台账.csv"
    good.parent.mkdir(), bad.parent.mkdir()
    write_roster_csv(good, records)
    text = good.read_text(encoding="utf-8")
    broken_id = records[1].id_number
    bad.write_text(text.replace(broken_id, broken_id[:-1] + ("0" if broken_id[-1] != "0" else "1")), encoding="utf-8")
    return good, bad


def test_roster_upload_previews_then_confirms(browser, server, tmp_path, screenshot):
    for size, device in SIZES.items():
        page = browser.new_page(**device)
        _sign_in(page, server, "staff_a")
        good, bad = _files(tmp_path, 11 if size == "360" else 12)
        page.goto(f"{server}/staff/roster/upload")
        page.set_input_files("#roster", str(bad))
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        report = page.inner_text("#report")
        assert "没有写入任何数据" in report and re.search(r"第 \d+ 行，身份证号 列：", report)
        page.set_input_files("#roster", str(good))
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        preview = page.inner_text("#report")
        assert "预览" in preview and "新建的户（3）" in preview and page.is_visible("#confirm")
        screenshot(page, f"staff-roster-preview-{size}")
        assert _serious(page) == []
        _no_english(page)
        page.click("#confirm")
        assert "已导入" in page.inner_text("#report")
        screenshot(page, f"staff-roster-confirmed-{size}")
        page.close()
