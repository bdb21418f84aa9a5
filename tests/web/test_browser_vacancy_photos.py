"""An employer adds workplace photos in Chromium; the worker sees them on the offer page on a 360 px phone.
Screenshots of both pages; axe-core finds no serious fault; no English on the Chinese pages."""

import re

from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import Offer, User
from jobmatch.models.offers import OfferStatus
from tests.employers.test_vacancy_photos import jpeg_with_exif, png
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.test_browser_error_pages import _serious_violations, _sign_in

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _workers_offer(app) -> tuple[int, int]:
    """The demo worker's open offer; the demo employer user works for that vacancy's employer."""
    session = app.extensions["jobmatch.sessionmaker"]()
    worker = session.scalar(select(User).where(User.username == "worker"))
    offer = session.scalar(select(Offer).where(Offer.person_id == worker.person_id, Offer.status == OfferStatus.SENT))
    session.scalar(select(User).where(User.username == "employer")).employer_id = offer.vacancy.employer_id
    ids = offer.id, offer.vacancy_id
    session.commit()
    session.close()
    return ids


def test_employer_adds_photos_and_the_worker_sees_them_on_a_phone(browser, server, live_app, screenshot, tmp_path):
    use_settings(live_app, settings_of(live_app).replace(photo_dir=str(tmp_path / "photos")))
    offer_id, vacancy_id = _workers_offer(live_app)

    page = browser.new_page(**DESK)
    _sign_in(page, server, "employer")
    page.goto(f"{server}/e/")
    page.click(f"a[href='/e/vacancies/{vacancy_id}/photos']")
    for name, data, mime in (("workshop.jpg", jpeg_with_exif(), "image/jpeg"),
                             ("canteen.png", png(800, 600), "image/png")):
        page.set_input_files("#photo", files=[{"name": name, "mimeType": mime, "buffer": data}])
        page.click("form.stack button[type=submit]")
        assert "照片已上传" in page.inner_text(".flash")
    page.set_input_files("#photo", files=[{"name": "menu.txt", "mimeType": "text/plain", "buffer": b"not a photo"}])
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    assert "不是照片" in page.inner_text("#photo-error")
    assert page.locator(".photos img").count() == 2
    screenshot(page, "employer-vacancy-photos-1366")
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "employer-vacancy-photos-360")
    assert page_has_no_horizontal_scroll(page)
    page.close()

    page = browser.new_page(**PHONE, java_script_enabled=True)
    _sign_in(page, server, "worker")
    page.goto(f"{server}/w/o/{offer_id}")
    photos = page.locator("#photos img")
    assert photos.count() == 2
    alts = [photos.nth(i).get_attribute("alt") for i in range(2)]
    assert all("工作场所照片" in alt for alt in alts) and alts[0] != alts[1]
    for i in range(2):  # loading="lazy": a photo below the fold loads when it is scrolled to
        photos.nth(i).scroll_into_view_if_needed()
        photos.nth(i).evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert all(photos.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(2))
    assert not ENGLISH_WORD.search(page.inner_text("main"))
    screenshot(page, "worker-offer-photos-360")
    assert page_has_no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "worker-offer-photos-1366")
    page.close()
