"""Sessions end: at sign-out (on every device), on a new password, after their lifetime, and for a
worker whose phone number staff change."""

import csv
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from jobmatch.clock import utcnow
from jobmatch.models import Message, Person, User
from tests.conftest import make_test_app
from tests.factories import frozen_clock
from tests.web.helpers import load_small_demo, login

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "roster-sample.csv"


def _copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _worker_signs_in(client, session, phone: str) -> None:
    client.post("/w/login", data={"phone": phone})
    body = session.scalar(select(Message.body).where(Message.kind == "sign_in_code").order_by(Message.id.desc()))
    session.rollback()
    assert client.post("/w/login/code", data={"code": re.search(r"\d{6}", body).group()}).status_code == 302


def test_a_cookie_copied_before_logout_no_longer_opens_staff_pages(app, session, client):
    load_small_demo(session)
    login(client, "staff")
    copied = _copy_of(app, client)
    assert copied.get("/staff/").status_code == 200
    client.post("/logout")
    assert copied.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 302
    login(client, "staff")  # signing in again works, with a fresh cookie
    assert client.get("/staff/").status_code == 200


def test_signing_out_on_one_device_ends_the_other_devices_too(app, session, client):
    load_small_demo(session)
    login(client, "staff")
    other_device = app.test_client()
    login(other_device, "staff")
    client.post("/logout")
    assert other_device.get("/staff/").status_code == 302


def test_a_new_password_ends_every_session(app, session, client):
    load_small_demo(session)
    login(client, "staff")
    user = session.scalar(select(User).where(User.username == "staff"))
    user.set_password("a-new-password-2026")
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_staff_sessions_end_after_the_configured_lifetime(database_url):
    app = make_test_app(database_url, SESSION_LIFETIME_HOURS=2)
    session, client = app.extensions["jobmatch.sessionmaker"](), app.test_client()
    load_small_demo(session)
    session.close()
    login(client, "staff")
    with frozen_clock(utcnow() + timedelta(hours=1, minutes=59)):
        assert client.get("/staff/").status_code == 200
    with frozen_clock(utcnow() + timedelta(hours=2, minutes=1)):
        response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    app.extensions["jobmatch.engine"].dispose()


def test_staff_default_lifetime_is_twelve_hours_and_a_worker_stays_signed_in_for_a_month(app, session, client):
    load_small_demo(session)
    phone = session.scalar(select(User).where(User.username == "worker")).person.phone
    session.rollback()
    staff = app.test_client()
    login(staff, "staff")
    _worker_signs_in(client, session, phone)
    assert "Expires=" in client.get("/w/").headers.get("Set-Cookie", "Expires=")  # kept when the phone restarts
    with frozen_clock(utcnow() + timedelta(hours=12, minutes=1)):
        assert staff.get("/staff/").status_code == 302
        assert client.get("/w/").status_code == 200
    with frozen_clock(utcnow() + timedelta(days=29)):
        assert client.get("/w/").status_code == 200
    with frozen_clock(utcnow() + timedelta(days=30, minutes=1)):
        assert client.get("/w/").status_code == 302


def test_a_workers_session_ends_when_staff_import_a_new_phone_number(app, session, client, cli, tmp_path):
    cli("roster", "import", str(SAMPLE))
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    id_number = rows[1][rows[0].index("身份证号")]
    old_phone = session.scalar(select(Person.phone).where(Person.id_number == id_number))
    session.rollback()
    _worker_signs_in(client, session, old_phone)
    assert client.get("/w/").status_code == 200
    unchanged = tmp_path / "same.csv"
    _write(unchanged, rows)
    cli("roster", "import", str(unchanged))
    assert client.get("/w/").status_code == 200  # an import that changes nothing ends nothing
    rows[1][rows[0].index("手机号")] = "139 0000 1111"
    changed = tmp_path / "new-phone.csv"
    _write(changed, rows)
    assert "updated 1" in cli("roster", "import", str(changed)).output
    assert client.get("/w/").status_code == 302


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_an_anonymised_worker_is_signed_out(app, session, client):
    from jobmatch.services.people.privacy_requests import anonymise_person

    load_small_demo(session)
    worker = session.scalar(select(User).where(User.username == "worker"))
    phone, id_number = worker.person.phone, worker.person.id_number
    session.rollback()
    _worker_signs_in(client, session, phone)
    anonymise_person(session, id_number, reason="搬离安置点", actor="user:1")
    session.commit()
    assert client.get("/w/").status_code == 302
