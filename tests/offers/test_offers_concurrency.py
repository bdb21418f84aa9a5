"""Under concurrency openings are never exceeded and no offer is sent twice.

Each thread has its own session on its own connection, and commits like a request
does; on PostgreSQL a real gunicorn with several worker processes answers HTTP requests.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from jobmatch import ledger
from jobmatch.db import make_engine
from jobmatch.models import LedgerEvent, Message, Offer
from jobmatch.services.offers.lifecycle import OfferSettings, answer_offer
from jobmatch.services.offers.rounds import approve_round, propose_round
from tests.factories import make_household, make_person, make_sent_offers, make_welding_site

THREADS = 16
SETTINGS = OfferSettings("http://jobmatch.test", 48)


def run_at_once(database_url, tasks):
    """Run each task(session) in a pool of threads, all released together, each committing its own work."""
    engine = make_engine(database_url, pool_size=THREADS, max_overflow=0)
    factory = sessionmaker(engine, expire_on_commit=False)
    start = threading.Event()

    def run(task):
        start.wait()
        with factory() as session:
            result = task(session)
            session.commit()
            return result

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        start.set()
        results = [future.result() for future in futures]
    engine.dispose()
    return results


def statuses(session, vacancy_id):
    return Counter(session.scalars(select(Offer.status).where(Offer.vacancy_id == vacancy_id)))


def test_200_answers_in_the_same_second_never_exceed_the_openings(database_url, session):
    settlement, vacancy, _ = make_welding_site(session, workers=0, openings=5)
    persons = [make_person(session, make_household(session, settlement)) for _ in range(200)]
    offers = make_sent_offers(session, vacancy, persons)
    session.commit()

    def answer(offer):
        return lambda s: answer_offer(s, offer.id, offer.person_id, True, actor="person:x", via="sms",
                                      settings=SETTINGS)

    # Every worker answers "1", and a quarter of them answer twice (an SMS and the page).
    results = run_at_once(database_url, [answer(o) for o in offers] + [answer(o) for o in offers[::4]])
    session.rollback()
    assert Counter(results) == {"confirm_accepted": 5, "confirm_waitlisted": 195, "": 50}
    assert statuses(session, vacancy.id) == {"accepted": 5, "waitlisted": 195}
    confirmations = session.execute(select(Message.subject, func.count()).group_by(Message.subject)).all()
    assert len(confirmations) == 200 and {count for _, count in confirmations} == {1}
    assert ledger.verify(session).ok


def test_approvers_racing_send_each_offer_once(database_url, session):
    settlement, vacancy, persons = make_welding_site(session, workers=6, openings=3)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    session.commit()

    def approve(session_):
        return approve_round(session_, match_round.id, actor="user:2", settings=SETTINGS).sent

    results = run_at_once(database_url, [approve] * 8)
    session.rollback()
    assert sum(len(sent) for sent in results) == 3
    assert statuses(session, vacancy.id) == {"sent": 3, "reserve": 3}
    assert session.scalar(select(func.count()).select_from(Message).where(Message.kind == "job_offer")) == 3
    assert session.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.kind == "offer_sent")) == 3


def test_overlapping_rounds_approved_at_once_give_no_worker_two_live_offers(database_url, session):
    settlement, vacancy, persons = make_welding_site(session, workers=4, openings=4)
    rounds = [propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
              for _ in range(2)]
    session.commit()

    def approve(round_id):
        return lambda s: approve_round(s, round_id, actor="user:2", settings=SETTINGS).sent

    run_at_once(database_url, [approve(r.id) for r in rounds] * 3)
    session.rollback()
    sent_to = Counter(session.scalars(select(Offer.person_id).where(Offer.status == "sent")))
    assert sorted(sent_to) == sorted(p.id for p in persons) and set(sent_to.values()) == {1}
