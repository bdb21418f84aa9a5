"""Round rules: zero-employment first, local workers first on relief projects, one live offer per worker."""

from datetime import date

from sqlalchemy import select

from jobmatch.models import Offer
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.matching_input import build_engine_input, is_welfare_eligible
from jobmatch.services.offers.rounds import approve_round, propose_round, round_offers
from tests.factories import (
    make_county,
    make_employer,
    make_household,
    make_person,
    make_settlement,
    make_spell,
    make_vacancy,
    make_welding_site,
)


def test_zero_employment_households_get_the_offer_first(session):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=1)
    make_spell(session, make_person(session, session.get(type(persons[0].household), persons[0].household_id)))
    refresh_households(session, [persons[0].household_id], actor="test")
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    proposed = [o for o in match_round.offers if o.status == "proposed"]
    assert [o.person_id for o in proposed] == [persons[1].id]
    assert round_offers(session, match_round.id)[0].person_id == persons[1].id


def test_relief_vacancy_waits_for_a_round_in_its_own_county(session):
    settlement, welding, persons = make_welding_site(session, workers=2, openings=1)
    other_county = make_county(session)
    relief = make_vacancy(session, make_employer(session, other_county), title="道路施工普工", kind="relief",
                          county_id=other_county.id, openings=3)
    elsewhere = propose_round(session, settlement_id=settlement.id, vacancy_ids=[relief.id], actor="user:1")
    assert elsewhere.summary["excluded_vacancies"] == {
        str(relief.id): "以工代赈岗位：首轮只推荐给本县搬迁群众，外县群众暂不推送"}
    assert elsewhere.offers == []
    local_settlement = make_settlement(session, other_county)
    make_person(session, make_household(session, local_settlement))
    propose_round(session, county_id=other_county.id, vacancy_ids=[relief.id], actor="user:1")
    later = propose_round(session, settlement_id=settlement.id, vacancy_ids=[relief.id], actor="user:1")
    assert later.summary["excluded_vacancies"] == {}


def test_overlapping_rounds_never_give_a_worker_two_live_offers(session):
    settlement, vacancy, persons = make_welding_site(session, workers=2, openings=2)
    first = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    second = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:2")
    assert len(approve_round(session, first.id, actor="user:1").sent) == 2
    result = approve_round(session, second.id, actor="user:2")
    assert result.sent == [] and len(result.skipped) == 2
    sent = session.scalars(select(Offer.person_id).where(Offer.status == "sent")).all()
    assert sorted(sent) == sorted(p.id for p in persons)
    # Workers waiting on an answer are not in the next round at all.
    third = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:3")
    assert third.offers == [] and third.summary["excluded_vacancies"]


def test_engine_input_describes_workers_as_the_engine_expects(session):
    settlement, vacancy, persons = make_welding_site(session, workers=1)
    older = make_person(session, make_household(session, settlement), gender="female", birth_date=date(1980, 1, 1),
                        cannot_leave_site=True)
    not_looking = make_person(session, make_household(session, settlement), wants_work=False)
    engine_input = build_engine_input(session, county_id=settlement.county_id, settlement_id=settlement.id,
                                      vacancies=[vacancy])
    workers = {w.id: w for w in engine_input.workers}
    assert str(not_looking.id) not in workers
    assert workers[str(older.id)].mobility == "site" and workers[str(older.id)].welfare_eligible
    assert is_welfare_eligible(older, 46)
    # Rule 2 lists zero-employment households among the priority groups (the welder's household is one).
    assert persons[0].household.zero_employment and is_welfare_eligible(persons[0], 40)
    employed_home = make_household(session, settlement)
    make_spell(session, make_person(session, employed_home, relation="配偶"))
    ordinary = make_person(session, employed_home)
    refresh_households(session, [employed_home.id], actor="test")
    assert not is_welfare_eligible(ordinary, 40)
    assert engine_input.vacancies[0].openings == vacancy.openings
