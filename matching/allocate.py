"""Allocation of offers for a round, solved exactly (not greedily).

Choose pairs so that each vacancy gets at most `openings` workers and each worker at most
one vacancy, maximising, in this order (lexicographically):
  1. zero-employment households covered (a household counts once, however many members get offers),
  2. monitored households covered (poverty-relapse monitoring, 防返贫监测: right after zero-employment),
  3. households covered in which no worker is employed,
  4. the total score.

How it is solved (matching/coverage.py holds the household side):
- A min-cost flow (OR-tools SimpleMinCostFlow) with household nodes: source → household
  (one arc carrying the coverage bonus for the first member, one free arc for the others) →
  worker → vacancy (cost −score) → sink (capacity `openings`). A household's bonus is the sum
  of its levels' bonuses. The flow picks the best allocation for the given bonuses, exactly
  (scores in units of 1e-9).
- The bonuses start small (a household is worth a few offers' score), which keeps the
  solver's cost range small and the solve fast. Whether they were large enough is then
  *checked*: households that can be covered form a matroid (a gammoid), so the
  lexicographically best coverage (levels 1 to 3) is known from at most seven maximum flows.
  An allocation that reaches it and is score-optimal for its bonuses is optimal
  lexicographically (any allocation with the same coverage has no higher score, and none has
  better coverage).
- If the check fails, the bonuses grow and the flow is solved again; as a last resort the
  assignment formulation below, whose weights dominate by construction, decides. Tests check
  the result against brute force on random small cases.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.coverage import best_coverage


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
    monitored_household: np.ndarray | None = None  # bool per household (防返贫监测); None: none monitored

    def __post_init__(self) -> None:
        if self.monitored_household is None:
            self.monitored_household = np.zeros(len(self.zero_employment_household), dtype=bool)

    def household_levels(self) -> list[np.ndarray]:
        """The coverage levels, most important first: bool per household each."""
        assert self.monitored_household is not None  # set in __post_init__
        return [self.zero_employment_household, self.monitored_household, self.no_one_employed_household]


def allocation_value(problem: AllocationProblem, chosen: np.ndarray) -> tuple[int, int, int, float]:
    """(zero-employment, monitored and no-one-employed households covered, total score)."""
    covered = np.unique(problem.household[problem.edge_worker[chosen]])
    zero, monitored, no_one = (int(level[covered].sum()) for level in problem.household_levels())
    return zero, monitored, no_one, float(problem.edge_score[chosen].sum())


# Coverage bonuses tried in turn, in units of one pair's score, per level as in
# `household_levels`: (zero-employment, monitored, no one employed).
BONUS_STEPS = ((4.0, 2.0, 1.0), (192.0, 48.0, 16.0), (4096.0, 1024.0, 256.0))
# Scores become integer costs in these units (the flow solver works on integers).
SCORE_UNIT = 1e-9


def allocate(problem: AllocationProblem) -> np.ndarray:
    """Boolean mask over the pairs: the lexicographically best allocation."""
    if len(problem.edge_worker) == 0:
        return np.zeros(0, dtype=bool)
    target = best_coverage(problem, problem.household_levels())
    for level_bonuses in BONUS_STEPS:
        chosen = _solve_flow(problem, level_bonuses)
        if chosen is not None and allocation_value(problem, chosen)[:-1] == target:
            return chosen
    return _allocate_by_assignment(problem)


def _solve_flow(problem: AllocationProblem, level_bonuses: tuple[float, ...]) -> np.ndarray | None:
    """Score-optimal allocation for these household bonuses, or None when the costs overflow the solver."""
    from ortools.graph.python import min_cost_flow

    workers, worker_row = np.unique(problem.edge_worker, return_inverse=True)
    vacancies, vacancy_row = np.unique(problem.edge_vacancy, return_inverse=True)
    households, household_row = np.unique(problem.household[workers], return_inverse=True)
    n_workers, n_vacancies, n_households = len(workers), len(vacancies), len(households)
    source, sink, first_household = 0, 1, 2
    first_worker = first_household + n_households
    first_vacancy = first_worker + n_workers
    bonus = sum(level[households] * level_bonus for level, level_bonus in zip(problem.household_levels(), level_bonuses))
    household_node = first_household + np.arange(n_households)
    tails = np.concatenate([
        np.full(2 * n_households, source), first_household + household_row, first_worker + worker_row,
        first_vacancy + np.arange(n_vacancies), [source],
    ])
    heads = np.concatenate([
        household_node, household_node, first_worker + np.arange(n_workers), first_vacancy + vacancy_row,
        np.full(n_vacancies, sink), [sink],
    ])
    capacities = np.concatenate([
        np.ones(n_households, np.int64), np.bincount(household_row) - 1, np.ones(n_workers + len(worker_row), np.int64),
        problem.openings[vacancies].astype(np.int64), [n_workers],  # the last arc: workers left at home
    ])
    costs = np.concatenate([
        -np.rint(bonus / SCORE_UNIT), np.zeros(n_households + n_workers), -np.rint(problem.edge_score / SCORE_UNIT),
        np.zeros(n_vacancies + 1),
    ]).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), capacities, costs)
    supplies = np.zeros(first_vacancy + n_vacancies, np.int64)
    supplies[source], supplies[sink] = n_workers, -n_workers
    solver.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    if solver.solve() != solver.OPTIMAL:
        return None
    first_pair_arc = 2 * n_households + n_workers
    return solver.flows(arcs[first_pair_arc : first_pair_arc + len(worker_row)]) > 0


def _allocate_by_assignment(problem: AllocationProblem) -> np.ndarray:
    """The fallback: the assignment formulation with dominating weights, per connected component."""
    chosen = np.zeros(len(problem.edge_worker), dtype=bool)
    for edges in _components(problem):
        chosen[edges] = _solve_component(problem, edges)
    return chosen


def _components(problem: AllocationProblem) -> list[np.ndarray]:
    """Pair indices of each connected component (households join their members)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

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
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

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
    bonus = _dominating_bonus([level[households] for level in problem.household_levels()], first_column)

    members = np.bincount(member_of)
    first_home_slot = first_column + np.cumsum(members) - members
    per_worker = members[member_of]  # each worker reaches all m slots of its household
    rows = np.repeat(np.arange(len(workers)), per_worker)
    slot_in_household = np.arange(len(rows)) - np.repeat(np.cumsum(per_worker) - per_worker, per_worker)
    row_household = member_of[rows]
    columns = first_home_slot[row_household] + slot_in_household
    costs = _BASE_COST + np.where(slot_in_household == 0, bonus[row_household], 0.0)
    return rows, columns, costs


def _dominating_bonus(levels: list[np.ndarray], n_openings: int) -> np.ndarray:
    """Bonus per household whose weights make the lexicographic order one sum.

    Each level's weight outweighs everything the levels below it can add together: the
    scores (at most 1 per opening), then the lower levels' households.
    """
    bonus = np.zeros(len(levels[0]))
    below = float(n_openings)
    for level in reversed(levels):
        weight = below + 1.0
        bonus += level * weight
        below += weight * int(level.sum())
    return bonus
