"""A round's ranking, top-k cut, allocation and reasons, as a staff member would read them."""
import numpy as np
from matching_factories import SITE_LAT, make_vacancy, make_worker
from stand_in_taxonomy import StandInTaxonomy

from matching.engine import run_matching


def km_north(km):
    return SITE_LAT + km / 111.2


def test_ranks_start_at_one_best_first_per_vacancy():
    workers = [make_worker(lat=km_north(km)) for km in (9, 1, 5)]
    vacancies = [make_vacancy(lat=SITE_LAT, openings=1), make_vacancy(lat=SITE_LAT, openings=1)]
    matches = run_matching(workers, vacancies, taxonomy=StandInTaxonomy())
    for vacancy in vacancies:
        ranked = [m for m in matches if m.vacancy_id == vacancy.id]
        assert [m.rank for m in ranked] == [1, 2, 3]
        assert [m.worker_id for m in ranked] == [workers[1].id, workers[2].id, workers[0].id]
        assert all(0 <= m.score <= 1 for m in ranked)
        assert ranked[0].score >= ranked[1].score >= ranked[2].score
    assert sum(m.allocated for m in matches) == 2
    assert len({m.worker_id for m in matches if m.allocated}) == 2  # one offer per worker


def test_top_k_bounds_the_list_but_an_allocated_pair_keeps_its_true_rank():
    close_and_certified = [make_worker(certificates=("焊工证",), household_id="employed-home", employed=i == 0) for i in range(2)]
    far_zero_employment = make_worker(lat=km_north(14), zero_employment_household=True)
    vacancy = make_vacancy(lat=SITE_LAT, openings=1)
    matches = run_matching([*close_and_certified, far_zero_employment], [vacancy], top_k=1, taxonomy=StandInTaxonomy())
    assert [(m.worker_id, m.rank, m.allocated) for m in matches] == [
        (close_and_certified[0].id, 1, False),
        (far_zero_employment.id, 3, True),
    ]


def test_openings_bound_the_offers_and_low_scores_get_none():
    workers = [make_worker() for _ in range(5)] + [make_worker(skills=("苗绣",))]
    vacancy = make_vacancy(openings=3, skills=(), title="普工")
    matches = run_matching(workers, [vacancy], taxonomy=StandInTaxonomy(), min_score=0.3)
    assert sum(m.allocated for m in matches) == 3
    nobody = run_matching(workers, [vacancy], taxonomy=StandInTaxonomy(), min_score=0.99)
    assert not any(m.allocated for m in nobody) and len(nobody) == 6


def test_unknown_skill_text_still_matches_by_similarity_and_is_counted():
    from matching.engine import match_round

    worker = make_worker(skills=("修摩托车",))
    vacancy = make_vacancy(title="摩托车修理", skills=("修理摩托车",))
    result = match_round([worker], [vacancy], taxonomy=StandInTaxonomy())
    assert [m.worker_id for m in result.matches] == [worker.id]
    assert result.unknown_skill_terms == {"修摩托车": 1, "修理摩托车": 1}


def reasons_of(worker, vacancy):
    (match,) = run_matching([worker], [vacancy], taxonomy=StandInTaxonomy(), min_score=0.0)
    return match.reasons


def test_reasons_in_plain_chinese():
    worker = make_worker(zero_employment_household=True, wage_expectation=3500, certificates=("焊工证",))
    vacancy = make_vacancy(lat=km_north(3.2), wage_min=3500, wage_max=4500, dormitory=True)
    assert reasons_of(worker, vacancy) == [
        "零就业家庭优先",
        "技能相符：电焊 → 焊工",
        "持有相关证书",
        "离家 3.2 公里",
        "包住宿",
        "工资 3500–4500 元，符合期望",
    ]


def test_reasons_for_light_work_and_welfare_posts():
    worker = make_worker(skills=("保洁",), capacity="half", mobility="site", welfare_eligible=True, available_hours="school_hours")
    post = make_vacancy(title="保洁员（公益性岗位）", skills=(), kind="welfare", physical_demand="light", hours="day", lat=km_north(0.5))
    assert reasons_of(worker, post) == [
        "技能相符：保洁 → 保洁员",
        "离家 不到 1 公里",
        "轻体力活，适合半劳力",
        "白天上班，能兼顾接送孩子",
        "公益性岗位，照顾不能外出的家庭",
    ]


def test_far_dormitory_job_says_so():
    worker = make_worker(mobility="any")
    vacancy = make_vacancy(lat=km_north(250), dormitory=True)
    assert "包住宿，离家 250 公里" in reasons_of(worker, vacancy)


def test_an_excluded_pair_is_neither_ranked_nor_allocated_and_the_opening_goes_to_the_next():
    from matching.engine import match_round

    near, far = make_worker(lat=km_north(1)), make_worker(lat=km_north(5))
    vacancy = make_vacancy(lat=SITE_LAT, openings=1)
    result = match_round([near, far], [vacancy], taxonomy=StandInTaxonomy(), excluded_pairs={(near.id, vacancy.id)})
    assert [(m.worker_id, m.rank, m.allocated) for m in result.matches] == [(far.id, 1, True)]


def test_scoring_a_chunk_at_a_time_gives_the_scores_and_matches_of_scoring_all_at_once(monkeypatch):
    import random

    from matching import engine

    rng = random.Random(5)
    workers = [make_worker(lat=km_north(rng.uniform(0, 14)), skills=(rng.choice(["电焊", "保洁", "叉车"]),),
                           zero_employment_household=rng.random() < 0.3, wage_expectation=rng.choice([None, 3000, 5000]))
               for _ in range(40)]
    vacancies = [make_vacancy(lat=km_north(rng.uniform(0, 5)), openings=rng.randint(1, 3), wage_min=3000, wage_max=4000)
                 for _ in range(6)]
    everything = engine.score_pairs(workers, vacancies, taxonomy=StandInTaxonomy())
    whole = engine.match_round(workers, vacancies, top_k=3, taxonomy=StandInTaxonomy())
    monkeypatch.setattr(engine, "SCORING_CHUNK", 7)
    chunked = engine.score_round_pairs(workers, vacancies, taxonomy=StandInTaxonomy())
    assert chunked.score.tolist() == everything.score.tolist() and len(chunked.score) > 7
    some = np.arange(0, len(chunked.score), 3)
    assert chunked.features_of(some).tolist() == everything.features[some].tolist()
    assert engine.match_round(workers, vacancies, top_k=3, taxonomy=StandInTaxonomy()).matches == whole.matches


def test_each_written_match_comes_with_the_features_and_distance_it_was_scored_on():
    import random

    from matching import engine

    rng = random.Random(8)
    workers = [make_worker(lat=km_north(rng.uniform(0, 14)), skills=(rng.choice(["电焊", "保洁", "叉车"]),),
                           wage_expectation=rng.choice([None, 3000, 5000])) for _ in range(30)]
    vacancies = [make_vacancy(lat=km_north(rng.uniform(0, 5)), openings=rng.randint(1, 4)) for _ in range(5)]
    everything = engine.score_pairs(workers, vacancies, taxonomy=StandInTaxonomy())
    at = {(workers[w].id, vacancies[v].id): i
          for i, (w, v) in enumerate(zip(everything.pairs.worker.tolist(), everything.pairs.vacancy.tolist()))}
    result = engine.match_round(workers, vacancies, top_k=2, taxonomy=StandInTaxonomy())
    assert any(m.rank > 2 for m in result.matches)  # offers below the top k are written too
    assert len(result.features) == len(result.distance_km) == len(result.matches)
    for match, features, distance in zip(result.matches, result.features, result.distance_km):
        i = at[(match.worker_id, match.vacancy_id)]
        assert features.tolist() == everything.features[i].tolist()
        assert distance == everything.pairs.distance_km[i]


def test_workers_sharing_skill_words_are_each_counted_and_each_matched():
    from matching.engine import match_round

    same_words = [make_worker(skills=("修摩托车", "电焊")) for _ in range(3)]
    other = make_worker(skills=("修摩托车",))
    vacancy = make_vacancy(title="摩托车修理", skills=("修理摩托车",), openings=4)
    result = match_round([*same_words, other], [vacancy], taxonomy=StandInTaxonomy())
    assert result.unknown_skill_terms == {"修摩托车": 4, "修理摩托车": 1}
    assert sorted(m.worker_id for m in result.matches) == sorted(w.id for w in [*same_words, other])


def test_skill_and_certificate_lists_given_as_lists_still_match():
    worker = make_worker(zero_employment_household=True)
    object.__setattr__(worker, "skills", ["电焊"])  # a caller building records by hand
    object.__setattr__(worker, "certificates", ["焊工证"])
    (match,) = run_matching([worker], [make_vacancy()], taxonomy=StandInTaxonomy())
    assert match.allocated and "持有相关证书" in match.reasons
