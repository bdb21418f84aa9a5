"""Inside WeChat's browser (its user agent), a worker binds once by SMS code; the next offer comes as a
WeChat notice, and opening it signs the worker in silently and lets them answer; axe finds no serious fault."""

import shutil
import threading

import pytest
from sqlalchemy import select, update
from werkzeug.serving import make_server

from jobmatch.config import settings_of, use_settings
from jobmatch.models import LedgerEvent, Offer, User, Vacancy, WechatBinding
from jobmatch.models.offers import OfferStatus
from jobmatch.services.offers.lifecycle import current_settings, offer_message_data
from jobmatch.services.sms.messaging import queue_message
from jobmatch.tasks import InProcessQueue, dispatch_once
from tests.conftest import make_test_app
from tests.factories import make_sent_offers
from tests.sms.test_sms_support import office_hours
from tests.support.fake_wechat import FakeWeChat, new_openid, wechat_settings
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import load_small_demo
from tests.web.test_browser_error_pages import _serious_violations
from tests.web.test_browser_walks import _latest_code

WECHAT_PHONE = {
    "viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
    "user_agent": ("Mozilla/5.0 (Linux; Android 12; V2134A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                   "Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MicroMessenger/8.0.33.2320"),
}


@pytest.fixture
def wechat_site(sqlite_template, tmp_path):
    """The demo site served on loopback with WeChat pointing at the fake; yields (app, base URL, fake)."""
    path = tmp_path / "wechat.sqlite"
    shutil.copy(sqlite_template, path)
    with FakeWeChat() as fake:
        app = make_test_app(f"sqlite:///{path}", **wechat_settings(fake))
        session = app.extensions["jobmatch.sessionmaker"]()
        load_small_demo(session)
        session.close()
        http = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{http.server_port}"
        use_settings(app, settings_of(app).replace(public_base_url=base))  # WeChat sends the worker back here
        with office_hours():
            yield app, base, fake
        http.shutdown()
        thread.join(timeout=5)
        app.extensions["jobmatch.engine"].dispose()


def _new_offer(app):
    """A new offer to the demo worker, its message queued and dispatched; returns (person id, phone, offer id)."""
    session = app.extensions["jobmatch.sessionmaker"]()
    person = session.scalar(select(User).where(User.username == "worker")).person
    session.execute(update(Offer).where(Offer.person_id == person.id, Offer.status == OfferStatus.SENT)
                    .values(status=OfferStatus.WITHDRAWN))
    taken = set(session.scalars(select(Offer.vacancy_id).where(Offer.person_id == person.id)))
    vacancy = session.scalar(select(Vacancy).where(Vacancy.status == "open", Vacancy.id.not_in(taken))
                             .order_by(Vacancy.id).limit(1))
    [offer] = make_sent_offers(session, vacancy, [person])
    with app.app_context():
        queue_message(session, person_id=person.id, kind="job_offer", expects_reply=True, actor="test",
                      data=offer_message_data(offer, current_settings()), subject=f"offer:{offer.id}")
    facts = person.id, person.phone, offer.id
    session.commit()
    session.close()
    dispatch_once(app, InProcessQueue(app))
    return facts


def test_in_wechat_a_bound_worker_opens_the_notice_signed_in_and_accepts(browser, wechat_site, screenshot):
    app, base, fake = wechat_site
    fake.browser_openid = openid = new_openid()
    person_id, phone, first_offer = _new_offer(app)  # not bound yet: it went by SMS

    # The first time inside WeChat: WeChat says who it is, the worker binds with phone + SMS code.
    binding = browser.new_context(**WECHAT_PHONE)
    page = binding.new_page()
    page.goto(f"{base}/w/o/{first_offer}")
    assert page.url.startswith(f"{base}/w/login")
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    page.fill("#code", _latest_code(app, person_id))
    page.click("form.stack button[type=submit]")
    assert page.url.split("#")[0] == f"{base}/w/o/{first_offer}"  # WeChat's #wechat_redirect may stay
    binding.close()

    # Later, a new offer comes as a WeChat notice; the worker taps it, in a fresh browser session.
    _, _, offer_id = _new_offer(app)
    assert [notice.openid for notice in fake.notices] == [openid]
    later = browser.new_context(**WECHAT_PHONE)
    page = later.new_page()
    page.goto(fake.notices[0].url)
    assert page.url.split("#")[0] == f"{base}/w/o/{offer_id}"  # signed in without a code
    assert page.locator("button[value=accept]").is_visible()
    screenshot(page, "worker-offer-in-wechat-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.click("button[value=accept]")
    assert "您已接受这份工作" in page.inner_text("main")
    later.close()

    session = app.extensions["jobmatch.sessionmaker"]()
    assert session.get(Offer, offer_id).status == OfferStatus.ACCEPTED
    assert session.scalar(select(WechatBinding.person_id)) == person_id
    kinds = list(session.scalars(select(LedgerEvent.kind)))
    assert {"wechat_bound", "wechat_notice_sent", "wechat_notice_opened", "wechat_signed_in"} <= set(kinds)
    session.close()


def test_wechat_parts_of_the_staff_person_page_and_the_worker_home_read_well(browser, wechat_site, screenshot):
    """The masked binding with its unbind button (staff) and the one-time subscription card (worker in WeChat)."""
    from jobmatch.services.wechat.binding import bind
    from tests.web.test_browser_error_pages import _sign_in

    app, base, fake = wechat_site
    use_settings(app, settings_of(app).replace(wechat_long_term=False))
    session = app.extensions["jobmatch.sessionmaker"]()
    person_id = session.scalar(select(User).where(User.username == "worker")).person_id
    fake.browser_openid = openid = new_openid()
    bind(session, person_id, openid, actor="test")
    session.commit()
    session.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    _sign_in(page, base, "admin")
    page.goto(f"{base}/staff/persons/{person_id}")
    assert "微信已绑定" in page.inner_text("main") and openid not in page.content()
    screenshot(page, "staff-person-wechat-bound")
    assert _serious_violations(page) == []
    staff.close()

    worker = browser.new_context(**WECHAT_PHONE)
    page = worker.new_page()
    page.goto(f"{base}/w/")  # signed in silently: the openid is bound
    assert page.url.split("#")[0] == f"{base}/w/"
    assert page.locator("#wechat a").is_visible()
    screenshot(page, "worker-home-wechat-grant-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    worker.close()
