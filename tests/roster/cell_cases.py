"""Roster cells as staff type them, with what shared/formats/roster.md makes of each.

``BAD_CELLS``: (column key, cell text, the problems reported for it, in order); ``ACCEPTED_CELLS``:
(column key, cell text, the value the record holds). Each case is one cell of an otherwise valid
row (tests/roster/conftest.py ``person``: capacity 强劳力, so 就业意愿 and 就业状态 are required).
"""

from jobmatch.idnumber import check_digit

_LOST_DIGITS = "身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本格式后重新填写"
_LEAP_DAY_1981 = "52052619810229123"
_YEAR_3000 = "52052630000101123"

BAD_CELLS: list[tuple[str, str, tuple[str, ...]]] = [
    *[(key, "", ("必填，不能为空",)) for key in
      ("household_no", "county", "settlement", "name", "id_number", "relation", "capacity")],
    ("wants_work", "", ("劳动能力不是「无劳动能力」时必填，不能为空",)),
    ("employment_status", "", ("劳动能力不是「无劳动能力」时必填，不能为空",)),
    ("id_number", "5.20526E+17", (f"读到的是「5.20526E+17」：{_LOST_DIGITS}",)),
    ("id_number", "5.20526e17", (f"读到的是「5.20526e17」：{_LOST_DIGITS}",)),
    ("id_number", _LEAP_DAY_1981 + check_digit(_LEAP_DAY_1981), ("出生日期 19810229 不是真实的日期",)),
    ("id_number", _YEAR_3000 + check_digit(_YEAR_3000), ("出生日期 3000-01-01 晚于今天",)),
    ("id_number", "520526198102276807", ("校验位应为 9，实为 7",)),
    ("id_number", "5205261981022768", ("应为 18 位，实为 16 位",)),
    ("id_number", "52052619810227680Z", ("末位应为数字或 X，实为 Z",)),
    ("id_number", "５２０５２６１９８１０２２７６８０９", ("前 17 位应全是数字",)),
    ("id_number", "52O526198102276809", ("前 17 位应全是数字",)),
    ("id_number", "520526-19810227-6809", ("应为 18 位，实为 20 位",)),
    ("id_number", "X20526198102276809", ("前 17 位应全是数字",)),
    ("id_number", "5205261981022768091", ("应为 18 位，实为 19 位",)),
    ("relation", "老婆", ("「老婆」不是可填的关系，可填：户主、配偶、子女、儿子、女儿、父母、父亲、母亲、孙子女、兄弟姐妹、其他",)),
    ("relation", "Head", ("「Head」不是可填的关系，可填：户主、配偶、子女、儿子、女儿、父母、父亲、母亲、孙子女、兄弟姐妹、其他",)),
    ("phone", "12345", ("「12345」不是有效的手机号：号码位数或号段不对",)),
    ("phone", "10075893901", ("「10075893901」不是有效的手机号：号码位数或号段不对",)),
    ("phone", "01088888888", ("「01088888888」不是有效的手机号：不是手机号，收不到短信",)),
    ("phone", "abc", ("「abc」不是有效的手机号：无法识别的号码（The string supplied did not seem to be a phone number.）",)),
    ("capacity", "强", ("「强」不是可填的劳动能力，可填：强劳力、半劳力、弱劳力、无劳动能力、普通劳动力",)),
    ("capacity", "full", ("「full」不是可填的劳动能力，可填：强劳力、半劳力、弱劳力、无劳动能力、普通劳动力",)),
    ("wants_work", "Y", ("「Y」不是可填的就业意愿，可填：是、否",)),
    ("wants_work", "是的", ("「是的」不是可填的就业意愿，可填：是、否",)),
    ("mobility", "全国", ("「全国」不是可填的外出意愿，可填：仅安置点附近、县内、省内、不限",)),
    ("max_commute_km", "-3", ("不能为负数，实为「-3」",)),
    ("max_commute_km", "很远", ("应为公里数（不小于 0 的数字），实为「很远」",)),
    ("max_commute_km", "inf", ("应为公里数（不小于 0 的数字），实为「inf」",)),
    ("max_commute_km", "nan", ("应为公里数（不小于 0 的数字），实为「nan」",)),
    ("wage_expectation", "3000-4000", ("应为整数（元），如 3500，实为「3000-4000」",)),
    ("wage_expectation", "-3500", ("不能为负数，实为「-3500」",)),
    ("wage_expectation", "3500.5", ("应为整数（元），如 3500，实为「3500.5」",)),
    ("wage_expectation", "面议", ("应为整数（元），如 3500，实为「面议」",)),
    ("wage_expectation", "1,2345", ("应为整数（元），如 3500，实为「1,2345」",)),
    ("monthly_income", "两千", ("应为整数（元），如 3500，实为「两千」",)),
    ("monthly_income", "-1", ("不能为负数，实为「-1」",)),
    ("employment_status", "打工", ("「打工」不是可填的就业状态，可填：未就业、县内务工、省内县外务工、省外务工、帮扶车间、公益性岗位、灵活就业、自主创业、以工代赈",)),
    ("disability", "五级", ("「五级」不是可填的残疾等级，可填：无、一级、二级、三级、四级",)),
    ("monitoring", "是", ("「是」不是可填的监测对象，可填：无、脱贫不稳定户、边缘易致贫户、突发严重困难户",)),
    ("cannot_leave_reason", "带孩子", ("「带孩子」不是可填的不能离开安置点原因，可填：照料老人、照料子女、照料病残家人、本人残疾或患病、其他",)),
]

ACCEPTED_CELLS: list[tuple[str, str, object]] = [
    ("id_number", "520526198102276809 ", "520526198102276809"),
    ("id_number", "43312419881011169x", "43312419881011169X"),
    ("relation", "户 主", "户主"),
    ("relation", "子 女", "子女"),
    ("phone", "139 7589 3901", "+8613975893901"),
    ("phone", "+86 139-7589-3901", "+8613975893901"),
    ("phone", "8613975893901", "+8613975893901"),
    ("phone", "+8613975893901", "+8613975893901"),
    ("phone", "１３９７５８９３９０１", "+8613975893901"),
    ("phone", "1397589390１", "+8613975893901"),  # one full-width digit: read as 1, not stored as typed
    ("capacity", "普通劳动力", "full"),
    ("capacity", "强 劳 力", "full"),
    ("wants_work", " 否", False),
    ("mobility", "县 内", "county"),
    ("max_commute_km", "５公里", 5.0),
    ("max_commute_km", "5km", 5.0),
    ("max_commute_km", "5.5", 5.5),
    ("max_commute_km", "1e3", 1000.0),
    ("max_commute_km", "10 公里", 10.0),
    ("max_commute_km", "５", 5.0),
    ("max_commute_km", ".5", 0.5),
    ("max_commute_km", "5.", 5.0),
    ("wage_expectation", "3,500", 3500),
    ("wage_expectation", "3500元", 3500),
    ("wage_expectation", "3500.0", 3500),
    ("wage_expectation", "３５００", 3500),
    ("wage_expectation", "0", 0),
    ("wage_expectation", "007", 7),
    ("monthly_income", "1,800", 1800),
    ("monthly_income", "2000 元", 2000),
    ("employment_status", "县内 务工", "within_county"),
    ("disability", "一 级", "1"),
    ("monitoring", "边缘易致贫户", "marginal"),
    ("cannot_leave_reason", "照料老人", "caring_elders"),
    ("name", "吴 丽", "吴丽"),
    ("name", "阿依·古丽", "阿依·古丽"),
    ("name", "Li  Ming", "Li Ming"),
    ("name", "吴\u3000丽", "吴丽"),
    ("skills", "会电焊，开叉车 家政/茶叶；采茶", ("会电焊", "开叉车", "家政", "茶叶", "采茶")),
    ("skills", "电焊、电焊", ("电焊",)),
    ("skills", "、、", ()),
]
