"""Candidate (worker, vacancy) pairs: blocked by trade and geography, then every hard rule applied.

Hard rules (matching-io.md), enforced by `fixed_rules_hold` and `within_reach`:
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

Order of work: the blocks give pairs roughly in reach; the rules that need no distance drop
pairs next, so the exact distance is computed only for the pairs left.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

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
_SCHOOL_HOURS_VACANCIES = [VACANCY_HOURS.index(h) for h in ("school_hours", "day", "any")]




@dataclass
class CandidatePairs:
    """Parallel arrays, one entry per pair that passed every hard rule."""

    worker: np.ndarray  # worker index
    vacancy: np.ndarray  # vacancy index
    distance_km: np.ndarray

    def __len__(self) -> int:
        return len(self.worker)

    def subset(self, index: np.ndarray | slice) -> CandidatePairs:
        """The pairs at these positions."""
        return CandidatePairs(self.worker[index], self.vacancy[index], self.distance_km[index])


def _fixed_rules(capacity, welfare_eligible, worker_hours, demand, welfare_post, vacancy_hours) -> np.ndarray:
    """Body, welfare and hours rules, elementwise on codes."""
    body_fits = ~((demand == _HEAVY) & (capacity != _FULL)) & ~((demand == _MEDIUM) & (capacity == _WEAK))
    welfare_fits = ~welfare_post | welfare_eligible
    hours_fit = (worker_hours != _SCHOOL_HOURS_WORKER) | np.isin(vacancy_hours, _SCHOOL_HOURS_VACANCIES)
    return body_fits & welfare_fits & hours_fit


# A worker's class is (capacity, welfare eligible, hours), a vacancy's (demand, welfare post, hours);
# _FIXED_RULE_TABLE[worker class, vacancy class] says whether _fixed_rules hold, so a pair needs one lookup.
_WORKER_CLASSES = (len(CAPACITIES), 2, len(WORKER_HOURS))
_VACANCY_CLASSES = (len(PHYSICAL_DEMANDS), 2, len(VACANCY_HOURS))
_FIXED_RULE_TABLE = _fixed_rules(
    *np.meshgrid(*map(np.arange, _WORKER_CLASSES + _VACANCY_CLASSES), indexing="ij", sparse=True)
).reshape(int(np.prod(_WORKER_CLASSES)), int(np.prod(_VACANCY_CLASSES)))


def fixed_rules_hold(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask: which pairs (w[i], v[i]) keep the rules that need no distance (body, welfare, age, hours)."""
    worker_class = (workers.capacity.astype(np.intp) * 2 + workers.welfare_eligible) * _WORKER_CLASSES[2] + workers.hours
    welfare_post = vacancies.kind == _WELFARE
    vacancy_class = (vacancies.physical_demand.astype(np.intp) * 2 + welfare_post) * _VACANCY_CLASSES[2] + vacancies.hours
    hold = _FIXED_RULE_TABLE[worker_class[w], vacancy_class[v]]
    age_bounded = ~np.isnan(vacancies.age_min) | ~np.isnan(vacancies.age_max)
    if age_bounded.any():
        bounded = np.flatnonzero(age_bounded[v])
        age, bounded_v = workers.age[w[bounded]], v[bounded]
        with np.errstate(invalid="ignore"):  # NaN (unknown) compares False: the rule does not apply
            outside = (age < vacancies.age_min[bounded_v]) | (age > vacancies.age_max[bounded_v])
        hold[bounded[outside]] = False
    return hold


def within_reach(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    """Boolean mask: which pairs (w[i], v[i]) at distance_km[i] keep the distance rule."""
    reach = distance_km <= workers.commute_limit_km[w]
    beyond_with_dormitory = np.flatnonzero(~reach & vacancies.dormitory[v])
    if len(beyond_with_dormitory):
        i = beyond_with_dormitory
        reach[i] = _dormitory_reach(workers, vacancies, w[i], v[i], distance_km[i])
    return reach


def _dormitory_reach(workers: WorkerColumns, vacancies: VacancyColumns, w: np.ndarray, v: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    """Whether a dormitory vacancy lifts the limit: mobility "any", or "province" in the same province."""
    known = (workers.province[w] > 0) & (vacancies.province[v] > 0)
    same_province = np.where(known, workers.province[w] == vacancies.province[v], distance_km <= PROVINCE_RADIUS_KM)
    mobility = workers.mobility[w]
    return (mobility == _ANY) | ((mobility == _PROVINCE) & same_province)


def _pairs_in_block(workers: WorkerColumns, vacancies: VacancyColumns, w_ids: np.ndarray, v_ids: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs within geographic reach among these workers and vacancies (superset; rules checked later)."""
    if len(w_ids) == 0 or len(v_ids) == 0:
        return []
    qi, ti = pairs_within_radius(workers.points[:, w_ids], workers.commute_limit_km[w_ids], vacancies.points[:, v_ids])
    found = [(w_ids[qi], v_ids[ti])]
    dorm_ids = v_ids[vacancies.dormitory[v_ids]]
    if len(dorm_ids):
        anywhere = w_ids[workers.mobility[w_ids] == _ANY]
        found.append((np.repeat(anywhere, len(dorm_ids)), np.tile(dorm_ids, len(anywhere))))
        in_province = w_ids[workers.mobility[w_ids] == _PROVINCE]
        radius = np.full(len(in_province), PROVINCE_RADIUS_KM)
        qi, ti = pairs_within_radius(workers.points[:, in_province], radius, vacancies.points[:, dorm_ids])
        found.append((in_province[qi], dorm_ids[ti]))
        for province in set(vacancies.province[dorm_ids].tolist()) - {0}:  # same known province, any distance
            same_w = in_province[workers.province[in_province] == province]
            same_v = dorm_ids[vacancies.province[dorm_ids] == province]
            found.append((np.repeat(same_w, len(same_v)), np.tile(same_v, len(same_w))))
    return found


def _members_by_category(blocks: list[frozenset[str]]) -> dict[str, np.ndarray]:
    """Category → ascending indices of the records whose block set holds it."""
    categories = list(chain.from_iterable(blocks))
    owner = np.repeat(np.arange(len(blocks)), np.fromiter(map(len, blocks), dtype=np.int64, count=len(blocks)))
    ids = {category: index for index, category in enumerate(dict.fromkeys(categories))}
    category_id = np.fromiter(map(ids.__getitem__, categories), dtype=np.int64, count=len(categories))
    order = np.argsort(category_id, kind="stable")
    bounds = np.searchsorted(category_id[order], np.arange(len(ids) + 1))
    return {category: owner[order[bounds[i] : bounds[i + 1]]] for category, i in ids.items()}


def _trade_blocks(skills: SkillIndex, n_workers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(worker ids, vacancy ids) per trade block, and the general pool."""
    workers_by_category = _members_by_category(skills.worker_blocks)
    closed_blocks = [
        frozenset() if open_to_all else categories
        for categories, open_to_all in zip(skills.vacancy_blocks, skills.vacancy_open_to_all.tolist())
    ]
    unknown_skill_workers = np.flatnonzero(skills.worker_has_unknown)
    blocks = [(np.arange(n_workers), np.flatnonzero(skills.vacancy_open_to_all))]
    for category, vacancy_ids in _members_by_category(closed_blocks).items():
        worker_ids = workers_by_category.get(category, np.empty(0, np.int64))
        if len(unknown_skill_workers):
            worker_ids = np.union1d(worker_ids, unknown_skill_workers)
        blocks.append((worker_ids, vacancy_ids))
    return blocks


def candidate_pairs(workers: WorkerColumns, vacancies: VacancyColumns, skills: SkillIndex) -> CandidatePairs:
    """Every (worker, vacancy) pair in the same trade block that breaks no hard rule, sorted by worker then vacancy."""
    n_workers, n_vacancies = len(workers.lat), len(vacancies.lat)
    # A pair as one number, worker * n_vacancies + vacancy: 32 bits for a county, which halves the
    # memory and time of sorting them (blocks overlap, so the same pair can come more than once).
    index_type: type[np.signedinteger] = np.int32 if n_workers * n_vacancies < 2**31 else np.int64
    found: list[np.ndarray] = []
    for worker_ids, vacancy_ids in _trade_blocks(skills, n_workers):
        for w, v in _pairs_in_block(workers, vacancies, worker_ids, vacancy_ids):
            code: np.ndarray = w.astype(index_type)
            np.multiply(code, n_vacancies, out=code)
            np.add(code, v, out=code, casting="same_kind")
            found.append(code)
    if not found:
        empty = np.empty(0, index_type)
        return CandidatePairs(empty, empty, np.empty(0))
    codes = np.concatenate(found)
    del found
    codes.sort()
    first = np.empty(len(codes), dtype=bool)
    first[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=first[1:])
    codes = codes[first]
    del first
    w, v = np.divmod(codes, index_type(n_vacancies))
    del codes
    keep = np.flatnonzero(fixed_rules_hold(workers, vacancies, w, v))
    w, v = w[keep], v[keep]
    distance = great_circle_km(workers.points, w, vacancies.points, v)
    keep = np.flatnonzero(within_reach(workers, vacancies, w, v, distance))
    return CandidatePairs(w[keep], v[keep], distance[keep])
