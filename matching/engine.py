"""One matching round: candidates, scores, ranking, exact allocation and reasons."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.allocate import AllocationProblem, allocate
from matching.background import run_beside
from matching.candidates import CandidatePairs, candidate_pairs
from matching.columns import VacancyColumns, WorkerColumns
from matching.features import FEATURE_NAMES, pair_features
from matching.model import ScoringModel, default_model
from matching.reasons import ReasonWriter, reasons_for_pairs
from matching.records import Match, Vacancy, Worker
from matching.skills import SkillIndex, build_skill_index

DEFAULT_TOP_K = 20
DEFAULT_MIN_SCORE = 0.3
# From this many allocatable pairs on, the allocation runs in a second process beside the ranking.
PARALLEL_MIN_PAIRS = 100_000


# Pairs whose features are held at once while a round is scored (match_round keeps only scores).
SCORING_CHUNK = 1 << 18


@dataclass
class RoundPairs:
    """Every candidate pair with its score (parallel arrays), and what its features are computed from."""

    pairs: CandidatePairs
    score: np.ndarray
    skills: SkillIndex
    workers: WorkerColumns
    vacancies: VacancyColumns

    def features_of(self, index: np.ndarray) -> np.ndarray:
        """Feature rows of the pairs at these positions."""
        return pair_features(self.workers, self.vacancies, self.skills, self.pairs.subset(index))


@dataclass
class ScoredPairs(RoundPairs):
    """Every candidate pair with its features and score (parallel arrays)."""

    features: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.float32))

    def features_of(self, index: np.ndarray) -> np.ndarray:
        return self.features[index]


@dataclass
class RoundResult:
    """What a round produced, with figures for a summary line. ``features`` and ``distance_km`` are
    rows parallel to ``matches``: what each written pair was scored on (callers store them)."""

    matches: list[Match]
    candidate_pairs: int = 0
    allocated: int = 0
    unknown_skill_terms: Counter = field(default_factory=Counter)
    features: np.ndarray = field(default_factory=lambda: np.empty((0, len(FEATURE_NAMES)), dtype=np.float32))
    distance_km: np.ndarray = field(default_factory=lambda: np.empty(0))


def _taxonomy_or_default(taxonomy: Any) -> Any:
    if taxonomy is not None:
        return taxonomy
    from matching.taxonomy import load_taxonomy

    return load_taxonomy()


def without_pairs(pairs: CandidatePairs, workers: Sequence[Worker], vacancies: Sequence[Vacancy],
                  excluded: Collection[tuple[str, str]]) -> CandidatePairs:
    """The candidate pairs minus the given (worker id, vacancy id) pairs."""
    if not excluded or not len(pairs):
        return pairs
    worker_index = {worker.id: i for i, worker in enumerate(workers)}
    vacancy_index = {vacancy.id: i for i, vacancy in enumerate(vacancies)}
    codes = [worker_index[w] * len(vacancies) + vacancy_index[v] for w, v in excluded
             if w in worker_index and v in vacancy_index]
    keep = ~np.isin(pairs.worker.astype(np.int64) * len(vacancies) + pairs.vacancy, np.asarray(codes, dtype=np.int64))
    return CandidatePairs(pairs.worker[keep], pairs.vacancy[keep], pairs.distance_km[keep])


def _round_candidates(workers: Sequence[Worker], vacancies: Sequence[Vacancy], taxonomy: Any,
                      excluded_pairs: Collection[tuple[str, str]]) -> tuple[WorkerColumns, VacancyColumns, SkillIndex, CandidatePairs]:
    worker_columns, vacancy_columns = WorkerColumns.of(workers), VacancyColumns.of(vacancies)
    skills = build_skill_index(workers, vacancies, _taxonomy_or_default(taxonomy))
    pairs = without_pairs(candidate_pairs(worker_columns, vacancy_columns, skills), workers, vacancies, excluded_pairs)
    return worker_columns, vacancy_columns, skills, pairs


def score_pairs(
    workers: Sequence[Worker], vacancies: Sequence[Vacancy], *, model: ScoringModel | None = None, taxonomy: Any = None,
    excluded_pairs: Collection[tuple[str, str]] = (),
) -> ScoredPairs:
    """All pairs that pass the hard rules (except ``excluded_pairs``: (worker id, vacancy id)), with features
    and scores."""
    worker_columns, vacancy_columns, skills, pairs = _round_candidates(workers, vacancies, taxonomy, excluded_pairs)
    features = pair_features(worker_columns, vacancy_columns, skills, pairs)
    score = np.clip((model or default_model()).score(features), 0.0, 1.0)
    return ScoredPairs(pairs, score, skills, worker_columns, vacancy_columns, features=features)


def score_round_pairs(
    workers: Sequence[Worker], vacancies: Sequence[Vacancy], *, model: ScoringModel | None = None, taxonomy: Any = None,
    excluded_pairs: Collection[tuple[str, str]] = (),
) -> RoundPairs:
    """The scores of score_pairs, computed a chunk of pairs at a time, so that the features of all
    pairs (32 bytes each) never exist at once; those of the pairs written are computed again."""
    worker_columns, vacancy_columns, skills, pairs = _round_candidates(workers, vacancies, taxonomy, excluded_pairs)
    model = model or default_model()
    score = np.empty(len(pairs))
    for start in range(0, len(pairs), SCORING_CHUNK):
        chunk = slice(start, start + SCORING_CHUNK)
        score[chunk] = model.score(pair_features(worker_columns, vacancy_columns, skills, pairs.subset(chunk)))
    np.clip(score, 0.0, 1.0, out=score)
    return RoundPairs(pairs, score, skills, worker_columns, vacancy_columns)


def _ranks_in_groups(group: np.ndarray, score: np.ndarray, worker: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, rank) of a few pairs: sorted by group, best score first, ties by worker; ranks from 1 per group."""
    order = np.lexsort((worker, -score, group))
    sorted_group = group[order]
    group_start = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1] if len(order) else np.empty(0, np.int64)
    rank = np.arange(len(order)) - np.repeat(group_start, np.diff(np.r_[group_start, len(order)])) + 1
    return order, rank


class VacancyRanking:
    """Ranks within each vacancy (best score first, ties by worker order) without sorting every pair.

    Only the top k of each vacancy and the pairs asked for later (offers below the top k) need
    a rank. Scores are counted into buckets per vacancy; a vacancy's top k lie in its buckets at
    or above the one where the count from the top reaches k, so only those pairs are sorted.
    A pair's rank is the pairs of its vacancy in higher buckets plus its rank within its bucket.
    """

    MAX_BUCKETS = 1024  # per vacancy; scores in [0, 1]

    def __init__(self, vacancy: np.ndarray, score: np.ndarray, worker: np.ndarray, n_vacancies: int) -> None:
        self.vacancy, self.score, self.worker = vacancy, score, worker
        # A few buckets per pair on average at most, so the count table stays small beside the pairs.
        per_vacancy = 4 * len(score) // max(n_vacancies, 1)
        self.buckets = buckets = 1 << max(4, min(self.MAX_BUCKETS.bit_length() - 1, per_vacancy.bit_length() - 1))
        # fmax puts a NaN score (sorted last, as by a full sort) in the lowest bucket.
        self.bucket = np.minimum(np.fmax(score * buckets, 0), buckets - 1).astype(np.int16)
        counts = np.bincount(self._cells(np.arange(len(score))), minlength=n_vacancies * buckets).reshape(n_vacancies, buckets)
        # at_or_above[v, b]: pairs of vacancy v in bucket b or above; a last column of zeros.
        self.at_or_above = np.zeros((n_vacancies, buckets + 1), dtype=np.int64)
        np.cumsum(counts[:, ::-1], axis=1, out=self.at_or_above[:, buckets - 1 :: -1])

    def _cells(self, pairs: np.ndarray) -> np.ndarray:
        """(vacancy, bucket) of pairs as one number."""
        return self.vacancy[pairs].astype(np.intp) * self.buckets + self.bucket[pairs]

    def top(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(pairs, ranks) of each vacancy's k best, sorted by vacancy then rank."""
        enough = self.at_or_above[:, : self.buckets] >= k
        threshold = np.where(enough.any(axis=1), self.buckets - 1 - np.argmax(enough[:, ::-1], axis=1), 0)
        kept = np.flatnonzero(self.bucket >= threshold[self.vacancy])
        order, rank = _ranks_in_groups(self.vacancy[kept], self.score[kept], self.worker[kept])
        within = rank <= k
        return kept[order[within]], rank[within]

    def ranks_of(self, pairs: np.ndarray) -> np.ndarray:
        """The exact rank within its vacancy of each of these pairs."""
        wanted = np.zeros(self.at_or_above.shape, dtype=bool)
        wanted[self.vacancy[pairs], self.bucket[pairs]] = True
        in_cells = np.flatnonzero(wanted[self.vacancy, self.bucket])
        order, rank_in_cell = _ranks_in_groups(self._cells(in_cells), self.score[in_cells], self.worker[in_cells])
        ordered = in_cells[order]
        rank = np.empty(len(in_cells), dtype=np.int64)
        rank[order] = rank_in_cell + self.at_or_above[self.vacancy[ordered], self.bucket[ordered] + 1]
        return rank[np.searchsorted(in_cells, pairs)]


def allocation_problem(scored: RoundPairs, min_score: float) -> tuple[AllocationProblem, np.ndarray]:
    """The allocation problem of a round and, per its pairs, their index among all pairs (employed workers and low scores never)."""
    w, v = scored.pairs.worker, scored.pairs.vacancy
    allocatable = np.flatnonzero((scored.score >= min_score) & ~scored.workers.employed[w])
    n_households = int(scored.workers.household.max()) + 1 if len(scored.workers.household) else 0
    zero = np.zeros(n_households, dtype=bool)
    zero[scored.workers.household[scored.workers.zero_employment]] = True
    monitored = np.zeros(n_households, dtype=bool)
    monitored[scored.workers.household[scored.workers.monitored]] = True
    someone_employed = np.zeros(n_households, dtype=bool)
    someone_employed[scored.workers.household[scored.workers.employed]] = True
    problem = AllocationProblem(
        edge_worker=w[allocatable],
        edge_vacancy=v[allocatable],
        edge_score=scored.score[allocatable],
        openings=scored.vacancies.openings,
        household=scored.workers.household,
        zero_employment_household=zero,
        no_one_employed_household=~someone_employed,
        monitored_household=monitored,
    )
    return problem, allocatable


def allocate_offers(scored: ScoredPairs, min_score: float) -> np.ndarray:
    """Boolean mask over pairs: the offers of this round."""
    problem, allocatable = allocation_problem(scored, min_score)
    allocated = np.zeros(len(scored.pairs), dtype=bool)
    allocated[allocatable[allocate(problem)]] = True
    return allocated


def match_round(
    workers: Sequence[Worker],
    vacancies: Sequence[Vacancy],
    *,
    top_k: int = DEFAULT_TOP_K,
    min_score: float = DEFAULT_MIN_SCORE,
    model: ScoringModel | None = None,
    taxonomy: Any = None,
    excluded_pairs: Collection[tuple[str, str]] = (),
) -> RoundResult:
    """Run a round and return the matches with figures about it; ``excluded_pairs`` ((worker id,
    vacancy id)) are never ranked nor allocated (offers refused before).

    The allocation runs beside the ranking and the reasons of the top k (in a second process
    when the round is large, see background.py); the reasons of allocated pairs below the top k
    are written once it is known which they are.
    """
    scored = score_round_pairs(workers, vacancies, model=model, taxonomy=taxonomy, excluded_pairs=excluded_pairs)
    pairs = scored.pairs
    problem, allocatable = allocation_problem(scored, min_score)
    with run_beside(allocate, problem, large=len(allocatable) >= PARALLEL_MIN_PAIRS) as pending:
        ranking = VacancyRanking(pairs.vacancy, scored.score, pairs.worker, len(vacancies))
        top, top_rank = ranking.top(top_k)
        writer = ReasonWriter(scored.skills)
        top_features = scored.features_of(top)
        top_reasons = _reasons(writer, workers, vacancies, scored, top, top_features)
    allocated = np.zeros(len(pairs), dtype=bool)
    allocated[allocatable[pending.result()]] = True
    in_top = np.zeros(len(pairs), dtype=bool)
    in_top[top] = True
    below_top = np.flatnonzero(allocated & ~in_top)
    below_rank = ranking.ranks_of(below_top)
    below_features = scored.features_of(below_top)
    below_reasons = _reasons(writer, workers, vacancies, scored, below_top, below_features)
    # Written by vacancy, then rank: the top k and the offers below it merged in order.
    written = np.concatenate([top, below_top])
    written_rank = np.concatenate([top_rank, below_rank])
    written_reasons = top_reasons + below_reasons
    order = np.lexsort((written_rank, pairs.vacancy[written]))
    written_features = np.concatenate([top_features, below_features])[order]
    matches = [
        Match(
            vacancy_id=vacancies[pairs.vacancy[i]].id,
            worker_id=workers[pairs.worker[i]].id,
            rank=rank,
            score=float(scored.score[i]),
            allocated=bool(allocated[i]),
            reasons=written_reasons[position],
        )
        for position, i, rank in zip(order.tolist(), written[order].tolist(), written_rank[order].tolist())
    ]
    return RoundResult(matches, len(pairs), int(allocated.sum()), scored.skills.unknown_terms,
                       features=written_features, distance_km=pairs.distance_km[written[order]])


def _reasons(writer: ReasonWriter, workers, vacancies, scored: RoundPairs, pairs: np.ndarray,
             features: np.ndarray) -> list[list[str]]:
    p = scored.pairs
    return reasons_for_pairs(writer, workers, vacancies, p.worker[pairs], p.vacancy[pairs], features, p.distance_km[pairs])


def run_matching(
    workers: Sequence[Worker],
    vacancies: Sequence[Vacancy],
    *,
    top_k: int = DEFAULT_TOP_K,
    min_score: float = DEFAULT_MIN_SCORE,
    model: ScoringModel | None = None,
    taxonomy: Any = None,
) -> list[Match]:
    """Ranked matches per vacancy (best first, ranks from 1), with this round's offers marked allocated."""
    return match_round(workers, vacancies, top_k=top_k, min_score=min_score, model=model, taxonomy=taxonomy).matches
