"""WeChat notices as a worker's first channel, with SMS as the fallback that always reaches them."""

from datetime import timedelta

from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import LedgerEvent, Message, WechatNotice
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.wechat.binding import bind
from jobmatch.services.wechat.notices import open_notice
from jobmatch.tasks import InProcessQueue, dispatch_once, sms_provider
from tests.factories import make_person
from tests.sms.test_sms_support import OFFER_DATA, fixed_clock, shanghai
from tests.support.fake_wechat import new_openid

WORKDAY_MORNING = shanghai(2026, 11, 25, 10)
FAIR_DATA = {"fair_name": "易地搬迁专场招聘会", "when": "12月5日", "venue": "安置点广场", "employer_count": "12",
             "link": "fair:1"}


def _dispatch(app):
    return dispatch_once(app, InProcessQueue(app))


def _bound_worker(app, session):
    person = make_person(session)
    openid = new_openid()
    bind(session, person.id, openid, actor="test")
    return person, openid


def _queue_offer(session, person, subject="offer:1"):
    return queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA, subject=subject,
                         expects_reply=True, actor="user:1")


def _kinds(session):
    kinds = list(session.scalars(select(LedgerEvent.kind).order_by(LedgerEvent.id)))
    session.rollback()
    return kinds


def _sms_sent(app):
    return sms_provider(app).sent


def test_an_offer_to_a_bound_worker_goes_as_a_wechat_notice_and_not_by_sms(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, openid = _bound_worker(wechat_app, session)
        message_id = _queue_offer(session, person).id
        session.commit()
        assert _dispatch(wechat_app) == 1
        assert [n.openid for n in fake_wechat.notices] == [openid]
        assert fake_wechat.notices[0].template_id == "TPL-OFFER"
        assert fake_wechat.notices[0].url.startswith("http://jobmatch.test/wechat/open/")
        assert fake_wechat.notices[0].data["employer"] == {"value": "鑫达电子"}
        assert _sms_sent(wechat_app) == []
        message = session.get(Message, message_id)
        assert message.status == "sent" and message.provider_message_id.startswith("wx:")
        assert "wechat_notice_sent" in _kinds(session)
        assert _dispatch(wechat_app) == 0 and len(fake_wechat.notices) == 1


def test_a_refused_notice_falls_back_to_sms_exactly_once(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, openid = _bound_worker(wechat_app, session)
        fake_wechat.refuse(openid, 43101)  # the worker's one-time grant is used up
        message_id = _queue_offer(session, person).id
        session.commit()
        _dispatch(wechat_app)
        _dispatch(wechat_app)
        _dispatch(wechat_app)
        assert fake_wechat.notices == []
        assert [m.to_e164 for m in _sms_sent(wechat_app)] == [person.phone]
        notice = session.scalar(select(WechatNotice).where(WechatNotice.message_id == message_id))
        assert (notice.status, notice.errcode) == ("refused", "43101")
        assert session.get(Message, message_id).status == "sent"
        kinds = _kinds(session)
        assert kinds.count("wechat_notice_refused") == 1 and kinds.count("sms_sent") == 1
        assert "wechat_notice_sent" not in kinds


def test_an_unopened_notice_is_sent_by_sms_after_the_configured_time_once(wechat_app, fake_wechat):
    use_settings(wechat_app, settings_of(wechat_app).replace(wechat_fallback_minutes=30))
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        _queue_offer(session, person)
        session.commit()
        _dispatch(wechat_app)
        clock.advance(minutes=29)
        _dispatch(wechat_app)
        assert _sms_sent(wechat_app) == []  # not yet
        clock.advance(minutes=2)
        _dispatch(wechat_app)
        _dispatch(wechat_app)
        clock.advance(hours=3)
        _dispatch(wechat_app)
        assert len(fake_wechat.notices) == 1
        assert [m.to_e164 for m in _sms_sent(wechat_app)] == [person.phone]
        kinds = _kinds(session)
        assert kinds.count("wechat_sms_fallback") == 1 and kinds.count("sms_sent") == 1


def test_an_opened_notice_is_not_sent_again_by_sms(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        _queue_offer(session, person, subject="offer:7")
        session.commit()
        _dispatch(wechat_app)
        code = fake_wechat.notices[0].url.rsplit("/", 1)[1]
        assert wechat_app.test_client().get(f"/wechat/open/{code}").status_code == 302
        clock.advance(hours=2)
        _dispatch(wechat_app)
        assert _sms_sent(wechat_app) == []
        assert open_notice(session, code) is not None  # opening again changes nothing
        assert _kinds(session).count("wechat_notice_opened") == 1


def test_the_daily_cap_counts_wechat_notices_and_sms_together(wechat_app, fake_wechat):
    use_settings(wechat_app, settings_of(wechat_app).replace(sms_daily_cap=2, wechat_template_ids="job_offer=TPL"))
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        _queue_offer(session, person)  # by WeChat
        for fair_id in (1, 2):  # fair invitations have no WeChat template here: by SMS
            queue_message(session, person_id=person.id, kind="fair_invitation",
                          data=dict(FAIR_DATA, link=f"fair:{fair_id}"), subject=f"fair:{fair_id}",
                          expects_reply=True, actor="user:1")
        session.commit()
        _dispatch(wechat_app)
        assert len(fake_wechat.notices) == 1 and len(_sms_sent(wechat_app)) == 1
        held = session.scalars(select(Message).where(Message.status == "held")).all()
        assert [(m.kind, m.last_error) for m in held] == [("fair_invitation", "daily_cap")]
        assert held[0].due_at > WORKDAY_MORNING + timedelta(hours=12)  # tomorrow morning


def test_quiet_hours_hold_wechat_notices_too(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(shanghai(2026, 11, 25, 22)) as clock, sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        _queue_offer(session, person)
        session.commit()
        _dispatch(wechat_app)
        assert fake_wechat.notices == []
        clock.set(shanghai(2026, 11, 26, 8, 1))
        _dispatch(wechat_app)
        assert len(fake_wechat.notices) == 1


def test_without_wechat_settings_a_bound_worker_still_gets_sms(app):
    sessions = app.extensions["jobmatch.sessionmaker"]
    with app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, _ = _bound_worker(app, session)
        _queue_offer(session, person)
        session.commit()
        _dispatch(app)
        assert len(_sms_sent(app)) == 1
        assert session.scalar(select(WechatNotice)) is None


def test_anonymising_a_person_removes_their_wechat_binding(session):
    from jobmatch.models import WechatBinding
    from jobmatch.services.people.privacy_requests import anonymise_person

    person = make_person(session)
    bind(session, person.id, new_openid(), actor="test")
    anonymise_person(session, person.id_number, reason="left the programme", actor="user:1")
    assert session.scalar(select(WechatBinding)) is None


def test_without_long_term_subscriptions_a_one_time_subscription_notice_is_sent(wechat_app, fake_wechat):
    use_settings(wechat_app, settings_of(wechat_app).replace(wechat_long_term=False))
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, openid = _bound_worker(wechat_app, session)
        _queue_offer(session, person)
        session.commit()
        _dispatch(wechat_app)
        [notice] = fake_wechat.notices
        assert (notice.openid, notice.long_term) == (openid, False)
        assert "鑫达电子" in notice.data["content"]["value"]
        assert _sms_sent(wechat_app) == []


def test_a_delivery_job_run_twice_sends_one_notice(wechat_app, fake_wechat):
    from jobmatch.services.sms.outbox import OutboxSettings, claim_due
    from jobmatch.tasks import deliver_with

    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        _queue_offer(session, person)
        session.commit()
        with sessions.begin() as claiming:
            ids = claim_due(claiming, OutboxSettings.from_settings(settings_of(wechat_app)), 10)
        first = deliver_with(wechat_app, ids)
        second = deliver_with(wechat_app, ids)  # RQ ran the job again
        assert first.get("wechat_sent") == 1 and "wechat_sent" not in second
        assert len(fake_wechat.notices) == 1 and _sms_sent(wechat_app) == []


def test_a_notice_whose_lease_has_run_short_is_not_sent_but_put_back(wechat_app, fake_wechat):
    from jobmatch.services.sms.outbox import OutboxSettings, claim_due
    from jobmatch.tasks import deliver_with

    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING) as clock, sessions() as session:
        person, _ = _bound_worker(wechat_app, session)
        message_id = _queue_offer(session, person).id
        session.commit()
        settings = OutboxSettings.from_settings(settings_of(wechat_app))
        with sessions.begin() as claiming:
            ids = claim_due(claiming, settings, 10)
        from jobmatch.services.sms.outbox import claim_for_sending
        from jobmatch.services.wechat.notices import deliver_notices

        with sessions.begin() as claiming:
            claimed = claim_for_sending(claiming, settings, ids)
        clock.advance(seconds=settings.sending_lease_seconds - 5)  # the job was slow to start
        assert deliver_notices(sessions, settings, claimed) == {"unsent": 1}
        assert fake_wechat.notices == []
        assert session.get(Message, message_id, populate_existing=True).status == "queued"
        session.rollback()
        clock.advance(seconds=10)
        deliver_with(wechat_app, ids)  # nothing dispatched: nothing sent
        assert fake_wechat.notices == []
        _dispatch(wechat_app)
        assert len(fake_wechat.notices) == 1


def test_the_doctor_checks_the_wechat_settings():
    from jobmatch.commands.ops import check_wechat
    from jobmatch.config import Settings

    assert check_wechat(Settings()).ok  # off
    half = check_wechat(Settings(wechat_app_id="wx1"))
    assert not half.ok and "WECHAT_APP_SECRET" in half.message and "WECHAT_TOKEN" in half.message
    no_templates = check_wechat(Settings(wechat_app_id="wx1", wechat_app_secret="s", wechat_token="t"))
    assert not no_templates.ok and "WECHAT_TEMPLATE_IDS" in no_templates.message
    import pytest

    from jobmatch.config import SettingsError

    with pytest.raises(SettingsError, match="WECHAT_TEMPLATE_IDS"):  # refused when read, naming the entry
        Settings.from_env({"WECHAT_TEMPLATE_IDS": "job_offer=T1,fair_invitation"})
    good = check_wechat(Settings(wechat_app_id="wx1", wechat_app_secret="s", wechat_token="t",
                                 wechat_template_ids="job_offer=T1"))
    assert good.ok and "job_offer" in good.message


def test_gig_offers_and_labour_export_invitations_go_by_wechat_too(wechat_app, fake_wechat):
    """Issue 18: a gig or a labour-export group reaches a bound worker in WeChat first, like a job offer."""
    from tests.notifications.test_templates import LONGEST

    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with wechat_app.app_context(), fixed_clock(WORKDAY_MORNING), sessions() as session:
        person, openid = _bound_worker(wechat_app, session)
        for kind, subject in (("gig_offer", "gig:1"), ("export_invitation", "export_invitation:1")):
            queue_message(session, person_id=person.id, kind=kind, data=dict(LONGEST["zh"]), subject=subject,
                          expects_reply=True, actor="user:1")
        session.commit()
        assert _dispatch(wechat_app) == 2
        assert sorted(n.template_id for n in fake_wechat.notices) == ["TPL-EXPORT", "TPL-GIG"]
        assert {n.openid for n in fake_wechat.notices} == {openid}
        assert _sms_sent(wechat_app) == []
