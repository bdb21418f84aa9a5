"""Trade and skill taxonomy: occupations, and free text -> occupation.

The occupations live in `matching/data/taxonomy.json`. `Taxonomy.normalise` maps one
free-text term ("会电焊", "电焊工", "保洁员（公益性岗位）") to its best occupation in
stages, cheapest and surest first:

1. exact alias look-up on the cleaned term, its bracket re-orderings and its forms
   with fillers removed (会, 做过, 有…经验, 招聘…5名);
2. containment: the term is segmented with jieba (taxonomy aliases added as user
   words) and the longest alias among the words is taken ("公司急招电工" -> 电工);
3. known typos and homophones fixed ("电悍" -> "电焊"), then 1 and 2 again;
4. rapidfuzz similarity against the aliases, with cutoffs strict enough that
   unrelated words do not match.

Results are cached per term, and every term that matches nothing is counted in
`Taxonomy.unknown_terms` so staff can extend the aliases.
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from matching import text as textmod

DEFAULT_PATH = Path(__file__).parent / "data" / "taxonomy.json"
CATEGORIES = (
    "manufacturing", "construction", "services", "agriculture",
    "ecommerce", "crafts", "welfare", "general",
)
PHYSICAL_DEMANDS = ("light", "medium", "heavy")

SCORE_EXACT = 1.0           # the term as written is an alias
SCORE_EXACT_CLEANED = 0.95  # an alias once fillers or brackets are removed
SCORE_TYPO = 0.85           # an alias once a known typo is fixed
CONTAINS_BASE, CONTAINS_SPAN = 0.6, 0.3  # 0.6 + 0.3 * share of the term covered
FUZZY_WEIGHT = 0.8          # fuzzy score = similarity (0..1) * this
FUZZY_CUTOFF = 80.0         # rapidfuzz ratio: 4 of 5 characters, 5 of 6 ...

CACHE_SIZE = 262_144  # a county run has ~200,000 terms, mostly repeats


@dataclass(frozen=True)
class Occupation:
    """One occupation of the taxonomy."""

    code: str
    name: str
    category: str
    aliases: tuple[str, ...]
    skills: tuple[str, ...]
    certificates: tuple[str, ...]
    related: tuple[str, ...]
    physical_demand: str


@dataclass(frozen=True)
class SkillMatch:
    """A free-text term resolved to an occupation.

    `score` is in (0, 1]; 1.0 means the term as written is an alias. `exact` is
    true when an alias was found by look-up (possibly after removing fillers),
    false for containment, typo and fuzzy matches.
    """

    text: str
    occupation: Occupation
    score: float
    exact: bool


class Taxonomy:
    """The occupations plus the alias index used to normalise free text."""

    def __init__(self, occupations: Iterable[Occupation]):
        self.occupations: tuple[Occupation, ...] = tuple(occupations)
        self._by_code = {o.code: o for o in self.occupations}
        self._index = _build_index(self.occupations)
        self._fuzzy_keys = [k for k in self._index if len(k) >= 4]
        self._tokenizer = None
        self._tokenizer_lock = threading.Lock()
        self.unknown_terms: collections.Counter = collections.Counter()
        self._cached_match = functools.lru_cache(maxsize=CACHE_SIZE)(self._match)

    # -- look-ups -------------------------------------------------------------

    def by_code(self, code: str) -> Occupation:
        """The occupation with this code; KeyError when there is none."""
        return self._by_code[code]

    def relatedness(self, code_a: str, code_b: str) -> float:
        """1.0 same occupation, 0.5 related, 0.2 same category, 0.0 otherwise.

        Unknown codes give 0.0.
        """
        a, b = self._by_code.get(code_a), self._by_code.get(code_b)
        if a is None or b is None:
            return 0.0
        if a.code == b.code:
            return 1.0
        if b.code in a.related or a.code in b.related:
            return 0.5
        if a.category == b.category:
            return 0.2
        return 0.0

    # -- normalisation --------------------------------------------------------

    def split_terms(self, text: str) -> list[str]:
        """Split free text into terms (see `matching.text.split_terms`)."""
        return textmod.split_terms(text)

    def normalise(self, term: str) -> SkillMatch | None:
        """The best occupation for one free-text term, or None when unknown.

        Never raises. Unknown non-empty terms are counted in `unknown_terms`.
        """
        if term is None:
            return None
        if not isinstance(term, str):
            term = str(term)
        term = term.strip()[: textmod.MAX_TERM_CHARS]
        if not term:
            return None
        match = self._cached_match(term)
        if match is None:
            self.unknown_terms[term] += 1
        return match

    def normalise_text(self, text_or_terms) -> tuple[list[SkillMatch], list[str]]:
        """Normalise a free-text string or a list of strings.

        Each string is split into terms first. Returns the matches (in input order,
        one per matched term) and the terms that matched nothing.
        """
        if isinstance(text_or_terms, str):
            chunks = [text_or_terms]
        elif text_or_terms is None:
            chunks = []
        else:
            chunks = [c for c in text_or_terms if isinstance(c, str)]
        matches, unknown = [], []
        for chunk in chunks:
            for term in textmod.split_terms(chunk):
                found = self.normalise(term)
                if found is None:
                    unknown.append(term)
                else:
                    matches.append(found)
        return matches, unknown

    def cache_clear(self) -> None:
        """Forget cached results (for timing a cold cache)."""
        self._cached_match.cache_clear()

    # -- the stages -----------------------------------------------------------

    def _match(self, term: str) -> SkillMatch | None:
        outer, inners = textmod.bracket_parts(term)
        base = textmod.clean(term)
        if not base:  # only punctuation, emoji or symbols
            return None
        whole = _dedupe([base] + [textmod.clean(i + outer) for i in inners]
                        + [textmod.clean(outer + i) for i in inners])
        parts = _dedupe([textmod.clean(outer)] + [textmod.clean(i) for i in inners])

        found = self._exact(whole, first_score=SCORE_EXACT)
        if found is None and not textmod.is_negated(base):
            found = (self._contained_or_part(base, parts)
                     or self._typo_fixed(base)
                     or self._fuzzy(base))
        if found is None:
            return None
        code, score, exact = found
        return SkillMatch(text=term, occupation=self._by_code[code],
                          score=round(score, 3), exact=exact)

    def _exact(self, candidates: list[str], first_score: float):
        for i, candidate in enumerate(candidates):
            for j, variant in enumerate(textmod.filler_variants(candidate)):
                code = self._index.get(variant)
                if code is not None:
                    score = first_score if i == j == 0 else SCORE_EXACT_CLEANED
                    return code, score, True
        return None

    def _contained_or_part(self, base: str, parts: list[str]):
        """Containment in the whole term, else an exact alias in or outside brackets.

        Containment goes first so "公益性岗位（护林员）" gives 护林员, not the
        generic 公益性岗位; when both agree the higher (exact) score is kept.
        """
        contained = self._contained(base)
        part = self._exact(parts, first_score=SCORE_EXACT_CLEANED)
        if contained is None:
            return part
        if part is not None and part[0] == contained[0]:
            return part
        return contained

    def _contained(self, term: str):
        """Longest alias made of whole jieba words of `term`."""
        if len(term) < 2 or not self._holds_some_alias(term):
            return None  # such an alias would be a substring: no need to load jieba's dictionary
        words = self._tokenizer_instance().lcut(term, HMM=False)
        best = None  # (rank, code, alias length)
        for start in range(len(words)):
            for end in range(start + 1, min(start + 4, len(words)) + 1):
                span = "".join(words[start:end])
                code = self._index.get(span)
                if code is None:
                    continue
                # Longer alias first; a specific trade beats 普工/零工; later wins ties
                # because Chinese titles put the head noun last ("电子厂普工").
                general = self._by_code[code].category == "general"
                rank = (len(span), not general, start)
                if best is None or rank > best[0]:
                    best = (rank, code, len(span))
        if best is None:
            return None
        return best[1], CONTAINS_BASE + CONTAINS_SPAN * best[2] / len(term), False

    def _holds_some_alias(self, term: str) -> bool:
        return any(alias in term for alias in self._index)

    def _typo_fixed(self, term: str):
        """Known misspelt words fixed, then alias or containment; single-character
        slips fixed, then an exact alias only (so 电功率 does not become 电工)."""
        found = None
        words_fixed = textmod.fix_typos(term)
        if words_fixed != term:
            found = (self._exact([words_fixed], first_score=SCORE_TYPO)
                     or self._contained(words_fixed))
        chars_fixed = textmod.fix_homophone_chars(words_fixed)
        if found is None and chars_fixed != words_fixed:
            found = self._exact([chars_fixed], first_score=SCORE_TYPO)
        if found is None:
            return None
        code, score, _ = found
        return code, min(score, SCORE_TYPO), False

    def _fuzzy(self, term: str):
        """Close spelling of an alias of 5+ characters (about one character wrong).

        Shorter words are left to the typo table: one wrong character in three or
        four matches too much (看样子~看孩子, 公共场所~公共厕所). The first character
        must agree, which keeps 商品生产 away from 食品生产.
        """
        query = textmod.filler_variants(term)[-1]
        if not 5 <= len(query) <= 12:
            return None
        hit = process.extractOne(query, self._fuzzy_keys, scorer=fuzz.ratio,
                                 score_cutoff=FUZZY_CUTOFF)
        if hit is None or hit[0][0] != query[0]:
            return None
        alias, similarity, _ = hit
        return self._index[alias], similarity / 100 * FUZZY_WEIGHT, False

    def _tokenizer_instance(self):
        # A private jieba tokenizer: the taxonomy's aliases must not leak into the
        # process-wide jieba dictionary that other code may use.
        if self._tokenizer is None:
            with self._tokenizer_lock:
                if self._tokenizer is None:
                    self._tokenizer = _make_tokenizer(self._index)
        return self._tokenizer


def load_taxonomy(path=None) -> Taxonomy:
    """Load the taxonomy from `path` (default: the packaged data file).

    Cached: repeated calls with the same path return the same object.
    """
    resolved = Path(path) if path is not None else DEFAULT_PATH
    return _load_cached(str(resolved.resolve()))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> Taxonomy:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return Taxonomy(_occupation(raw) for raw in data["occupations"])


def _occupation(raw: dict) -> Occupation:
    return Occupation(
        code=raw["code"],
        name=raw["name"],
        category=raw["category"],
        aliases=tuple(raw.get("aliases", ())),
        skills=tuple(raw.get("skills", ())),
        certificates=tuple(raw.get("certificates", ())),
        related=tuple(raw.get("related", ())),
        physical_demand=raw.get("physical_demand", "medium"),
    )


def _build_index(occupations: Iterable[Occupation]) -> dict[str, str]:
    """Cleaned alias (and name) -> code. An alias claimed twice is an error."""
    index: dict[str, str] = {}
    for occ in occupations:
        for alias in (occ.name, *occ.aliases):
            key = textmod.clean(alias)
            if len(key) < 2:
                continue  # one character is too ambiguous to be an alias
            owner = index.setdefault(key, occ.code)
            if owner != occ.code:
                raise ValueError(f"alias {alias!r} belongs to both {owner} and {occ.code}")
    return index


def _make_tokenizer(index: dict[str, str]):
    import jieba  # imported late: loading its dictionary takes about a second

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for alias in index:
        tokenizer.add_word(alias)
    return tokenizer


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
