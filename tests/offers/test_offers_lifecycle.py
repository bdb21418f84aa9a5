"""A worker answers an offer: accepted, waiting list, declined with a replacement, expired."""

from datetime import timedelta

from sqlalchemy import select

from jobmatch import ledger
from jobmatch.models import LedgerEvent, Message, Offer
from jobmatch.services.answers import answer
from jobmatch.services.offers.hiring import record_no_hire
from jobmatch.services.offers.lifecycle import answer_offer, expire_offers, waiting_list
from jobmatch.services.offers.rounds import approve_round, propose_round
from tests.factories import make_welding_site
from tests.offers.sms_arrival import deliver_queued_sms
from tests.sms.test_sms_support import fixed_clock, shanghai


def _sent_round(session, workers=3, openings=2):
    settlement, vacancy, persons = make_welding_site(session, workers=workers, openings=openings)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    approve_round(session, match_round.id, actor="user:1")
    sent = session.scalars(select(Offer).where(Offer.status == "sent").order_by(Offer.rank)).all()
    return vacancy, sent


def _kinds(session, kind):
    return session.scalars(select(LedgerEvent).where(LedgerEvent.kind == kind)).all()


def test_yes_takes_a_place_and_is_confirmed_by_sms(session):
    vacancy, sent = _sent_round(session)
    confirmation = answer_offer(session, sent[0].id, sent[0].person_id, True, actor="person:1", via="sms")
    assert confirmation == "confirm_accepted"
    assert session.get(Offer, sent[0].id).status == "accepted"
    assert session.scalar(select(Message).where(Message.kind == "confirm_accepted")).subject == f"offer:{sent[0].id}"
    assert _kinds(session, "offer_accepted")[0].data["offer_id"] == sent[0].id
    # A second yes changes nothing and sends nothing.
    assert answer_offer(session, sent[0].id, sent[0].person_id, True, actor="person:1", via="sms") == ""


def test_yes_to_a_full_vacancy_goes_on_the_waiting_list(session):
    vacancy, sent = _sent_round(session, openings=2)
    vacancy.openings = 1  # the employer needs fewer people than the offers sent
    answer_offer(session, sent[0].id, sent[0].person_id, True, actor="person:1", via="sms")
    confirmation = answer_offer(session, sent[1].id, sent[1].person_id, True, actor="person:2", via="web")
    assert confirmation == "confirm_waitlisted"
    assert [o.id for o in waiting_list(session, vacancy.id)] == [sent[1].id]
    assert _kinds(session, "waitlisted")[0].data["position"] == 1
    # The accepted worker is not hired: the place goes to the waiting list.
    record_no_hire(session, sent[0].id, reason="面试未通过", actor="user:9")
    assert session.get(Offer, sent[1].id).status == "accepted"


def test_no_sends_the_next_ranked_candidate_automatically(session):
    vacancy, sent = _sent_round(session, workers=3, openings=2)
    reserve = session.scalar(select(Offer).where(Offer.status == "reserve"))
    assert answer_offer(session, sent[0].id, sent[0].person_id, False, actor="person:1", via="sms") == \
        "confirm_declined"
    replacement = session.get(Offer, reserve.id)
    assert replacement.status == "sent" and replacement.automatic
    assert _kinds(session, "offer_declined")[0].data["offer_id"] == sent[0].id
    # The list has run out: a second no sends nothing more.
    answer_offer(session, sent[1].id, sent[1].person_id, False, actor="person:2", via="sms")
    assert session.scalar(select(Offer).where(Offer.status == "reserve")) is None
    assert len(session.scalars(select(Offer).where(Offer.status == "sent")).all()) == 1


def test_overdue_offers_expire_and_are_replaced(session):
    with fixed_clock(shanghai(2026, 12, 1, 12, 0)):  # noon: the stated deadline is exactly 48 hours on
        vacancy, sent = _sent_round(session, workers=3, openings=2)
        deliver_queued_sms(session)
    approved = shanghai(2026, 12, 1, 12, 0)
    assert expire_offers(session, now=approved + timedelta(hours=47)) == []
    expired = expire_offers(session, now=approved + timedelta(hours=49))
    assert sorted(expired) == sorted(o.id for o in sent)
    assert len(session.scalars(select(Offer).where(Offer.status == "sent")).all()) == 1
    assert len(_kinds(session, "offer_expired")) == 2
    # A late yes still counts when a place is free.
    assert answer_offer(session, sent[0].id, sent[0].person_id, True, actor="person:1", via="sms") == \
        "confirm_accepted"


def test_a_worker_without_sms_gets_the_offer_by_a_staff_visit(session):
    settlement, vacancy, persons = make_welding_site(session, workers=1, openings=1)
    persons[0].sms_opt_out = True
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    approve_round(session, match_round.id, actor="user:1")
    offer = session.scalar(select(Offer))
    assert offer.status == "sent" and offer.channel == "visit"
    assert session.scalar(select(Message).where(Message.kind == "job_offer")) is None
    assert answer(session, f"offer:{offer.id}", offer.person_id, True, actor="user:1", via="visit") == "confirm_accepted"
    assert session.scalar(select(Message).where(Message.kind == "confirm_accepted")) is None


def test_an_sms_answer_goes_through_the_reply_handler(session):
    vacancy, sent = _sent_round(session)
    confirmation = answer(session, f"offer:{sent[0].id}", sent[0].person_id, True,
                          actor=f"person:{sent[0].person_id}", via="web")
    assert confirmation == "confirm_accepted"
    ask = session.scalar(select(Message).where(Message.subject == f"offer:{sent[0].id}", Message.kind == "job_offer"))
    assert ask.answered_at is not None
    assert ledger.verify(session).ok
