"""Allocation is exact: it beats greedy where greedy goes wrong and equals brute force on small cases."""
import itertools
import random

import numpy as np

from matching.allocate import AllocationProblem, allocate, allocation_value
from matching.coverage import best_coverage


def problem_of(edges, openings, household, zero=(), employed_households=(), monitored=()):
    """edges: (worker, vacancy, score) triples; households numbered 0..max(household)."""
    n_households = max(household) + 1
    return AllocationProblem(
        edge_worker=np.array([e[0] for e in edges], dtype=np.int64),
        edge_vacancy=np.array([e[1] for e in edges], dtype=np.int64),
        edge_score=np.array([e[2] for e in edges], dtype=float),
        openings=np.array(openings, dtype=np.int64),
        household=np.array(household, dtype=np.int64),
        zero_employment_household=np.isin(np.arange(n_households), zero),
        no_one_employed_household=~np.isin(np.arange(n_households), employed_households),
        monitored_household=np.isin(np.arange(n_households), monitored),
    )


def is_feasible(problem, chosen):
    workers = problem.edge_worker[chosen]
    per_vacancy = np.bincount(problem.edge_vacancy[chosen], minlength=len(problem.openings))
    return len(set(workers.tolist())) == len(workers) and (per_vacancy <= problem.openings).all()


def brute_force_value(problem):
    """Best (zero, monitored, no-one-employed covered, score) over every feasible allocation."""
    n_workers = len(problem.household)
    options = [[None] + [e for e in range(len(problem.edge_worker)) if problem.edge_worker[e] == w] for w in range(n_workers)]
    best = None
    for pick in itertools.product(*options):
        chosen = np.zeros(len(problem.edge_worker), dtype=bool)
        chosen[[e for e in pick if e is not None]] = True
        if not is_feasible(problem, chosen):
            continue
        value = allocation_value(problem, chosen)
        if best is None or (*value[:3], value[3] - 1e-9) > best:
            best = value
    return best


def test_greedy_by_score_misses_a_zero_employment_household():
    # Worker 0 (household 0, already has someone employed) scores best on the only opening;
    # worker 1 is from a zero-employment household. Greedy gives the post to worker 0.
    problem = problem_of(
        edges=[(0, 0, 0.95), (1, 0, 0.6)], openings=[1], household=[0, 1], zero=[1], employed_households=[0]
    )
    chosen = allocate(problem)
    assert chosen.tolist() == [False, True]


def test_greedy_by_score_covers_fewer_households_than_possible():
    # Greedy: w0→v0 (0.9), then w1 can only take v0 (full), w2 takes v1: two households, one zero.
    # Best: w0→v1, w1→v0 covers both zero-employment households 0 and 1.
    problem = problem_of(
        edges=[(0, 0, 0.9), (0, 1, 0.5), (1, 0, 0.8), (2, 1, 0.85)],
        openings=[1, 1],
        household=[0, 1, 2],
        zero=[0, 1],
    )
    chosen = allocate(problem)
    assert allocation_value(problem, chosen)[:3] == (2, 0, 3 - 1)
    assert chosen.tolist() == [False, True, True, False]


def test_a_monitored_household_comes_right_after_zero_employment():
    # One opening each: the zero-employment household (0) beats the monitored one (1), and the
    # monitored household beats a better-scoring household where no one works either (2).
    problem = problem_of(
        edges=[(0, 0, 0.4), (1, 0, 0.5), (1, 1, 0.5), (2, 1, 0.99)],
        openings=[1, 1], household=[0, 1, 2], zero=[0], monitored=[1],
    )
    chosen = allocate(problem)
    assert chosen.tolist() == [True, False, True, False]
    assert allocation_value(problem, chosen)[:3] == (1, 1, 2)


def test_one_household_counts_once():
    # Two members of one zero-employment household and one of another: the second household wins
    # the second opening even with a lower score.
    problem = problem_of(
        edges=[(0, 0, 0.9), (1, 0, 0.9), (2, 0, 0.4)], openings=[2], household=[0, 0, 1], zero=[0, 1]
    )
    chosen = allocate(problem)
    assert chosen[2] and chosen[:2].sum() == 1


def random_problem(rng):
    n_workers, n_vacancies = rng.randint(1, 6), rng.randint(1, 3)
    household = [rng.randint(0, max(0, n_workers - 2)) for _ in range(n_workers)]
    n_households = max(household) + 1
    edges = [
        (w, v, round(rng.uniform(0.3, 1.0), 3))
        for w in range(n_workers)
        for v in range(n_vacancies)
        if rng.random() < 0.6
    ]
    zero = [h for h in range(n_households) if rng.random() < 0.4]
    employed = [h for h in range(n_households) if h not in zero and rng.random() < 0.4]
    monitored = [h for h in range(n_households) if rng.random() < 0.3]
    openings = [rng.randint(1, 2) for _ in range(n_vacancies)]
    return problem_of(edges, openings, household, zero, employed, monitored)


def test_equals_brute_force_on_random_small_cases():
    rng = random.Random(20240517)
    for _ in range(300):
        problem = random_problem(rng)
        chosen = allocate(problem)
        assert is_feasible(problem, chosen)
        got, best = allocation_value(problem, chosen), brute_force_value(problem)
        assert got[:3] == best[:3]
        assert abs(got[3] - best[3]) < 1e-6
        assert best_coverage(problem, problem.household_levels()) == best[:3]  # the proof's target is exact


def test_no_pairs_no_allocation():
    problem = problem_of(edges=[], openings=[1], household=[0])
    assert allocate(problem).tolist() == []


def chain_problem(length, zero=(0,), monitored=()):
    """Worker 0 (a zero-employment household) can only take v0, held by worker 1 at score 1.0.
    Workers 1..length, each the only member of a household where no one is employed, hold
    v0..v(length-1) and could each move one vacancy along at score 0.3 (v(length) is free).
    The best allocation covers every household: everyone moves, losing 0.7 × length in score."""
    edges = [(0, 0, 0.3)]
    for worker in range(1, length + 1):
        edges += [(worker, worker - 1, 1.0), (worker, worker, 0.3)]
    return problem_of(edges, [1] * (length + 1), list(range(length + 1)), zero=zero, monitored=monitored)


def test_coverage_wins_even_when_it_costs_more_score_than_the_first_bonuses():
    problem = chain_problem(8)
    chosen = allocate(problem)
    assert allocation_value(problem, chosen)[:3] == brute_force_value(problem)[:3] == (1, 0, 9)


def test_a_monitored_household_is_covered_even_when_it_costs_more_score_than_the_first_bonuses():
    problem = chain_problem(8, zero=(), monitored=(0,))
    chosen = allocate(problem)
    assert chosen[0]
    assert allocation_value(problem, chosen)[:3] == brute_force_value(problem)[:3] == (0, 1, 9)


def test_no_monitored_households_given_means_none_monitored():
    problem = problem_of(edges=[(0, 0, 0.9), (1, 0, 0.5)], openings=[1], household=[0, 1], zero=[1])
    problem.monitored_household = None
    problem.__post_init__()
    assert allocation_value(problem, allocate(problem))[:3] == (1, 0, 1)


def test_the_assignment_fallback_decides_when_no_bonus_step_suffices(monkeypatch):
    import matching.allocate as allocate_module

    fallback_calls = []
    real_fallback = allocate_module._allocate_by_assignment
    monkeypatch.setattr(allocate_module, "_allocate_by_assignment", lambda p: fallback_calls.append(p) or real_fallback(p))
    monkeypatch.setattr(allocate_module, "BONUS_STEPS", ((4.0, 2.0, 1.0),))
    for problem, coverage in ((chain_problem(8), (1, 0, 9)), (chain_problem(8, zero=(), monitored=(0,)), (0, 1, 9))):
        assert allocation_value(problem, allocate(problem))[:3] == coverage
    assert len(fallback_calls) == 2

    monkeypatch.setattr(allocate_module, "BONUS_STEPS", ())  # the fallback decides every case with a pair
    cases_with_pairs = 0
    for seed in range(60):
        small = random_problem(random.Random(seed))
        got, best = allocation_value(small, allocate(small)), brute_force_value(small)
        assert got[:3] == best[:3] and abs(got[3] - best[3]) < 1e-6
        cases_with_pairs += len(small.edge_worker) > 0
    assert len(fallback_calls) == 2 + cases_with_pairs
