"""In headless Chromium: a labour-export group's staff page at 1366 px and the worker's invitation at
360 px (sign-up, then the check-in QR code); axe-core finds no serious or critical fault."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from jobmatch.clock import LOCAL_TZ, local_today
from jobmatch.models import County, User
from jobmatch.services.labour_export import recruitment
from jobmatch.services.labour_export.groups import NewGroup, create_group
from jobmatch.services.labour_export.subsidy import set_transport_subsidy
from tests.factories import make_employer
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import _serious_violations, _sign_in

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _group_with_an_invitation(app) -> int:
    """A 45-seat group to Dongguan in the demo county; the demo worker (free to go anywhere) invited."""
    with app.extensions["jobmatch.sessionmaker"]() as session:
        county = session.scalar(select(County).order_by(County.id).limit(1))
        worker = session.scalar(select(User).where(User.username == "worker")).person
        worker.mobility, worker.cannot_leave_site = "any", False
        for spell in worker.spells:
            spell.ended_on = spell.ended_on or local_today()
        staff = session.scalar(select(User).where(User.username == "staff"))
        employer = make_employer(session, None, name="东莞市长安镇电子科技有限公司")
        set_transport_subsidy(session, county.id, 300, actor="test")
        departs = datetime.combine(local_today() + timedelta(days=3), time(7, 0), tzinfo=LOCAL_TZ)
        group = create_group(session, NewGroup(
            name="东莞电子厂春季输出团", county_id=county.id, employer_id=employer.id, destination_province="广东省",
            destination_city="东莞市", jobs="电子装配工", monthly_wage=5500, contract_months=12, departs_at=departs,
            gathering_point="五里岗安置点广场", transport="chartered_bus", seats=45, dormitory=True, meals=True,
            leader_user_id=staff.id), actor="test")
        invited = recruitment.invite_workers(session, group.id, actor="test", limit=12)
        assert worker.id in {m.person_id for m in invited} or recruitment.sign_up(
            session, group.id, worker.id, via="staff", actor="test")
        session.commit()
        return group.id


@pytest.mark.slow
def test_the_group_page_and_the_workers_invitation(browser, server, live_app, screenshot):
    group_id = _group_with_an_invitation(live_app)

    phone = browser.new_page(**PHONE)
    _sign_in(phone, server, "worker")
    phone.goto(f"{server}/w/")
    assert "外出务工" in phone.inner_text("#export")
    phone.goto(f"{server}/w/export/{group_id}")
    assert "东莞" in phone.inner_text("main") and "5500" in phone.inner_text("main")
    screenshot(phone, "worker-export-invitation-360")
    assert page_has_no_horizontal_scroll(phone)
    assert _serious_violations(phone) == []
    with phone.expect_navigation():
        phone.click("button[value=accept]")
    assert phone.locator("#qr svg").is_visible()
    assert "座位已留好" in phone.inner_text("#status")
    screenshot(phone, "worker-export-signed-up-360")
    assert page_has_no_horizontal_scroll(phone)
    assert _serious_violations(phone) == []
    phone.close()

    page = browser.new_page(**LAPTOP)
    _sign_in(page, server, "staff")
    page.goto(f"{server}/staff/labour-export/{group_id}")
    assert "1/45" in page.inner_text(".kpis")
    assert "已报名（占座）" in page.inner_text("#members ~ .table-wrap")
    screenshot(page, "staff-export-group-1366")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.goto(f"{server}/staff/labour-export")
    assert page.locator("#new-group").is_visible()
    screenshot(page, "staff-labour-export-1366")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.close()
