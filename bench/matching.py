"""Benchmark of the `match` command on a county-sized case around real county coordinates.

    .venv/bin/python bench/matching.py [--workers 50000] [--vacancies 5000] [--seed 7]

Builds workers and vacancies around settlements in ten real counties of Guizhou, Hunan,
Jiangxi, Hubei and Sichuan (coordinates from cpca's adcode table), writes the JSON Lines to a
temporary folder, runs the whole `match` command in this process, then the plain reference of
bench/matching_reference.py (BallTree candidates, vectorised hard rules, one OR-tools min-cost
flow) on the same files in the same process, and prints: wall and CPU time of both and their
ratio (target ≤ 0.5), how far the reference's allocation is from the engine's (same households
covered; scores within the reference's 1e-4 rounding), peak memory (the process's ru_maxrss
just after the `match` run, which includes building the case), the speed-up of the engine
over a plain all-pairs Python loop computing the same scores on a 2,000 × 200 subset, and, as
every generated worker and vacancy carries a true trade, how often allocated pairs agree on
trade and how many zero-employment households that could be placed got an offer; first the
machine's load average before and after both runs (CPU ratios are the steadier figure under load).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from matching_reference import reference_match  # noqa: E402

from matching import cli  # noqa: E402
from matching.candidates import PROVINCE_RADIUS_KM, candidate_pairs  # noqa: E402
from matching.columns import VacancyColumns, WorkerColumns  # noqa: E402
from matching.engine import DEFAULT_MIN_SCORE, score_pairs  # noqa: E402
from matching.features import NO_SKILL_REQUIRED_FIT, pair_features  # noqa: E402
from matching.jsonl import read_vacancies, read_workers  # noqa: E402
from matching.model import DEFAULT_BIAS, DEFAULT_WEIGHTS, default_model  # noqa: E402
from matching.province import adcode_table_path, province_of  # noqa: E402
from matching.skills import build_skill_index  # noqa: E402
from matching.taxonomy import _load_cached, load_taxonomy  # noqa: E402

PROVINCES = ("52", "43", "36", "42", "51")  # Guizhou, Hunan, Jiangxi, Hubei, Sichuan
COUNTIES_PER_PROVINCE = 2
SETTLEMENTS_PER_COUNTY = 4

# trade: (words workers use, physical demand, kinds it is posted as)
TRADES = {
    "焊工": (["电焊", "焊工", "会电焊"], "heavy", ["regular"]),
    "电工": (["电工", "低压电工"], "medium", ["regular"]),
    "电子装配工": (["电子装配", "电子厂流水线"], "light", ["regular"]),
    "服装缝纫工": (["缝纫", "踩缝纫机"], "light", ["regular"]),
    "叉车司机": (["会开叉车", "叉车"], "medium", ["regular"]),
    "快递员": (["送快递", "快递员"], "medium", ["regular", "gig"]),
    "保洁员": (["保洁", "打扫卫生"], "light", ["regular", "welfare", "gig"]),
    "家政服务员": (["家政服务", "家政"], "light", ["regular", "gig"]),
    "养老护理员": (["养老护理", "护理老人"], "medium", ["regular", "welfare"]),
    "保安员": (["保安", "门卫"], "light", ["regular", "welfare"]),
    "中式烹调师": (["厨师", "炒菜"], "medium", ["regular"]),
    "采茶工": (["采茶"], "medium", ["regular", "gig"]),
    "食用菌种植工": (["食用菌", "种香菇"], "medium", ["regular"]),
    "钢筋工": (["钢筋工", "扎钢筋"], "heavy", ["regular", "relief"]),
    "砌筑工": (["砌砖", "砌筑工"], "heavy", ["regular", "relief"]),
    "苗绣工": (["苗绣", "苗绣工"], "light", ["regular"]),
    "竹编工": (["竹编"], "light", ["regular"]),
    "电商主播": (["直播带货", "网络直播"], "light", ["regular"]),
}
UNKNOWN_SKILLS = ["会修摩托车呀", "放牛羊", "编背篓子"]


def pick_counties(rng: random.Random) -> list[tuple[str, float, float]]:
    """(name, lat, lon) of real counties (names ending 县) in the five provinces."""
    by_province: dict[str, list[tuple[str, float, float]]] = {p: [] for p in PROVINCES}
    with open(adcode_table_path(), encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"]
            if code[:2] in by_province and row["name"].endswith("县") and code[4:6] != "00" and row["latitude"]:
                by_province[code[:2]].append((row["name"], float(row["latitude"]), float(row["longitude"])))
    chosen = []
    for province in PROVINCES:
        chosen.extend(rng.sample(sorted(by_province[province]), COUNTIES_PER_PROVINCE))
    return chosen


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point uniformly within km of (lat, lon)."""
    distance, angle = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return (
        round(lat + distance * math.cos(angle) / 111.2, 6),
        round(lon + distance * math.sin(angle) / (111.2 * math.cos(math.radians(lat))), 6),
    )


def build_case(n_workers: int, n_vacancies: int, seed: int):
    """Workers and vacancies as dicts (JSON lines), each with its true trade under "_trade"."""
    rng = random.Random(seed)
    counties = pick_counties(rng)
    settlements = [(name, *jitter(rng, lat, lon, 12)) for name, lat, lon in counties for _ in range(SETTLEMENTS_PER_COUNTY)]
    trade_names = list(TRADES)
    trade_weights = [rng.uniform(0.5, 1.5) for _ in trade_names]
    workers, household = [], 0
    while len(workers) < n_workers:
        household += 1
        county, site_lat, site_lon = rng.choice(settlements)
        zero = rng.random() < 0.12
        for _member in range(min(rng.randint(1, 4), n_workers - len(workers))):
            trade = rng.choices(trade_names, trade_weights)[0]
            capacity = rng.choices(["full", "half", "weak"], [0.7, 0.2, 0.1])[0]
            mobility = rng.choices(["site", "county", "province", "any"], [0.15, 0.55, 0.2, 0.1])[0]
            age = rng.randint(18, 64)
            roll = rng.random()
            skills = [] if roll < 0.03 else [rng.choice(UNKNOWN_SKILLS)] if roll < 0.04 else rng.sample(TRADES[trade][0], 1)
            lat, lon = jitter(rng, site_lat, site_lon, 1.0)
            workers.append({
                "id": f"w{len(workers) + 1}", "household_id": f"h{household}", "skills": skills,
                "certificates": ["健康证"] if rng.random() < 0.1 else [], "capacity": capacity, "mobility": mobility,
                "lat": lat, "lon": lon, "county": county, "age": age,
                "wage_expectation": rng.choice([None, 2500, 3000, 3500, 4000, 5000]),
                "zero_employment_household": zero,
                "welfare_eligible": mobility == "site" or capacity != "full" or age >= 55,
                "available_hours": rng.choices(["any", "day", "school_hours"], [0.75, 0.15, 0.1])[0],
                "employed": (not zero) and rng.random() < 0.35, "_trade": trade,
            })
    vacancies = []
    for number in range(1, n_vacancies + 1):
        trade = rng.choices(trade_names, trade_weights)[0]
        words, demand, kinds = TRADES[trade]
        kind = rng.choice(kinds)
        county, site_lat, site_lon = rng.choice(settlements)
        dormitory = kind == "regular" and rng.random() < 0.1
        lat, lon = jitter(rng, site_lat, site_lon, 40 if dormitory else 8)
        low = rng.choice([2500, 3000, 3500, 4000])
        vacancies.append({
            "id": f"v{number}", "title": trade + ("（公益性岗位）" if kind == "welfare" else ""), "skills": [trade],
            "openings": rng.randint(1, 5), "lat": lat, "lon": lon, "county": county, "kind": kind,
            "physical_demand": demand, "wage_min": low, "wage_max": low + rng.choice([0, 500, 1000]),
            "dormitory": dormitory, "hours": rng.choices(["any", "day", "shift"], [0.5, 0.3, 0.2])[0], "_trade": trade,
        })
    return workers, vacancies


def write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({k: v for k, v in row.items() if not k.startswith("_")}, ensure_ascii=False) + "\n")


def loop_scores(workers, vacancies, skills) -> dict[tuple[int, int], float]:
    """The plain all-pairs loop: distance, hard rules, trade block, features and the default model, pair by pair."""
    weights = [DEFAULT_WEIGHTS[name] for name in DEFAULT_WEIGHTS]
    households_with_employed = {w.household_id for w in workers if w.employed}
    zero_households = {w.household_id for w in workers if w.zero_employment_household}
    scores = {}
    for wi, worker in enumerate(workers):
        for vi, vacancy in enumerate(vacancies):
            distance = haversine(worker.lat, worker.lon, vacancy.lat, vacancy.lon)
            if not pair_allowed(worker, vacancy, distance):
                continue
            if not (skills.vacancy_open_to_all[vi] or skills.worker_has_unknown[wi] or skills.worker_blocks[wi] & skills.vacancy_blocks[vi]):
                continue
            need = 1.0 if worker.household_id in zero_households else 0.0 if worker.household_id in households_with_employed else 0.5
            features = loop_features(worker, vacancy, wi, vi, distance, skills, need)
            logit = DEFAULT_BIAS + sum(w * f for w, f in zip(weights, features))
            scores[(wi, vi)] = 1.0 / (1.0 + math.exp(-logit))
    return scores


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def pair_allowed(worker, vacancy, distance) -> bool:
    in_reach = distance <= worker.commute_limit_km
    if vacancy.dormitory and worker.mobility == "any":
        in_reach = True
    if vacancy.dormitory and worker.mobility == "province":
        worker_province, vacancy_province = province_of(worker.county), province_of(vacancy.county)
        if worker_province and vacancy_province:
            in_reach = in_reach or worker_province == vacancy_province
        else:
            in_reach = in_reach or distance <= PROVINCE_RADIUS_KM
    body = not (vacancy.physical_demand == "heavy" and worker.capacity != "full") and not (
        vacancy.physical_demand == "medium" and worker.capacity == "weak"
    )
    welfare = vacancy.kind != "welfare" or worker.welfare_eligible
    age = worker.age is None or (
        (vacancy.age_min is None or worker.age >= vacancy.age_min) and (vacancy.age_max is None or worker.age <= vacancy.age_max)
    )
    hours = worker.available_hours != "school_hours" or vacancy.hours in ("school_hours", "day", "any")
    return in_reach and body and welfare and age and hours


BODY_FIT = {("full", "light"): 0.7, ("full", "medium"): 0.9, ("full", "heavy"): 0.8, ("half", "light"): 1.0, ("half", "medium"): 0.7, ("weak", "light"): 1.0}
SCHEDULE_FIT = {("day", "shift"): 0.3, ("school_hours", "any"): 0.6, ("school_hours", "day"): 0.7}


def loop_features(worker, vacancy, wi, vi, distance, skills, need) -> list[float]:
    wanted = [t for t in skills.vacancy_terms[vi].tolist() if t >= 0]
    have = [t for t in skills.worker_terms[wi].tolist() if t >= 0]
    best = [max([float(skills.similarity[i, j]) for i in have] or [0.0]) for j in wanted]
    if skills.vacancy_requires_skills[vi]:
        skill = sum(best) / max(len(wanted), 1)
    else:
        skill = NO_SKILL_REQUIRED_FIT + (1 - NO_SKILL_REQUIRED_FIT) * max(best or [0.0])
    certified = set(skills.worker_certified_for[wi].tolist()) & set(skills.vacancy_occupations[vi].tolist()) - {-1}
    certificate = 1.0 if certified else 0.3 if worker.certificates else 0.0
    limit = max(worker.commute_limit_km, 0.1)
    near = 1 - 0.7 * min(distance / limit, 1.0) if distance <= limit else 0.2
    low = vacancy.wage_min if vacancy.wage_min is not None else vacancy.wage_max
    high = vacancy.wage_max if vacancy.wage_max is not None else vacancy.wage_min
    expectation = worker.wage_expectation
    if expectation is None or high is None:
        wage = 0.5
    elif expectation <= low:
        wage = 1.0
    elif expectation <= high:
        wage = 0.8
    else:
        wage = min(max(0.8 - 2.0 * (expectation - high) / max(expectation, 1.0), 0.0), 0.8)
    body = BODY_FIT[(worker.capacity, vacancy.physical_demand)]
    schedule = SCHEDULE_FIT.get((worker.available_hours, vacancy.hours), 1.0)
    priority = 0.0
    if vacancy.kind == "welfare":
        priority = 1.0 if worker.mobility == "site" else {"full": 0.4, "half": 0.8, "weak": 1.0}[worker.capacity]
    return [skill, certificate, near, wage, body, schedule, need, priority]


def cpu_time() -> float:
    """CPU seconds of this process and of its finished children (the allocation may run in one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def best_time(run, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def engine_scores(workers, vacancies, skills):
    """The engine's vectorised path from records to scores: columns, candidate pairs, features, model."""
    worker_columns, vacancy_columns = WorkerColumns.of(workers), VacancyColumns.of(vacancies)
    pairs = candidate_pairs(worker_columns, vacancy_columns, skills)
    return pairs, default_model().score(pair_features(worker_columns, vacancy_columns, skills, pairs))


def speedup_on_subset(workers, vacancies, taxonomy) -> tuple[float, float, int, float]:
    """(loop seconds, engine seconds, pairs, max score difference) on the same subset."""
    skills = build_skill_index(workers, vacancies, taxonomy)  # shared by both, not timed
    # Best of several runs each, as other processes share this 2-core machine.
    loop_seconds = best_time(lambda: loop_scores(workers, vacancies, skills), repeats=3)
    expected = loop_scores(workers, vacancies, skills)
    engine_seconds = best_time(lambda: engine_scores(workers, vacancies, skills), repeats=10)
    pairs, scores = engine_scores(workers, vacancies, skills)
    got = dict(zip(zip(pairs.worker.tolist(), pairs.vacancy.tolist()), scores.tolist()))
    assert set(got) == set(expected), f"pair sets differ: {len(set(got) ^ set(expected))} pairs"
    difference = max((abs(got[key] - expected[key]) for key in got), default=0.0)
    return loop_seconds, engine_seconds, len(got), difference


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=50_000)
    parser.add_argument("--vacancies", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    load_before = os.getloadavg()[0]
    worker_rows, vacancy_rows = build_case(options.workers, options.vacancies, options.seed)
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as folder:
        paths = {name: Path(folder) / f"{name}.jsonl" for name in ("workers", "vacancies", "matches")}
        write_jsonl(paths["workers"], worker_rows)
        write_jsonl(paths["vacancies"], vacancy_rows)
        _load_cached.cache_clear()  # each run loads the taxonomy afresh, as a new `match` command does
        started, cpu_started = time.perf_counter(), cpu_time()
        code = cli.main(["match", "--workers", str(paths["workers"]), "--vacancies", str(paths["vacancies"]), "--out", str(paths["matches"])])
        wall_seconds, cpu_seconds = time.perf_counter() - started, cpu_time() - cpu_started
        peak_mib = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
        if code != 0:
            print("match failed", file=sys.stderr)
            return code
        matches = [json.loads(line) for line in paths["matches"].read_text(encoding="utf-8").splitlines()]
        _load_cached.cache_clear()
        started, cpu_started = time.perf_counter(), cpu_time()
        reference_match(str(paths["workers"]), str(paths["vacancies"]), str(folder) + "/reference.jsonl")
        reference_wall, reference_cpu = time.perf_counter() - started, cpu_time() - cpu_started
        reference = [json.loads(line) for line in Path(folder, "reference.jsonl").read_text(encoding="utf-8").splitlines()]
        workers, vacancies = read_workers(str(paths["workers"])), read_vacancies(str(paths["vacancies"]))
    load_after = os.getloadavg()[0]

    taxonomy = load_taxonomy()
    agreement, coverage, placeable = labelled_figures(worker_rows, vacancy_rows, matches, workers, vacancies, taxonomy)
    subset_workers = [w for w in workers if w.county == workers[0].county][:2000]
    subset_vacancies = [v for v in vacancies if v.county == workers[0].county][:200]
    loop_seconds, engine_seconds, subset_pairs, difference = speedup_on_subset(subset_workers, subset_vacancies, taxonomy)

    allocated = sum(m["allocated"] for m in matches)
    openings = sum(row["openings"] for row in vacancy_rows)
    print()
    print("matching benchmark ---------------------------------------------------------")
    print(f"machine load         load average {load_before:.1f} before, {load_after:.1f} after both runs ({os.cpu_count()} cores; "
          "other processes slow wall time more than CPU time)")
    print(f"case                 {len(workers):,} workers, {len(vacancies):,} vacancies, {openings:,} openings, 10 real counties")
    print(f"full `match` run     {wall_seconds:.1f} s wall, {cpu_seconds:.1f} s CPU with its second process (target ≤ 60 s)  ->  {'MET' if wall_seconds <= 60 else 'MISSED'}")
    ratio = wall_seconds / reference_wall
    print(
        f"vs OR-tools baseline {ratio:.2f}× the plain reference's {reference_wall:.1f} s wall ({cpu_seconds / reference_cpu:.2f}× its "
        f"{reference_cpu:.1f} s CPU; target ≤ 0.5×)  ->  {'MET' if ratio <= 0.5 else 'MISSED'}"
    )
    print(f"                     {compare_allocations(matches, reference, worker_rows)}")
    print(f"peak memory          {peak_mib:,.0f} MiB (ru_maxrss of the process after `match`, children included; target < 1024)  ->  {'MET' if peak_mib < 1024 else 'MISSED'}")
    print(f"output               {len(matches):,} lines, {allocated:,} offers")
    speedup = loop_seconds / engine_seconds
    print(
        f"speed-up vs loop     {speedup:.0f}× ({len(subset_workers):,} × {len(subset_vacancies)} subset, {subset_pairs:,} pairs: "
        f"loop {loop_seconds:.2f} s, engine {engine_seconds:.3f} s, best of 3 and 10 runs; max score difference {difference:.1e}; "
        f"target ≥ 50×)  ->  {'MET' if speedup >= 50 else 'MISSED'}"
    )
    print(f"trade agreement      {agreement:.1%} of offers join a worker and a vacancy of the same trade (target ≥ 95%)  ->  {'MET' if agreement >= 0.95 else 'MISSED'}")
    print(
        f"zero-employment      {coverage:.1%} of {placeable:,} zero-employment households that could be placed got an offer "
        f"(target ≥ 95%)  ->  {'MET' if coverage >= 0.95 else 'MISSED'}"
    )
    return 0


def compare_allocations(matches, reference, worker_rows) -> str:
    """Both allocations' households covered and total score, and how many pairs differ."""
    household = {row["id"]: row["household_id"] for row in worker_rows}
    zero = {row["household_id"] for row in worker_rows if row["zero_employment_household"]}
    employed = {row["household_id"] for row in worker_rows if row["employed"]}

    def value(lines):
        offers = [m for m in lines if m["allocated"]]
        covered = {household[m["worker_id"]] for m in offers}
        return len(covered & zero), len(covered - employed), sum(m["score"] for m in offers), {(m["vacancy_id"], m["worker_id"]) for m in offers}

    *ours, our_pairs = value(matches)
    *theirs, their_pairs = value(reference)
    return (
        f"allocations: engine {ours[0]:,} zero-employment / {ours[1]:,} no-one-employed households, score {ours[2]:,.2f}; "
        f"reference {theirs[0]:,} / {theirs[1]:,}, score {theirs[2]:,.2f}; {len(our_pairs ^ their_pairs):,} pairs differ (ties, rounding)"
    )


def labelled_figures(worker_rows, vacancy_rows, matches, workers, vacancies, taxonomy) -> tuple[float, float, int]:
    """(share of offers within the true trade, share of placeable zero-employment households offered, placeable count)."""
    worker_trade = {row["id"]: row["_trade"] for row in worker_rows}
    vacancy_trade = {row["id"]: row["_trade"] for row in vacancy_rows}
    offers = [m for m in matches if m["allocated"]]
    agreement = sum(worker_trade[m["worker_id"]] == vacancy_trade[m["vacancy_id"]] for m in offers) / max(len(offers), 1)
    scored = score_pairs(workers, vacancies, taxonomy=taxonomy)
    w = scored.pairs.worker[(scored.score >= DEFAULT_MIN_SCORE) & ~scored.workers.employed[scored.pairs.worker]]
    placeable = {workers[i].household_id for i in np.unique(w).tolist() if workers[i].zero_employment_household}
    household_of = {worker.id: worker.household_id for worker in workers}
    offered = {household_of[m["worker_id"]] for m in offers}
    return agreement, len(placeable & offered) / max(len(placeable), 1), len(placeable)


if __name__ == "__main__":
    sys.exit(main())
