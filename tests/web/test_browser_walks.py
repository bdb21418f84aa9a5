"""Three walks in headless Chromium: an employer posting a vacancy, staff uploading a roster
with an error, a worker signing in by SMS code on a 360 px phone and editing their profile."""

import re
from dataclasses import replace

from sqlalchemy import select

from jobmatch.models import Message, Person, User, Vacancy
from jobmatch.roster.synthetic import generate_roster, write_roster_csv
from jobmatch.services.demo import COUNTY, DEMO_PASSWORD
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def test_employer_posts_a_vacancy_after_fixing_the_wage(browser, server, live_app, screenshot):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "employer")
    page.click("text=发布新岗位")
    page.fill("#title", "熨烫工")
    page.fill("#openings", "3")
    page.fill("#wage_min", "3600")
    page.fill("#wage_max", "2800")
    page.fill("#skills", "熨烫、缝纫")
    page.click("form.stack button[type=submit]")
    assert page.locator("#wage_max-error").inner_text() == "最高月工资不能低于最低月工资。"
    screenshot(page, "employer-vacancy-error-1280")
    page.fill("#wage_max", "4200")
    page.click("form.stack button[type=submit]")
    assert "岗位“熨烫工”已发布。" in page.inner_text(".flash")
    screenshot(page, "employer-vacancies-1280")
    session = live_app.extensions["jobmatch.sessionmaker"]()
    vacancy = session.scalar(select(Vacancy).where(Vacancy.title == "熨烫工"))
    assert (vacancy.wage_min, vacancy.wage_max, vacancy.skills) == (3600, 4200, ["熨烫", "缝纫"])
    session.close()
    page.close()


def test_staff_fix_a_roster_after_the_row_by_row_report(browser, server, tmp_path, screenshot):
    records = [replace(r, household_no="NEW-" + r.household_no)
               for r in generate_roster(COUNTY, [SITE_A], households=3, seed=11)]
    good, bad = tmp_path / "good" / "台账.csv", tmp_path / "bad" / "台账.csv"
    good.parent.mkdir(), bad.parent.mkdir()
    write_roster_csv(good, records)
    text = good.read_text(encoding="utf-8")
    broken_id = records[1].id_number
    bad.write_text(text.replace(broken_id, broken_id[:-1] + ("0" if broken_id[-1] != "0" else "1")), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/roster/upload")
    page.set_input_files("#roster", str(bad))
    page.click("form.stack button[type=submit]")
    report = page.inner_text("#report")
    assert "没有写入任何数据" in report and re.search(r"第 \d+ 行，身份证号 列：", report)
    screenshot(page, "staff-roster-errors-1280")
    page.set_input_files("#roster", str(good))
    page.click("form.stack button[type=submit]")
    assert "预览" in page.inner_text("#report")
    page.click("#confirm")
    assert "已导入" in page.inner_text("#report")
    screenshot(page, "staff-roster-imported-1280")
    page.close()


def test_worker_signs_in_by_sms_code_and_edits_profile_on_a_phone(browser, server, live_app, screenshot):
    session = live_app.extensions["jobmatch.sessionmaker"]()
    person = session.scalar(select(User).where(User.username == "worker")).person
    phone, person_id = person.phone, person.id
    session.close()
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                            has_touch=True, java_script_enabled=False)
    page.goto(f"{server}/w/login")
    screenshot(page, "worker-login-360")
    assert page_has_no_horizontal_scroll(page)
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    page.fill("#code", _latest_code(live_app, person_id))
    screenshot(page, "worker-code-360")
    page.click("form.stack button[type=submit]")
    assert "您好" in page.inner_text("h1")
    screenshot(page, "worker-home-360")
    assert page_has_no_horizontal_scroll(page)
    assert page.locator("a.btn.big").first.bounding_box()["height"] >= 44  # a thumb, not a stylus
    page.click("text=我的信息")
    page.fill("#skills", "缝纫、电焊")
    page.fill("#max_commute_km", "abc")
    page.click("form.stack button[type=submit]")
    assert "公里数" in page.inner_text(".error")
    screenshot(page, "worker-profile-error-360")
    assert page_has_no_horizontal_scroll(page)
    page.fill("#max_commute_km", "20")
    page.select_option("#mobility", "county")
    page.fill("#wage_expectation", "3000")
    page.click("form.stack button[type=submit]")
    assert "已保存" in page.inner_text(".flash")
    session = live_app.extensions["jobmatch.sessionmaker"]()
    saved = session.get(Person, person_id)
    assert (saved.skills, saved.max_commute_km, saved.mobility, saved.wage_expectation) == (
        ["缝纫", "电焊"], 20.0, "county", 3000)
    session.close()
    page.close()


def _latest_code(app, person_id) -> str:
    """The code from the SMS outbox, as the phone would show it."""
    session = app.extensions["jobmatch.sessionmaker"]()
    body = session.scalar(select(Message.body).where(Message.person_id == person_id, Message.kind == "sign_in_code")
                          .order_by(Message.id.desc()).limit(1))
    session.close()
    return re.search(r"\d{6}", body).group()
