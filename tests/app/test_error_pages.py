"""Error pages and the one error type: a person's mistake or an HTTP error is a Chinese page in
the site's layout with a way back; the JSON endpoints keep answering JSON."""

import re

import pytest
from sqlalchemy import select

from jobmatch.models import Employer, Offer, Person, User
from jobmatch.models.offers import OfferStatus
from tests.conftest import make_test_app
from tests.factories import make_sent_offers, make_vacancy
from tests.web.helpers import load_small_demo, login


def _page(response) -> str:
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and '<header class="top">' in text, "not the site's layout"
    return text


def _links(text: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', text)


def _offer_to_someone_else(session, demo) -> int:
    """An offer sent to a worker of the other settlement, not to the demo's signed-in worker."""
    other = session.get(Person, demo.person_b)
    employer = session.scalar(select(Employer).where(Employer.approved).limit(1))
    [offer] = make_sent_offers(session, make_vacancy(session, employer), [other])
    session.commit()
    return offer.id


def test_a_family_members_offer_link_says_it_is_not_for_this_person_and_offers_their_sign_in(session, client):
    demo = load_small_demo(session)
    offer_id = _offer_to_someone_else(session, demo)
    login(client, "worker")
    response = client.get(f"/w/o/{offer_id}")
    assert response.status_code == 404
    text = _page(response)
    assert "这条工作推荐不是发给" in text and "家里其他人" in text
    assert f"/w/login?next=/w/o/{offer_id}" in _links(text) or f"/w/login?next=%2Fw%2Fo%2F{offer_id}" in _links(text)
    assert "/w/" in _links(text), "a way back to the worker's home"
    assert "Not Found" not in text


@pytest.mark.parametrize("username, path, status, way_back", [
    (None, "/no-such-page", 404, "/"),
    (None, "/w/no-such-page", 404, "/w/"),
    ("staff", "/e/company", 403, "/staff/"),
    ("employer", "/staff/", 403, "/e/"),
    ("staff", "/logout", 405, "/staff/"),
])
def test_http_errors_are_chinese_pages_with_a_way_back_for_the_reader(session, client, username, path, status,
                                                                        way_back):
    load_small_demo(session)
    if username:
        login(client, username)
    response = client.get(path)
    assert response.status_code == status
    text = _page(response)
    assert '<html lang="zh-CN">' in text and f"错误代码 {status}" in text
    assert way_back in _links(text)
    if status == 405:
        assert response.headers["Allow"]


def test_a_month_a_report_cannot_read_is_shown_to_the_officer_not_swallowed(session, client):
    load_small_demo(session)
    login(client, "county")
    response = client.get("/county/report.xlsx?month=2026-13")
    assert response.status_code == 400
    assert "月份应写成 2026-11 这样，不是「2026-13」" in _page(response)


def test_a_worker_answer_that_is_neither_yes_nor_no_says_what_to_choose(session, client):
    load_small_demo(session)
    me = session.scalar(select(User).where(User.username == "worker")).person
    offer_id = session.scalar(select(Offer.id).where(Offer.person_id == me.id, Offer.status == OfferStatus.SENT))
    session.commit()  # the demo worker's open offer
    login(client, "worker")
    response = client.post(f"/w/o/{offer_id}", data={"answer": "maybe"})
    assert response.status_code == 400
    assert "请选择“接受”或“不接受”。" in _page(response)


def test_too_big_an_upload_and_too_many_tries_are_chinese_pages(database_url):
    app = make_test_app(database_url, MAX_CONTENT_LENGTH=1000, RATELIMIT_ENABLED=True)
    client = app.test_client()
    too_big = client.post("/login", data={"username": "x" * 5000, "password": "y"})
    assert too_big.status_code == 413 and "文件太大" in _page(too_big)
    answers = [client.post("/login", data={"username": "nobody", "password": "wrong"}) for _ in range(11)]
    assert answers[-1].status_code == 429
    assert "操作太频繁" in _page(answers[-1])
    app.extensions["jobmatch.engine"].dispose()


@pytest.fixture
def failing_app(database_url):
    """The app as in production (exceptions become 500 pages) with two routes that fail."""
    app = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False)

    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/w/fails", "fails_page", fail)
    app.add_url_rule("/api/v1/fails", "fails_api", fail)
    yield app
    app.extensions["jobmatch.engine"].dispose()


def test_a_bug_is_a_chinese_500_page_and_json_on_the_api(failing_app):
    client = failing_app.test_client()
    page = client.get("/w/fails")
    assert page.status_code == 500
    text = _page(page)
    assert "系统出错了" in text and "/w/" in _links(text) and "a bug" not in text
    api = client.get("/api/v1/fails")
    assert api.status_code == 500 and api.json["error"]["code"] == "internal_server_error"


@pytest.mark.parametrize("method, path, status", [("get", "/api/v1/no-such-thing", 404),
                                                  ("post", "/api/v1/households", 405)])
def test_api_errors_stay_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status and response.is_json
    assert set(response.json["error"]) == {"code", "message"}


def test_a_form_sent_without_its_csrf_token_says_to_reload_not_csrf(database_url):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"username": "staff", "password": "x"})
    assert response.status_code == 400
    text = _page(response)
    assert "页面停留太久已过期" in text and "CSRF" not in text
    app.extensions["jobmatch.engine"].dispose()
