"""The best household coverage any allocation can reach, from maximum flows.

The sets of households that one allocation can cover together are the independent sets of a
matroid (a gammoid: household → member → vacancy, each member used once, each vacancy up to
its openings). So the greedy order is optimal, and the lexicographic best — zero-employment
households first, then households where no one is employed — is told by ranks alone:
  zero-employment covered   = rank(Z)
  no-one-employed covered   = rank(Z ∩ N) + rank(Z ∪ N) − rank(Z)
where rank(X) is the most households of X that can be covered at once (one maximum flow).
"""
from __future__ import annotations

from typing import Any

import numpy as np


def best_coverage(problem: Any) -> tuple[int, int]:
    """(zero-employment households, no-one-employed households) the best allocation covers."""
    zero, none_employed = problem.zero_employment_household, problem.no_one_employed_household
    rank = _RankOracle(problem)
    zero_rank = rank(zero)
    return zero_rank, rank(zero & none_employed) + rank(zero | none_employed) - zero_rank


class _RankOracle:
    """rank(X) for sets X of households (bool per household), on one flow network of the problem's pairs."""

    def __init__(self, problem: Any) -> None:
        workers, worker_row = np.unique(problem.edge_worker, return_inverse=True)
        vacancies, vacancy_row = np.unique(problem.edge_vacancy, return_inverse=True)
        self.households, household_row = np.unique(problem.household[workers], return_inverse=True)
        n_households, n_workers, n_vacancies = len(self.households), len(workers), len(vacancies)
        # Nodes: source, households, workers, vacancies, sink.
        first_worker = 1 + n_households
        first_vacancy = first_worker + n_workers
        self.sink = first_vacancy + n_vacancies
        self.tails = np.concatenate([1 + household_row, first_worker + worker_row, first_vacancy + np.arange(n_vacancies)])
        self.heads = np.concatenate([first_worker + np.arange(n_workers), first_vacancy + vacancy_row, np.full(n_vacancies, self.sink)])
        self.capacities = np.concatenate([np.ones(n_workers + len(worker_row), np.int32), problem.openings[vacancies].astype(np.int32)])

    def __call__(self, members: np.ndarray) -> int:
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import maximum_flow

        sources = 1 + np.flatnonzero(members[self.households])
        if len(sources) == 0:
            return 0
        tails = np.concatenate([np.zeros(len(sources), np.int64), self.tails])
        heads = np.concatenate([sources, self.heads])
        capacities = np.concatenate([np.ones(len(sources), np.int32), self.capacities])
        graph = csr_array((capacities, (tails, heads)), shape=(self.sink + 1, self.sink + 1))
        return int(maximum_flow(graph, 0, self.sink).flow_value)
