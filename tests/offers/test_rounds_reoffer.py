"""A worker who said no (or let the offer lapse) is not offered the same job again."""

from datetime import timedelta

from jobmatch.clock import utcnow
from jobmatch.config import settings_of, use_settings
from jobmatch.models.offers import OfferStatus
from jobmatch.services.offers.lifecycle import answer_offer, expire_offers
from jobmatch.services.offers.reoffer import REFUSED_BEFORE_REASON
from jobmatch.services.offers.rounds import approve_round, propose_round
from tests.factories import make_household, make_person, make_user, make_vacancy, make_welding_site


def _offered_person_ids(match_round) -> list[int]:
    return sorted(o.person_id for o in match_round.offers if o.status == OfferStatus.PROPOSED)


def _round_sent_to_all(session, settlement, vacancy):
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    approve_round(session, match_round.id, actor="user:1")
    return [o for o in match_round.offers if o.status == OfferStatus.SENT]


def test_a_worker_who_declined_is_not_offered_that_vacancy_again(session):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=2)
    declined, _accepted = _round_sent_to_all(session, settlement, vacancy)
    answer_offer(session, declined.id, declined.person_id, False, actor="person", via="web")
    newcomer = make_person(session, make_household(session, settlement), skills=["电焊"])
    next_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    assert _offered_person_ids(next_round) == [newcomer.id]
    assert declined.person_id not in {o.person_id for o in next_round.offers}
    assert next_round.summary["refused_before"] == 1


def test_an_expired_offer_is_not_made_again(session):
    settlement, vacancy, [person] = make_welding_site(session, workers=1, openings=1)
    [sent] = _round_sent_to_all(session, settlement, vacancy)
    assert expire_offers(session, now=utcnow() + timedelta(days=5)) == [sent.id]
    next_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    assert next_round.offers == []
    assert next_round.summary["excluded_vacancies"] == {str(vacancy.id): REFUSED_BEFORE_REASON}


def test_the_same_employer_and_trade_waits_for_the_reoffer_window(session, app):
    settlement, vacancy, [person] = make_welding_site(session, workers=1, openings=1)
    [sent] = _round_sent_to_all(session, settlement, vacancy)
    answer_offer(session, sent.id, person.id, False, actor="person", via="sms")
    reposted = make_vacancy(session, vacancy.employer, title="电焊工", skills=["电焊"], openings=1, lat=26.868,
                            lon=104.27, wage_min=4000, wage_max=6000)
    other_trade = make_vacancy(session, vacancy.employer, title="保洁员", skills=["电焊"], openings=1, lat=26.868,
                               lon=104.27, wage_min=4000, wage_max=6000)
    soon = propose_round(session, settlement_id=settlement.id, vacancy_ids=[reposted.id, other_trade.id],
                         actor="user:1")
    assert {o.vacancy_id for o in soon.offers} == {other_trade.id}
    sent.responded_at -= timedelta(days=settings_of(app).reoffer_after_days + 1)
    session.flush()
    later = propose_round(session, settlement_id=settlement.id, vacancy_ids=[reposted.id], actor="user:1")
    assert _offered_person_ids(later) == [person.id]
    # The vacancy itself stays refused however long ago the no was.
    same = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    assert same.offers == []


def test_staff_may_choose_to_offer_a_refused_job_again(session):
    settlement, vacancy, [person] = make_welding_site(session, workers=1, openings=1)
    [sent] = _round_sent_to_all(session, settlement, vacancy)
    answer_offer(session, sent.id, person.id, False, actor="person", via="web")
    again = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1",
                          reoffer_refused=True)
    assert _offered_person_ids(again) == [person.id]
    assert again.summary["reoffer_refused"] is True


def test_the_round_page_names_the_vacancies_left_out_and_staff_can_choose_to_reoffer(session, client):
    settlement, vacancy, [person] = make_welding_site(session, workers=1, openings=1)
    [sent] = _round_sent_to_all(session, settlement, vacancy)
    answer_offer(session, sent.id, person.id, False, actor="person", via="web")
    make_user(session, "staff", [settlement], username="staff9").set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "staff9", "password": "pw-123456"}).status_code == 302
    proposed = client.post("/staff/rounds", data={"scope": f"s:{settlement.id}", "vacancy_ids": [vacancy.id]})
    page = client.get(proposed.headers["Location"]).get_data(as_text=True)
    assert f"电焊工（{vacancy.employer.name}）：{REFUSED_BEFORE_REASON}" in page
    assert f"编号 {vacancy.id}" not in page
    again = client.post("/staff/rounds", data={"scope": f"s:{settlement.id}", "vacancy_ids": [vacancy.id],
                                               "reoffer_refused": "1"})
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "拒绝过的岗位也再次推荐" in page and person.name in page


def test_the_round_pages_say_for_how_many_days_a_refused_trade_waits(session, client, app):
    use_settings(app, settings_of(app).replace(reoffer_after_days=45))
    settlement, vacancy, [person] = make_welding_site(session, workers=1, openings=1)
    [sent] = _round_sent_to_all(session, settlement, vacancy)
    answer_offer(session, sent.id, person.id, False, actor="person", via="web")
    make_user(session, "staff", [settlement], username="staff9").set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "staff9", "password": "pw-123456"}).status_code == 302
    assert "45 天内不推荐同一单位的同类岗位" in client.get("/staff/rounds").get_data(as_text=True)
    proposed = client.post("/staff/rounds", data={"scope": f"s:{settlement.id}", "vacancy_ids": [vacancy.id]})
    page = client.get(proposed.headers["Location"]).get_data(as_text=True)
    assert "或 45 天内拒绝过同一单位的同类岗位" in page
