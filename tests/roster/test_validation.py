"""Every rule of roster.md, each with a bad file and the exact `row N, column X:` it reports."""

from datetime import date

import pytest

from jobmatch.idnumber import check_digit, make_id_number

from .conftest import person, problem_texts

REQUIRED = [
    ("household_no", "户编号"), ("county", "县区"), ("settlement", "安置点"), ("name", "姓名"),
    ("id_number", "身份证号"), ("relation", "与户主关系"), ("capacity", "劳动能力"),
]  # fmt: skip


def test_a_valid_row_becomes_a_typed_record(validate_rows):
    validation = validate_rows([person(1, phone="+86 139-7589-3901", wants_work="否", skills="会电焊，开叉车 家政/茶叶；采茶")])
    assert problem_texts(validation) == [] and validation.is_valid
    record = validation.records[0]
    assert record.phone == "+8613975893901"
    assert (record.capacity, record.wants_work, record.mobility) == ("full", False, "county")
    assert record.skills == ("会电焊", "开叉车", "家政", "茶叶", "采茶")
    assert record.training_wishes == ("电商直播",) and record.certificates == ()
    assert (record.employment_status, record.employer_name, record.monthly_income) == ("within_county", "某某公司", 3200)
    assert (record.disability, record.monitoring, record.notes) == ("none", "none", None)
    assert (record.gender, record.birth_date, record.row) == ("male", date(1981, 2, 27), 2)


@pytest.mark.parametrize(("key", "header"), REQUIRED)
def test_required_columns_must_be_filled(validate_rows, key, header):
    validation = validate_rows([person(1), person(2, **{key: ""})])
    assert problem_texts(validation) == [f"row 3, column {header}: 必填，不能为空"]
    assert [record.row for record in validation.records] == [2]


@pytest.mark.parametrize(("key", "header"), [("wants_work", "就业意愿"), ("employment_status", "就业状态")])
def test_wish_and_status_are_required_unless_the_person_cannot_work(validate_rows, key, header):
    validation = validate_rows([person(1, capacity="半劳力", **{key: ""}), person(2, capacity="无劳动能力", **{key: ""})])
    assert problem_texts(validation) == [f"row 2, column {header}: 劳动能力不是「无劳动能力」时必填，不能为空"]


def test_a_person_without_capacity_may_leave_work_columns_empty(validate_rows):
    empty = dict.fromkeys(["wants_work", "mobility", "max_commute_km", "employment_status", "employer", "monthly_income"], "")
    record = validate_rows([person(1, capacity="无劳动能力", **empty)]).records[0]
    assert (record.capacity, record.wants_work, record.employment_status, record.employer_name) == ("none", None, None, None)


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("520526198102276807", "校验位应为 9，实为 7"),
        ("5205261981022768", "应为 18 位，实为 16 位"),
        ("52052619810227680Z", "末位应为数字或 X，实为 Z"),
        ("5.20526E+17", "读到的是「5.20526E+17」：身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本格式后重新填写"),
    ],
)
def test_id_number_format_and_check_digit(validate_rows, id_number, message):
    validation = validate_rows([person(1, id_number=id_number)])
    assert problem_texts(validation) == [f"row 2, column 身份证号: {message}"]


def test_id_number_birth_date_must_be_a_real_date(validate_rows):
    first17 = "520526" + "19810229" + "123"  # 1981 was not a leap year
    validation = validate_rows([person(1, id_number=first17 + check_digit(first17))])
    assert problem_texts(validation) == ["row 2, column 身份证号: 出生日期 19810229 不是真实的日期"]


def test_a_lower_case_x_is_accepted_and_stored_upper_case(validate_rows):
    validation = validate_rows([person(1, id_number="43312419881011169x")])
    assert validation.records[0].id_number == "43312419881011169X"


def test_the_same_id_twice_in_one_file_reports_both_rows(validate_rows):
    same = make_id_number("520526", date(1990, 1, 1), 5)
    rows = [person(1, id_number=same), person(2), person(3, id_number=same.lower(), household_no="H00002", relation="户主")]
    validation = validate_rows(rows)
    assert problem_texts(validation) == [
        "row 2, column 身份证号: 与第 4 行的身份证号重复，同一人只能登记一次",
        "row 4, column 身份证号: 与第 2 行的身份证号重复，同一人只能登记一次",
    ]
    assert [record.row for record in validation.records] == [3]
    assert validation.invalid_households == {("威宁彝族回族苗族自治县", "H00001"), ("威宁彝族回族苗族自治县", "H00002")}


@pytest.mark.parametrize(
    ("key", "header", "value", "allowed"),
    [
        ("relation", "与户主关系", "老婆", "户主、配偶、子女、儿子、女儿、父母、父亲、母亲、孙子女、兄弟姐妹、其他"),
        ("capacity", "劳动能力", "强", "强劳力、半劳力、弱劳力、无劳动能力、普通劳动力"),
        ("wants_work", "就业意愿", "有", "是、否"),
        ("mobility", "外出意愿", "省外", "仅安置点附近、县内、省内、不限"),
        ("employment_status", "就业状态", "打工", "未就业、县内务工、省内县外务工、省外务工、帮扶车间、公益性岗位、灵活就业、自主创业、以工代赈"),
        ("disability", "残疾等级", "五级", "无、一级、二级、三级、四级"),
        ("monitoring", "监测对象", "低保户", "无、脱贫不稳定户、边缘易致贫户、突发严重困难户"),
    ],
)
def test_values_must_come_from_the_vocabulary(validate_rows, key, header, value, allowed):
    validation = validate_rows([person(1, **{key: value})])
    noun = "关系" if key == "relation" else header
    assert problem_texts(validation) == [f"row 2, column {header}: 「{value}」不是可填的{noun}，可填：{allowed}"]


def test_synonyms_and_stray_spaces_in_labels_are_accepted(validate_rows):
    record = validate_rows([person(1, capacity="普通劳动力", mobility=" 县 内 ")]).records[0]
    assert (record.capacity, record.mobility) == ("full", "county")


@pytest.mark.parametrize(
    ("phone", "reason"),
    [("010-12345678", "不是手机号，收不到短信"), ("1397589391", "号码位数或号段不对"), ("12345678901", "号码位数或号段不对")],
)
def test_phone_must_be_a_chinese_mobile_number(validate_rows, phone, reason):
    validation = validate_rows([person(1, phone=phone)])
    assert problem_texts(validation) == [f"row 2, column 手机号: 「{phone}」不是有效的手机号：{reason}"]


@pytest.mark.parametrize(("text", "kilometres"), [("5", 5.0), ("5.5", 5.5), ("0", 0.0), ("５公里", 5.0), ("12km", 12.0)])
def test_commute_limit_accepted_spellings(validate_rows, text, kilometres):
    assert validate_rows([person(1, max_commute_km=text)]).records[0].max_commute_km == kilometres


@pytest.mark.parametrize(
    ("text", "message"),
    [("-3", "不能为负数，实为「-3」"), ("很远", "应为公里数（不小于 0 的数字），实为「很远」"), ("nan", "应为公里数（不小于 0 的数字），实为「nan」")],
)
def test_commute_limit_must_be_a_number_not_below_zero(validate_rows, text, message):
    validation = validate_rows([person(1, max_commute_km=text)])
    assert problem_texts(validation) == [f"row 2, column 通勤上限(公里): {message}"]


@pytest.mark.parametrize(("text", "yuan"), [("3500", 3500), ("3,500", 3500), ("3500.0", 3500), ("3500元", 3500), ("０", 0)])
def test_money_accepted_spellings(validate_rows, text, yuan):
    record = validate_rows([person(1, wage_expectation=text, monthly_income=text)]).records[0]
    assert (record.wage_expectation, record.monthly_income) == (yuan, yuan)


@pytest.mark.parametrize(("key", "header"), [("wage_expectation", "期望月薪(元)"), ("monthly_income", "月收入(元)")])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3500.5", "应为整数（元），如 3500，实为「3500.5」"),
        ("3000-4000", "应为整数（元），如 3500，实为「3000-4000」"),
        ("3,50", "应为整数（元），如 3500，实为「3,50」"),
        ("-100", "不能为负数，实为「-100」"),
    ],
)
def test_money_must_be_whole_yuan_not_below_zero(validate_rows, key, header, text, message):
    validation = validate_rows([person(1, **{key: text})])
    assert problem_texts(validation) == [f"row 2, column {header}: {message}"]


def test_a_household_whose_rows_disagree_on_county(validate_rows):
    rows = [person(1), person(2), person(3, county="花垣县"), person(4)]
    validation = validate_rows(rows)
    assert problem_texts(validation) == [
        "row 4, column 县区: 同一户（户编号 H00001）的县区应一致：第 2 行为「威宁彝族回族苗族自治县」，本行为「花垣县」"
    ]
    assert validation.invalid_households == {("威宁彝族回族苗族自治县", "H00001"), ("花垣县", "H00001")}
    assert [record.row for record in validation.records] == [2, 3, 5]


def test_a_household_whose_rows_disagree_on_settlement(validate_rows):
    validation = validate_rows([person(1), person(2, settlement="五里岗安置点")])
    assert problem_texts(validation) == [
        "row 3, column 安置点: 同一户（户编号 H00001）的安置点应一致：第 2 行为「威宁和谐安置点」，本行为「五里岗安置点」"
    ]


def test_the_same_household_number_in_two_counties_is_two_households(validate_rows):
    rows = [person(1), person(2, county="花垣县", settlement="花垣阳光安置点", household_no="H00002"),
            person(3, county="花垣县", settlement="花垣阳光安置点", relation="户主")]  # fmt: skip
    assert problem_texts(validate_rows(rows)) == []


def test_a_household_number_given_to_two_households_in_one_county(validate_rows):
    rows = [person(1), person(2), person(3, household_no="H00002", relation="户主"), person(4, relation="户主", name="杨光")]
    validation = validate_rows(rows)
    assert problem_texts(validation) == [
        "row 5, column 户编号: 户编号 H00001 在威宁彝族回族苗族自治县已有户主（第 2 行 吴丽），"
        "一个县区内一个户编号只能对应一户：请核对户编号或与户主关系"
    ]
    assert validation.invalid_households == {("威宁彝族回族苗族自治县", "H00001")}


def test_every_problem_is_collected_in_row_then_column_order(validate_rows):
    rows = [person(1, phone="123", capacity="强", monitoring="?"), person(2, name="", max_commute_km="-1")]
    assert [p.split(":")[0] for p in problem_texts(validate_rows(rows))] == [
        "row 2, column 手机号", "row 2, column 劳动能力", "row 2, column 监测对象",
        "row 3, column 姓名", "row 3, column 通勤上限(公里)",
    ]  # fmt: skip


def test_a_missing_optional_column_is_fine_but_a_missing_conditional_one_is_reported_per_row(tmp_path):
    from jobmatch.roster.reading import read_roster_table
    from jobmatch.roster.validation import validate_roster

    path = tmp_path / "r.csv"
    header = "户编号,县区,安置点,姓名,身份证号,与户主关系,劳动能力,就业意愿"
    line = f"H1,花垣县,花垣阳光安置点,张英,{make_id_number('433124', date(1980, 1, 1), 2)},户主,强劳力,是"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    validation = validate_roster(read_roster_table(path, "r.csv"))
    assert problem_texts(validation) == ["row 2, column 就业状态: 劳动能力不是「无劳动能力」时必填，不能为空"]


def test_names_lose_the_spaces_used_to_align_them(validate_rows):
    assert validate_rows([person(1, name="吴  丽")]).records[0].name == "吴丽"
