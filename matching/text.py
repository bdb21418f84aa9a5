"""Cleaning of free-text skills and job titles before taxonomy look-up.

Workers and employers write things like "会电焊", "有3年電焊经验", "普工（电子）" or
"招聘焊工5名". The functions here turn such text into a few canonical candidate
strings; `matching.taxonomy` then looks those up. Nothing here knows about
occupations, so the rules stay easy to test on their own.

Character tables (traditional -> simplified, common typos and homophones) live in
`matching/data/text_variants.json` so staff can extend them without code changes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

VARIANTS_PATH = Path(__file__).parent / "data" / "text_variants.json"

# Longer than any real skill or title; bounds the work done on pasted paragraphs.
MAX_TERM_CHARS = 60

OPEN_BRACKETS = "([{【〔〈《「『<"
CLOSE_BRACKETS = ")]}】〕〉》」』>"
_SEPARATORS = set("、,，;；/\\|。!！?？\n\r\t ")

# "公益性岗位" and its short forms all mean the same thing; one spelling keeps the
# alias table small ("公益保洁" covers "保洁员（公益性岗位）").
_WELFARE_RE = re.compile("公益性岗位|公益性岗|公益岗位|公益性|公益岗")
_KEEP_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")

# Counts and durations say nothing about the occupation: "焊工5名", "3年电工经验".
_NUMBER_RE = re.compile(
    r"\d+(?:\.\d+)?(?:多|余)?(?:年|名|人|个|位|天|月|元|块|岁|小时)?(?:以上|左右)?"
    r"|[一二两三四五六七八九十几数]+(?:多|余)?(?:年|名|个|位|人)(?:以上|左右)?"
    r"|若干名?|多年"
)

# Filler words around the real skill. Longest first so "做过" wins over "做".
PREFIXES = tuple(sorted((
    "本人会", "本人", "我会", "我能", "我是", "我", "以前做过", "以前", "曾经做过", "曾经",
    "做过", "干过", "搞过", "学过", "当过", "从事过", "从事", "熟练掌握", "熟练", "熟悉",
    "精通", "擅长", "掌握", "懂得", "懂", "会做", "会", "能做", "能", "可以做", "可以",
    "愿意", "想做", "想", "希望", "求职", "应聘", "招聘", "急招", "诚聘", "高薪招聘",
    "高薪诚聘", "长期招聘", "招收", "招工", "招", "需要", "有丰富的", "有丰富", "丰富的",
    "有多年", "多年的", "有", "一般", "简单", "基本", "做", "干", "搞", "当",
), key=len, reverse=True))

SUFFIXES = tuple(sorted((
    "工作经验", "相关经验", "的经验", "经验", "工作", "的活儿", "的活", "活儿", "方面",
    "相关", "等工作", "等等", "等", "之类", "的", "技术", "技能", "手艺", "都会", "都行",
    "都可以", "均可", "优先", "也行", "也可以", "一职", "岗位", "人员", "师傅", "熟练",
    "可以", "者", "若干", "证书", "资格证", "上岗证", "操作证", "证",
), key=len, reverse=True))

# A term that starts like this says the person can NOT do it ("不会电焊").
NEGATIONS = (
    "不会", "不懂", "不能", "不想", "不要", "不做", "不太会", "没有", "没", "无法",
    "暂无", "无任何", "无技能", "无特长", "未",
)


@lru_cache(maxsize=1)
def _variants() -> dict:
    with VARIANTS_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _trad_table() -> dict[int, str]:
    return str.maketrans(_variants()["traditional"])


def nfkc(text: str) -> str:
    """NFKC-normalise (full-width letters, digits and brackets become ASCII)."""
    return unicodedata.normalize("NFKC", text)


def clean(text: str) -> str:
    """Canonical form used as a dictionary key.

    NFKC, lower case, traditional -> simplified, one spelling for 公益性岗位, and only
    CJK characters, ASCII letters and digits kept (brackets are dropped, their
    content is kept).
    """
    text = nfkc(text).lower().translate(_trad_table())
    text = _WELFARE_RE.sub("公益", text)
    return _KEEP_RE.sub("", text)


def bracket_parts(text: str) -> tuple[str, list[str]]:
    """Split "普工(电子)" into the outer text "普工" and the bracketed parts ["电子"]."""
    outer: list[str] = []
    inners: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in nfkc(text):
        if ch in OPEN_BRACKETS:
            depth += 1
            if depth == 1:
                current = []
                continue
        elif ch in CLOSE_BRACKETS and depth:
            depth -= 1
            if depth == 0:
                inners.append("".join(current))
                continue
        (current if depth else outer).append(ch)
    if depth:  # unclosed bracket: keep its text as outer text
        outer.extend(current)
    return "".join(outer), [i for i in inners if i.strip()]


def filler_variants(term: str) -> list[str]:
    """`term` (already cleaned), then ever shorter forms with fillers removed.

    "有3年电焊经验" -> ["有3年电焊经验", "有电焊经验", "电焊经验", "电焊"]. The
    least-stripped form comes first so real words that start like a filler
    ("会计") are found before they are mangled.
    """
    out = [term]
    current = _NUMBER_RE.sub("", term)
    if current != term:
        out.append(current)
    changed = True
    while changed:
        changed = False
        for affix in PREFIXES:
            if current.startswith(affix) and len(current) > len(affix):
                current = current[len(affix):]
                out.append(current)
                changed = True
                break
        for affix in SUFFIXES:
            if current.endswith(affix) and len(current) > len(affix):
                current = current[: -len(affix)]
                out.append(current)
                changed = True
                break
    return list(dict.fromkeys(v for v in out if v))


def is_negated(term: str) -> bool:
    """True when a cleaned term denies the skill ("不会电焊", "没有技术")."""
    return term.startswith(NEGATIONS)


def fix_typos(term: str) -> str:
    """Replace known misspelt words ("电悍" -> "电焊") in a cleaned term."""
    for wrong, right in _variants()["typos"].items():
        if wrong in term:
            term = term.replace(wrong, right)
    return term


def fix_homophone_chars(term: str) -> str:
    """Replace single characters often written for another ("悍" for "焊")."""
    return term.translate(_homophone_table())


@lru_cache(maxsize=1)
def _homophone_table() -> dict[int, str]:
    return str.maketrans(_variants()["homophone_chars"])


def split_terms(text: str) -> list[str]:
    """Split free text into terms on 、 , ， ; ； / whitespace and similar.

    Separators inside brackets do not split ("普工（电子、服装）" stays one term).
    Each term is NFKC-normalised, stripped of enclosing quotes and of brackets that
    wrap the whole term or are left empty or unbalanced. Empty terms are dropped.
    """
    if not isinstance(text, str):
        return []
    terms: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in nfkc(text):
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        if ch in _SEPARATORS and depth == 0:
            terms.append("".join(current))
            current = []
        else:
            current.append(ch)
    terms.append("".join(current))
    return [t for t in (_strip_noise(t) for t in terms) if t]


_QUOTES = "\"'“”‘’`*#·-—_~"
_EMPTY_BRACKETS_RE = re.compile(r"[(\[{【〔〈《「『<]\s*[)\]}】〕〉》」』>]")


def _strip_noise(term: str) -> str:
    term = _EMPTY_BRACKETS_RE.sub("", term).strip().strip(_QUOTES).strip()
    # Peel brackets that wrap the whole term ("（电焊）") or dangle at either end.
    while term and (term[0] in OPEN_BRACKETS or term[-1] in CLOSE_BRACKETS):
        outer, inners = bracket_parts(term)
        if term[0] in OPEN_BRACKETS and term[-1] in CLOSE_BRACKETS and not outer.strip():
            term = "".join(inners).strip()
        elif term[0] in OPEN_BRACKETS and not _balanced(term):
            term = term[1:].strip()
        elif term[-1] in CLOSE_BRACKETS and not _balanced(term):
            term = term[:-1].strip()
        else:
            break
    return term.strip(_QUOTES).strip()


def _balanced(term: str) -> bool:
    depth = 0
    for ch in term:
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
