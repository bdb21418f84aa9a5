"""A staff member's morning in Chromium, as DOMAIN.md's "What a good day looks like" tells it (issue 17):
the front door, sign-in, the dashboard, the household list filtered to overdue follow-ups, a roster
upload (a real .xlsx) that first shows a problem, is fixed, previewed and confirmed, a matching round
that leaves out a vacancy everyone declined before and names it, approval with the SMS count, a worker
on a shared family phone choosing who she is and accepting on the page, an employer choosing a place
and recording a hire the worker then sees, and the fair door scanning a QR code fed to the camera.

Each changed page of issue 17 is also photographed at 360 px and 1366 px (tests/artifacts/story-*.png),
checked by axe-core (no serious or critical fault) and for English on the Chinese pages.
One database: SQLite, as the live-server fixture serves it."""

import re
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from jobmatch.clock import local_today, utcnow
from jobmatch.config import settings_of, use_settings
from jobmatch.models import Household, Offer, Person, Settlement, User
from jobmatch.models.offers import WAITING_STATUSES
from jobmatch.roster.export import roster_title, summarise_households, write_roster_xlsx
from jobmatch.roster.synthetic import generate_roster
from jobmatch.services.demo import COUNTY, DEMO_PASSWORD
from jobmatch.services.employers.photos import add_photo
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_token
from jobmatch.services.offers.lifecycle import answer_offer
from notifications.wording import day_text
from tests.employers.test_vacancy_photos import jpeg_with_exif, png
from tests.factories import make_person, make_sent_offers, make_vacancy
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A
from tests.web.test_browser_error_pages import _serious_violations
from tests.web.test_browser_walks import _latest_code
from tests.web.test_browser_worker_day import write_qr_y4m
from tests.web.test_browser_workflows import _db, _sign_in

pytestmark = pytest.mark.slow

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
# Two or more Latin letters in a row is English (or a code) on a Chinese page; none is allowed.
# The one exception: file-name endings (.xlsx, .xls, .csv), which are what a file is called on the desktop.
LATIN = re.compile(r"[A-Za-z]{2,}")
FILE_ENDINGS = re.compile(r"\.(?:xlsx|xls|csv)\b")
DECLINED_TITLE = "道路施工普工"
# The page's visible text, less parts marked as another language (the link to the English pages).
VISIBLE_CHINESE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[lang]:not([lang^="zh"])').forEach(part => part.remove());
  copy.style.position = 'absolute';
  document.documentElement.appendChild(copy);
  const text = copy.innerText;
  copy.remove();
  return text;
}"""


def look(page, name: str, screenshot) -> None:
    """Photograph the page at 360 px and at 1366 px; at each, axe finds no serious fault, nothing scrolls
    sideways on the phone, and no visible text is English."""
    before = page.viewport_size
    for width, height in ((360, 740), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        screenshot(page, f"story-{name}-{width}")
        assert _serious_violations(page) == [], name
        if width == 360:
            assert page_has_no_horizontal_scroll(page), name
        visible = FILE_ENDINGS.sub("", page.evaluate(VISIBLE_CHINESE_TEXT))
        assert not LATIN.findall(visible), (name, LATIN.findall(visible))
    page.set_viewport_size(before)


def _yesterday(app, photo_dir) -> dict:
    """What happened before this morning: every worker of settlement A declined 道路施工普工; one household
    went two months without a follow-up; the demo worker's daughter, listed with his phone, was offered a
    job (with two workplace photos) by the demo employer; a fair is held today and another tomorrow."""
    session = _db(app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    employer = session.scalar(select(User).where(User.username == "employer")).employer
    employer.contact_phone = "+8613800000001"
    for username, shown in (("staff_a", "杨专干"), ("employer", "王经理")):  # the names people have, in the header
        session.scalar(select(User).where(User.username == username)).display_name = shown
    road = make_vacancy(session, employer, title=DECLINED_TITLE, openings=4, county_id=site.county_id,
                        wage_min=3000, wage_max=4000)
    members = session.scalars(select(Person).join(Household).where(Household.settlement_id == site.id,
                                                                   Person.capacity != "none",
                                                                   Person.id.not_in(select(Offer.person_id).where(
                                                                       Offer.status.in_(WAITING_STATUSES))))).all()
    with app.app_context():
        for offer in make_sent_offers(session, road, members):
            answer_offer(session, offer.id, offer.person_id, False, actor=f"person:{offer.person_id}", via="web")
    late = session.scalar(select(Household).where(Household.settlement_id == site.id).order_by(Household.id.desc())
                          .limit(1))
    late.last_follow_up_at, late.listed_at = utcnow() - timedelta(days=75), None

    worker = session.scalar(select(User).where(User.username == "worker")).person
    daughter = make_person(session, worker.household, name="王雪燕", relation="女儿", phone=worker.phone,
                           birth_date=date(2001, 5, 1), skills=["缝纫"])
    sewing = make_vacancy(session, employer, title="缝纫工", skills=["缝纫"], openings=2, county_id=site.county_id,
                          wage_min=3500, wage_max=4200)
    [offer] = make_sent_offers(session, sewing, [daughter])
    offer.reasons = ["零就业家庭优先", "技能相近：缝纫 → 缝纫工", "离家 1.2 公里", "工资 3500 元，符合期望"]
    for data in (jpeg_with_exif(), png(800, 600)):
        add_photo(session, sewing, data, photo_dir=photo_dir, max_bytes=8 * 1024 * 1024, actor="test")

    today = fairs.create_fair(session, name="今日专场招聘会", held_on=local_today(), place="五里岗文化广场",
                              county_id=site.county_id, settlement_id=site.id, actor="test",
                              starts_at=time(0, 0))  # open all day, whenever the test runs
    attendee = fairs.register(session, today.id, daughter.id, via="staff", actor="test")
    tomorrow = fairs.create_fair(session, name="明日专场招聘会", held_on=local_today() + timedelta(days=1),
                                 place="五里岗文化广场", county_id=site.county_id, settlement_id=site.id, actor="test",
                                 starts_at=time(9, 30))
    session.commit()
    facts = {"late_no": late.household_no, "worker_id": worker.id, "worker_name": worker.name,
             "phone": worker.phone, "offer_id": offer.id, "sewing_id": sewing.id, "employer": employer.name,
             "county_id": site.county_id, "fair_id": today.id, "tomorrow_id": tomorrow.id,
             "token": check_in_token(app.secret_key, attendee)}
    session.close()
    return facts


def _roster_files(tmp_path):
    """Two new households for settlement A as a real .xlsx (nobody in them wants work yet), and the same
    file with one ID number's check digit wrong."""
    records = [replace(r, household_no="H9" + r.household_no[1:], wants_work=False)
               for r in generate_roster(COUNTY, [SITE_A], households=2, seed=17)]
    good, bad = tmp_path / "good" / "五里岗台账.xlsx", tmp_path / "bad" / "五里岗台账.xlsx"
    good.parent.mkdir(), bad.parent.mkdir()
    title = roster_title(SITE_A, 2026, 12)
    write_roster_xlsx(good, title, records, summarise_households(records))
    broken = records[0].id_number
    wrong = replace(records[0], id_number=broken[:-1] + ("0" if broken[-1] != "0" else "1"))
    write_roster_xlsx(bad, title, [wrong, *records[1:]], summarise_households(records))
    return good, bad


def test_a_staff_members_morning(browser, server, live_app, screenshot, tmp_path):
    use_settings(live_app, settings_of(live_app).replace(photo_dir=str(tmp_path / "photos")))
    facts = _yesterday(live_app, str(tmp_path / "photos"))
    good, bad = _roster_files(tmp_path)

    # 8:30, the front door and sign-in.
    staff = browser.new_page(**WIDE)
    staff.goto(f"{server}/")
    assert "我是工作人员" in staff.inner_text("main")
    look(staff, "front-door", screenshot)
    staff.click("text=工作人员登录")
    staff.fill("#username", "staff_a")
    staff.fill("#password", DEMO_PASSWORD)
    staff.click("form.stack button[type=submit]")
    assert staff.url == f"{server}/staff/"
    dashboard = staff.inner_text("main")
    assert "零就业家庭" in dashboard and "待回访" in dashboard and "昨日以来新岗位" in dashboard
    look(staff, "dashboard", screenshot)

    # The follow-ups: the household list, filtered to overdue; its timeline and access log.
    staff.click("text=待回访 >> nth=0")
    staff.select_option("select[name=follow_up]", "overdue")
    staff.click("form.filters button.btn.secondary")
    assert "follow_up=overdue" in staff.url
    listed = staff.inner_text("table tbody")
    assert facts["late_no"] in listed and "已逾期" in listed
    look(staff, "households-overdue", screenshot)
    staff.click(f"table tbody a:text-is('{facts['late_no']}')")
    timeline = staff.inner_text("ol.timeline")
    assert not re.search(r"\b(?:user|offer|spell|person|household):\d", timeline)
    assert "查看个人信息" not in timeline
    look(staff, "household-timeline", screenshot)
    household_url = staff.url
    staff.goto(f"{household_url}/access-log")
    look(staff, "access-log", screenshot)

    # The month's roster: a wrong ID number is named by row and column, nothing is written; fixed, previewed, confirmed.
    staff.goto(f"{server}/staff/roster/upload")
    staff.set_input_files("#roster", str(bad))
    with staff.expect_navigation():
        staff.click("form.stack button[type=submit]")
    report = staff.inner_text("#report")
    assert "没有写入任何数据" in report and re.search(r"第 \d+ 行，身份证号 列：", report)
    staff.set_input_files("#roster", str(good))
    with staff.expect_navigation():
        staff.click("form.stack button[type=submit]")
    preview = staff.inner_text("#report")
    assert "预览" in preview and "新建的户（2）" in preview and staff.is_visible("#confirm")
    look(staff, "roster-preview", screenshot)
    staff.click("#confirm")
    assert "已导入" in staff.inner_text("#report")

    # A matching round: the vacancy everyone declined is left out, named by title and employer; approve.
    staff.goto(f"{server}/staff/rounds")
    staff.select_option("#scope", label=SITE_A)
    staff.click("#new-round button[type=submit]")
    assert re.search(r"/staff/rounds/\d+$", staff.url)
    assert f"{DECLINED_TITLE}（{facts['employer']}）" in staff.inner_text("ul.excluded-vacancies")
    assert "编号" not in staff.inner_text("ul.excluded-vacancies")
    assert DECLINED_TITLE not in staff.inner_text("table.offers")
    look(staff, "round", screenshot)
    staff.click("#approve button[type=submit]")
    assert re.search(r"已批准 [1-9]\d* 份岗位推荐：\d+ 条短信", staff.inner_text(".flash"))

    # A place staff know, for employers to choose.
    staff.goto(f"{server}/staff/places")
    staff.select_option("#county_id", str(facts["county_id"]))
    staff.select_option("#kind", "industrial_park")
    staff.fill("#name", "陕桥物流园")
    staff.fill("#lat", "26.91")
    staff.fill("#lon", "104.31")
    staff.click("#new-place button[type=submit]")
    assert "陕桥物流园" in staff.inner_text("table")
    look(staff, "staff-places", screenshot)
    staff.close()

    # The worker's daughter, on the family's one phone: who are you, whose offer, accept on the page.
    phone = browser.new_page(**PHONE)
    phone.goto(f"{server}/")
    phone.click("text=用手机号登录")
    phone.fill("#phone", facts["phone"][3:])
    phone.click("form.stack button[type=submit]")
    phone.fill("#code", _latest_code(live_app, facts["worker_id"]))
    phone.click("form.stack button[type=submit]")
    assert phone.url == f"{server}/w/login/who"
    members = phone.inner_text("main")
    assert "您是哪一位" in members and facts["worker_name"] in members and "王雪燕" in members
    look(phone, "who", screenshot)
    phone.click("text=王雪燕")
    phone.click("form.stack button[type=submit]")
    assert "王雪燕，您好" in phone.inner_text("main")
    look(phone, "worker-home", screenshot)
    phone.goto(f"{server}/w/o/{facts['offer_id']}")
    assert "这是给 王雪燕 的工作推荐" in phone.inner_text("#whose")
    reasons = phone.inner_text("#reasons")
    assert "您会缝纫，这个岗位要缝纫工" in reasons and "→" not in reasons and "零就业" not in reasons
    assert phone.locator("#photos img").count() == 2
    if phone.evaluate("'speechSynthesis' in window"):
        assert "听一听" in phone.inner_text("button[data-speak]")
    look(phone, "offer", screenshot)
    phone.click("button[value=accept]")
    assert "您已接受这份工作" in phone.inner_text(".flash")

    # The employer puts the job in the new place and records the hire, with what the worker needs to know.
    employer = browser.new_page(**WIDE)
    employer.goto(f"{server}/e/signup")
    look(employer, "employer-signup", screenshot)
    _sign_in(employer, server, "employer")
    employer.goto(f"{server}/e/vacancies/{facts['sewing_id']}/edit")
    assert employer.locator("#lat").count() == 0
    employer.select_option("#place", label="陕桥物流园")
    look(employer, "employer-place", screenshot)
    employer.click("form.stack button[type=submit]")
    employer.goto(f"{server}/e/vacancies/{facts['sewing_id']}/edit")
    assert employer.locator("#place option:checked").inner_text() == "陕桥物流园"  # kept as the job's place
    employer.goto(f"{server}/e/candidates")
    card = employer.locator(f"#offer-{facts['offer_id']}")
    assert "王雪燕" in card.inner_text()
    start = local_today() + timedelta(days=6)
    card.locator("input[name=start_date]").fill(start.isoformat())
    card.locator("input[name=monthly_wage]").fill("3800")
    card.locator("input[name=work_place]").fill("园区 3 号厂房二楼")
    card.locator("input[name=contact]").fill("车间主任 张师傅")
    card.locator("input[name=bring]").fill("身份证、银行卡")
    look(employer, "employer-candidates", screenshot)
    card.locator("form[action$='/hire'] button[type=submit]").click()
    assert "已录用" in employer.inner_text(".flash")
    employer.close()

    phone.goto(f"{server}/w/o/{facts['offer_id']}")
    assert "陕桥物流园" in phone.inner_text("#place")  # where the employer put the job, not its office
    hire = phone.inner_text("#hire")
    for shown in (day_text(start), "园区 3 号厂房二楼", "车间主任 张师傅", "13800000001",
                  "身份证、银行卡"):
        assert shown in hire, shown
    look(phone, "hire", screenshot)
    phone.close()

    # The fair door: tomorrow's says when it opens; today's scans the daughter's code from the camera.
    video = tmp_path / "qr.y4m"
    write_qr_y4m(facts["token"], video)
    camera_browser = browser.browser_type.launch(
        headless=True, executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera_browser.new_context(**PHONE)
        context.grant_permissions(["camera"], origin=server)
        door = context.new_page()
        _sign_in(door, server, "staff_a")
        door.goto(f"{server}/staff/fairs/{facts['tomorrow_id']}/check-in")
        assert "8:30 开始签到" in door.inner_text("#opens") and door.locator("#check-in-form").count() == 0
        look(door, "fair-door-early", screenshot)
        door.goto(f"{server}/staff/fairs/{facts['fair_id']}/check-in")
        assert door.is_visible("#scan-start")
        look(door, "fair-door-open", screenshot)
        door.click("#scan-start")
        door.wait_for_selector("#result", timeout=20_000)
        result = door.inner_text("#result")
        assert "已签到" in result and "王雪燕" in result
        look(door, "fair-door-scanned", screenshot)
        context.close()
    finally:
        camera_browser.close()
