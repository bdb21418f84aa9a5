"""Worker sign-in by SMS code and profile edits; CSRF tokens, rate limits, cookies, English pages."""

import re
from datetime import timedelta

from sqlalchemy import select

from jobmatch.clock import FixedClock, SystemClock, use_clock, utcnow
from jobmatch.models import LedgerEvent, Message, SignInCode, User
from tests.conftest import make_test_app
from tests.web.helpers import load_small_demo, login


def _worker(session):
    user = session.scalar(select(User).where(User.username == "worker"))
    return user.person_id, user.person.phone


def _code(session, person_id) -> str:
    body = session.scalar(select(Message.body).where(Message.person_id == person_id, Message.kind == "sign_in_code")
                          .order_by(Message.id.desc()).limit(1))
    session.rollback()
    return re.search(r"\d{6}", body).group()


def test_sign_in_code_is_hashed_tried_five_times_and_expires(app, session, client):
    load_small_demo(session)
    person_id, phone = _worker(session)
    session.rollback()
    assert client.post("/w/login", data={"phone": phone[3:]}).status_code == 302
    code = _code(session, person_id)
    stored = session.scalar(select(SignInCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    session.rollback()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert client.post("/w/login/code", data={"code": wrong}).status_code == 400
    assert client.post("/w/login/code", data={"code": code}).status_code == 400  # locked after 5 tries
    client.post("/w/login", data={"phone": phone[3:]})
    fresh = _code(session, person_id)
    use_clock(FixedClock(utcnow() + timedelta(minutes=11)))
    try:
        assert client.post("/w/login/code", data={"code": fresh}).status_code == 400
    finally:
        use_clock(SystemClock())


def test_worker_edits_profile_and_the_ledger_says_who(app, session, client):
    load_small_demo(session)
    person_id, phone = _worker(session)
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    assert client.post("/w/login/code", data={"code": _code(session, person_id)}).headers["Location"] == "/w/"
    form = {"skills": "缝纫、电焊", "mobility": "county", "max_commute_km": "12", "wage_expectation": "3200"}
    assert client.post("/w/profile", data=form).status_code == 302
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "profile_changed",
                                                     LedgerEvent.person_id == person_id))
    assert event.actor == f"person:{person_id}" and event.data["skills"][1] == ["缝纫", "电焊"]
    session.rollback()
    assert client.post("/w/problem", data={"category": "wages", "description": "上个月工资还没发"}).status_code == 302
    assert session.scalar(select(LedgerEvent).where(LedgerEvent.person_id == person_id,
                                                    LedgerEvent.actor == f"person:{person_id}",
                                                    LedgerEvent.kind.like("problem%"))) is not None
    session.rollback()
    assert client.get("/staff/").status_code == 403  # a worker is not staff


def test_unknown_phone_gets_the_same_answer_and_no_code(app, session, client):
    load_small_demo(session)
    session.rollback()
    assert client.post("/w/login", data={"phone": "13900000000"}).status_code == 302
    assert session.scalar(select(SignInCode)) is None
    session.rollback()
    assert client.post("/w/login", data={"phone": "12345"}).status_code == 400


def test_english_on_login_page_and_worker_home(app, session, client):
    load_small_demo(session)
    person_id, phone = _worker(session)
    session.rollback()
    assert "Sign in" in client.get("/login?lang=en").get_data(as_text=True)
    client.post("/w/login", data={"phone": phone})
    client.post("/w/login/code", data={"code": _code(session, person_id)})
    page = client.get("/w/?lang=en").get_data(as_text=True)
    assert "Jobs for you" in page and "My details" in page
    assert "给您的工作" in client.get("/w/?lang=zh").get_data(as_text=True)


def test_every_post_form_carries_a_csrf_token(sqlite_url):
    app = make_test_app(sqlite_url, WTF_CSRF_ENABLED=True)
    session = app.extensions["jobmatch.sessionmaker"]()
    demo = load_small_demo(session)
    session.close()
    pages = {None: ["/login", "/w/login", "/e/signup"],
             "staff": ["/staff/", "/staff/roster/upload", "/staff/employers/pending", "/staff/sms/unread",
                       f"/staff/households/{demo.household_a}/door-visit",
                       f"/staff/households/{demo.household_a}/follow-up"],
             "employer": ["/e/", "/e/company", "/e/vacancies/new"]}
    for username, urls in pages.items():
        client = app.test_client()
        if username:
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            client.post("/login", data={"username": username, "password": "demo1234", "csrf_token": token})
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            forms = re.findall(r'<form[^>]*method="post".*?</form>', html, flags=re.S)
            assert forms, url
            assert all('name="csrf_token"' in form for form in forms), url
    assert app.test_client().post("/e/signup", data={"name": "x"}).status_code == 400
    app.extensions["jobmatch.engine"].dispose()


def test_sms_codes_are_rate_limited_per_phone(sqlite_url):
    app = make_test_app(sqlite_url, RATELIMIT_ENABLED=True)
    session = app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    _person_id, phone = _worker(session)
    session.close()
    statuses = [app.test_client().post("/w/login", data={"phone": phone[3:]}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429
    app.extensions["jobmatch.engine"].dispose()


def test_session_cookie_is_http_only_same_site_and_secure_when_configured(sqlite_url, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    from jobmatch import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "WTF_CSRF_ENABLED": False})
    session = app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    session.close()
    cookie = login(app.test_client(), "staff").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    app.extensions["jobmatch.engine"].dispose()
