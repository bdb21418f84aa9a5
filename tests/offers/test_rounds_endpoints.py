"""The thin JSON endpoints and the `jobmatch round` / `jobmatch offers` commands."""

from sqlalchemy import select

from jobmatch.models import Offer
from jobmatch.services.offers.rounds import propose_round
from tests.factories import (
    make_county,
    make_employer,
    make_household,
    make_person,
    make_settlement,
    make_user,
    make_vacancy,
    make_welding_site,
)


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


def _county_of_two_sites(session):
    """One county, sites A and B, one welder in each, a welding vacancy with a place for both."""
    county = make_county(session)
    site_a, site_b = make_settlement(session, county), make_settlement(session, county)
    worker_a = make_person(session, make_household(session, site_a), skills=["电焊"])
    worker_b = make_person(session, make_household(session, site_b), skills=["电焊"])
    vacancy = make_vacancy(session, make_employer(session, county), title="电焊工", skills=["电焊"], openings=2,
                           lat=26.868, lon=104.27)
    return county, site_a, site_b, worker_a, worker_b, vacancy


def test_staff_of_one_site_cannot_run_a_county_round_or_reach_another_sites_offers(session, client):
    county, site_a, site_b, worker_a, worker_b, vacancy = _county_of_two_sites(session)
    county_round = propose_round(session, county_id=county.id, vacancy_ids=[vacancy.id], actor="user:1")
    site_b_round = propose_round(session, settlement_id=site_b.id, vacancy_ids=[vacancy.id], actor="user:1")
    offer_of = {(o.round_id, o.person_id): o.id for o in session.scalars(select(Offer))}
    session.commit()
    _signed_in_staff(session, client, site_a)

    assert client.post("/rounds", json={"county_id": county.id}).status_code == 404
    shown = client.get(f"/rounds/{county_round.id}")
    assert shown.status_code == 200 and [o["person_id"] for o in shown.json["offers"]] == [worker_a.id]
    assert client.get(f"/rounds/{site_b_round.id}").status_code == 404
    b_in_county_round = offer_of[(county_round.id, worker_b.id)]
    assert client.post(f"/rounds/{county_round.id}/approve", json={"offer_ids": [b_in_county_round]}).status_code == 404
    assert client.post(f"/rounds/{site_b_round.id}/approve", json={}).status_code == 404
    assert client.post(f"/offers/{b_in_county_round}/answer", json={"accepted": True}).status_code == 404

    approved = client.post(f"/rounds/{county_round.id}/approve", json={})
    assert approved.json["sent"] == [offer_of[(county_round.id, worker_a.id)]]
    assert session.get(Offer, b_in_county_round, populate_existing=True).status == "proposed"


def test_staff_keeping_every_site_of_a_county_may_run_a_county_round(session, client):
    county, site_a, site_b, worker_a, worker_b, vacancy = _county_of_two_sites(session)
    make_user(session, "staff", [site_a, site_b], username="county_staff").set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "county_staff", "password": "pw-123456"}).status_code == 302
    proposed = client.post("/rounds", json={"county_id": county.id, "vacancy_ids": [vacancy.id]})
    assert proposed.status_code == 201
    shown = client.get(f"/rounds/{proposed.json['round_id']}").json["offers"]
    assert sorted(o["person_id"] for o in shown) == sorted([worker_a.id, worker_b.id])
