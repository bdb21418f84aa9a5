import pytest

from jobmatch.roster.columns import COLUMNS, is_header_row, key_of_header


def test_columns_follow_roster_md_in_order():
    assert [column.header for column in COLUMNS] == [
        "户编号", "县区", "安置点", "姓名", "身份证号", "与户主关系", "手机号", "劳动能力", "就业意愿",
        "外出意愿", "通勤上限(公里)", "技能", "证书", "培训意愿", "期望月薪(元)", "就业状态", "就业单位",
        "月收入(元)", "残疾等级", "监测对象", "不能离开安置点原因", "备注",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "header",
    ["通勤上限(公里)", "通勤上限（公里）", "通勤上限公里", " 通勤上限（公里）\u3000", "通勤上限 (公里)", "max_commute_km", "MAX_COMMUTE_KM"],
)
def test_header_spellings_match_the_same_column(header):
    assert key_of_header(header) == "max_commute_km"


@pytest.mark.parametrize(("header", "key"), [("姓  名", "name"), ("身份证号*", "id_number"), ("户编号\n", "household_no")])
def test_spaces_inside_and_required_marks_are_ignored(header, key):
    assert key_of_header(header) == key


def test_unknown_headers_match_nothing():
    assert key_of_header("序号") is None


def test_a_header_row_needs_every_always_required_column():
    required = ["户编号", "县区", "安置点", "姓名", "身份证号", "与户主关系", "劳动能力"]
    assert is_header_row(required)
    assert not is_header_row(required[:-1])
    assert not is_header_row(["威宁和谐安置点搬迁群众就业台账（2024年10月）"])
