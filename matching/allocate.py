"""Allocation of offers for a round, solved exactly (not greedily).

Choose pairs so that each vacancy gets at most `openings` workers and each worker at most
one vacancy, maximising, in this order (lexicographically):
  1. zero-employment households covered (a household counts once, however many members get offers),
  2. monitored households covered (poverty-relapse monitoring, 防返贫监测: right after zero-employment),
  3. households covered in which no worker is employed,
  4. the total score.
The lexicographic order becomes one weighted objective: a household's coverage bonus is
W1 (zero-employment) + W2 (monitored) + W3 (no one employed), with W3 above any possible total
score, W2 above any possible sum of W3 bonuses and W1 above any possible sum of W2 and W3
bonuses, so no lower level can ever buy a higher one. The concave
household benefit (only the first member offered counts) is represented exactly by turning
the problem into a rectangular assignment (see _solve_component), solved exactly by scipy's
LAPJVsp (min_weight_full_bipartite_matching), per connected component of the
worker–vacancy–household graph. Tests check it against brute force on random small cases.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching


@dataclass
class AllocationProblem:
    """Allocatable pairs (parallel arrays) and what the objective needs to know about people."""

    edge_worker: np.ndarray  # worker index per pair
    edge_vacancy: np.ndarray  # vacancy index per pair
    edge_score: np.ndarray  # score per pair, in [0, 1]
    openings: np.ndarray  # per vacancy
    household: np.ndarray  # household index per worker
    zero_employment_household: np.ndarray  # bool per household
    no_one_employed_household: np.ndarray  # bool per household
    monitored_household: np.ndarray | None = None  # bool per household; None: none monitored

    def __post_init__(self):
        if self.monitored_household is None:
            self.monitored_household = np.zeros(len(self.zero_employment_household), dtype=bool)


def allocation_value(problem: AllocationProblem, chosen: np.ndarray) -> tuple[int, int, int, float]:
    """(zero-employment, monitored and no-one-employed households covered, total score)."""
    covered = np.unique(problem.household[problem.edge_worker[chosen]])
    return (
        int(problem.zero_employment_household[covered].sum()),
        int(problem.monitored_household[covered].sum()),
        int(problem.no_one_employed_household[covered].sum()),
        float(problem.edge_score[chosen].sum()),
    )


def allocate(problem: AllocationProblem) -> np.ndarray:
    """Boolean mask over the pairs: the lexicographically best allocation."""
    chosen = np.zeros(len(problem.edge_worker), dtype=bool)
    if len(chosen) == 0:
        return chosen
    for edges in _components(problem):
        chosen[edges] = _solve_component(problem, edges)
    return chosen


def _components(problem: AllocationProblem) -> list[np.ndarray]:
    """Pair indices of each connected component (households join their members)."""
    n_workers = len(problem.household)
    n_vacancies = len(problem.openings)
    n_households = len(problem.zero_employment_household)
    vacancy_node = n_workers + problem.edge_vacancy
    household_node = n_workers + n_vacancies + problem.household[problem.edge_worker]
    rows = np.concatenate([problem.edge_worker, problem.edge_worker])
    cols = np.concatenate([vacancy_node, household_node])
    size = n_workers + n_vacancies + n_households
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    _count, labels = connected_components(graph, directed=False)
    edge_label = labels[problem.edge_worker]
    order = np.argsort(edge_label, kind="stable")
    boundaries = np.flatnonzero(np.diff(edge_label[order])) + 1
    return np.split(order, boundaries)


def _solve_component(problem: AllocationProblem, edges: np.ndarray) -> np.ndarray:
    """Exact lexicographic allocation within one component, as an assignment problem; mask over `edges`.

    Rows are workers. Columns are one slot per opening, plus, per household of m members,
    m "stays home" slots: m - 1 free and one that costs the household's coverage bonus. A
    worker either takes an opening or a stays-home slot of their household, so the bonus is
    lost exactly when every member stays home: the concave household benefit, exactly.
    """
    workers, worker_row = np.unique(problem.edge_worker[edges], return_inverse=True)
    vacancies, vacancy_row = np.unique(problem.edge_vacancy[edges], return_inverse=True)
    score = problem.edge_score[edges]
    slots = np.minimum(problem.openings[vacancies], np.bincount(vacancy_row, minlength=len(vacancies)))
    n_opening_slots = int(slots.sum())

    # Edges to opening slots: each pair repeated once per slot of its vacancy.
    repeats = slots[vacancy_row]
    pair = np.repeat(np.arange(len(edges)), repeats)
    slot_offset = np.arange(len(pair)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    first_slot = np.cumsum(slots) - slots
    opening_rows, opening_cols = worker_row[pair], first_slot[vacancy_row[pair]] + slot_offset
    opening_costs = _BASE_COST - score[pair]

    home_rows, home_cols, home_costs = _stay_home_edges(problem, workers, n_opening_slots)
    graph = csr_matrix(
        (
            np.concatenate([opening_costs, home_costs]),
            (np.concatenate([opening_rows, home_rows]), np.concatenate([opening_cols, home_cols])),
        ),
        shape=(len(workers), n_opening_slots + len(workers)),
    )
    rows, columns = min_weight_full_bipartite_matching(graph)
    took_opening = columns < n_opening_slots
    slot_vacancy = np.repeat(np.arange(len(vacancies)), slots)
    chosen_keys = rows[took_opening] * len(vacancies) + slot_vacancy[columns[took_opening]]
    return np.isin(worker_row * len(vacancies) + vacancy_row, chosen_keys)


# Every worker is matched exactly once, so a constant added to every cost changes no choice;
# it keeps all costs positive (the matcher treats a zero as a missing edge).
_BASE_COST = 2.0


def _stay_home_edges(problem: AllocationProblem, workers: np.ndarray, first_column: int):
    """(rows, columns, costs) joining each worker to the stays-home slots of their household."""
    household = problem.household[workers]
    households, member_of = np.unique(household, return_inverse=True)
    zero = problem.zero_employment_household[households]
    monitored = problem.monitored_household[households]
    none_employed = problem.no_one_employed_household[households]
    # Lexicographic weights: any level-3 gain outweighs every score (≤ 1 per opening), any level-2
    # gain every level-3 gain, and any level-1 gain every level-2 and level-3 gain together.
    level_3 = float(first_column + 1)
    level_2 = level_3 * (int(none_employed.sum()) + 1)
    level_1 = level_2 * (int(monitored.sum()) + 1)
    bonus = zero * level_1 + monitored * level_2 + none_employed * level_3

    members = np.bincount(member_of)
    first_home_slot = first_column + np.cumsum(members) - members
    per_worker = members[member_of]  # each worker reaches all m slots of its household
    rows = np.repeat(np.arange(len(workers)), per_worker)
    slot_in_household = np.arange(len(rows)) - np.repeat(np.cumsum(per_worker) - per_worker, per_worker)
    row_household = member_of[rows]
    columns = first_home_slot[row_household] + slot_in_household
    costs = _BASE_COST + np.where(slot_in_household == 0, bonus[row_household], 0.0)
    return rows, columns, costs
