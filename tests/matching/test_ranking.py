"""Ranks within a vacancy: best score first, ties by worker order, the same as sorting every pair."""
import numpy as np
import pytest

from matching.engine import VacancyRanking


def plain_ranks(vacancy, score, worker):
    """Rank of every pair by a full sort: the definition the ranking must keep."""
    order = np.lexsort((worker, -score, vacancy))
    rank = np.empty(len(order), dtype=np.int64)
    first = 0
    for position, pair in enumerate(order.tolist()):
        if position and vacancy[order[position - 1]] != vacancy[pair]:
            first = position
        rank[pair] = position - first + 1
    return rank


def random_pairs(seed, n_workers=300, n_vacancies=12, density=0.4):
    rng = np.random.default_rng(seed)
    worker, vacancy = np.nonzero(rng.random((n_workers, n_vacancies)) < density)
    # Few distinct scores, many ties, some at exactly 0 and 1, and near-equal ones within a bucket.
    score = rng.choice([0.0, 0.3, 0.3 + 1e-12, 0.5, 0.9, 0.9, 1.0], size=len(worker)) + rng.choice([0, 1e-5], size=len(worker))
    return vacancy, np.clip(score, 0.0, 1.0), worker, n_vacancies


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3, 20, 1000])
def test_top_k_and_later_ranks_equal_a_full_sort(seed, k):
    vacancy, score, worker, n_vacancies = random_pairs(seed)
    expected = plain_ranks(vacancy, score, worker)
    ranking = VacancyRanking(vacancy, score, worker, n_vacancies)
    top, rank = ranking.top(k)
    expected_top = np.flatnonzero(expected <= k)
    assert sorted(top.tolist()) == expected_top.tolist()
    assert rank.tolist() == expected[top].tolist()
    assert np.all(np.diff(vacancy[top]) >= 0)  # by vacancy, then rank
    below = np.flatnonzero(expected > k)
    assert ranking.ranks_of(below).tolist() == expected[below].tolist()


def test_a_vacancy_without_candidates_and_no_pairs_at_all():
    ranking = VacancyRanking(np.array([2, 2, 0]), np.array([0.4, 0.7, 0.1]), np.array([0, 1, 1]), 3)
    top, rank = ranking.top(5)
    assert top.tolist() == [2, 1, 0] and rank.tolist() == [1, 1, 2]
    empty = VacancyRanking(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64), 4)
    assert len(empty.top(3)[0]) == 0 and len(empty.ranks_of(np.empty(0, np.int64))) == 0


def test_a_score_that_is_not_a_number_ranks_last_as_in_a_full_sort():
    vacancy, score, worker, n_vacancies = random_pairs(7)
    score[::5] = np.nan
    expected = plain_ranks(vacancy, score, worker)
    ranking = VacancyRanking(vacancy, score, worker, n_vacancies)
    top, rank = ranking.top(30)
    assert rank.tolist() == expected[top].tolist() and sorted(top.tolist()) == np.flatnonzero(expected <= 30).tolist()
    below = np.flatnonzero(expected > 30)
    assert ranking.ranks_of(below).tolist() == expected[below].tolist()
