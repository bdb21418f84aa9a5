"""The employer sees who accepted, records interviews and hires; the hiring subsidy (rule 7)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jobmatch import ledger
from jobmatch.clock import add_months
from jobmatch.models import EmploymentSpell, Household, LedgerEvent, Message, Offer
from jobmatch.services.errors import WorkflowError
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.hiring import (
    employer_candidates,
    record_hire,
    record_interview,
    record_no_hire,
    spell_kind_for,
)
from jobmatch.services.offers.lifecycle import OfferStateError, answer_offer
from jobmatch.services.subsidies.hiring import hiring_subsidies
from tests.factories import (
    make_county,
    make_employer,
    make_household,
    make_person,
    make_sent_offers,
    make_settlement,
    make_spell,
    make_user,
    make_vacancy,
    make_welding_site,
)


def _accepted(session, openings=1, workers=2):
    settlement, vacancy, persons = make_welding_site(session, workers=workers, openings=openings)
    offers = make_sent_offers(session, vacancy, persons)
    for offer in offers:
        answer_offer(session, offer.id, offer.person_id, True, actor="person:1", via="sms")
    return vacancy, offers


def test_employer_sees_the_phone_only_of_workers_who_accepted(session):
    vacancy, offers = _accepted(session, openings=1, workers=2)
    candidates = {c.offer_id: c for c in employer_candidates(session, vacancy.employer_id)}
    accepted, waitlisted = candidates[offers[0].id], candidates[offers[1].id]
    assert accepted.status == "accepted" and accepted.phone == offers[0].person.phone
    assert waitlisted.status == "waitlisted" and "****" in waitlisted.phone


def test_a_hire_opens_a_spell_and_ends_zero_employment(session):
    vacancy, offers = _accepted(session)
    household_id = offers[0].person.household_id
    assert session.get(Household, household_id).zero_employment
    record_interview(session, offers[0].id, interview_on=date(2026, 12, 1), note="带身份证", actor="user:5")
    spell = record_hire(session, offers[0].id, start_date=date(2026, 12, 3), contract_months=12,
                        social_insurance=True, monthly_wage=4500, actor="user:5", employer_id=vacancy.employer_id)
    assert spell.kind == "within_county" and spell.ended_on is None
    assert session.get(Offer, offers[0].id).status == "hired"
    assert not session.get(Household, household_id).zero_employment
    hired = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "hired"))
    assert hired.data["offer_id"] == offers[0].id and hired.data["spell_id"] == spell.id
    assert session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "interview_recorded")) is not None


def test_bad_hire_input_names_the_field_and_writes_nothing(session):
    vacancy, offers = _accepted(session)
    with pytest.raises(WorkflowError) as error:
        record_hire(session, offers[0].id, start_date=date(2026, 12, 3), contract_months=0,
                    social_insurance=True, monthly_wage=4500, actor="user:5")
    assert error.value.field == "contract_months"
    assert session.scalar(select(EmploymentSpell)) is None
    with pytest.raises(OfferStateError, match="现在的状态：候补"):  # waitlisted, not accepted: said in words
        record_hire(session, offers[1].id, start_date=date(2026, 12, 3), contract_months=12,
                    social_insurance=True, monthly_wage=4500, actor="user:5")
    with pytest.raises(WorkflowError) as error:
        record_no_hire(session, offers[0].id, reason=" ", actor="user:5")
    assert error.value.field == "reason"
    with pytest.raises(WorkflowError):  # another employer's offer
        record_interview(session, offers[0].id, interview_on=date(2026, 12, 1), actor="user:5", employer_id=-1)


def test_spell_kind_follows_the_vacancy_and_the_place(session):
    home = make_household(session)
    same_county = make_employer(session, home.county)
    assert spell_kind_for(make_vacancy(session, same_county), home) == "within_county"
    assert spell_kind_for(make_vacancy(session, same_county, kind="relief"), home) == "work_for_relief"
    assert spell_kind_for(make_vacancy(session, make_employer(session, home.county, kind="workshop")), home) == "workshop"
    guiyang = make_county(session, name="贵阳市南明区", province="贵州省")
    assert spell_kind_for(make_vacancy(session, make_employer(session, guiyang)), home) == "within_province"
    dongguan = make_county(session, name="东莞市", province="广东省")
    assert spell_kind_for(make_vacancy(session, make_employer(session, dongguan)), home) == "outside_province"


def test_hiring_subsidy_lists_eligible_pending_and_not_eligible(session):
    site = make_settlement(session)
    employer = make_employer(session, entrepreneur_settlement_id=site.id)  # seed 001: set up in the settlement area
    household = make_household(session, site)
    stable = dict(employer_id=employer.id, contract_months=12, social_insurance=True)
    make_spell(session, make_person(session, household), started_on=date(2026, 1, 10), **stable)
    make_spell(session, make_person(session, household), started_on=date(2026, 8, 31), **stable)
    make_spell(session, make_person(session, household), started_on=date(2026, 1, 10), employer_id=employer.id,
               contract_months=6, social_insurance=False)
    make_spell(session, make_person(session, household), started_on=date(2026, 1, 10), ended_on=date(2026, 5, 1),
               **stable)
    report = hiring_subsidies(session, employer.id, today=date(2026, 11, 30))
    assert [line.amount for line in report.eligible] == [1000] and report.eligible_total == 1000
    assert [line.eligible_on for line in report.pending] == [date(2027, 2, 28)]
    reasons = [line.reasons for line in report.not_eligible]
    assert reasons[0] == ["合同期不足一年（6 个月）", "未缴纳社会保险"]
    assert reasons[1][0].startswith("未干满六个月")
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_employers_never_see_the_households_need(session):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=2)
    needy, other = persons  # `other` answered first; only `needy`'s household is zero-employment
    make_spell(session, make_person(session, session.get(Household, other.household_id)))
    refresh_households(session, [other.household_id], actor="test")
    offers = make_sent_offers(session, vacancy, [needy, other])
    offers[0].reasons = ["零就业家庭优先", "技能相符：电焊", "轻体力活，适合弱劳力", "白天上班，能兼顾接送孩子",
                         "公益性岗位，照顾不能外出的家庭", "离家 1.0 公里", "工资 4000–6000 元"]
    answer_offer(session, offers[1].id, other.id, True, actor=f"person:{other.id}", via="sms")
    answer_offer(session, offers[0].id, needy.id, True, actor=f"person:{needy.id}", via="sms")
    offers[1].responded_at = offers[0].responded_at - timedelta(minutes=5)
    candidates = employer_candidates(session, vacancy.employer_id)
    assert not any(hasattr(c, "zero_employment_household") for c in candidates)
    assert [c.offer_id for c in candidates] == [offers[1].id, offers[0].id]  # who answered first, nothing else
    assert candidates[1].reasons == ["技能相符：电焊", "离家 1.0 公里", "工资 4000–6000 元"]


def test_the_employer_page_shows_no_zero_employment_flag(session, client):
    settlement, vacancy, persons = make_welding_site(session, workers=1, openings=1)
    offer = make_sent_offers(session, vacancy, persons)[0]
    offer.reasons = ["零就业家庭优先", "技能相符：电焊"]
    answer_offer(session, offer.id, persons[0].id, True, actor=f"person:{persons[0].id}", via="sms")
    make_user(session, "employer", username="boss", employer_id=vacancy.employer_id).set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "boss", "password": "pw-123456"}).status_code == 302
    page = client.get("/e/candidates").get_data(as_text=True)
    assert f"{persons[0].name}会电焊，这个岗位正要这门手艺" in page and "零就业" not in page


def test_a_hire_withdraws_the_workers_other_live_offers_and_passes_the_places_on(session):
    settlement, welding, (worker, waiting, reserve_worker) = make_welding_site(session, workers=3, openings=1)
    assembly = make_vacancy(session, welding.employer, title="装配工", openings=1)
    storage = make_vacancy(session, welding.employer, title="仓管员", openings=1)
    hired_offer = make_sent_offers(session, welding, [worker])[0]
    answer_offer(session, hired_offer.id, worker.id, True, actor="person:1", via="sms")
    held, waitlisted = make_sent_offers(session, assembly, [worker, waiting])
    for offer in (held, waitlisted):
        answer_offer(session, offer.id, offer.person_id, True, actor="person:1", via="sms")
    unanswered, reserve = make_sent_offers(session, storage, [worker, reserve_worker])
    reserve.status = "reserve"
    session.flush()
    assert [held.status, waitlisted.status, unanswered.status] == ["accepted", "waitlisted", "sent"]

    record_hire(session, hired_offer.id, start_date=date(2026, 12, 3), contract_months=12, social_insurance=True,
                monthly_wage=4500, actor="user:5")
    status = {o.id: session.get(Offer, o.id, populate_existing=True).status
              for o in (held, waitlisted, unanswered, reserve)}
    assert status == {held.id: "withdrawn", waitlisted.id: "accepted", unanswered.id: "withdrawn", reserve.id: "sent"}
    withdrawn = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "offer_withdrawn")
                                .order_by(LedgerEvent.id)).all()
    assert [(e.data["offer_id"], e.data["previous"]) for e in withdrawn] == [(held.id, "accepted"),
                                                                            (unanswered.id, "sent")]
    assert all(e.data["reason"] and e.data["hired_offer_id"] == hired_offer.id for e in withdrawn)
    assert session.scalar(select(Message).where(Message.subject.in_([f"offer:{held.id}", f"offer:{unanswered.id}"]),
                                                Message.kind == "confirm_declined")) is None
    assert ledger.verify(session).ok
