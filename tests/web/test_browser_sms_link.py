"""A worker on a 360 px phone follows the SMS short link, signs in by code, and reads the offer's
deadline in words and the settlement office's phone; axe-core finds no serious fault."""

import re

from sqlalchemy import select, update

from jobmatch.models import Offer, User, Vacancy
from jobmatch.models.offers import OfferStatus
from jobmatch.services.offers.lifecycle import answer_deadline, current_settings, offer_message_data
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.sms.sender_settings import set_contact_phone
from notifications.wording import deadline_text
from tests.factories import make_sent_offers
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import _serious_violations
from tests.web.test_browser_walks import _latest_code

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "java_script_enabled": True}


def _offer_by_sms(app):
    """An offer to the demo worker, its SMS queued (not yet delivered); the office phone set."""
    session = app.extensions["jobmatch.sessionmaker"]()
    person = session.scalar(select(User).where(User.username == "worker")).person
    set_contact_phone(session, person.household.settlement_id, "0857-6221234", actor="test")
    vacancy = session.scalar(select(Vacancy).where(Vacancy.status == "open").order_by(Vacancy.id).limit(1))
    # The demo worker's open offer out of the way: this one is followed from its own SMS.
    session.execute(update(Offer).where(Offer.person_id == person.id, Offer.status == OfferStatus.SENT)
                    .values(status=OfferStatus.WITHDRAWN))
    [offer] = make_sent_offers(session, vacancy, [person])
    offer.expires_at = None  # the window starts when the SMS arrives
    with app.app_context():
        message = queue_message(session, person_id=person.id, kind="job_offer", expects_reply=True, actor="test",
                                data=offer_message_data(offer, current_settings()), subject=f"offer:{offer.id}")
        deadline = deadline_text(answer_deadline(offer, current_settings()))
    facts = (person.id, person.phone, offer.id, re.search(r"/s/(\w{6}) ", message.body).group(1), deadline,
             vacancy.title)
    session.commit()
    session.close()
    return facts


def test_worker_follows_the_sms_link_and_sees_deadline_and_office_phone(browser, server, live_app, screenshot):
    person_id, phone, offer_id, code, deadline, title = _offer_by_sms(live_app)
    page = browser.new_page(**PHONE)
    page.goto(f"{server}/s/{code}")
    assert page.url.startswith(f"{server}/w/login")
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    page.fill("#code", _latest_code(live_app, person_id))
    page.click("form.stack button[type=submit]")
    assert page.url == f"{server}/w/o/{offer_id}"
    assert title in page.inner_text("main")
    assert deadline in page.inner_text(".deadline")
    assert re.search(r"\d+月\d+日 周. .+点前", deadline)
    screenshot(page, "worker-offer-deadline-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.goto(f"{server}/w/")
    assert "0857-6221234" in page.inner_text("#help")
    assert deadline in page.inner_text("#offers")
    screenshot(page, "worker-home-contact-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.close()
