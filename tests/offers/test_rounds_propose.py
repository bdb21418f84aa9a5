"""Staff propose a matching round and approve it; offers go out by SMS."""

from sqlalchemy import select

from jobmatch.models import LedgerEvent, Message, Offer
from jobmatch.services.offers.rounds import approve_round, propose_round
from tests.factories import make_welding_site


def test_round_proposes_one_offer_per_opening_and_keeps_the_rest_in_reserve(session):
    settlement, vacancy, persons = make_welding_site(session, workers=3, openings=2)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    statuses = sorted(o.status for o in match_round.offers)
    assert statuses == ["proposed", "proposed", "reserve"]
    assert match_round.summary["proposed"] == 2
    assert all(o.features and o.reasons for o in match_round.offers)
    kinds = session.scalars(select(LedgerEvent.kind)).all()
    assert kinds.count("round_proposed") == 1 and kinds.count("offer_proposed") == 2


def test_approval_sends_each_offer_once_with_sms_and_ledger(session):
    settlement, vacancy, persons = make_welding_site(session, workers=3, openings=2)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    first = approve_round(session, match_round.id, actor="user:1")
    second = approve_round(session, match_round.id, actor="user:2")
    assert len(first.sent) == 2 and second.sent == []
    offers = session.scalars(select(Offer).where(Offer.status == "sent")).all()
    assert {o.channel for o in offers} == {"sms"}
    messages = session.scalars(select(Message).where(Message.kind == "job_offer")).all()
    assert sorted(m.subject for m in messages) == sorted(f"offer:{o.id}" for o in offers)
    sent_event = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "offer_sent")).first()
    assert {"round_id", "vacancy_id", "person_id", "score", "rank", "features"} <= set(sent_event.data)
    assert set(sent_event.data["features"]) >= {"skill_fit", "distance_fit"}
