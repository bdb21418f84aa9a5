"""The fair's door (issue 17): check-in opens an hour before the start and the page says when before
that; walk-ins are taken with a name (and phone); the page carries the camera scanner, served from
static/, and still works without it."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from jobmatch.models import Fair, FairAttendee, Settlement
from jobmatch.models.fairs import CheckInWindow
from jobmatch.services.errors import WorkflowError
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_by_identity, check_in_window, opens_text
from tests.factories import frozen_clock, make_county, make_settlement, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAIR_DAY = date(2026, 11, 25)


def _fair(session, starts_at=None):
    with frozen_clock(datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)):
        county = make_county(session)
        site = make_settlement(session, county)
        fair = fairs.create_fair(session, name="冬季专场招聘会", held_on=FAIR_DAY, place="文化广场", county_id=county.id,
                                 settlement_id=site.id, actor="test", starts_at=starts_at)
    return fair, {site.id}


def test_check_in_opens_an_hour_before_the_start_and_says_when_before_that(session):
    fair, sites = _fair(session, starts_at=time(14, 30))
    assert opens_text(fair) == "11月25日 13:30"
    with frozen_clock(datetime(2026, 11, 25, 13, 29, tzinfo=SHANGHAI)):
        assert check_in_window(fair) == CheckInWindow.EARLY
        with pytest.raises(WorkflowError, match="签到还没开始：11月25日 13:30 开始签到"):
            check_in_by_identity(session, fair.id, name="张三", phone="13800138000", actor="t", settlement_ids=sites)
    with frozen_clock(datetime(2026, 11, 25, 13, 30, tzinfo=SHANGHAI)):
        assert check_in_window(fair) == CheckInWindow.OPEN
        assert check_in_by_identity(session, fair.id, name="张三", phone="13800138000", actor="t",
                                    settlement_ids=sites).walk_in
    with frozen_clock(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)):
        assert check_in_window(fair) == CheckInWindow.OVER
    assert _fair(session)[0].starts_at == time(9, 0)  # no start time given: 9:00, check-in from 8:00


def test_a_walk_in_with_only_a_name_is_checked_in(session):
    fair, sites = _fair(session)
    with frozen_clock(datetime(2026, 11, 25, 8, 30, tzinfo=SHANGHAI)):
        by_name = check_in_by_identity(session, fair.id, name="  李四 ", actor="t", settlement_ids=sites)
        typed_in_phone = check_in_by_identity(session, fair.id, phone="王五", actor="t", settlement_ids=sites)
        with pytest.raises(WorkflowError) as nothing:
            check_in_by_identity(session, fair.id, actor="t", settlement_ids=sites)
    assert by_name.walk_in and by_name.attendee.visitor_name == "李四" and by_name.attendee.check_in_method == "name"
    assert typed_in_phone.attendee.visitor_name == "王五" and typed_in_phone.attendee.visitor_phone is None
    assert nothing.value.field == "phone" and "姓名" in nothing.value.message


def _staff_at_the_door(session, client, starts_at):
    fair, sites = _fair(session, starts_at=starts_at)
    site = session.get(Settlement, next(iter(sites)))
    make_user(session, "staff", settlements=[site], username="door").set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "door", "password": "pw-123456"}).status_code == 302
    return fair.id


def test_the_door_page_says_when_check_in_opens_then_offers_camera_and_typing(app, session, client):
    fair_id = _staff_at_the_door(session, client, time(9, 0))
    with frozen_clock(datetime(2026, 11, 24, 16, 0, tzinfo=SHANGHAI)):  # the day before
        assert "11月25日 8:00 开始签到" in client.get(f"/staff/fairs/{fair_id}").get_data(as_text=True)
        early = client.get(f"/staff/fairs/{fair_id}/check-in").get_data(as_text=True)
    assert "签到还没开始" in early and "11月25日 8:00 开始签到" in early and 'id="check-in-form"' not in early
    with frozen_clock(datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)):
        page = client.get(f"/staff/fairs/{fair_id}/check-in").get_data(as_text=True)
        assert 'id="check-in-form"' in page and 'id="scanner" hidden' in page  # the script shows the camera
        assert "vendor/jsQR.min.js" in page and "door-scan.js" in page
        answer = client.post(f"/staff/fairs/{fair_id}/check-in", data={"name": "赵六", "phone": "13800138001"})
        assert answer.status_code == 200 and "赵六" in answer.get_data(as_text=True)
    attendee = session.scalar(select(FairAttendee).where(FairAttendee.fair_id == fair_id))
    assert attendee.visitor_name == "赵六" and attendee.checked_in_at is not None
    jsqr = client.get("/static/vendor/jsQR.min.js")
    assert jsqr.status_code == 200 and b"Apache License 2.0" in jsqr.data[:300]
    jsqr.close()


def test_staff_set_a_fair_start_time(app, session, client):
    county = make_county(session)
    site = make_settlement(session, county)
    make_user(session, "staff", settlements=[site], username="planner").set_password("pw-123456")
    session.commit()
    client.post("/login", data={"username": "planner", "password": "pw-123456"})
    form = {"name": "春风行动", "held_on": "2099-03-01", "settlement_id": str(site.id), "place": "广场",
            "starts_at": "14:00"}
    assert client.post("/staff/fairs", data=form).status_code == 302
    assert session.scalar(select(Fair.starts_at).where(Fair.name == "春风行动")) == time(14, 0)
    session.rollback()
    refused = client.post("/staff/fairs", data={**form, "starts_at": "下午"})
    assert refused.status_code == 400 and "开始时间要写成 9:00 这样" in refused.get_data(as_text=True)


def test_the_worker_sees_when_the_fair_starts_and_when_check_in_opens(app, session, client):
    from tests.factories import make_household, make_person
    from tests.web.test_worker_and_security import _code

    fair, sites = _fair(session, starts_at=time(14, 30))
    worker = make_person(session, make_household(session, session.get(Settlement, next(iter(sites)))))
    session.commit()
    fair_id, person_id, phone = fair.id, worker.id, worker.phone
    with frozen_clock(datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)):
        client.post("/w/login", data={"phone": phone})
        client.post("/w/login/code", data={"code": _code(session, person_id)})
        page = client.get(f"/w/fairs/{fair_id}").get_data(as_text=True)
    assert "14:30 开始，提前一小时可以签到" in page
