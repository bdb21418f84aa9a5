"""Candidate (worker, vacancy) pairs: blocked by trade and geography, then every hard rule applied.

Hard rules (matching-io.md), all enforced in `hard_rules_hold`:
- distance ≤ the worker's limit (mobility "site": 3 km, else max_commute_km); a vacancy with a
  dormitory lifts the limit for mobility "any", and for mobility "province" when both are in
  the same province. The province comes from the county text (see province.py); when either
  side's province cannot be told, "same province" means within PROVINCE_RADIUS_KM.
- heavy work only for full capacity; medium work not for weak capacity;
- welfare vacancies only for welfare-eligible workers;
- age within [age_min, age_max] when both the age and the bound are known;
- school-hours workers only for vacancies with hours school_hours, day or any.

Blocking by trade: a vacancy that lists skills the taxonomy knows only sees workers whose
skills fall in a category of its occupations (or of occupations related to them), plus
workers with skills the taxonomy does not know. A vacancy with no skills, or with unknown
ones, sees every worker in reach (the general pool). Workers with no skills are only in the
general pool.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.columns import VacancyColumns, WorkerColumns
from matching.geo import great_circle_km, pairs_within_radius
from matching.records import CAPACITIES, MOBILITIES, PHYSICAL_DEMANDS, VACANCY_HOURS, VACANCY_KINDS, WORKER_HOURS
from matching.skills import SkillIndex

PROVINCE_RADIUS_KM = 400.0

_FULL, _WEAK = CAPACITIES.index("full"), CAPACITIES.index("weak")
_MEDIUM, _HEAVY = PHYSICAL_DEMANDS.index("medium"), PHYSICAL_DEMANDS.index("heavy")
_PROVINCE, _ANY = MOBILITIES.index("province"), MOBILITIES.index("any")
_WELFARE = VACANCY_KINDS.index("welfare")
_SCHOOL_HOURS_WORKER = WORKER_HOURS.index("school_hours")
_SHIFT = VACANCY_HOURS.index("shift")


@dataclass
class CandidatePairs:
    """Parallel arrays, one entry per pair that passed every hard rule."""

    worker: np.ndarray  # worker index
    vacancy: np.ndarray  # vacancy index
    distance_km: np.ndarray

    def __len__(self) -> int:
        return len(self.worker)


def hard_rules_hold(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    """Boolean mask: which pairs (w[i], v[i]) at distance_km[i] break no hard rule."""
    same_province_known = (workers.province[w] > 0) & (vacancies.province[v] > 0)
    same_province = np.where(
        same_province_known, workers.province[w] == vacancies.province[v], distance_km <= PROVINCE_RADIUS_KM
    )
    mobility = workers.mobility[w]
    dormitory_reach = vacancies.dormitory[v] & ((mobility == _ANY) | ((mobility == _PROVINCE) & same_province))
    in_reach = (distance_km <= workers.commute_limit_km[w]) | dormitory_reach

    demand, capacity = vacancies.physical_demand[v], workers.capacity[w]
    body_fits = ~((demand == _HEAVY) & (capacity != _FULL)) & ~((demand == _MEDIUM) & (capacity == _WEAK))
    welfare_fits = (vacancies.kind[v] != _WELFARE) | workers.welfare_eligible[w]
    age = workers.age[w]
    with np.errstate(invalid="ignore"):  # NaN (unknown) compares False: the rule does not apply
        too_young = age < vacancies.age_min[v]
        too_old = age > vacancies.age_max[v]
    hours_fit = (workers.hours[w] != _SCHOOL_HOURS_WORKER) | np.isin(
        vacancies.hours[v], [VACANCY_HOURS.index(h) for h in ("school_hours", "day", "any")]
    )
    return in_reach & body_fits & welfare_fits & ~too_young & ~too_old & hours_fit


def _pairs_in_block(workers: WorkerColumns, vacancies: VacancyColumns, w_ids: np.ndarray, v_ids: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs within geographic reach among these workers and vacancies (superset; rules checked later)."""
    if len(w_ids) == 0 or len(v_ids) == 0:
        return []
    found = []
    qi, ti = pairs_within_radius(
        workers.lat[w_ids], workers.lon[w_ids], workers.commute_limit_km[w_ids], vacancies.lat[v_ids], vacancies.lon[v_ids]
    )
    found.append((w_ids[qi], v_ids[ti]))
    dorm_ids = v_ids[vacancies.dormitory[v_ids]]
    if len(dorm_ids):
        anywhere = w_ids[workers.mobility[w_ids] == _ANY]
        found.append((np.repeat(anywhere, len(dorm_ids)), np.tile(dorm_ids, len(anywhere))))
        in_province = w_ids[workers.mobility[w_ids] == _PROVINCE]
        radius = np.full(len(in_province), PROVINCE_RADIUS_KM)
        qi, ti = pairs_within_radius(
            workers.lat[in_province], workers.lon[in_province], radius, vacancies.lat[dorm_ids], vacancies.lon[dorm_ids]
        )
        found.append((in_province[qi], dorm_ids[ti]))
        for province in set(vacancies.province[dorm_ids].tolist()) - {0}:  # same known province, any distance
            same_w = in_province[workers.province[in_province] == province]
            same_v = dorm_ids[vacancies.province[dorm_ids] == province]
            found.append((np.repeat(same_w, len(same_v)), np.tile(same_v, len(same_w))))
    return found


def _trade_blocks(skills: SkillIndex, n_workers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(worker ids, vacancy ids) per trade block, and the general pool."""
    workers_by_category: dict[str, list[int]] = {}
    for index, categories in enumerate(skills.worker_blocks):
        for category in categories:
            workers_by_category.setdefault(category, []).append(index)
    unknown_skill_workers = np.flatnonzero(skills.worker_has_unknown)
    vacancies_by_category: dict[str, list[int]] = {}
    for index, categories in enumerate(skills.vacancy_blocks):
        if not skills.vacancy_open_to_all[index]:
            for category in categories:
                vacancies_by_category.setdefault(category, []).append(index)
    blocks = [(np.arange(n_workers), np.flatnonzero(skills.vacancy_open_to_all))]
    for category, vacancy_ids in vacancies_by_category.items():
        worker_ids = np.union1d(np.asarray(workers_by_category.get(category, []), dtype=np.int64), unknown_skill_workers)
        blocks.append((worker_ids.astype(np.int64), np.asarray(vacancy_ids, dtype=np.int64)))
    return blocks


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique for large int arrays (sorting is much faster here than numpy's hash-based unique)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def candidate_pairs(workers: WorkerColumns, vacancies: VacancyColumns, skills: SkillIndex) -> CandidatePairs:
    """Every (worker, vacancy) pair in the same trade block that breaks no hard rule."""
    n_workers, n_vacancies = len(workers.lat), len(vacancies.lat)
    found = []
    for worker_ids, vacancy_ids in _trade_blocks(skills, n_workers):
        found.extend(_pairs_in_block(workers, vacancies, worker_ids, vacancy_ids))
    if not found:
        empty = np.empty(0, np.int64)
        return CandidatePairs(empty, empty, np.empty(0))
    codes = _sorted_unique(np.concatenate([w * n_vacancies + v for w, v in found]))
    w, v = codes // n_vacancies, codes % n_vacancies
    distance = great_circle_km(workers.points, w, vacancies.points, v)
    keep = hard_rules_hold(workers, vacancies, w, v, distance)
    return CandidatePairs(w[keep], v[keep], distance[keep])
