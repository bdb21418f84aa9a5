from collections import Counter

import pytest

from jobmatch.roster.reading import read_roster_table
from jobmatch.roster.records import households_of
from jobmatch.roster.synthetic import county_region_code, generate_roster, write_roster_csv
from jobmatch.roster.validation import validate_roster

from .conftest import problem_texts

SITES = ["威宁和谐安置点", "五里岗安置点"]


@pytest.fixture(scope="module")
def roster():
    return generate_roster("威宁彝族回族苗族自治县", SITES, 400, seed=7)


def test_region_code_comes_from_cpca():
    assert county_region_code("威宁彝族回族苗族自治县") == "520526"
    assert county_region_code("花垣县") == "433124"
    with pytest.raises(ValueError):
        county_region_code("不存在县")


@pytest.mark.parametrize(("encoding", "title"), [("utf-8-sig", None), ("gb18030", "威宁和谐安置点搬迁群众就业台账（2026年11月）")])
def test_every_generated_record_passes_validation_and_reads_back_equal(tmp_path, roster, encoding, title):
    path = tmp_path / "roster.csv"
    write_roster_csv(path, roster, encoding=encoding, title_row=title)
    validation = validate_roster(read_roster_table(path, "roster.csv"))
    assert problem_texts(validation) == []
    assert validation.records == roster


def test_the_same_seed_gives_the_same_roster_and_another_seed_another(roster):
    assert generate_roster("威宁彝族回族苗族自治县", SITES, 400, seed=7) == roster
    assert generate_roster("威宁彝族回族苗族自治县", SITES, 400, seed=8) != roster


def test_households_look_like_households(roster):
    households = households_of(roster)
    assert len(households) == 400
    assert all(1 <= len(members) <= 7 for members in households.values())
    assert all([m.relation for m in members].count("户主") == 1 for members in households.values())
    assert all(members[0].relation == "户主" for members in households.values())
    assert {r.settlement for r in roster} == set(SITES)
    assert all(r.id_number.startswith("520526") for r in roster)
    assert len({r.id_number for r in roster}) == len(roster)
    phones = [r.phone for r in roster if r.phone]
    assert len(set(phones)) == len(phones) < len(roster)


def test_employment_mix_is_mostly_employed_with_a_few_zero_employment_households():
    roster = generate_roster("花垣县", ["花垣阳光安置点"], 2000, seed=1)
    seekers = [r for r in roster if r.wants_work]
    employed = [r for r in seekers if r.employment_status != "unemployed"]
    assert 0.8 < len(employed) / len(seekers) < 0.95
    zero = [
        members for members in households_of(roster).values()
        if any(m.wants_work for m in members) and all(m.employment_status in (None, "unemployed") for m in members)
    ]  # fmt: skip
    assert 10 <= len(zero) <= 100
    statuses = Counter(r.employment_status for r in roster)
    assert statuses["within_county"] > statuses["welfare_post"] > 0
    assert any(r.disability != "none" for r in roster) and any(r.monitoring != "none" for r in roster)
    assert any("电焊" in r.skills or "会电焊" in r.skills for r in roster)
