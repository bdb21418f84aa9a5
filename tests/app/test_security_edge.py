"""The edge of the app: names people type are shown as text (no stored XSS through flashes),
every response carries the security headers, and control characters in input are refused
with a Chinese 400, never a 500 from PostgreSQL."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from jobmatch.models import Employer, InboundMessage
from tests.conftest import make_test_app
from tests.factories import make_person
from tests.support.fake_twilio import DEFAULT_AUTH_TOKEN, sign_twilio_request
from tests.web.helpers import load_small_demo, login

TAG = "<img src=x onerror=alert(document.domain)>"
ESCAPED = "&lt;img src=x onerror=alert(document.domain)&gt;"


def _sign_up_employer(client, county_id: int, name: str):
    return client.post("/e/signup", data={
        "name": name, "kind": "company", "county_id": str(county_id), "contact_name": "张厂长",
        "contact_phone": "13985012345", "address": "五里岗工业园", "username": "xinxing",
        "password": "longenough1", "password_again": "longenough1"})


@pytest.mark.parametrize("decision, said", [("approve", "已通过"), ("reject", "已拒绝")])
def test_an_employer_named_like_markup_is_shown_as_text_when_staff_decide(session, client, decision, said):
    load_small_demo(session)
    county_id = session.scalar(select(Employer.county_id).where(Employer.approved).limit(1))
    session.rollback()
    assert _sign_up_employer(client, county_id, TAG).status_code == 302
    client.post("/logout")
    login(client, "staff")
    pending = client.get("/staff/employers/pending").get_data(as_text=True)
    assert ESCAPED in pending and TAG not in pending
    employer_id = session.scalar(select(Employer.id).where(Employer.name == TAG))
    session.rollback()
    decided = client.post(f"/staff/employers/{employer_id}/decision", data={"decision": decision},
                          follow_redirects=True).get_data(as_text=True)
    assert f"{said}“{ESCAPED}”。" in decided
    assert TAG not in decided


def test_a_vacancy_title_like_markup_is_text_in_the_employers_flash(session, client):
    load_small_demo(session)
    login(client, "employer")
    page = client.post("/e/vacancies/new", data={"title": "<b>焊工</b>", "kind": "regular", "openings": "2",
                                                 "wage_min": "3000", "wage_max": "4000", "lat": "26.86",
                                                 "lon": "104.27", "physical_demand": "light", "hours": "day",
                                                 "skills": "电焊"},
                       follow_redirects=True).get_data(as_text=True)
    assert "岗位“&lt;b&gt;焊工&lt;/b&gt;”已发布。" in page and "<b>焊工</b>" not in page


@pytest.mark.parametrize("path", ["/login", "/w/login", "/no-such-page", "/static/app.css", "/api/v1/households",
                                  "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.fixture
def pg_app(pg_url):
    app = make_test_app(pg_url, TWILIO_AUTH_TOKEN=DEFAULT_AUTH_TOKEN)
    yield app
    app.extensions["jobmatch.engine"].dispose()


@pytest.mark.parametrize("nul", ["\x00", "\x1b"])
def test_a_control_character_in_a_search_is_a_chinese_400_on_postgresql(pg_app, nul):
    session = pg_app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    session.close()
    client = pg_app.test_client()
    login(client, "staff")
    response = client.get("/staff/search", query_string={"q": f"张{nul}三"})
    assert response.status_code == 400
    assert "“q”里有看不见的控制字符" in response.get_data(as_text=True)
    assert client.get("/staff/search", query_string={"q": "张\t三"}).status_code == 200


def test_a_control_character_in_a_form_writes_nothing_and_names_the_field(pg_app):
    session = pg_app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    county_id = session.scalar(select(Employer.county_id).where(Employer.approved).limit(1))
    employers_before = session.scalar(select(func.count()).select_from(Employer))
    session.rollback()
    response = _sign_up_employer(pg_app.test_client(), county_id, "新星\x00制衣厂")
    assert response.status_code == 400 and "“name”里有看不见的控制字符" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Employer)) == employers_before
    session.close()


def test_a_control_character_in_a_json_body_is_a_json_400(pg_app):
    session = pg_app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    session.close()
    client = pg_app.test_client()
    login(client, "staff")
    response = client.post("/rounds", json={"settlement_id": 1, "note": "第一轮\x00"})
    assert response.status_code == 400 and response.json["field"] == "note"


def test_a_nul_in_an_sms_reply_is_stored_without_it(pg_app):
    session = pg_app.extensions["jobmatch.sessionmaker"]()
    person = make_person(session, phone="+8613985019876")
    session.commit()
    url = "http://jobmatch.test/sms/inbound"
    params = {"From": "+8613985019876", "To": "+15005550006", "Body": "好\x00的", "MessageSid": "SMNUL1",
              "AccountSid": "AC1"}
    response = pg_app.test_client().post(urlsplit(url).path, data=params,
                                         headers={"X-Twilio-Signature": sign_twilio_request(DEFAULT_AUTH_TOKEN,
                                                                                            url, params)})
    assert response.status_code == 200
    stored = session.scalar(select(InboundMessage).where(InboundMessage.provider_sid == "SMNUL1"))
    assert (stored.body, stored.person_id) == ("好的", person.id)
    session.close()
