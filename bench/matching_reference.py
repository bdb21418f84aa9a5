"""The plain reference that bench/matching.py measures the `match` command against.

What a careful engineer would write first, with the same inputs, rules, scores, reasons and
output format as the engine: JSON Lines read line by line with the engine's per-value checks,
candidates from a scikit-learn BallTree per trade block, the hard rules as plain vectorised
boolean expressions, the engine's features and default model, the allocation as one OR-tools
min-cost flow over the whole county with lexicographic weights (zero-employment households ≫
households where no one is employed ≫ score, scores in units of 1e-4), a full lexsort to rank
within vacancies, the engine's reason texts and one json.dumps per output line.
"""
from __future__ import annotations

import json

import numpy as np
from ortools.graph.python import min_cost_flow
from sklearn.neighbors import BallTree

from matching.candidates import PROVINCE_RADIUS_KM, _trade_blocks
from matching.columns import VacancyColumns, WorkerColumns
from matching.features import pair_features
from matching.geo import EARTH_RADIUS_KM, haversine_km
from matching.jsonl import VACANCY_KEYS, WORKER_KEYS, parse_record
from matching.model import default_model
from matching.reasons import ReasonWriter, reasons_for_pairs
from matching.records import Match, Vacancy, Worker
from matching.skills import build_skill_index
from matching.taxonomy import load_taxonomy

SCORE_SCALE = 10_000


def read_plain(path: str, keys, build) -> list:
    with open(path, encoding="utf-8-sig") as handle:
        return [build(**parse_record(json.loads(line), keys)) for line in handle if line.strip()]


def _radians(columns) -> np.ndarray:
    return np.radians(np.column_stack([columns.lat, columns.lon]))


def _radius_pairs(workers, vacancies, w_ids, radius_km, v_ids, found_w, found_v) -> None:
    """Pairs (w, v) closer than the worker's radius, from a BallTree over the vacancies."""
    if len(w_ids) == 0:
        return
    tree = BallTree(_radians(vacancies)[v_ids], metric="haversine")
    hits = tree.query_radius(_radians(workers)[w_ids], r=radius_km / EARTH_RADIUS_KM * (1 + 1e-9))
    found_w.append(np.repeat(w_ids, [len(h) for h in hits]))
    found_v.append(v_ids[np.concatenate(hits).astype(np.int64)])


def candidates(workers: WorkerColumns, vacancies: VacancyColumns, skills) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(worker, vacancy, km) of every pair in a trade block that keeps every hard rule."""
    found_w, found_v = [], []
    for w_ids, v_ids in _trade_blocks(skills, len(workers.lat)):
        if len(w_ids) == 0 or len(v_ids) == 0:
            continue
        _radius_pairs(workers, vacancies, w_ids, workers.commute_limit_km[w_ids], v_ids, found_w, found_v)
        dorms = v_ids[vacancies.dormitory[v_ids]]
        if len(dorms) == 0:
            continue
        anywhere = w_ids[workers.mobility[w_ids] == 3]
        found_w.append(np.repeat(anywhere, len(dorms)))
        found_v.append(np.tile(dorms, len(anywhere)))
        in_province = w_ids[workers.mobility[w_ids] == 2]
        _radius_pairs(workers, vacancies, in_province, np.full(len(in_province), PROVINCE_RADIUS_KM), dorms, found_w, found_v)
        same = (workers.province[in_province][:, None] == vacancies.province[dorms][None, :]) & (vacancies.province[dorms] > 0)
        wi, di = np.nonzero(same)
        found_w.append(in_province[wi])
        found_v.append(dorms[di])
    code = np.unique(np.concatenate(found_w) * len(vacancies.lat) + np.concatenate(found_v))
    w, v = np.divmod(code, len(vacancies.lat))
    km = haversine_km(workers.lat[w], workers.lon[w], vacancies.lat[v], vacancies.lon[v])
    capacity, demand = workers.capacity[w], vacancies.physical_demand[v]
    same_province = np.where(
        (workers.province[w] > 0) & (vacancies.province[v] > 0), workers.province[w] == vacancies.province[v], km <= PROVINCE_RADIUS_KM
    )
    mobility = workers.mobility[w]
    reach = (km <= workers.commute_limit_km[w]) | (vacancies.dormitory[v] & ((mobility == 3) | ((mobility == 2) & same_province)))
    body = ~((demand == 2) & (capacity != 0)) & ~((demand == 1) & (capacity == 2))
    welfare = (vacancies.kind[v] != 2) | workers.welfare_eligible[w]
    with np.errstate(invalid="ignore"):
        age = ~((workers.age[w] < vacancies.age_min[v]) | (workers.age[w] > vacancies.age_max[v]))
    hours = (workers.hours[w] != 2) | np.isin(vacancies.hours[v], [0, 1, 3])
    keep = reach & body & welfare & age & hours
    return w[keep], v[keep], km[keep]


def allocate(workers: WorkerColumns, openings: np.ndarray, w: np.ndarray, v: np.ndarray, score: np.ndarray) -> np.ndarray:
    """One min-cost flow with lexicographic weights; boolean mask over the pairs."""
    users, wi = np.unique(w, return_inverse=True)
    posts, vi = np.unique(v, return_inverse=True)
    homes, hi = np.unique(workers.household[users], return_inverse=True)
    zero = np.zeros(homes.max() + 1, bool)
    zero[workers.household[workers.zero_employment]] = True
    employed = np.zeros(homes.max() + 1, bool)
    employed[workers.household[workers.employed]] = True
    zero, none_employed = zero[homes], ~employed[homes]
    n_h, n_w, n_v = len(homes), len(users), len(posts)
    source, sink, h0 = 0, 1, 2
    w0, v0 = h0 + n_h, h0 + n_h + n_w
    level_2 = SCORE_SCALE * (int(openings[posts].sum()) + 1)
    level_1 = level_2 * (int(none_employed.sum()) + 1)
    bonus = zero * level_1 + none_employed * level_2
    tails = np.concatenate([np.full(2 * n_h, source), h0 + hi, w0 + wi, v0 + np.arange(n_v), [source]])
    heads = np.concatenate([h0 + np.arange(n_h), h0 + np.arange(n_h), w0 + np.arange(n_w), v0 + vi, np.full(n_v, sink), [sink]])
    caps = np.concatenate([np.ones(n_h), np.bincount(hi) - 1, np.ones(n_w + len(wi)), openings[posts], [n_w]]).astype(np.int64)
    costs = np.concatenate([-bonus, np.zeros(n_h + n_w), -np.rint(score * SCORE_SCALE), np.zeros(n_v + 1)]).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    supplies = np.zeros(v0 + n_v, np.int64)
    supplies[source], supplies[sink] = n_w, -n_w
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    assert flow.solve() == flow.OPTIMAL
    first = 2 * n_h + n_w
    return flow.flows(arcs[first : first + len(wi)]) > 0


def reference_match(workers_path: str, vacancies_path: str, out_path: str, top_k: int = 20, min_score: float = 0.3) -> int:
    """The whole `match` run, plainly; returns the number of lines written."""
    workers = read_plain(workers_path, WORKER_KEYS, Worker)
    vacancies = read_plain(vacancies_path, VACANCY_KEYS, Vacancy)
    skills = build_skill_index(workers, vacancies, load_taxonomy())
    wc, vc = WorkerColumns.of(workers), VacancyColumns.of(vacancies)
    w, v, km = candidates(wc, vc, skills)

    class Pairs:  # what pair_features reads
        worker, vacancy, distance_km = w, v, km

    features = pair_features(wc, vc, skills, Pairs)
    score = np.clip(default_model().score(features), 0.0, 1.0)
    allocatable = np.flatnonzero((score >= min_score) & ~wc.employed[w])
    allocated = np.zeros(len(w), bool)
    allocated[allocatable[allocate(wc, vc.openings, w[allocatable], v[allocatable], score[allocatable])]] = True
    order = np.lexsort((w, -score, v))
    starts = np.r_[0, np.flatnonzero(np.diff(v[order])) + 1]
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    written = order[(rank[order] <= top_k) | allocated[order]]
    reasons = reasons_for_pairs(ReasonWriter(skills), workers, vacancies, w[written], v[written], features[written], km[written])
    with open(out_path, "w", encoding="utf-8") as out:
        for i, pair_reasons in zip(written.tolist(), reasons):
            match = Match(vacancies[v[i]].id, workers[w[i]].id, int(rank[i]), float(score[i]), bool(allocated[i]), pair_reasons)
            out.write(json.dumps(match.to_json_dict(), ensure_ascii=False) + "\n")
    return len(written)
