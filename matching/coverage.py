"""The best household coverage any allocation can reach, from maximum flows.

The sets of households that one allocation can cover together are the independent sets of a
matroid (a gammoid: household → member → vacancy, each member used once, each vacancy up to
its openings). Covering households level by level — zero-employment first, then monitored
(防返贫监测), then households where no one is employed — is a weighted matroid problem with
dominating weights, so the greedy order is optimal: take households class by class, a class
being the households with the same levels, best class first. The greedy takes
rank(prefix) − rank(previous prefix) households of each class, where a prefix is the union of
the classes so far and rank(X), the most households of X that can be covered at once, is one
maximum flow. With three levels that is at most seven flows, fewer when classes are empty.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np


def best_coverage(problem: Any, levels: list[np.ndarray]) -> tuple[int, ...]:
    """Households of each level (bool per household, most important first) the lexicographically best allocation covers."""
    rank = _RankOracle(problem)
    levels = [level[rank.households] for level in levels]  # only households with a pair can be covered
    covered = [0] * len(levels)
    prefix = np.zeros(len(rank.households), dtype=bool)
    previous_rank = 0
    for membership in itertools.product((True, False), repeat=len(levels)):
        if not any(membership):
            break
        in_class = np.logical_and.reduce([level if wanted else ~level for level, wanted in zip(levels, membership)])
        if not in_class.any():
            continue
        prefix |= in_class
        prefix_rank = rank(prefix)
        for index, wanted in enumerate(membership):
            covered[index] += (prefix_rank - previous_rank) * wanted
        previous_rank = prefix_rank
    return tuple(covered)


class _RankOracle:
    """rank(X) for sets X of the households with a pair (bool per `households`), on one flow network of the problem's pairs."""

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

        sources = 1 + np.flatnonzero(members)
        if len(sources) == 0:
            return 0
        tails = np.concatenate([np.zeros(len(sources), np.int64), self.tails])
        heads = np.concatenate([sources, self.heads])
        capacities = np.concatenate([np.ones(len(sources), np.int32), self.capacities])
        graph = csr_array((capacities, (tails, heads)), shape=(self.sink + 1, self.sink + 1))
        return int(maximum_flow(graph, 0, self.sink).flow_value)
