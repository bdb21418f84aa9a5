"""Employers choose where they are from places staff know, or type an address naming one; nobody
types coordinates (issue 17). Staff enter a township or an industrial park once."""

import pytest
from sqlalchemy import select

from jobmatch.models import Employer, LedgerEvent, Place, Vacancy
from jobmatch.services.employers import places
from jobmatch.services.errors import UserError
from tests.factories import make_county, make_employer, make_settlement, make_user


def _county_with_places(session):
    county = make_county(session, name="威宁彝族回族苗族自治县", lat=26.86, lon=104.27)
    site = make_settlement(session, county, name="五里岗安置点", lat=26.90, lon=104.30)
    park = places.add_place(session, county_id=county.id, name="五里岗工业园", kind="industrial_park", lat=26.91,
                            lon=104.31, actor="user:1")
    return county, site, park


def test_known_places_are_settlements_staff_places_and_the_county_town(app, session):
    county, site, park = _county_with_places(session)
    known = {p.key: p for p in places.known_places(session, {county.id})}
    assert set(known) == {f"settlement:{site.id}", f"place:{park.id}", f"county:{county.id}"}
    assert known[f"place:{park.id}"].name == "五里岗工业园" and known[f"county:{county.id}"].name.endswith("（县城）")
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "place_added"))
    assert event.subject == f"place:{park.id}" and event.data["name"] == "五里岗工业园"


def test_an_address_is_resolved_to_the_place_it_names(app, session):
    county, site, park = _county_with_places(session)
    assert places.resolve_place(session, "", "五里岗工业园 3 号厂房", county_ids={county.id}).key == f"place:{park.id}"
    assert places.resolve_place(session, "", "五里岗安置点东门", county_ids={county.id}).key == f"settlement:{site.id}"
    assert places.resolve_place(session, "", "威宁彝族回族苗族自治县城北", county_ids={county.id}).key == f"county:{county.id}"
    assert places.resolve_place(session, f"settlement:{site.id}", "", county_ids={county.id}).lat == 26.90
    assert places.resolve_place(session, "", "", county_ids={county.id}) is None
    with pytest.raises(UserError, match="找不到“火星基地”这个地方") as unknown:
        places.resolve_place(session, "", "火星基地", county_ids={county.id})
    assert unknown.value.field == "place"
    with pytest.raises(UserError):  # another county's place cannot be chosen
        places.resolve_place(session, f"place:{park.id}", "", county_ids={make_county(session).id})


def test_staff_enter_a_place_once_with_its_coordinates(app, session, client):
    county = make_county(session)
    site = make_settlement(session, county)
    make_user(session, "staff", settlements=[site], username="planner").set_password("pw-123456")
    session.commit()
    county_id = county.id
    client.post("/login", data={"username": "planner", "password": "pw-123456"})
    form = {"county_id": str(county_id), "kind": "industrial_park", "name": "雪山工业园", "lat": "26.95",
            "lon": "104.1"}
    assert client.post("/staff/places", data=form).status_code == 302
    assert "雪山工业园" in client.get("/staff/places").get_data(as_text=True)
    again = client.post("/staff/places", data=form)
    assert again.status_code == 400 and "“雪山工业园”已经有了" in again.get_data(as_text=True)
    bad = client.post("/staff/places", data={**form, "name": "别处", "lat": "104.1"})
    assert bad.status_code == 400 and "纬度" in bad.get_data(as_text=True)
    assert session.scalar(select(Place.lat).where(Place.name == "雪山工业园")) == 26.95


def test_employer_forms_offer_places_and_never_coordinates(app, session, client):
    county, site, park = _county_with_places(session)
    employer = make_employer(session, county, name="五里岗制衣厂")
    make_user(session, "employer", username="boss", employer_id=employer.id).set_password("pw-123456")
    session.commit()
    employer_id, park_key, site_key = employer.id, f"place:{park.id}", f"settlement:{site.id}"
    assert 'name="lat"' not in client.get("/e/signup").get_data(as_text=True)
    client.post("/login", data={"username": "boss", "password": "pw-123456"})
    for path in ("/e/company", "/e/vacancies/new"):
        page = client.get(path).get_data(as_text=True)
        assert 'name="lat"' not in page and 'name="lon"' not in page and "五里岗工业园" in page, path
    company = {"name": "五里岗制衣厂", "kind": "company", "contact_name": "张厂长", "contact_phone": "13985012345",
               "address": "3 号厂房", "place": park_key, "lat": "1", "lon": "1"}  # typed numbers are ignored
    assert client.post("/e/company", data=company).status_code == 302
    assert session.scalar(select(Employer.lat).where(Employer.id == employer_id)) == 26.91
    session.rollback()
    assert f'<option value="{park_key}" selected' in client.get("/e/company").get_data(as_text=True)
    vacancy = {"title": "缝纫工", "kind": "regular", "openings": "2", "wage_min": "3000", "wage_max": "4000",
               "physical_demand": "light", "hours": "day", "place": site_key}
    assert client.post("/e/vacancies/new", data=vacancy).status_code == 302
    posted = session.scalar(select(Vacancy).where(Vacancy.title == "缝纫工"))
    assert (posted.lat, posted.lon) == (26.90, 104.30)
    session.rollback()
    moved = client.post("/e/vacancies/new", data={**vacancy, "title": "熨烫工", "place": "",
                                                   "place_text": "五里岗工业园 5 号"})
    assert moved.status_code == 302
    assert session.scalar(select(Vacancy.lat).where(Vacancy.title == "熨烫工")) == 26.91
