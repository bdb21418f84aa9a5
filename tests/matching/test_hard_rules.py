"""A pair that breaks a hard rule of matching-io.md is never written, whatever its score."""
import pytest
from matching_factories import SITE_LAT, SITE_LON, make_vacancy, make_worker
from stand_in_taxonomy import StandInTaxonomy

from matching.engine import run_matching

KM_PER_DEGREE_LAT = 111.2


def pairs(workers, vacancies):
    matches = run_matching(workers, vacancies, taxonomy=StandInTaxonomy(), min_score=0.0)
    return {(m.worker_id, m.vacancy_id) for m in matches}


def vacancy_km_north(km, **fields):
    return make_vacancy(lat=SITE_LAT + km / KM_PER_DEGREE_LAT, lon=SITE_LON, **fields)


@pytest.mark.parametrize(
    "worker_fields, km, allowed",
    [
        ({}, 14.0, True),  # default limit 15 km
        ({}, 16.0, False),
        ({"max_commute_km": 30}, 25.0, True),
        ({"mobility": "site"}, 2.5, True),  # site: 3 km
        ({"mobility": "site"}, 3.5, False),
        ({"mobility": "site", "max_commute_km": 10}, 5.0, False),  # site never beyond 3 km
        ({"mobility": "any"}, 200.0, False),  # no dormitory, no relaxation
    ],
)
def test_distance_limit(worker_fields, km, allowed):
    worker, vacancy = make_worker(**worker_fields), vacancy_km_north(km)
    assert ((worker.id, vacancy.id) in pairs([worker], [vacancy])) is allowed


@pytest.mark.parametrize(
    "mobility, worker_county, vacancy_county, km, allowed",
    [
        ("any", "", "", 900.0, True),
        ("county", "", "", 100.0, False),
        ("site", "", "", 10.0, False),
        ("province", "", "", 300.0, True),  # provinces unknown: within 400 km counts as the province
        ("province", "", "", 450.0, False),
        ("province", "望谟县", "贵州省贵阳市", 300.0, True),
        ("province", "望谟县", "湖南省长沙市", 300.0, False),  # known to be another province
        ("province", "贵州省望谟县", "贵州省", 500.0, True),  # same known province, any distance
    ],
)
def test_dormitory_relaxes_distance(mobility, worker_county, vacancy_county, km, allowed):
    worker = make_worker(mobility=mobility, county=worker_county)
    vacancy = vacancy_km_north(km, dormitory=True, county=vacancy_county)
    assert ((worker.id, vacancy.id) in pairs([worker], [vacancy])) is allowed


@pytest.mark.parametrize(
    "capacity, demand, allowed",
    [
        ("full", "heavy", True),
        ("half", "heavy", False),
        ("weak", "heavy", False),
        ("half", "medium", True),
        ("weak", "medium", False),
        ("weak", "light", True),
    ],
)
def test_physical_demand_against_capacity(capacity, demand, allowed):
    worker, vacancy = make_worker(capacity=capacity), make_vacancy(physical_demand=demand)
    assert ((worker.id, vacancy.id) in pairs([worker], [vacancy])) is allowed


def test_welfare_posts_only_for_welfare_eligible_workers():
    eligible, other = make_worker(welfare_eligible=True), make_worker()
    post = make_vacancy(kind="welfare", title="保洁员（公益性岗位）", skills=(), physical_demand="light")
    found = pairs([eligible, other], [post])
    assert (eligible.id, post.id) in found and (other.id, post.id) not in found


@pytest.mark.parametrize(
    "age, age_min, age_max, allowed",
    [(30, 18, 50, True), (17, 18, 50, False), (51, 18, 50, False), (None, 18, 50, True), (60, None, None, True), (60, 18, None, True), (60, None, 55, False)],
)
def test_age_bounds(age, age_min, age_max, allowed):
    worker, vacancy = make_worker(age=age), make_vacancy(age_min=age_min, age_max=age_max)
    assert ((worker.id, vacancy.id) in pairs([worker], [vacancy])) is allowed


@pytest.mark.parametrize("hours, allowed", [("school_hours", True), ("day", True), ("any", True), ("shift", False)])
def test_school_hours_workers(hours, allowed):
    worker, vacancy = make_worker(available_hours="school_hours"), make_vacancy(hours=hours)
    assert ((worker.id, vacancy.id) in pairs([worker], [vacancy])) is allowed


def test_employed_workers_are_ranked_but_never_allocated():
    employed = make_worker(employed=True, certificates=("焊工证",))
    jobless = make_worker()
    vacancy = make_vacancy(openings=2)
    matches = run_matching([employed, jobless], [vacancy], taxonomy=StandInTaxonomy(), min_score=0.0)
    by_worker = {m.worker_id: m for m in matches}
    assert by_worker[employed.id].rank == 1 and not by_worker[employed.id].allocated
    assert by_worker[jobless.id].allocated
