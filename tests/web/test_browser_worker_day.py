"""Issue 17 in Chromium at 360 px: the fair door scans a QR code fed to the camera (Chromium's fake
media stream plays a Y4M file made here from the worker's code) and the worker is checked in; a
shared family phone asks who you are; the offer page says whose offer it is, in plain sentences,
with 听一听; a hire says when, where, whom and what to bring. axe finds no serious fault."""

from datetime import date, time, timedelta

import segno
from sqlalchemy import select

from jobmatch.clock import local_today
from jobmatch.models import FairAttendee, Household, Person, Settlement, User, Vacancy
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_token
from jobmatch.services.offers import hiring
from tests.factories import make_person, make_sent_offers
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A
from tests.web.test_browser_error_pages import _serious_violations
from tests.web.test_browser_walks import _latest_code
from tests.web.test_browser_workflows import PHONE, _db, _sign_in

FRAME_W, FRAME_H, MODULE_PX, QUIET = 640, 480, 8, 4


def write_qr_y4m(text: str, target, frames: int = 4) -> None:
    """A still video (YUV 4:2:0) of ``text``'s QR code, black on white, for --use-file-for-fake-video-capture."""
    matrix = segno.make(text, error="m").matrix
    size = (len(matrix) + 2 * QUIET) * MODULE_PX
    assert size <= FRAME_H, "the code does not fit the frame"
    left, top = (FRAME_W - size) // 2, (FRAME_H - size) // 2
    luma = bytearray(b"\xff" * (FRAME_W * FRAME_H))
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if not dark:
                continue
            x0 = left + (col_index + QUIET) * MODULE_PX
            for y in range(top + (row_index + QUIET) * MODULE_PX, top + (row_index + QUIET + 1) * MODULE_PX):
                luma[y * FRAME_W + x0:y * FRAME_W + x0 + MODULE_PX] = b"\x00" * MODULE_PX
    chroma = b"\x80" * (FRAME_W // 2 * FRAME_H // 2)
    with open(target, "wb") as out:
        out.write(f"YUV4MPEG2 W{FRAME_W} H{FRAME_H} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def test_the_fair_door_scans_a_qr_code_from_the_camera(browser, server, live_app, screenshot, tmp_path):
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    fair = fairs.create_fair(session, name="今日专场招聘会", held_on=local_today(), place="五里岗文化广场",
                             county_id=site.county_id, settlement_id=site.id, actor="test",
                             starts_at=time(0, 0))  # open all day, whenever the test runs
    person = session.scalar(select(Person).join(Household).where(Household.settlement_id == site.id)
                            .order_by(Person.id).limit(1))
    attendee = fairs.register(session, fair.id, person.id, via="staff", actor="test")
    session.commit()
    fair_id, attendee_id, name = fair.id, attendee.id, person.name
    video = tmp_path / "qr.y4m"
    write_qr_y4m(check_in_token(live_app.secret_key, attendee), video)
    session.close()

    camera_browser = browser.browser_type.launch(
        headless=True, executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera_browser.new_context(**PHONE)
        context.grant_permissions(["camera"], origin=server)
        page = context.new_page()
        posts = []
        page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
        _sign_in(page, server, "staff_a")
        page.goto(f"{server}/staff/fairs/{fair_id}/check-in")
        assert page.is_visible("#scan-start")  # the script found a camera API and jsQR
        screenshot(page, "fair-door-scanner-360")
        assert _serious_violations(page) == []
        page.click("#scan-start")
        page.wait_for_selector("#result", timeout=20_000)
        result = page.inner_text("#result")
        assert "已签到" in result and name in result
        page.wait_for_timeout(1500)  # the camera restarts for the next worker; the same code is not sent again
        assert sum(url.endswith("/check-in") for url in posts) == 1
        screenshot(page, "fair-door-scanned-360")
        assert page_has_no_horizontal_scroll(page)
        context.close()
    finally:
        camera_browser.close()
    session = _db(live_app)
    checked = session.get(FairAttendee, attendee_id)
    assert checked.checked_in_at is not None and checked.check_in_method == "qr"
    session.close()


def _shared_phone_family(app):
    """The demo worker's household gets a daughter listed with the worker's phone, and an offer for her."""
    session = _db(app)
    worker = session.scalar(select(User).where(User.username == "worker")).person
    daughter = make_person(session, worker.household, name="王雪燕", relation="女儿", phone=worker.phone,
                           birth_date=date(2001, 5, 1), skills=["缝纫"])
    vacancy = session.scalar(select(Vacancy).where(Vacancy.status == "open").order_by(Vacancy.id).limit(1))
    vacancy.employer.contact_phone = "+8613800000001"
    [offer] = make_sent_offers(session, vacancy, [daughter])
    offer.reasons = ["零就业家庭优先", "技能相近：缝纫 → 缝纫工", "离家 1.2 公里", "工资 3500 元，符合期望"]
    session.commit()
    facts = worker.id, worker.phone, worker.name, daughter.id, offer.id, vacancy.title
    session.close()
    return facts


def test_a_shared_phone_asks_who_then_the_offer_and_the_hire_read_plainly(browser, server, live_app, screenshot):
    worker_id, phone, worker_name, daughter_id, offer_id, title = _shared_phone_family(live_app)
    page = browser.new_page(**PHONE)
    page.goto(f"{server}/w/login")
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    page.fill("#code", _latest_code(live_app, worker_id))
    page.click("form.stack button[type=submit]")
    assert page.url == f"{server}/w/login/who"
    members = page.inner_text("main")
    assert "您是哪一位" in members and worker_name in members and "王雪燕" in members
    screenshot(page, "worker-who-360")
    assert page_has_no_horizontal_scroll(page) and _serious_violations(page) == []
    page.click("text=王雪燕")
    page.click("form.stack button[type=submit]")
    assert "王雪燕，您好" in page.inner_text("main")

    page.goto(f"{server}/w/o/{offer_id}")
    assert "这是给 王雪燕 的工作推荐" in page.inner_text("#whose")
    reasons = page.inner_text("#reasons")
    assert "您会缝纫，这个岗位要缝纫工" in reasons and "→" not in reasons and "零就业" not in reasons
    if page.evaluate("'speechSynthesis' in window"):
        assert page.is_visible("button[data-speak]") and "听一听" in page.inner_text("button[data-speak]")
    screenshot(page, "worker-offer-whose-360")
    assert page_has_no_horizontal_scroll(page) and _serious_violations(page) == []
    page.click("button[value=accept]")

    session = _db(live_app)
    start = local_today() + timedelta(days=6)
    with live_app.app_context():
        hiring.record_hire(session, offer_id, start_date=start, contract_months=12, social_insurance=True,
                           monthly_wage=3800, actor="test", work_place="园区 3 号厂房二楼", contact="车间主任 张师傅",
                           bring="身份证、银行卡")
    session.commit()
    session.close()
    page.goto(f"{server}/w/o/{offer_id}")
    hire = page.inner_text("#hire")
    year = "" if start.year == local_today().year else f"{start.year}年"
    started = f"{year}{start.month}月{start.day}日 周{'一二三四五六日'[start.weekday()]}"
    for shown in (started, "园区 3 号厂房二楼", "车间主任 张师傅", "13800000001", "身份证、银行卡"):
        assert shown in hire, shown
    screenshot(page, "worker-hire-360")
    assert page_has_no_horizontal_scroll(page) and _serious_violations(page) == []
    page.close()


def test_places_for_employers_and_the_door_before_it_opens(browser, server, live_app, screenshot):
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    fair = fairs.create_fair(session, name="明日专场招聘会", held_on=local_today() + timedelta(days=1),
                             place="五里岗文化广场", county_id=site.county_id, settlement_id=site.id, actor="test",
                             starts_at=time(9, 30))
    session.commit()
    fair_id, county_id = fair.id, site.county_id
    session.close()
    wide = browser.new_page(viewport={"width": 1366, "height": 900})
    _sign_in(wide, server, "staff_a")
    wide.goto(f"{server}/staff/places")
    wide.select_option("#county_id", str(county_id))
    wide.select_option("#kind", "industrial_park")
    wide.fill("#name", "五里岗工业园")
    wide.fill("#lat", "26.91")
    wide.fill("#lon", "104.31")
    wide.click("#new-place button[type=submit]")
    assert "五里岗工业园" in wide.inner_text("table")
    screenshot(wide, "staff-places-1366")
    assert _serious_violations(wide) == []
    wide.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/fairs/{fair_id}/check-in")
    assert "8:30 开始签到" in page.inner_text("#opens") and page.locator("#check-in-form").count() == 0
    screenshot(page, "fair-door-early-360")
    assert _serious_violations(page) == []
    page.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "employer")
    page.goto(f"{server}/e/vacancies/new")
    assert page.locator("#lat").count() == 0 and "五里岗工业园" in page.inner_text("#place")
    screenshot(page, "employer-vacancy-place-360")
    assert page_has_no_horizontal_scroll(page) and _serious_violations(page) == []
    page.close()
