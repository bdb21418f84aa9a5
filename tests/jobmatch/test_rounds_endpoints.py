"""The thin JSON endpoints and the `jobmatch round` / `jobmatch offers` commands."""

from sqlalchemy import select

from jobmatch.models import Offer
from tests.jobmatch.factories import make_user, make_welding_site


def _signed_in_staff(session, client, settlement):
    make_user(session, "staff", [settlement], username="staff9").set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "staff9", "password": "pw-123456"}).status_code == 302


def test_staff_propose_approve_and_answer_at_the_door(session, client):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=1)
    _signed_in_staff(session, client, settlement)
    proposed = client.post("/rounds", json={"settlement_id": settlement.id, "vacancy_ids": [vacancy.id]})
    assert proposed.status_code == 201 and proposed.json["summary"]["proposed"] == 1
    round_id = proposed.json["round_id"]
    offers = client.get(f"/rounds/{round_id}").json["offers"]
    approved = client.post(f"/rounds/{round_id}/approve", json={"offer_ids": [offers[0]["id"]]})
    assert approved.json["sent"] == [offers[0]["id"]]
    answered = client.post(f"/offers/{offers[0]['id']}/answer", json={"accepted": True})
    assert answered.json == {"offer_id": offers[0]["id"], "status": "accepted", "confirmation": "confirm_accepted"}


def test_bad_input_is_a_json_400_naming_the_field(session, client):
    settlement, vacancy, persons = make_welding_site(session, workers=1)
    _signed_in_staff(session, client, settlement)
    missing_scope = client.post("/rounds", json={"vacancy_ids": [vacancy.id]})
    assert missing_scope.status_code == 400 and missing_scope.json["field"] == "scope"
    bad_ids = client.post("/rounds", json={"settlement_id": settlement.id, "vacancy_ids": ["x"]})
    assert bad_ids.status_code == 400 and bad_ids.json["field"] == "vacancy_ids"
    unknown = client.post("/rounds", json={"settlement_id": settlement.id, "vacancy_ids": [999999]})
    assert unknown.status_code == 400 and "999999" in unknown.json["error"]
    assert client.post("/offers/1/answer", json={"accepted": "yes"}).status_code == 400
    assert client.post("/rounds", json={"settlement_id": settlement.id + 1000}).status_code == 404


def test_cli_round_propose_approve_and_expire(session, cli):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=1)
    session.commit()
    proposed = cli("round", "propose", "--settlement", settlement.name, "--vacancy", str(vacancy.id))
    assert proposed.exit_code == 0, proposed.output
    assert "1 proposed" in proposed.output
    round_id = proposed.output.split()[1].rstrip(":")
    approved = cli("round", "approve", round_id, "--all")
    assert "sent 1" in approved.output
    assert cli("offers", "expire").output.strip() == "expired 0 offer(s)"
    assert session.scalar(select(Offer).where(Offer.status == "sent")) is not None
