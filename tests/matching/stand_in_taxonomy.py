"""A small taxonomy with the interface of matching.taxonomy, so engine tests state exactly what they rely on."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    physical_demand: str = "medium"


@dataclass(frozen=True)
class SkillMatch:
    text: str
    occupation: Occupation
    score: float
    exact: bool


OCCUPATIONS = (
    Occupation("welder", "焊工", "manufacturing", ("电焊", "电焊工", "焊接"), certificates=("焊工证", "特种作业操作证（焊接）"), related=("fitter",)),
    Occupation("fitter", "钳工", "manufacturing", ("装配钳工",), related=("welder",)),
    Occupation("sewer", "缝纫工", "manufacturing", ("缝纫", "车位", "踩缝纫机")),
    Occupation("forklift", "叉车司机", "logistics", ("叉车", "开叉车", "会开叉车"), certificates=("叉车证",)),
    Occupation("courier", "快递员", "logistics", ("送快递", "快递")),
    Occupation("cleaner", "保洁员", "services", ("保洁", "清洁", "打扫卫生")),
    Occupation("domestic", "家政服务员", "services", ("家政", "保姆", "家政服务"), related=("carer",)),
    Occupation("carer", "养老护理员", "services", ("护理", "养老护理"), related=("domestic",)),
    Occupation("embroidery", "苗绣", "crafts", ("刺绣", "绣花")),
    Occupation("tea", "采茶工", "agriculture", ("采茶", "茶叶")),
)


class StandInTaxonomy:
    """Exact name/alias look-up, then the longest alias inside the text; anything else is unknown."""

    def __init__(self) -> None:
        self.by_code = {occupation.code: occupation for occupation in OCCUPATIONS}
        self.unknown_terms: Counter = Counter()
        self._spellings = sorted(
            ((spelling, occupation) for occupation in OCCUPATIONS for spelling in (occupation.name, *occupation.aliases)),
            key=lambda item: -len(item[0]),
        )

    def normalise_text(self, texts):
        matches, unknown = [], []
        for text in texts:
            found = next(((s, o) for s, o in self._spellings if s == text), None) or next(
                ((s, o) for s, o in self._spellings if s in text), None
            )
            if found is None:
                unknown.append(text)
                self.unknown_terms[text] += 1
            else:
                matches.append(SkillMatch(text, found[1], 1.0 if found[0] == text else 0.8, found[0] == text))
        return matches, unknown

    def relatedness(self, code_a: str, code_b: str) -> float:
        a, b = self.by_code[code_a], self.by_code[code_b]
        if a.code == b.code:
            return 1.0
        if b.code in a.related or a.code in b.related:
            return 0.5
        return 0.2 if a.category == b.category else 0.0
