"""Headless Chromium through the zero-employment drive's door-visit form and the unread-texts inbox."""

from sqlalchemy import select

from jobmatch.models import DoorVisit, InboundMessage, Person
from jobmatch.services.sms.inbound import receive_reply
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_workflows import _db, _sign_in

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_staff_record_a_door_visit_and_read_a_text_on_a_phone(browser, server, live_app, screenshot):
    demo = live_app.demo
    session = _db(live_app)
    phone = session.get(Person, demo.person_a).phone
    receive_reply(session, from_phone=phone, body="我腰不好，能找个轻松点的活吗", provider_sid="SM-BROWSER-1")
    session.commit()
    session.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/households/{demo.household_a}/door-visit")
    page.click("form.stack button[type=submit]")  # neither a vacancy nor a note: the error by the field
    assert "请选择送上门的岗位，或写明情况" in page.inner_text("#note-error")
    page.select_option("#vacancy_id", index=1)
    page.fill("#note", "带去帮扶车间缝纫工岗位，户主愿意明天去看看")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{server}/staff/households/{demo.household_a}")
    assert "送岗位上门" in page.inner_text("ol.timeline")
    page.goto(f"{server}/staff/households/{demo.household_a}/door-visit")
    assert "户主愿意明天去看看" in page.inner_text("main")
    assert page_has_no_horizontal_scroll(page)
    screenshot(page, "staff-door-visit")

    page.goto(f"{server}/staff/")
    page.click("text=未读短信")
    assert "我腰不好" in page.inner_text("main") and page_has_no_horizontal_scroll(page)
    screenshot(page, "staff-unread-texts")
    page.click("text=标为已读")
    assert "没有未读短信" in page.inner_text("main")
    page.close()

    session = _db(live_app)
    assert session.scalar(select(DoorVisit.vacancy_id).where(DoorVisit.household_id == demo.household_a))
    assert not session.scalar(select(InboundMessage.unread).where(InboundMessage.provider_sid == "SM-BROWSER-1"))
    session.close()
