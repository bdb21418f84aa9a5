"""Tests for the trade & skill taxonomy and the free-text normaliser."""

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import text as textmod
from matching.taxonomy import (
    CATEGORIES,
    DEFAULT_PATH,
    PHYSICAL_DEMANDS,
    Occupation,
    SkillMatch,
    Taxonomy,
    load_taxonomy,
)

SPELLINGS = Path(__file__).parent / "data" / "spellings.csv"
KEY_ORDER = ["code", "name", "category", "aliases", "skills", "certificates",
             "related", "physical_demand"]


def _spellings():
    with SPELLINGS.open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["expected_code"]) for row in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def tx():
    return load_taxonomy()


@pytest.fixture
def fresh_tx():
    """A private taxonomy so counters start at zero."""
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    return Taxonomy(Occupation(**{k: tuple(v) if isinstance(v, list) else v
                                  for k, v in o.items()})
                    for o in data["occupations"])


# -- the data file -------------------------------------------------------------

@pytest.fixture(scope="module")
def raw():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_data_file_has_enough_occupations(raw):
    assert len(raw["occupations"]) >= 150


def test_codes_and_names_are_unique(raw):
    codes = [o["code"] for o in raw["occupations"]]
    names = [o["name"] for o in raw["occupations"]]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


def test_codes_are_dadian_or_prefixed(raw):
    for o in raw["occupations"]:
        code = o["code"]
        assert code.startswith("X-") or code[0].isdigit(), code


def test_related_codes_exist_and_are_not_self(raw):
    codes = {o["code"] for o in raw["occupations"]}
    for o in raw["occupations"]:
        for rel in o["related"]:
            assert rel in codes, (o["code"], rel)
            assert rel != o["code"]


def test_categories_and_physical_demand_are_allowed(raw):
    assert tuple(raw["categories"]) == CATEGORIES
    for o in raw["occupations"]:
        assert o["category"] in CATEGORIES, o["code"]
        assert o["physical_demand"] in PHYSICAL_DEMANDS, o["code"]


def test_every_category_is_used(raw):
    assert {o["category"] for o in raw["occupations"]} == set(CATEGORIES)


def test_occupations_have_stable_key_order_and_content(raw):
    for o in raw["occupations"]:
        assert list(o) == KEY_ORDER, o["code"]
        assert len(o["aliases"]) >= 3, o["code"]
        assert o["skills"], o["code"]


def test_no_alias_maps_to_two_occupations(raw):
    owner = {}
    for o in raw["occupations"]:
        for alias in [o["name"], *o["aliases"]]:
            key = textmod.clean(alias)
            assert owner.setdefault(key, o["code"]) == o["code"], (alias, owner[key], o["code"])


def test_aliases_are_at_least_two_characters(raw):
    for o in raw["occupations"]:
        for alias in o["aliases"]:
            assert len(textmod.clean(alias)) >= 2, (o["code"], alias)


def test_duplicate_alias_is_rejected(tmp_path):
    occ = dict(code="X-1", name="甲工", category="general", aliases=["同名"], skills=["a"],
               certificates=[], related=[], physical_demand="light")
    other = dict(occ, code="X-2", name="乙工")
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"occupations": [occ, other]}, ensure_ascii=False),
                    encoding="utf-8")
    with pytest.raises(ValueError, match="同名"):
        load_taxonomy(path)


# -- loading and look-ups --------------------------------------------------------

def test_load_is_cached(tx):
    assert load_taxonomy() is tx
    assert load_taxonomy(DEFAULT_PATH) is tx


def test_occupations_are_frozen_dataclasses(tx):
    occ = tx.occupations[0]
    assert isinstance(occ.aliases, tuple) and isinstance(occ.related, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        occ.name = "x"


def test_by_code(tx):
    assert tx.by_code("6-18-02-04").name == "焊工"
    with pytest.raises(KeyError):
        tx.by_code("no-such-code")


def test_relatedness(tx):
    welder = "6-18-02-04"
    riveter = tx.normalise("铆工").occupation.code
    lathe = tx.normalise("车工").occupation.code
    nanny = tx.normalise("保姆").occupation.code
    assert tx.relatedness(welder, welder) == 1.0
    assert tx.relatedness(welder, riveter) == 0.5
    assert tx.relatedness(riveter, welder) == 0.5
    assert tx.relatedness(welder, lathe) == 0.2  # both manufacturing, not listed related
    assert tx.relatedness(welder, nanny) == 0.0
    assert tx.relatedness(welder, "unknown") == 0.0


# -- the spellings table -----------------------------------------------------------

def test_spellings_table_is_big_enough():
    rows = _spellings()
    assert sum(1 for _, code in rows if code) >= 200
    assert sum(1 for _, code in rows if not code) >= 20


@pytest.mark.parametrize("text,expected", _spellings())
def test_spelling(tx, text, expected):
    match = tx.normalise(text)
    got = match.occupation.code if match else ""
    assert got == expected, f"{text!r} -> {match}"


# -- normalise ---------------------------------------------------------------------

def test_exact_alias_scores_one(tx):
    match = tx.normalise("电焊")
    assert isinstance(match, SkillMatch)
    assert match.text == "电焊" and match.exact and match.score == 1.0
    assert match.occupation.name == "焊工"


def test_fillers_still_exact_but_lower(tx):
    match = tx.normalise("会电焊")
    assert match.exact and 0 < match.score < 1.0


def test_typo_and_containment_are_not_exact(tx):
    for term in ("电悍", "公司急招电工"):
        match = tx.normalise(term)
        assert match is not None and not match.exact and 0 < match.score < 1.0


def test_titles_from_employers(tx):
    assert tx.normalise("保洁员（公益性岗位）").occupation.category == "welfare"
    assert tx.normalise("招聘焊工5名").occupation.name == "焊工"
    assert tx.normalise("电子厂普工").occupation.name == "电子装配工"


def test_negated_skill_does_not_match(tx):
    assert tx.normalise("不会电焊") is None
    assert tx.normalise("没有技术") is None


@pytest.mark.parametrize("term", ["", "   ", "0", "123", "😀", "!!!", "（）", "a" * 10_000,
                                  "电焊" * 5_000, None, 42, "\x00\n\t"])
def test_odd_input_never_raises(tx, term):
    result = tx.normalise(term)
    assert result is None or isinstance(result, SkillMatch)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_raises(text):
    tx = load_taxonomy()
    match = tx.normalise(text)
    assert match is None or 0 < match.score <= 1.0
    tx.normalise_text(text)


def test_unknown_terms_are_counted(fresh_tx):
    assert fresh_tx.normalise("吃饭") is None
    assert fresh_tx.normalise("吃饭") is None  # cached, still counted
    assert fresh_tx.normalise("电焊") is not None
    assert fresh_tx.normalise("") is None
    assert fresh_tx.unknown_terms == {"吃饭": 2}


def test_cache_gives_same_result(fresh_tx):
    first = fresh_tx.normalise("会开叉车")
    assert fresh_tx.normalise("会开叉车") is first
    fresh_tx.cache_clear()
    assert fresh_tx.normalise("会开叉车") == first


# -- split_terms and normalise_text ------------------------------------------------

@pytest.mark.parametrize("text,terms", [
    ("电焊、叉车,家政，保洁;养猪；种茶/采茶 司机", ["电焊", "叉车", "家政", "保洁", "养猪",
                                           "种茶", "采茶", "司机"]),
    ("普工（电子、服装）", ["普工(电子、服装)"]),
    ("（电焊）、 ,, 、", ["电焊"]),
    ("“会开叉车”", ["会开叉车"]),
    ("电焊）", ["电焊"]),
    ("【电工】", ["电工"]),
    ("", []),
    ("   ", []),
])
def test_split_terms(tx, text, terms):
    assert tx.split_terms(text) == terms


def test_normalise_text_string(fresh_tx):
    matches, unknown = fresh_tx.normalise_text("会电焊、开叉车、打麻将、做家务")
    assert [m.occupation.name for m in matches] == ["焊工", "叉车司机", "家政服务员"]
    assert unknown == ["打麻将"]
    assert fresh_tx.unknown_terms["打麻将"] == 1


def test_normalise_text_list(tx):
    matches, unknown = tx.normalise_text(["电焊工", "氩弧焊、二保焊", "", "暂无"])
    assert [m.text for m in matches] == ["电焊工", "氩弧焊", "二保焊"]
    assert {m.occupation.code for m in matches} == {"6-18-02-04"}
    assert unknown == ["暂无"]


def test_normalise_text_empty(tx):
    assert tx.normalise_text("") == ([], [])
    assert tx.normalise_text([]) == ([], [])


# -- text cleaning ---------------------------------------------------------------------

def test_clean():
    assert textmod.clean("電焊 工（公益性岗位）") == "电焊工公益"
    assert textmod.clean("ＣＮＣ操机") == "cnc操机"


def test_filler_variants_keep_original_first():
    assert textmod.filler_variants("会计")[0] == "会计"
    assert textmod.filler_variants("有3年电焊经验")[-1] == "电焊"
