"""The API's daily writes: an employer posts, edits and closes vacancies and records hires; staff record
follow-ups and answers given at the door. Scoped tokens; Idempotency-Key on every write."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jobmatch.clock import utcnow
from jobmatch.models import ApiIdempotencyKey, EmploymentSpell, FollowUp, LedgerEvent, Offer, Vacancy
from jobmatch.services.offers.lifecycle import answer_offer
from tests.factories import frozen_clock, make_employer, make_sent_offers, make_user, make_welding_site
from tests.web.helpers import bearer, token_for

VACANCY = {"title": "缝纫工", "openings": 3, "wage_min": 3000, "wage_max": 4500, "skills": ["缝纫"],
           "hours": "day", "dormitory": True}


@dataclass
class Site:
    employer_token: str
    staff_token: str
    county_token: str
    other_employer_token: str
    vacancy_id: int
    offer_ids: list[int]
    household_ids: list[int]
    other_household_id: int


@pytest.fixture
def site(session) -> Site:
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=1)
    offers = make_sent_offers(session, vacancy, persons)
    vacancy.employer.lat, vacancy.employer.lon = 26.87, 104.28  # a new vacancy's place unless it says
    make_user(session, "employer", username="boss", employer_id=vacancy.employer_id)
    make_user(session, "staff", [settlement], username="yang")
    make_user(session, "county_officer", username="li", county_id=settlement.county_id)
    make_user(session, "employer", username="other_boss", employer_id=make_employer(session).id)
    _, _, strangers = make_welding_site(session, workers=1)
    session.commit()
    return Site(token_for(session, "boss"), token_for(session, "yang"), token_for(session, "li"),
                token_for(session, "other_boss"), vacancy.id, [o.id for o in offers],
                [p.household_id for p in persons], strangers[0].household_id)


def _write(client, method, url, token, body, key="k-1"):
    headers = bearer(token) | ({"Idempotency-Key": key} if key is not None else {})
    return client.open(url, method=method, json=body, headers=headers)


def _count(session, model, *where):
    """What the requests committed (SQLite: the read's transaction ends before the next request)."""
    session.rollback()
    count = session.scalar(select(func.count()).select_from(model).where(*where))
    session.rollback()
    return count


def test_an_employer_posts_a_vacancy_and_a_retry_changes_nothing_twice(session, client, site):
    before = _count(session, Vacancy)
    first = _write(client, "POST", "/api/v1/vacancies", site.employer_token, VACANCY)
    assert first.status_code == 201, first.json
    assert first.json["title"] == "缝纫工" and first.json["status"] == "open" and first.json["dormitory"] is True
    again = _write(client, "POST", "/api/v1/vacancies", site.employer_token, dict(reversed(VACANCY.items())))
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(session, Vacancy) == before + 1
    assert _count(session, LedgerEvent, LedgerEvent.kind == "vacancy_posted") == 1

    reused = _write(client, "POST", "/api/v1/vacancies", site.employer_token, {**VACANCY, "openings": 4})
    assert reused.status_code == 422 and reused.json["error"]["field"] == "Idempotency-Key"
    second = _write(client, "POST", "/api/v1/vacancies", site.employer_token, VACANCY, key="k-2")
    assert second.status_code == 201 and second.json["id"] != first.json["id"]
    assert _count(session, Vacancy) == before + 2


def test_a_write_without_a_key_or_with_a_bad_body_names_what_is_wrong_and_writes_nothing(session, client, site):
    before = _count(session, Vacancy)
    cases = [
        (None, VACANCY, "Idempotency-Key"),
        ("有中文", VACANCY, "Idempotency-Key"),
        ("k-3", {**VACANCY, "wage_max": 2000}, "wage_max"),
        ("k-4", {**VACANCY, "openings": "三"}, "openings"),
        ("k-5", {**VACANCY, "colour": "red"}, "colour"),
        ("k-6", {"openings": 1, "wage_min": 3000, "wage_max": 4000}, "title"),
        ("k-7", {**VACANCY, "kind": "forever"}, "kind"),
    ]
    for key, body, field in cases:
        headers = bearer(site.employer_token) | ({"Idempotency-Key": key} if key is not None else {})
        response = client.post("/api/v1/vacancies", json=body, headers=headers)
        assert response.status_code == 400, (field, response.json)
        assert response.json["error"]["field"] == field and response.json["error"]["message"]
    assert _count(session, Vacancy) == before
    assert _count(session, ApiIdempotencyKey) == 0  # a failed write leaves no key: its retry runs again
    fixed = _write(client, "POST", "/api/v1/vacancies", site.employer_token, VACANCY, key="k-3")
    assert fixed.status_code == 201


def test_an_employer_edits_and_closes_only_its_own_vacancies(session, client, site):
    url = f"/api/v1/vacancies/{site.vacancy_id}"
    edited = _write(client, "PATCH", url, site.employer_token, {"openings": 2, "wage_max": 6500})
    assert edited.status_code == 200 and edited.json["openings"] == 2 and edited.json["wage_max"] == 6500
    assert edited.json["title"] == "电焊工"  # what the body left out stays
    too_low = _write(client, "PATCH", url, site.employer_token, {"wage_max": 100}, key="k-low")
    assert too_low.status_code == 400 and too_low.json["error"]["field"] == "wage_max"
    assert _write(client, "PATCH", url, site.other_employer_token, {"openings": 9}).status_code == 404
    assert _write(client, "POST", url + "/close", site.other_employer_token, {}, key="c").status_code == 404
    closed = _write(client, "POST", url + "/close", site.employer_token, {}, key="c")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    session.rollback()
    assert session.get(Vacancy, site.vacancy_id).openings == 2
    session.rollback()
    assert _count(session, LedgerEvent, LedgerEvent.kind == "vacancy_closed") == 1


def test_tokens_are_scoped_to_their_kind_of_user(session, client, site):
    for token in (site.staff_token, site.county_token):
        response = _write(client, "POST", "/api/v1/vacancies", token, VACANCY)
        assert response.status_code == 403
    assert client.get("/api/v1/households", headers=bearer(site.employer_token)).status_code == 403
    follow_up = {"method": "phone", "summary": "电话联系上了"}
    url = f"/api/v1/households/{site.household_ids[0]}/follow-ups"
    for token in (site.employer_token, site.county_token):
        assert _write(client, "POST", url, token, follow_up).status_code == 403
    pending = session.scalar(select(Vacancy).where(Vacancy.id == site.vacancy_id)).employer
    pending.approved = False
    session.commit()
    refused = _write(client, "POST", "/api/v1/vacancies", site.employer_token, VACANCY)
    assert refused.status_code == 403 and "审核" in refused.json["error"]["message"]


def test_an_employer_records_a_hire_once(session, client, site):
    answer_offer(session, site.offer_ids[0], session.get(Offer, site.offer_ids[0]).person_id, True,
                 actor="person:1", via="sms")
    session.commit()
    hire = {"start_date": "2026-12-07", "contract_months": 12, "monthly_wage": 4500, "social_insurance": True}
    url = f"/api/v1/offers/{site.offer_ids[0]}/hire"
    first = _write(client, "POST", url, site.employer_token, hire)
    assert first.status_code == 200, first.json
    assert first.json["status"] == "hired" and first.json["start_date"] == "2026-12-07"
    assert _write(client, "POST", url, site.employer_token, hire).json == first.json
    assert _count(session, EmploymentSpell) == 1
    twice = _write(client, "POST", url, site.employer_token, hire, key="another")
    assert twice.status_code == 409 and twice.json["error"]["field"] == "offer_id"
    assert _write(client, "POST", url, site.other_employer_token, hire).status_code == 404
    not_accepted = _write(client, "POST", f"/api/v1/offers/{site.offer_ids[1]}/hire", site.employer_token,
                          {**hire, "start_date": "7 December"}, key="k-date")
    assert not_accepted.status_code == 400 and not_accepted.json["error"]["field"] == "start_date"
    assert _count(session, EmploymentSpell) == 1


def test_staff_record_a_follow_up_of_their_own_households_once(session, client, site):
    body = {"method": "visit", "summary": "入户了解，想在附近找活"}
    url = f"/api/v1/households/{site.household_ids[0]}/follow-ups"
    first = _write(client, "POST", url, site.staff_token, body)
    assert first.status_code == 201 and first.json["method"] == "visit"
    assert _write(client, "POST", url, site.staff_token, body).json == first.json
    assert _count(session, FollowUp) == 1
    stranger = f"/api/v1/households/{site.other_household_id}/follow-ups"
    assert _write(client, "POST", stranger, site.staff_token, body, key="k-x").status_code == 404
    bad = _write(client, "POST", url, site.staff_token, {"method": "letter", "summary": "写信"}, key="k-m")
    assert bad.status_code == 400 and bad.json["error"]["field"] == "method"
    assert _count(session, FollowUp) == 1


def test_staff_record_an_answer_given_at_the_door_once(session, client, site):
    url = f"/api/v1/offers/{site.offer_ids[0]}/answer"
    first = _write(client, "POST", url, site.staff_token, {"accepted": True})
    assert first.status_code == 200 and first.json["status"] == "accepted"
    assert _write(client, "POST", url, site.staff_token, {"accepted": True}).json == first.json
    assert _count(session, LedgerEvent, LedgerEvent.kind == "offer_accepted") == 1
    assert session.get(Offer, site.offer_ids[0]).responded_via == "visit"
    session.rollback()
    assert _write(client, "POST", url, site.staff_token, {"accepted": False}).status_code == 422
    assert _write(client, "POST", url, site.staff_token, {"accepted": "yes"}, key="k-y").status_code == 400
    assert _write(client, "POST", url, site.county_token, {"accepted": True}, key="k-c").status_code == 403


def test_a_key_is_forgotten_after_the_configured_hours(app, session, client, site):
    from jobmatch.config import settings_of, use_settings

    use_settings(app, settings_of(app).replace(api_idempotency_hours=2))
    first = _write(client, "POST", "/api/v1/vacancies", site.employer_token, VACANCY)
    with frozen_clock(utcnow() + timedelta(hours=3)):
        later = _write(client, "POST", "/api/v1/vacancies", site.employer_token, {**VACANCY, "openings": 1})
    assert later.status_code == 201 and later.json["id"] != first.json["id"]
    assert _count(session, ApiIdempotencyKey) == 1


def test_an_employer_records_a_no_hire_and_the_place_passes_on(session, client, site):
    for offer_id in site.offer_ids:  # one place: the second worker waits
        answer_offer(session, offer_id, session.get(Offer, offer_id).person_id, True, actor="person:1", via="sms")
    session.commit()
    url = f"/api/v1/offers/{site.offer_ids[0]}/no-hire"
    assert _write(client, "POST", url, site.employer_token, {"reason": ""}, key="k-empty").status_code == 400
    first = _write(client, "POST", url, site.employer_token, {"reason": "面试没来"})
    assert first.status_code == 200 and first.json == {"offer_id": site.offer_ids[0], "status": "not_hired"}
    assert _write(client, "POST", url, site.employer_token, {"reason": "面试没来"}).json == first.json
    session.rollback()
    assert session.get(Offer, site.offer_ids[1]).status == "accepted"  # from the waiting list
    session.rollback()
    assert _count(session, LedgerEvent, LedgerEvent.kind == "not_hired") == 1
