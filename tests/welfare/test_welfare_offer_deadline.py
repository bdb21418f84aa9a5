"""The welfare-place SMS states the answer deadline in the plain words the worker's page shows, and the
place passes on no earlier than that (rounded up to noon or 6 pm, from when the SMS may first go)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from jobmatch.models import Message
from jobmatch.models.welfare import AppointmentStatus
from jobmatch.services.welfare.appointments import appoint, expire_unanswered
from jobmatch.views.filters import welfare_answer_by
from notifications.segments import count_segments
from tests.factories import frozen_clock, make_household, make_person, make_settlement, make_welfare_post

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _offer(session, at, site_name="五里岗安置点"):
    with frozen_clock(at):
        site = make_settlement(session, name=site_name)
        worker = make_person(session, make_household(session, site), name="张零")
        post = make_welfare_post(session, site, title="保洁员", monthly_subsidy=1800)
        appointment = appoint(session, post.id, worker.id, actor="user:1")
    text = session.scalar(select(Message).where(Message.subject == f"welfare_post:{post.id}"))
    return appointment, text


def test_the_sms_states_the_deadline_the_worker_page_shows(app, session):
    appointment, text = _offer(session, datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI))  # Friday noon, 48 hours
    assert "请在11月22日 周日 中午12点前回1接受 回2不要" in text.body
    assert "保洁员" in text.body and "每月补贴1800元" in text.body and "优先原因：" in text.body
    assert text.template_variables["deadline"] == "11月22日 周日 中午12点"
    assert count_segments(text.body).parts <= 2
    with app.test_request_context("/w/"):
        assert welfare_answer_by(appointment) == "11月22日 周日 中午12点前"  # the page's words


def test_an_offer_made_at_night_counts_from_eight_and_passes_on_only_after_the_stated_deadline(app, session):
    appointment, text = _offer(session, datetime(2026, 11, 20, 22, 30, tzinfo=SHANGHAI))
    # The text waits for Saturday 08:00; 48 hours from then is Monday 08:00, rounded up to noon.
    assert "请在11月23日 周一 中午12点前回1接受" in text.body
    with frozen_clock(datetime(2026, 11, 23, 11, 59, tzinfo=SHANGHAI)):  # 61 hours after the offer
        assert expire_unanswered(session, hours=48) == []
        assert appointment.status == AppointmentStatus.OFFERED
    with frozen_clock(datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)):
        assert expire_unanswered(session, hours=48) == [appointment]
        assert appointment.status == AppointmentStatus.DECLINED
