"""A gig names a known place staff entered (an industrial park, a township), as a vacancy does: the worker's
gig page, the SMS and the station page say it, and distances count from it. Gigs without one read as before."""

import pytest
from sqlalchemy import func, select

from jobmatch.models import Gig, GigPlacement, LedgerEvent, Place
from jobmatch.services.errors import UserError
from jobmatch.services.gigs import offering, posting
from tests.conftest import make_test_app
from tests.factories import frozen_clock, make_county, make_employer, make_household, make_person, make_settlement
from tests.gigs.gig_factories import MORNING, available_workers, post, texts
from tests.gigs.test_gig_pages import GIG_FORM
from tests.web.helpers import add_user, login


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url, SMS_INPROCESS_DISPATCHER=False)  # the texts stay in the outbox
    yield app
    app.extensions["jobmatch.engine"].dispose()


@pytest.fixture
def clock():
    with frozen_clock(MORNING) as clock:
        yield clock


def _park(session, county, name="五里岗工业园", lat=26.87, lon=104.28):
    place = Place(county_id=county.id, name=name, kind="industrial_park", lat=lat, lon=lon)
    session.add(place)
    session.flush()
    return place


def test_a_gig_at_a_known_place_is_there_in_its_sms_its_pages_and_its_distances(app, session, clock):
    site = make_settlement(session, name="五里岗安置点")
    park = _park(session, site.county)
    worker = available_workers(session, site, 1)[0]
    gig = post(session, site, place_id=park.id, address="3号厂房")
    assert (gig.lat, gig.lon) == (park.lat, park.lon)
    assert posting.where_words(gig) == "五里岗工业园 3号厂房" and posting.place_name(gig) == "五里岗工业园"
    posted = session.scalar(select(LedgerEvent).where(LedgerEvent.subject == f"gig:{gig.id}").order_by(LedgerEvent.id))
    assert posted.data["place_id"] == park.id
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
    [text] = texts(session, "gig_offer", worker.id)
    assert "在五里岗工业园做搬运装车" in text.body

    same = post(session, site, place_id=park.id, address="五里岗工业园东门")  # the address already names it
    assert posting.where_words(same) == "五里岗工业园东门"
    bare = post(session, site, place_id=park.id)
    assert posting.where_words(bare) == "五里岗工业园"


def test_old_gigs_without_a_place_read_as_before(session, clock):
    site = make_settlement(session, name="五里岗安置点")
    with_address, without = post(session, site, address="安置点北门"), post(session, site)
    assert (with_address.place_id, without.place_id) == (None, None)
    assert [posting.where_words(g) for g in (with_address, without)] == ["安置点北门", "五里岗安置点"]
    assert [posting.place_name(g) for g in (with_address, without)] == ["安置点北门", "五里岗安置点"]
    assert (without.lat, without.lon) == (site.lat, site.lon)


def test_a_place_of_another_county_is_refused_and_nothing_is_written(session, clock):
    site = make_settlement(session)
    elsewhere = _park(session, make_county(session, name="赫章县"), name="赫章工业园")
    before = session.scalar(select(func.count(Gig.id)))
    with pytest.raises(UserError, match="不在") as refused:
        post(session, site, place_id=elsewhere.id)
    assert refused.value.field == "place_id"
    assert session.scalar(select(func.count(Gig.id))) == before


def test_the_clerk_and_the_employer_choose_the_place_and_the_worker_and_station_pages_show_it(
        app, session, client, clock):
    site = make_settlement(session, name="五里岗安置点")
    park = _park(session, site.county)
    other = _park(session, make_county(session, name="赫章县"), name="赫章工业园")
    worker = make_person(session, make_household(session, site), phone="13900003333")
    employer = make_employer(session, site.county)
    add_user(session, "clerk", "staff", settlements=[site])
    add_user(session, "boss", "employer", employer_id=employer.id)
    add_user(session, "wang", "worker", person_id=worker.id)
    session.commit()
    park_id, other_id, worker_id = park.id, other.id, worker.id

    login(client, "clerk")
    form = client.get("/staff/gigs").get_data(as_text=True)
    assert "五里岗工业园" in form and "赫章工业园" not in form  # only the places of the clerk's counties
    refused = client.post("/staff/gigs", data={**GIG_FORM, "settlement_id": site.id, "employer_name": "张老板",
                                               "place_id": other_id})
    assert refused.status_code == 400
    assert client.post("/staff/gigs", data={**GIG_FORM, "settlement_id": site.id, "employer_name": "张老板",
                                            "place_id": park_id, "address": "3号厂房"}).status_code == 302
    assert "五里岗工业园 3号厂房" in client.get("/staff/gigs").get_data(as_text=True)
    assert "五里岗工业园 3号厂房" in client.get("/staff/gigs/print").get_data(as_text=True)

    client = app.test_client()
    login(client, "boss")
    assert client.post("/e/gigs", data={**GIG_FORM, "settlement_id": site.id, "place_id": park_id,
                                        "title": "卸货"}).status_code == 302
    session.rollback()
    assert {g.title: g.place_id for g in session.scalars(select(Gig))} == {"搬运装车": park_id, "卸货": park_id}

    gig = session.scalars(select(Gig).where(Gig.title == "卸货")).one()
    session.add(GigPlacement(gig_id=gig.id, person_id=worker_id, status="accepted", via="station",
                             offered_at=MORNING))
    session.commit()
    client = app.test_client()
    login(client, "wang")
    page = client.get("/w/gigs").get_data(as_text=True)
    assert "五里岗工业园" in page
