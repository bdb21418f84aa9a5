"""Feature vectors of candidate pairs, every value in [0, 1], computed on whole arrays."""
from __future__ import annotations

import numpy as np

from matching.candidates import CandidatePairs
from matching.columns import VacancyColumns, WorkerColumns
from matching.records import MOBILITIES, VACANCY_HOURS, VACANCY_KINDS, WORKER_HOURS
from matching.skills import SkillIndex

FEATURE_NAMES = (
    "skill_fit",  # how well the worker's skills cover what the vacancy asks for
    "certificate_fit",  # a certificate for the vacancy's trade (1), some certificate (0.3), none (0)
    "distance_fit",  # 1 at home, 0.3 at the worker's commute limit, 0.2 beyond it with a dormitory
    "wage_fit",  # pay meets the expectation (1), within the range (0.8), unknown (0.5), short of it (less)
    "body_fit",  # physical demand against labour capacity (all candidates already pass the hard rule)
    "schedule_fit",  # working hours against the hours the worker can give
    "household_need",  # zero-employment household (1), no one employed (0.5), else 0
    "welfare_priority",  # on welfare posts: workers who cannot leave the site or have weak labour first
)

# Skill fit given to a vacancy that asks for no skill, before any match with its title.
NO_SKILL_REQUIRED_FIT = 0.6

# body_fit[capacity, demand]: light work suits half and weak labour best.
_BODY_FIT = np.array(
    [
        # light medium heavy
        [0.7, 0.9, 0.8],  # full
        [1.0, 0.7, 0.0],  # half
        [1.0, 0.0, 0.0],  # weak
    ]
)
# schedule_fit[worker hours, vacancy hours]
_SCHEDULE_FIT = np.array(
    [
        # any  day  shift school_hours
        [1.0, 1.0, 1.0, 1.0],  # any
        [1.0, 1.0, 0.3, 1.0],  # day
        [0.6, 0.7, 0.0, 1.0],  # school_hours
    ]
)
assert _SCHEDULE_FIT.shape == (len(WORKER_HOURS), len(VACANCY_HOURS))


def skill_fit(skills: SkillIndex, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Mean over the vacancy's terms of the best similarity among the worker's terms."""
    # A zero row and column appended to the similarity matrix make padding (-1) look up 0;
    # lookups go through the flattened matrix, as 1-d gathers are cheaper than 2-d ones.
    n_rows, n_columns = skills.similarity.shape[0] + 1, skills.similarity.shape[1] + 1
    similarity = np.zeros((n_rows, n_columns), dtype=np.float32)
    similarity[:-1, :-1] = skills.similarity
    similarity = similarity.ravel()
    row_start = np.where(skills.worker_terms < 0, n_rows - 1, skills.worker_terms) * n_columns
    column = np.where(skills.vacancy_terms < 0, n_columns - 1, skills.vacancy_terms)
    worker_rows = [row_start[:, i][w] for i in range(row_start.shape[1])]
    total = np.zeros(len(w), dtype=np.float32)
    best_any = np.zeros(len(w), dtype=np.float32)
    for j in range(column.shape[1]):
        vacancy_column = column[:, j][v]
        best = similarity[worker_rows[0] + vacancy_column]
        for rows in worker_rows[1:]:
            np.maximum(best, similarity[rows + vacancy_column], out=best)
        total += best
        np.maximum(best_any, best, out=best_any)
    term_count = np.maximum((skills.vacancy_terms >= 0).sum(axis=1), 1)[v]
    required = skills.vacancy_requires_skills[v]
    return np.where(required, total / term_count, NO_SKILL_REQUIRED_FIT + (1 - NO_SKILL_REQUIRED_FIT) * best_any)


def certificate_fit(skills: SkillIndex, workers: WorkerColumns, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """1 for a certificate of the vacancy's occupation, 0.3 for any other certificate, else 0."""
    fit = np.where(workers.has_certificate[w], np.float32(0.3), np.float32(0.0))
    # Only pairs whose worker holds a certificate of some occupation can score 1.
    pairs = np.flatnonzero((skills.worker_certified_for[:, 0] >= 0)[w])
    certified, wanted = skills.worker_certified_for[w[pairs]], skills.vacancy_occupations[v[pairs]]
    for_this_trade = np.zeros(len(pairs), dtype=bool)
    for i in range(certified.shape[1]):
        for j in range(wanted.shape[1]):
            for_this_trade |= (certified[:, i] >= 0) & (certified[:, i] == wanted[:, j])
    fit[pairs[for_this_trade]] = 1.0
    return fit


def distance_fit(workers: WorkerColumns, pairs: CandidatePairs) -> np.ndarray:
    """Closer is better, relative to the worker's own commute limit."""
    limit = np.maximum(workers.commute_limit_km, 0.1)[pairs.worker]
    within = pairs.distance_km <= limit
    return np.where(within, 1.0 - 0.7 * np.minimum(pairs.distance_km / limit, 1.0), 0.2)


def wage_fit(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """How the vacancy's pay compares with what the worker expects."""
    expectation = workers.wage_expectation[w]
    low = np.where(np.isnan(vacancies.wage_min), vacancies.wage_max, vacancies.wage_min)[v]
    high = np.where(np.isnan(vacancies.wage_max), vacancies.wage_min, vacancies.wage_max)[v]
    with np.errstate(invalid="ignore", divide="ignore"):
        shortfall = 0.8 - 2.0 * (expectation - high) / np.maximum(expectation, 1.0)
        fit = np.where(expectation <= low, 1.0, np.where(expectation <= high, 0.8, np.clip(shortfall, 0.0, 0.8)))
    return np.where(np.isnan(expectation) | np.isnan(high), 0.5, fit)


def household_need(workers: WorkerColumns, w: np.ndarray) -> np.ndarray:
    """Zero-employment households first, then households where no one has work."""
    return np.where(workers.zero_employment, 1.0, np.where(workers.household_has_employed, 0.0, 0.5))[w]


def welfare_priority(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """On welfare posts, people who cannot leave the site and weak or half labour come first."""
    cannot_leave = workers.mobility == MOBILITIES.index("site")
    priority = np.where(cannot_leave, 1.0, np.array([0.4, 0.8, 1.0])[workers.capacity])
    return np.where(vacancies.kind[v] == VACANCY_KINDS.index("welfare"), priority[w], 0.0)


def pair_features(workers: WorkerColumns, vacancies: VacancyColumns, skills: SkillIndex, pairs: CandidatePairs) -> np.ndarray:
    """Feature matrix (pairs × FEATURE_NAMES), float32, each column in [0, 1]."""
    w, v = pairs.worker, pairs.vacancy
    columns = (
        lambda: skill_fit(skills, w, v),
        lambda: certificate_fit(skills, workers, w, v),
        lambda: distance_fit(workers, pairs),
        lambda: wage_fit(workers, vacancies, w, v),
        lambda: _BODY_FIT[workers.capacity[w], vacancies.physical_demand[v]],
        lambda: _SCHEDULE_FIT[workers.hours[w], vacancies.hours[v]],
        lambda: household_need(workers, w),
        lambda: welfare_priority(workers, vacancies, w, v),
    )
    # Column-major, so that filling a column and reading one (the model does) is contiguous.
    matrix = np.empty((len(w), len(FEATURE_NAMES)), dtype=np.float32, order="F")
    for index, column in enumerate(columns):  # one column at a time keeps the temporaries small
        matrix[:, index] = column()
    return np.clip(matrix, 0.0, 1.0, out=matrix)
