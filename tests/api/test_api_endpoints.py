"""The JSON API: token sign-in, scope, masking with every unmasked view in the ledger, paging, JSON errors."""

from sqlalchemy import func, select

from jobmatch.models import ApiToken, LedgerEvent, Person
from tests.web.helpers import bearer, load_small_demo, token_for


def test_token_create_command_prints_a_token_stored_only_as_digest(app, session, cli):
    load_small_demo(session)
    session.rollback()
    result = cli("token", "create", "county")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("jm_")
    stored = session.scalar(select(ApiToken))
    assert stored.token_hash != token and token not in stored.token_hash
    session.rollback()  # SQLite: end the read before the command writes
    assert cli("token", "create", "nobody").exit_code == 1


def test_requests_without_a_valid_token_get_json_401(app, session, client):
    load_small_demo(session)
    session.rollback()
    for headers in ({}, bearer("jm_wrong"), {"Authorization": "Basic eDp5"}):
        response = client.get("/api/v1/persons", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/openapi.json").json["openapi"].startswith("3.")


def test_workers_and_employers_may_not_use_the_api(app, session, client):
    load_small_demo(session)
    token = token_for(session, "employer")
    session.rollback()
    assert client.get("/api/v1/settlements", headers=bearer(token)).status_code == 403


def test_county_officer_sees_masked_ids_and_nothing_is_logged(app, session, client):
    demo = load_small_demo(session)
    token = token_for(session, "county")
    before = session.scalar(select(func.count()).select_from(LedgerEvent))
    session.rollback()
    person = client.get(f"/api/v1/persons/{demo.person_b}", headers=bearer(token)).json
    assert person["id_masked"] and "********" in person["id_number"] and person["id_number"] != demo.person_b_id_number
    assert session.scalar(select(func.count()).select_from(LedgerEvent)) == before
    session.rollback()


def test_staff_see_unmasked_ids_and_each_view_is_in_the_ledger(app, session, client):
    demo = load_small_demo(session)
    token = token_for(session, "staff_a")
    session.rollback()
    page = client.get(f"/api/v1/persons?household_id={demo.household_a}", headers=bearer(token)).json
    assert page["items"] and not page["items"][0]["id_masked"]
    assert page["items"][0]["id_number"] == session.get(Person, page["items"][0]["id"]).id_number
    viewed = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "personal_data_viewed")).all()
    assert {e.person_id for e in viewed} == {item["id"] for item in page["items"]}
    assert all(e.data == {"fields": ["id_number", "phone"], "where": "api.persons"} for e in viewed)
    assert all(e.actor.startswith("user:") for e in viewed)


def test_scope_pages_and_errors(app, session, client):
    demo = load_small_demo(session, households=20)
    token = token_for(session, "staff_a")
    session.rollback()
    headers = bearer(token)
    settlements = client.get("/api/v1/settlements", headers=headers).json
    assert [s["id"] for s in settlements["items"]] == [demo.settlement_a]
    first = client.get("/api/v1/households?per_page=2", headers=headers).json
    second = client.get("/api/v1/households?per_page=2&page=2", headers=headers).json
    assert first["total"] == second["total"] > 2 and len(first["items"]) == 2
    assert {h["id"] for h in first["items"]}.isdisjoint({h["id"] for h in second["items"]})
    assert all(h["settlement_id"] == demo.settlement_a for h in first["items"] + second["items"])
    for url, status in ((f"/api/v1/households/{demo.household_b}", 404), ("/api/v1/households?per_page=0", 400),
                        ("/api/v1/persons?household_id=x", 400), ("/api/v1/nothing-here", 404),
                        (f"/api/v1/settlements/{demo.settlement_b}", 404), ("/api/v1/vacancies/99999999999", 404)):
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert set(response.json["error"]) == {"code", "message"}, url
    events = client.get(f"/api/v1/ledger-events?household_id={demo.household_a}", headers=headers).json["items"]
    assert events and all(e["household_id"] == demo.household_a for e in events)
    assert all(demo.person_b_id_number not in str(e["data"]) for e in events)
    assert client.get("/api/v1/vacancies?status=open", headers=headers).json["total"] > 0
    unknown_kind = client.get("/api/v1/ledger-events?kind=sms%00sent", headers=headers)
    assert unknown_kind.status_code == 400 and "kind" in unknown_kind.json["error"]["message"]
    only_offers = client.get("/api/v1/ledger-events?kind=offer_sent", headers=headers)
    assert only_offers.status_code == 200 and all(e["kind"] == "offer_sent" for e in only_offers.json["items"])
