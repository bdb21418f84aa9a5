"""Short plain-Chinese reasons a worker understands, for each pair written to matches.jsonl."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.features import FEATURE_NAMES
from matching.records import Vacancy, Worker
from matching.skills import SkillIndex

_FEATURE = {name: index for index, name in enumerate(FEATURE_NAMES)}
_CAPACITY_WORDS = {"half": "半劳力", "weak": "弱劳力"}


def _km(distance_km: float) -> str:
    if distance_km < 1.0:
        return "不到 1 公里"
    return f"{distance_km:.1f} 公里" if distance_km < 10 else f"{distance_km:.0f} 公里"


def _wage_text(vacancy: Vacancy) -> str:
    low, high = vacancy.wage_min, vacancy.wage_max
    if low is not None and high is not None and low != high:
        return f"{low}–{high} 元"
    return f"{low if low is not None else high} 元"


class ReasonWriter:
    """Builds reasons from a pair's features and the skill terms behind them."""

    def __init__(self, skills: SkillIndex) -> None:
        self.skills = skills
        self.worker_term_id = {term: index for index, term in enumerate(skills.worker_term_list)}
        # Many workers share the same skill words: each (words, vacancy) is worked out once.
        self._skill_reasons: dict[tuple[tuple[str, ...], int, bool], str | None] = {}
        self._wage_texts: dict[int, str] = {}

    def skill_reason(self, worker: Worker, vacancy_index: int, requires_skills: bool) -> str | None:
        """`技能相符：电焊 → 焊工` for the worker's words closest to what the vacancy asks for."""
        key = (tuple(worker.skills), vacancy_index, requires_skills)
        if key not in self._skill_reasons:
            self._skill_reasons[key] = self._skill_reason(key[0], vacancy_index, requires_skills)
        return self._skill_reasons[key]

    def _skill_reason(self, worker_skills: tuple[str, ...], vacancy_index: int, requires_skills: bool) -> str | None:
        best_similarity, best_words, best_name = 0.0, "", ""
        for vacancy_term_id in self.skills.vacancy_terms[vacancy_index]:
            if vacancy_term_id < 0:
                continue
            for text in worker_skills:
                for term in self.skills.terms_by_text.get(text, ()):
                    similarity = float(self.skills.similarity[self.worker_term_id[term], vacancy_term_id])
                    if similarity > best_similarity:
                        best_similarity, best_words = similarity, text
                        best_name = self.skills.vacancy_term_list[vacancy_term_id].name
        if best_similarity >= 0.9:
            return f"技能相符：{best_words}" if best_words == best_name else f"技能相符：{best_words} → {best_name}"
        if best_similarity >= 0.4:
            return f"技能相近：{best_words} → {best_name}"
        return None if requires_skills else "不要求技能，上手快"

    def reasons(self, worker: Worker, vacancy: Vacancy, vacancy_index: int, features: Sequence[float] | np.ndarray,
                distance_km: float) -> list[str]:
        """The reasons for one pair, most important first."""
        found: list[str] = []
        if worker.zero_employment_household:
            found.append("零就业家庭优先")
        elif worker.monitored_household:
            found.append("防返贫监测户优先")
        skill = self.skill_reason(worker, vacancy_index, bool(self.skills.vacancy_requires_skills[vacancy_index]))
        if skill:
            found.append(skill)
        if features[_FEATURE["certificate_fit"]] >= 1.0:
            found.append("持有相关证书")
        if distance_km <= worker.commute_limit_km:
            found.append(f"离家 {_km(distance_km)}")
        if vacancy.dormitory:
            found.append("包住宿" if distance_km <= worker.commute_limit_km else f"包住宿，离家 {_km(distance_km)}")
        if vacancy.wage_min is not None or vacancy.wage_max is not None:
            wage_fit = features[_FEATURE["wage_fit"]]
            suffix = "，符合期望" if worker.wage_expectation is not None and wage_fit >= 0.8 else ""
            if vacancy_index not in self._wage_texts:
                self._wage_texts[vacancy_index] = _wage_text(vacancy)
            found.append(f"工资 {self._wage_texts[vacancy_index]}{suffix}")
        if vacancy.physical_demand == "light" and worker.capacity in _CAPACITY_WORDS:
            found.append(f"轻体力活，适合{_CAPACITY_WORDS[worker.capacity]}")
        if worker.available_hours == "school_hours" and vacancy.hours in ("school_hours", "day"):
            found.append("白天上班，能兼顾接送孩子")
        if vacancy.kind == "welfare":
            found.append("公益性岗位，照顾不能外出的家庭" if worker.mobility == "site" else "公益性岗位")
        elif vacancy.kind == "relief":
            found.append("以工代赈，优先招本地搬迁群众")
        elif vacancy.kind == "gig":
            found.append("零工，时间灵活")
        return found


def reasons_for_pairs(
    writer: ReasonWriter,
    workers: Sequence[Worker],
    vacancies: Sequence[Vacancy],
    w: np.ndarray,
    v: np.ndarray,
    features: np.ndarray,
    distance_km: np.ndarray,
) -> list[list[str]]:
    """Reasons for many pairs (parallel arrays)."""
    # Rows as lists of floats: reading a Python list is much cheaper than indexing numpy per pair.
    return [
        writer.reasons(workers[wi], vacancies[vi], vi, row, distance)
        for wi, vi, row, distance in zip(w.tolist(), v.tolist(), np.asarray(features).tolist(), distance_km.tolist())
    ]
