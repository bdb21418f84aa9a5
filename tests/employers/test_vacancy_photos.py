"""Employers add up to three photos of the workplace to a vacancy; workers offered it see them on the offer page."""

from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import Offer, Person, User, VacancyPhoto
from jobmatch.models.offers import OfferStatus
from tests.web.helpers import add_user, load_small_demo, login


def jpeg_with_exif(width=3000, height=2000, colour=(200, 120, 40)) -> bytes:
    """A camera-like photo: EXIF with the camera's make, a GPS position and "rotate 90°" orientation."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was held upright
    exif[0x8825] = {1: "N", 2: (26.0, 52.0, 0.0), 3: "E", 4: (104.0, 16.0, 0.0)}  # GPSInfo
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width=400, height=300) -> bytes:
    out = BytesIO()
    Image.new("RGBA", (width, height), (20, 90, 160, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def shop(app, session, tmp_path):
    """The demo worker's open offer; the demo employer user now works for that vacancy's employer."""
    use_settings(app, settings_of(app).replace(photo_dir=str(tmp_path / "photos")))
    load_small_demo(session)
    worker = session.scalar(select(User).where(User.username == "worker"))
    offer = session.scalar(select(Offer).where(Offer.person_id == worker.person_id, Offer.status == OfferStatus.SENT))
    session.scalar(select(User).where(User.username == "employer")).employer_id = offer.vacancy.employer_id
    stranger = session.scalar(select(Person).where(Person.household_id != worker.person.household_id).limit(1))
    add_user(session, "stranger", "worker", person_id=stranger.id)
    session.commit()
    ids = offer.id, offer.vacancy_id
    session.rollback()
    return ids


def _upload(client, vacancy_id, data: bytes, name="photo.jpg"):
    return client.post(f"/e/vacancies/{vacancy_id}/photos", data={"photo": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def _photos(session, vacancy_id):
    session.rollback()
    rows = session.execute(select(VacancyPhoto.id, VacancyPhoto.position, VacancyPhoto.filename, VacancyPhoto.width,
                                  VacancyPhoto.height).where(VacancyPhoto.vacancy_id == vacancy_id)
                           .order_by(VacancyPhoto.position)).all()  # plain rows: nothing to reload later
    session.rollback()
    return rows


def test_a_photo_is_resized_upright_without_exif_and_a_fourth_is_refused(app, session, client, shop, tmp_path):
    _offer_id, vacancy_id = shop
    login(client, "employer")
    assert _upload(client, vacancy_id, jpeg_with_exif()).status_code == 302
    [photo] = _photos(session, vacancy_id)
    with Image.open(tmp_path / "photos" / photo.filename) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (683, 1024) == (photo.width, photo.height)  # turned upright, longest side 1024
        assert "exif" not in stored.info and len(stored.getexif()) == 0  # no GPS, no camera
    assert _upload(client, vacancy_id, png(), "shop.png").status_code == 302
    assert _upload(client, vacancy_id, png(200, 200), "canteen.png").status_code == 302
    fourth = _upload(client, vacancy_id, png())
    assert fourth.status_code == 400 and "最多 3 张照片" in fourth.get_data(as_text=True)
    assert [p.position for p in _photos(session, vacancy_id)] == [1, 2, 3]
    assert len(list((tmp_path / "photos").iterdir())) == 3

    first = _photos(session, vacancy_id)[0]
    assert client.post(f"/e/vacancies/{vacancy_id}/photos/{first.id}/delete").status_code == 302
    assert not (tmp_path / "photos" / first.filename).exists()
    assert _upload(client, vacancy_id, png()).status_code == 302  # the freed slot
    assert [p.position for p in _photos(session, vacancy_id)] == [1, 2, 3]


def test_a_file_that_is_not_a_photo_or_is_too_large_is_refused_and_nothing_is_kept(app, session, client, shop,
                                                                                   tmp_path):
    _offer_id, vacancy_id = shop
    login(client, "employer")
    for data, name in ((b"%PDF-1.4 not a photo", "menu.jpg"), (b"", "empty.jpg"), (jpeg_with_exif()[:2000], "cut.jpg")):
        response = _upload(client, vacancy_id, data, name)
        assert response.status_code == 400, name
        assert "照片" in response.get_data(as_text=True)
    use_settings(app, settings_of(app).replace(photo_max_upload_mb=0.01))
    too_big = _upload(client, vacancy_id, jpeg_with_exif())
    assert too_big.status_code == 400 and "照片太大" in too_big.get_data(as_text=True)
    assert _photos(session, vacancy_id) == []
    assert not (tmp_path / "photos").exists() or list((tmp_path / "photos").iterdir()) == []


def test_the_worker_offered_the_vacancy_sees_its_photos_and_others_do_not(app, session, client, shop):
    offer_id, vacancy_id = shop
    login(client, "employer")
    _upload(client, vacancy_id, jpeg_with_exif())
    [photo] = _photos(session, vacancy_id)
    client.post("/logout")
    assert client.get(f"/photos/{photo.id}.jpg").status_code in (302, 404)  # nobody signed in
    login(client, "worker")
    page = client.get(f"/w/o/{offer_id}").get_data(as_text=True)
    assert f'src="/photos/{photo.id}.jpg"' in page and "的工作场所照片，第 1 张" in page
    served = client.get(f"/photos/{photo.id}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    client.post("/logout")
    login(client, "stranger")
    assert client.get(f"/photos/{photo.id}.jpg").status_code == 404


def test_a_photo_with_too_many_pixels_is_refused_with_its_own_message():
    from jobmatch.services.employers.photos import resized_jpeg
    from jobmatch.services.errors import UserError

    out = BytesIO()
    Image.new("L", (10_000, 6_000)).save(out, "PNG")  # 60 megapixels of one colour: a tiny file
    with pytest.raises(UserError, match="像素太多"):
        resized_jpeg(out.getvalue(), max_bytes=8 * 1024 * 1024)


def test_five_uploads_at_once_keep_three_photos_on_postgresql(pg_url, tmp_path):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from jobmatch.services.employers.photos import add_photo
    from jobmatch.services.errors import UserError
    from tests.conftest import make_test_app
    from tests.factories import make_vacancy

    app = make_test_app(pg_url)
    factory = app.extensions["jobmatch.sessionmaker"]
    try:
        with app.app_context(), factory() as session:
            vacancy_id = make_vacancy(session).id
            session.commit()
        start = threading.Barrier(5)

        def upload(_):
            with app.app_context(), factory() as session:
                from jobmatch.models import Vacancy

                vacancy = session.get(Vacancy, vacancy_id)
                start.wait()
                try:
                    add_photo(session, vacancy, png(), photo_dir=str(tmp_path), max_bytes=10**7, actor="test")
                    session.commit()
                    return "kept"
                except UserError as error:
                    session.rollback()
                    return error.message

        with ThreadPoolExecutor(5) as pool:
            results = list(pool.map(upload, range(5)))
        assert results.count("kept") == 3 and all("最多 3 张" in r for r in results if r != "kept"), results
        with factory() as session:
            assert sorted(session.scalars(select(VacancyPhoto.position)).all()) == [1, 2, 3]
    finally:
        app.extensions["jobmatch.engine"].dispose()
