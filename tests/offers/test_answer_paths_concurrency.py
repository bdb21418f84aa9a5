"""One offer answered by SMS, on the worker's page and by staff at the door, all at once.

Each path is a request: its own session on its own connection, committing at the end. An
exception here is what the user would see as a 500. Exactly one answer counts, the other
two are told it was answered already, and other workers' "1"s sent at the same moment
are all recorded.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from jobmatch import ledger
from jobmatch.db import make_engine
from jobmatch.models import LedgerEvent, Message, Offer
from jobmatch.services import answers
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.sms.messaging import queue_message
from tests.factories import make_household, make_person, make_sent_offers, make_welding_site

ROUNDS = 20
OTHER_WORKERS = 4
OFFER_DATA = {"employer": "鑫达电子", "title": "电焊工", "wage": "4000元", "deadline": "12月3日 周四 中午12点"}
_sids = iter(range(1, 10**6))


def _asked_offers(session, persons):
    """Sent offers of one vacancy to ``persons``, each with its SMS ask delivered."""
    _, vacancy, _ = make_welding_site(session, workers=0, openings=len(persons))
    offers = make_sent_offers(session, vacancy, persons)
    for offer in offers:
        ask = queue_message(session, person_id=offer.person_id, kind="job_offer", data=OFFER_DATA,
                            subject=f"offer:{offer.id}", expects_reply=True, actor="user:1")
        ask.status = "sent"
    return offers


def _sms_yes(person):
    def task(session):
        result = receive_reply(session, from_phone=person.phone, body="1",
                               provider_sid=f"SMRACE{next(_sids):06d}")
        return result.confirmation
    return task


def _page_yes(offer):
    return lambda session: answers.answer(session, f"offer:{offer.id}", offer.person_id, True,
                                          actor=f"person:{offer.person_id}", via="web")


def _staff_yes(offer):
    return lambda session: answers.answer(session, f"offer:{offer.id}", offer.person_id, True,
                                          actor="user:1", via="visit")


def _run_at_once(app, factory, tasks):
    """Every task(session) in its own thread and transaction, released together; exceptions returned."""
    start = threading.Event()

    def run(task):
        start.wait()
        with app.app_context(), factory() as session:
            try:
                result = task(session)
                session.commit()
                return result
            except Exception as exc:  # noqa: BLE001 - a request would answer 500
                session.rollback()
                return exc

    with ThreadPoolExecutor(len(tasks)) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        start.set()
        return [future.result() for future in futures]


def _count_events(session, kind, subject):
    return session.scalar(select(func.count()).select_from(LedgerEvent)
                          .where(LedgerEvent.kind == kind, LedgerEvent.subject == subject))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_sms_page_and_staff_answering_one_offer_at_once_count_once_and_lose_no_other_answer(app, session,
                                                                                             database_url):
    engine = make_engine(database_url, pool_size=OTHER_WORKERS + 3, max_overflow=0)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        for _ in range(ROUNDS):
            with app.app_context():
                settlement = make_welding_site(session, workers=0)[0]
                persons = [make_person(session, make_household(session, settlement))
                           for _ in range(OTHER_WORKERS + 1)]
                offers = _asked_offers(session, persons)
                session.commit()
            contested = offers[0]
            tasks = [_sms_yes(persons[0]), _page_yes(contested), _staff_yes(contested)]
            tasks += [_sms_yes(person) for person in persons[1:]]

            results = _run_at_once(app, factory, tasks)

            failures = [r for r in results if isinstance(r, Exception)]
            assert failures == []
            assert sorted(results[:3]) == ["", "", "confirm_accepted"]
            assert results[3:] == ["confirm_accepted"] * OTHER_WORKERS
            session.rollback()
            for offer in offers:
                assert session.get(Offer, offer.id, populate_existing=True).status == "accepted"
                assert _count_events(session, "offer_accepted", f"offer:{offer.id}") == 1
                assert _count_events(session, "sms_answered", f"offer:{offer.id}") == 1
            confirmations = session.scalar(select(func.count()).select_from(Message)
                                           .where(Message.kind == "confirm_accepted",
                                                  Message.person_id == contested.person_id))
            assert confirmations == 1
            session.rollback()
        assert ledger.verify(session).ok
    finally:
        engine.dispose()
