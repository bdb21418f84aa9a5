"""The all-counties round on a seeded province proposes exactly the offers it proposed before the
round read its workers as columns (issue 19): the same persons, vacancies, ranks, scores and reasons.

The expected offers (data/round_snapshot.json) were taken by running this seeding and batch on the
code that loaded every worker as a Person object with its household, site and county.
"""

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from jobmatch.models import Employer, MatchRound, Offer, Person, RoundBatch, Vacancy
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.province_rounds import RoundOptions, run_county_step, run_pool_step, start_batch
from tests.factories import (
    frozen_clock,
    make_county,
    make_employer,
    make_household,
    make_person,
    make_sent_offers,
    make_settlement,
    make_spell,
    make_vacancy,
)

SNAPSHOT = Path(__file__).parent / "data" / "round_snapshot.json"
NIGHT = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 22:00 in Guizhou
SKILLS = ["电焊", "保洁", "厨师", "缝纫", "驾驶", "水电", "茶叶采摘", "养老护理"]
SPELL_KINDS = ["within_county", "within_province", "outside_province"]


def _seed_county(session, rng: random.Random, name: str, place: dict, households: int) -> None:
    """A county of three sites (one without a location: its people live at the county's) with
    households of one to four members of every capacity, age, mobility, disability and monitoring,
    some members in work (near or away), and vacancies of every kind nearby."""
    county = make_county(session, name=name, **place)
    sites = [make_settlement(session, county, name=f"{name}一号安置点", lat=place["lat"] + 0.01, lon=place["lon"]),
             make_settlement(session, county, name=f"{name}二号安置点", lat=place["lat"] - 0.03, lon=place["lon"] + 0.02),
             make_settlement(session, county, name=f"{name}无坐标安置点", lat=None, lon=None)]
    members = []
    for h in range(households):
        household = make_household(session, rng.choice(sites), monitoring=rng.choice(["none"] * 4 + ["marginal"]))
        for m in range(rng.randint(1, 4)):
            gender = rng.choice(["male", "female"])
            members.append(make_person(
                session, household, name=f"{name}{h}-{m}", gender=gender,
                birth_date=date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                relation="户主" if m == 0 else "家庭成员",
                capacity=rng.choice(["full", "full", "full", "half", "weak", "none"]),
                wants_work=rng.choice([True, True, True, False, None]),
                mobility=rng.choice(["site", "county", "county", "province", "any", None]),
                cannot_leave_site=rng.random() < 0.1,
                max_commute_km=rng.choice([None, None, 5.0, 30.0]),
                skills=rng.sample(SKILLS, rng.randint(0, 2)),
                certificates=rng.choice([[], [], ["电工证"], ["健康证"]]),
                wage_expectation=rng.choice([None, 2500, 3500, 5000]),
                disability=rng.choice(["none"] * 8 + ["3", "4"]),
                monitoring=rng.choice(["none"] * 6 + ["unstable"])))
    for person in members:
        if rng.random() < 0.15:
            make_spell(session, person, kind=rng.choice(SPELL_KINDS))
    employer = make_employer(session, county, name=f"{name}园区公司")
    public = make_employer(session, county, name=f"{name}公益岗位单位", kind="public_works")
    vacancies = [
        make_vacancy(session, employer, title=f"{name}电焊工", skills=["电焊"], openings=3, wage_min=4000,
                     wage_max=6000, physical_demand="heavy", **place),
        make_vacancy(session, employer, title=f"{name}保洁员", skills=["保洁"], openings=4, physical_demand="light",
                     lat=place["lat"] + 0.02, lon=place["lon"]),
        make_vacancy(session, employer, title=f"{name}普工", openings=6, age_min=18, age_max=45, hours="day",
                     lat=place["lat"] - 0.02, lon=place["lon"] + 0.02),
        make_vacancy(session, employer, title=f"{name}缝纫工", skills=["缝纫"], openings=2, dormitory=True,
                     lat=place["lat"] + 0.6, lon=place["lon"] + 0.6),
        make_vacancy(session, public, title=f"{name}公益岗保洁", kind="welfare", openings=2, physical_demand="light",
                     lat=place["lat"], lon=place["lon"] + 0.01),
        make_vacancy(session, public, title=f"{name}以工代赈道路", kind="relief", openings=3, **place),
    ]
    waiting = [p for p in members if p.capacity != "none" and rng.random() < 0.05]
    if waiting:
        make_sent_offers(session, vacancies[2], waiting)
    refresh_households(session, {p.household_id for p in members}, actor="test")


def _seed_province(session) -> None:
    rng = random.Random(19)
    _seed_county(session, rng, "甲县", {"lat": 26.86, "lon": 104.27}, households=45)
    _seed_county(session, rng, "乙县", {"lat": 27.10, "lon": 104.60}, households=25)
    city = make_county(session, name="省城区", lat=26.60, lon=106.70)
    make_vacancy(session, make_employer(session, city, name="省城物流公司"), title="省城快递分拣员", openings=5,
                 physical_demand="light", dormitory=True, lat=26.60, lon=106.70)
    # Rule 9 keeps 乙县's project out of 甲县's round (甲县, the larger, goes first): its places left
    # after 乙县's own round go to 甲县's willing workers in the pool.
    yi = session.scalar(select(Employer).where(Employer.name == "乙县园区公司"))
    make_vacancy(session, yi, title="乙县以工代赈厂房", openings=40, work_for_relief=True, dormitory=True,
                 physical_demand="light", lat=27.10, lon=104.60)
    session.commit()


def _round_offers(session) -> list[list]:
    """Every offer of the batch's rounds: round (county name, or pool), person, vacancy, status,
    rank, score and reasons."""
    rows = session.execute(
        select(MatchRound.scope, MatchRound.county_id, Person.name, Vacancy.title, Offer.status, Offer.rank,
               Offer.score, Offer.reasons)
        .join(MatchRound, Offer.round_id == MatchRound.id).join(Person, Offer.person_id == Person.id)
        .join(Vacancy, Offer.vacancy_id == Vacancy.id)
        .where(MatchRound.created_by == "test-batch")
        .order_by(MatchRound.id, Offer.vacancy_id, Offer.rank, Person.name))
    return [[str(scope), county_id, person, title, str(status), rank, round(score, 6), list(reasons)]
            for scope, county_id, person, title, status, rank, score, reasons in rows]


def test_the_all_counties_round_proposes_the_offers_it_did_before(session):
    with frozen_clock(NIGHT):
        _seed_province(session)
        batch = start_batch(session, actor="test-batch")
        step_ids = [step.id for step in batch.counties]
        batch_id = batch.id
        session.commit()
        options = RoundOptions(actor="test-batch")
        for step_id in step_ids:
            assert run_county_step(session, step_id, options).status == "done"
        assert run_pool_step(session, batch_id, options).pool_status == "done"

    offers = _round_offers(session)
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert session.scalar(select(RoundBatch.pool_round_id)) is not None
    assert len({tuple(o[:2]) for o in expected}) == 3  # two county rounds and the pool all proposed something
    assert offers == expected
