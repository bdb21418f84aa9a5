"""Honest timing: the answer window starts when the SMS arrives, the approver is told what waits
for 08:00, and deadlines read as plain words in the SMS and on the worker's page."""

from datetime import timedelta

from sqlalchemy import select

from jobmatch.models import Message, Offer
from jobmatch.services.offers.lifecycle import expire_offers
from jobmatch.services.offers.rounds import approve_round, propose_round
from notifications.wording import deadline_text, moment_text
from tests.factories import make_welding_site
from tests.offers.sms_arrival import deliver_queued_sms
from tests.sms.test_sms_support import fixed_clock, shanghai
from tests.web.helpers import add_user, login

TUESDAY_10 = shanghai(2026, 12, 1, 10, 0)


def _approve(session, workers=2, openings=2):
    settlement, vacancy, persons = make_welding_site(session, workers=workers, openings=openings)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    return settlement, match_round, approve_round(session, match_round.id, actor="user:1")


def test_deadlines_read_as_plain_words():
    assert deadline_text(shanghai(2026, 12, 3, 12, 0)) == "12月3日 周四 中午12点前"
    assert deadline_text(shanghai(2026, 12, 3, 18, 0)) == "12月3日 周四 晚上6点前"
    assert moment_text(shanghai(2026, 12, 5, 9, 30)) == "12月5日 周六 上午9点30分"
    assert deadline_text(shanghai(2026, 12, 3, 12, 0), "en") == "by Thu 3 Dec, 12 noon"


def test_the_sms_states_the_deadline_in_words(session):
    with fixed_clock(TUESDAY_10):
        _approve(session, workers=1, openings=1)
    body = session.scalar(select(Message.body).where(Message.kind == "job_offer"))
    assert "请在12月3日 周四 中午12点前回复" in body
    assert "2026-12-03" not in body


def test_the_answer_window_starts_when_the_sms_is_delivered_not_at_approval(session):
    with fixed_clock(TUESDAY_10) as clock:
        _, _, result = _approve(session, workers=1, openings=1)
        offer = session.get(Offer, result.sent[0])
        assert offer.expires_at is None  # not delivered yet: no clock runs against the worker
        clock.set(shanghai(2026, 12, 1, 16, 30))  # the carrier delivers it hours later
        deliver_queued_sms(session, receipt=True)
    session.refresh(offer)
    # 48 hours from delivery; never earlier than the noon deadline the SMS stated.
    assert offer.expires_at == shanghai(2026, 12, 3, 16, 30)
    assert expire_offers(session, now=shanghai(2026, 12, 3, 16, 0)) == []
    assert expire_offers(session, now=shanghai(2026, 12, 3, 16, 31)) == [offer.id]


def test_without_a_receipt_the_window_starts_when_sent_and_keeps_the_stated_deadline(session):
    with fixed_clock(TUESDAY_10):
        _, _, result = _approve(session, workers=1, openings=1)
        deliver_queued_sms(session)
    offer = session.get(Offer, result.sent[0])
    assert offer.expires_at == shanghai(2026, 12, 3, 12, 0)


def test_an_sms_that_never_settles_does_not_hold_the_place_for_ever(session):
    with fixed_clock(TUESDAY_10):
        _, _, result = _approve(session, workers=1, openings=1)
    assert expire_offers(session, now=TUESDAY_10 + timedelta(hours=60)) == []
    assert expire_offers(session, now=TUESDAY_10 + timedelta(hours=73)) == result.sent


def test_approval_at_night_counts_what_waits_for_08_00(session):
    with fixed_clock(shanghai(2026, 12, 1, 4, 2)):
        _, _, result = _approve(session, workers=3, openings=3)
    assert (len(result.sent), result.sms_now, result.sms_waiting) == (3, 0, 3)
    assert result.sms_waiting_until == shanghai(2026, 12, 1, 8, 0)
    with fixed_clock(TUESDAY_10):
        _, _, result = _approve(session, workers=2, openings=2)
    assert (result.sms_now, result.sms_waiting) == (2, 0)


def _approve_on_the_page(app, client, at):
    sessions = app.extensions["jobmatch.sessionmaker"]
    with fixed_clock(at), sessions() as session:
        settlement, vacancy, persons = make_welding_site(session, workers=3, openings=3)
        add_user(session, "approver", "staff", settlements=[settlement])
        match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
        offer_ids = [o.id for o in match_round.offers if o.status == "proposed"]
        session.commit()
        login(client, "approver")
        client.post(f"/staff/rounds/{match_round.id}/approve", data={"offer_ids": [str(i) for i in offer_ids]})
        return client.get(f"/staff/rounds/{match_round.id}").get_data(as_text=True)


def test_the_approve_page_at_04_02_says_none_went_out_and_all_wait_for_08_00(app, client):
    page = _approve_on_the_page(app, client, shanghai(2026, 12, 1, 4, 2))
    assert "已批准 3 份岗位推荐：0 条短信现在发出，3 条短信等到12月1日 周二 上午8点发出" in page
    assert "已发出 3 份" not in page


def test_the_approve_page_at_10_00_says_all_went_out(app, client):
    page = _approve_on_the_page(app, client, TUESDAY_10)
    assert "已批准 3 份岗位推荐：3 条短信现在发出。" in page
    assert "等到" not in page
