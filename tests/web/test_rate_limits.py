"""Sign-in rate limits count per real client and per phone number, and keep working without Redis.

Issue 12, findings 4 and 5: behind nginx every request comes from 127.0.0.1, so limits must key on
the client address nginx forwards (TRUSTED_PROXY_HOPS); the limit on code guesses must key on the
phone the code went to, not on a form field; and a Redis outage must not stop anyone signing in.
"""

import pytest

from jobmatch.security import limiter
from tests import services
from tests.app.test_health import closed_port
from tests.conftest import make_test_app
from tests.factories import make_person
from tests.web.helpers import add_user

pytestmark = pytest.mark.xdist_group("rate-limits")  # one Redis, one set of budgets at a time

PASSWORD = "demo1234"
CLIENT_A, CLIENT_B = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def limits_in_redis():
    """Rate limits in the real Redis (the app fixture empties them first)."""
    try:
        services.redis_client().close()
    except Exception as exc:  # noqa: BLE001
        services.missing("Redis", exc)
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": services.REDIS_URL}


@pytest.fixture
def make_app():
    apps = []

    def build(database_url, **overrides):
        app = make_test_app(database_url, **overrides)
        apps.append(app)
        if overrides.get("RATELIMIT_STORAGE_URI"):
            limiter.reset()  # every test starts with full budgets
        return app

    yield build
    for app in apps:
        app.extensions["jobmatch.engine"].dispose()
    # One Limiter serves every app of the process: a test that saw Redis down must not leave the
    # next app's limits in the memory fallback.
    limiter._storage_dead = False


def _staff(app) -> None:
    with app.extensions["jobmatch.sessionmaker"].begin() as session:
        add_user(session, "staff", "staff")


def _worker_phone(app) -> str:
    with app.extensions["jobmatch.sessionmaker"].begin() as session:
        return make_person(session).phone


def _via_nginx(client_address: str, spoofed: str | None = None) -> dict:
    """What nginx passes on: $proxy_add_x_forwarded_for appends the address it saw."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return {"X-Forwarded-For": forwarded, "X-Real-IP": client_address}


def _login(client, password, headers):
    return client.post("/login", data={"username": "staff", "password": password}, headers=headers).status_code


def test_one_clients_failed_logins_do_not_lock_out_another_behind_the_proxy(database_url, make_app, limits_in_redis):
    app = make_app(database_url, TRUSTED_PROXY_HOPS=1, **limits_in_redis)
    _staff(app)
    client = app.test_client()
    attacker = [_login(client, "wrong", _via_nginx(CLIENT_A, spoofed=f"10.0.0.{n}")) for n in range(14)]
    assert attacker[:10] == [200] * 10 and set(attacker[10:]) == {429}  # a forged X-Forwarded-For buys nothing
    assert _login(app.test_client(), PASSWORD, _via_nginx(CLIENT_B)) == 302


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(sqlite_url, make_app, limits_in_redis):
    app = make_app(sqlite_url, **limits_in_redis)  # TRUSTED_PROXY_HOPS=0: clients connect directly
    _staff(app)
    client = app.test_client()
    answers = [_login(client, "wrong", {"X-Forwarded-For": f"10.0.0.{n}"}) for n in range(11)]
    assert answers[-1] == 429


def test_twenty_one_workers_behind_the_proxy_each_get_a_code(database_url, make_app, limits_in_redis):
    app = make_app(database_url, TRUSTED_PROXY_HOPS=1, **limits_in_redis)
    phones = [_worker_phone(app) for _ in range(21)]
    answers = [app.test_client().post("/w/login", data={"phone": phone}, headers=_via_nginx(f"203.0.113.{n}"))
               .status_code for n, phone in enumerate(phones, start=10)]
    assert answers == [302] * 21


def test_code_requests_are_limited_per_phone_and_lock_out_no_other_phone(database_url, make_app, limits_in_redis):
    app = make_app(database_url, TRUSTED_PROXY_HOPS=1, **limits_in_redis)
    target, other = _worker_phone(app), _worker_phone(app)
    client = app.test_client()
    spellings = [target, target[3:], f"{target[3:6]} {target[6:10]} {target[10:]}", f"0086{target[3:]}"]
    answers = [client.post("/w/login", data={"phone": spellings[n % 4]}, headers=_via_nginx(f"198.51.100.{n}"))
               .status_code for n in range(7)]
    assert answers[:5] == [302] * 5 and answers[5:] == [429, 429]  # however the number is written, from anywhere
    assert client.post("/w/login", data={"phone": other}, headers=_via_nginx(CLIENT_A)).status_code == 302


def test_code_guesses_are_limited_per_phone_whatever_the_form_says(database_url, make_app, limits_in_redis):
    app = make_app(database_url, TRUSTED_PROXY_HOPS=1, **limits_in_redis)
    phone = _worker_phone(app)
    client = app.test_client()
    assert client.post("/w/login", data={"phone": phone}, headers=_via_nginx(CLIENT_A)).status_code == 302
    answers = [client.post("/w/login/code", data={"code": "000000", "phone": f"1390000{n:04d}"},
                           headers=_via_nginx(f"203.0.113.{n}")).status_code for n in range(25)]
    assert 429 not in answers[:10] and answers[10:] == [429] * 15


def test_sign_in_works_with_redis_down_and_limits_hold_in_memory(sqlite_url, make_app):
    app = make_app(sqlite_url, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", RATELIMIT_ENABLED=True)
    _staff(app)
    phone = _worker_phone(app)
    assert _login(app.test_client(), PASSWORD, {}) == 302
    assert app.test_client().post("/w/login", data={"phone": phone}).status_code == 302
    client = app.test_client()
    assert [_login(client, "wrong", {}) for _ in range(10)][-1] == 429  # 1 + 9 here: the 11th in a minute
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["failed"] == ["redis"]
