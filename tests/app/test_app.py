"""The application factory, sign-in and the staff pages of the demo."""

from jobmatch import create_app
from jobmatch.config import settings_of
from jobmatch.services.demo import DEMO_PASSWORD, load_demo


def test_config_comes_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("SMS_SIGNATURE", "威宁就业")
    monkeypatch.setenv("SMS_PROVIDER", "twilio")
    settings = settings_of(create_app())
    assert settings.database_url.endswith("x.sqlite")
    assert settings.sms_signature == "威宁就业" and settings.sms_provider == "twilio"
    assert create_app({"TESTING": True}).testing


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database_url = settings_of(create_app()).database_url
    assert database_url.startswith("sqlite:///") and "/instance/" in database_url


def _login(client, username):
    return client.post("/login", data={"username": username, "password": DEMO_PASSWORD}, follow_redirects=True)


def test_staff_sees_demo_dashboard(app, session, client):
    load_demo(session, households=30, seed=1)
    session.commit()
    page = _login(client, "staff").get_data(as_text=True)
    assert "今日概况" in page and "五里岗安置点" in page and "陕桥安置点" in page
    assert client.get("/healthz").json == {"status": "ok"}


def test_wrong_password_is_refused(app, session, client):
    load_demo(session, households=5, seed=1)
    session.commit()
    page = client.post("/login", data={"username": "staff", "password": "nope"}, follow_redirects=True)
    assert "用户名或密码不对" in page.get_data(as_text=True)
    assert client.get("/staff/", follow_redirects=False).status_code == 302


def test_household_page_masks_ids_for_county_officer(app, session, client):
    from sqlalchemy import select

    from jobmatch.models import Household
    load_demo(session, households=5, seed=1)
    session.commit()
    household = session.scalar(select(Household).order_by(Household.id))
    household_id, full_id = household.id, household.members[0].id_number
    session.rollback()  # SQLite: let the requests write
    _login(client, "county")
    page = client.get(f"/staff/households/{household_id}").get_data(as_text=True)
    assert full_id not in page and full_id[:6] + "********" + full_id[-4:] in page
    client.post("/logout")
    _login(client, "staff")
    assert full_id in client.get(f"/staff/households/{household_id}").get_data(as_text=True)
    client.post("/logout")
    assert _login(client, "employer").status_code == 200
    assert client.get(f"/staff/households/{household_id}").status_code == 403


def test_forms_need_a_csrf_token(database_url):
    from tests.conftest import make_test_app
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/login", data={"username": "staff", "password": "x"}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    app.extensions["jobmatch.engine"].dispose()


def test_without_secret_key_one_key_is_made_once_and_kept_private(tmp_path):
    """Restarts of `make run` (and several processes) keep sign-ins and fair QR codes valid."""
    import stat

    from jobmatch import local_secret_key

    path = tmp_path / "instance" / "secret_key"
    first = local_secret_key(path)
    assert len(first) == 64 and local_secret_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_demo_banner_names_the_public_address(database_url):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main
    from tests.conftest import make_test_app

    app = make_test_app(database_url, PUBLIC_BASE_URL="http://127.0.0.1:5310")
    result = CliRunner().invoke(main, ["demo", "--households", "5"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Sign in at http://127.0.0.1:5310 with:" in result.output
    app.extensions["jobmatch.engine"].dispose()
