"""Skill and certificate terms of workers and vacancies, turned into arrays for fast pair lookups.

Each free-text skill becomes one or more *terms*: an occupation of the taxonomy when the
taxonomy knows the text, else the raw text itself. Unknown text still matches by string
similarity (rapidfuzz), is never an error, and is counted in `unknown_terms`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from matching.records import Vacancy, Worker

# Raw strings less alike than this (rapidfuzz ratio, 0–100) count as unrelated.
MIN_TEXT_SIMILARITY = 60.0
# Certificate text this alike (partial ratio) to one an occupation lists counts as that certificate.
MIN_CERTIFICATE_SIMILARITY = 80.0


@dataclass(frozen=True)
class Term:
    """A skill as the engine sees it: an occupation code, or raw text the taxonomy did not know."""

    code: str  # occupation code, "" for raw text
    name: str  # occupation name, or the raw text


@dataclass
class SkillIndex:
    """Padded term arrays (-1 = no term) and the term-to-term similarity matrix."""

    worker_terms: np.ndarray  # (workers, k) ids into worker_term_list
    vacancy_terms: np.ndarray  # (vacancies, k) ids into vacancy_term_list
    similarity: np.ndarray  # (len(worker_term_list), len(vacancy_term_list)) float32 in [0, 1]
    worker_term_list: list[Term]
    vacancy_term_list: list[Term]
    vacancy_requires_skills: np.ndarray  # bool per vacancy: it listed skills
    vacancy_open_to_all: np.ndarray  # bool: no skills, or skills the taxonomy does not know
    worker_has_unknown: np.ndarray  # bool: some skill the taxonomy does not know
    worker_blocks: list[frozenset[str]]  # occupation categories per worker
    vacancy_blocks: list[frozenset[str]]  # categories of the vacancy's occupations and their related ones
    worker_certified_for: np.ndarray  # (workers, k) occupation ids the worker's certificates belong to
    vacancy_occupations: np.ndarray  # (vacancies, k) occupation ids the vacancy asks for
    occupation_codes: list[str] = field(default_factory=list)
    terms_by_text: dict[str, list[Term]] = field(default_factory=dict)
    unknown_terms: Counter = field(default_factory=Counter)


def _pad(rows: Sequence[Sequence[int]]) -> np.ndarray:
    width = max((len(row) for row in rows), default=0) or 1
    padded = np.full((len(rows), width), -1, dtype=np.int32)
    for index, row in enumerate(rows):
        padded[index, : len(row)] = row
    return padded


class _TermTable:
    """Interns terms so that each distinct one gets one id."""

    def __init__(self) -> None:
        self.terms: list[Term] = []
        self._ids: dict[Term, int] = {}

    def id_of(self, term: Term) -> int:
        if term not in self._ids:
            self._ids[term] = len(self.terms)
            self.terms.append(term)
        return self._ids[term]


class _Normaliser:
    """Caches taxonomy look-ups per distinct text; counts unknown text per occurrence."""

    def __init__(self, taxonomy: Any) -> None:
        self.taxonomy = taxonomy
        self.occupations: dict[str, Any] = {}
        self.unknown_terms: Counter = Counter()
        self.terms_by_text: dict[str, list[Term]] = {}

    def terms_of(self, text: str, count_unknown: bool = True) -> list[Term]:
        if text not in self.terms_by_text:
            matches, unknown = self.taxonomy.normalise_text([text])
            terms = []
            for match in matches:
                occupation = match.occupation
                self.occupations[occupation.code] = occupation
                terms.append(Term(occupation.code, occupation.name))
            self.terms_by_text[text] = terms or [Term("", text)]
        terms = self.terms_by_text[text]
        if count_unknown and not terms[0].code:
            self.unknown_terms[text] += 1
        return terms


def _similarity_matrix(taxonomy: Any, occupations: dict, worker_terms: list[Term], vacancy_terms: list[Term]) -> np.ndarray:
    """Occupation relatedness between known terms, string similarity where either is raw text."""
    similarity = np.zeros((len(worker_terms), len(vacancy_terms)), dtype=np.float32)
    known_workers = [(i, term.code) for i, term in enumerate(worker_terms) if term.code]
    for j, vacancy_term in enumerate(vacancy_terms):
        if vacancy_term.code:
            for i, code in known_workers:
                similarity[i, j] = taxonomy.relatedness(code, vacancy_term.code)
    raw_workers = [i for i, term in enumerate(worker_terms) if not term.code]
    raw_vacancies = [j for j, term in enumerate(vacancy_terms) if not term.code]
    if raw_workers and vacancy_terms:
        similarity[raw_workers, :] = _text_similarity([worker_terms[i] for i in raw_workers], vacancy_terms, occupations)
    if raw_vacancies and worker_terms:
        similarity[:, raw_vacancies] = _text_similarity(
            [vacancy_terms[j] for j in raw_vacancies], worker_terms, occupations
        ).T
    return similarity


def _text_similarity(raw_terms: list[Term], others: list[Term], occupations: dict) -> np.ndarray:
    """Best rapidfuzz ratio of each raw text against the other terms' text, name and aliases, in [0, 1]."""
    names: list[str] = []
    owner: list[int] = []
    for index, term in enumerate(others):
        spellings = {term.name}
        if term.code:
            spellings.update(getattr(occupations[term.code], "aliases", ()) or ())
        names.extend(spellings)
        owner.extend([index] * len(spellings))
    scores = process.cdist([term.name for term in raw_terms], names, scorer=fuzz.ratio, dtype=np.float32)
    best = np.zeros((len(raw_terms), len(others)), dtype=np.float32)
    np.maximum.at(best.T, np.asarray(owner), scores.T)
    best[best < MIN_TEXT_SIMILARITY] = 0.0
    return best / 100.0


def _certificate_occupations(certificate: str, occupations: dict, occupation_ids: dict[str, int]) -> list[int]:
    """Occupations (by id) whose listed certificates resemble this certificate text."""
    found = []
    for code, occupation in occupations.items():
        listed = list(getattr(occupation, "certificates", ()) or ()) + [occupation.name]
        if any(fuzz.partial_ratio(certificate, name) >= MIN_CERTIFICATE_SIMILARITY for name in listed):
            found.append(occupation_ids[code])
    return found


def build_skill_index(workers: Sequence[Worker], vacancies: Sequence[Vacancy], taxonomy: Any) -> SkillIndex:
    """Normalise every skill once per distinct text and lay the results out as arrays."""
    normaliser = _Normaliser(taxonomy)
    worker_table, vacancy_table = _TermTable(), _TermTable()

    # Workers with the same skill words get the same row: each distinct list is worked out once.
    skill_lists = Counter(tuple(worker.skills) for worker in workers)  # tuple(): a list from a caller would not hash
    row_of: dict[tuple[str, ...], int] = {}
    distinct_rows: list[list[int]] = []
    distinct_blocks: list[frozenset[str]] = []
    distinct_unknown: list[bool] = []
    for skill_list, occurrences in skill_lists.items():
        terms = [term for text in skill_list for term in normaliser.terms_of(text, count_unknown=False)]
        for text in skill_list:
            if not normaliser.terms_of(text, count_unknown=False)[0].code:
                normaliser.unknown_terms[text] += occurrences
        row_of[skill_list] = len(distinct_rows)
        distinct_rows.append(sorted({worker_table.id_of(term) for term in terms}))
        distinct_blocks.append(frozenset(normaliser.occupations[t.code].category for t in terms if t.code))
        distinct_unknown.append(any(not term.code for term in terms))
    worker_row = np.fromiter((row_of[tuple(worker.skills)] for worker in workers), dtype=np.intp, count=len(workers))
    worker_blocks = [distinct_blocks[i] for i in worker_row.tolist()]
    worker_has_unknown = np.asarray(distinct_unknown, dtype=bool)[worker_row] if len(workers) else np.zeros(0, dtype=bool)

    vacancy_rows, vacancy_blocks, open_to_all, requires = [], [], [], []
    for vacancy in vacancies:
        listed = [term for text in vacancy.skills for term in normaliser.terms_of(text)]
        # A vacancy without skills is matched on its title, softly (see features.skill_fit).
        terms = listed or [t for t in normaliser.terms_of(vacancy.title, count_unknown=False) if t.code]
        vacancy_rows.append(sorted({vacancy_table.id_of(term) for term in terms}))
        vacancy_blocks.append(frozenset(term.code for term in terms if term.code))
        requires.append(bool(listed))
        open_to_all.append(not listed or any(not term.code for term in listed))

    vacancy_blocks = _categories_near(vacancy_blocks, normaliser.occupations, taxonomy)
    occupation_codes = sorted(normaliser.occupations)
    occupation_ids = {code: index for index, code in enumerate(occupation_codes)}
    vacancy_occupations = _pad(
        [[occupation_ids[vacancy_table.terms[t].code] for t in row if vacancy_table.terms[t].code] for row in vacancy_rows]
    )
    certificate_cache: dict[str, list[int]] = {}
    certificate_lists = {tuple(worker.certificates): 0 for worker in workers}
    distinct_certified: list[list[int]] = []
    for index, certificate_list in enumerate(certificate_lists):
        certificate_lists[certificate_list] = index
        ids: set[int] = set()
        for certificate in certificate_list:
            if certificate not in certificate_cache:
                certificate_cache[certificate] = _certificate_occupations(certificate, normaliser.occupations, occupation_ids)
            ids.update(certificate_cache[certificate])
        distinct_certified.append(sorted(ids))
    certified_row = np.fromiter(map(certificate_lists.__getitem__, (tuple(w.certificates) for w in workers)), dtype=np.intp, count=len(workers))

    return SkillIndex(
        worker_terms=_pad(distinct_rows)[worker_row] if len(workers) else _pad([]),
        vacancy_terms=_pad(vacancy_rows),
        similarity=_similarity_matrix(taxonomy, normaliser.occupations, worker_table.terms, vacancy_table.terms),
        worker_term_list=worker_table.terms,
        terms_by_text=normaliser.terms_by_text,
        vacancy_term_list=vacancy_table.terms,
        vacancy_requires_skills=np.asarray(requires, dtype=bool),
        vacancy_open_to_all=np.asarray(open_to_all, dtype=bool),
        worker_has_unknown=worker_has_unknown,
        worker_blocks=worker_blocks,
        vacancy_blocks=vacancy_blocks,
        worker_certified_for=_pad(distinct_certified)[certified_row] if len(workers) else _pad([]),
        vacancy_occupations=vacancy_occupations,
        occupation_codes=occupation_codes,
        unknown_terms=normaliser.unknown_terms,
    )


def _categories_near(codes_per_vacancy: list[frozenset[str]], occupations: dict, taxonomy: Any) -> list[frozenset[str]]:
    """Per vacancy: categories of its occupations and of every seen occupation related to them."""
    near_cache: dict[str, frozenset[str]] = {}
    for code in set().union(*codes_per_vacancy) if codes_per_vacancy else ():
        near_cache[code] = frozenset(
            occupation.category
            for other, occupation in occupations.items()
            if other == code or taxonomy.relatedness(code, other) > 0
        )
    return [frozenset().union(*(near_cache[code] for code in codes)) for codes in codes_per_vacancy]
