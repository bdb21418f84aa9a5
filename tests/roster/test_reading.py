import io
from datetime import date

import openpyxl
import pytest

from jobmatch.idnumber import make_id_number
from jobmatch.roster import reading
from jobmatch.roster.reading import RosterFileError, read_roster_table
from jobmatch.roster.validation import validate_roster

from .conftest import HEADERS, SAMPLE_ROSTER, person, problem_texts, write_csv

TITLE = "威宁和谐安置点搬迁群众就业台账（2024年10月）"


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_engine(request, monkeypatch):
    """Run xlsx tests through both readers: calamine when installed, openpyxl otherwise."""
    if request.param == "calamine":
        if reading.python_calamine is None:
            pytest.skip("python-calamine is not installed")
        monkeypatch.setattr(reading, "_xlsx_rows", reading._read_xlsx_with_calamine)
    else:
        monkeypatch.setattr(reading, "_xlsx_rows", reading._read_xlsx_with_openpyxl)
    return request.param


def make_xlsx(path, rows, title=TITLE, sheet_title="台账"):
    """An .xlsx as staff make it: a title row, the header, persons; values keep their Python type."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if title:
        sheet.append([title])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_the_shared_sample_is_valid():
    validation = validate_roster(read_roster_table(SAMPLE_ROSTER, "roster-sample.csv"))
    assert problem_texts(validation) == []
    assert len(validation.records) == 32
    first = validation.records[0]
    assert (first.name, first.phone, first.capacity, first.gender) == ("吴丽", "+8613975893910", "full", "female")
    assert first.birth_date == date(1981, 2, 27) and first.row == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_every_accepted_encoding(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [person(1), person(2, name="龙秀英")], encoding=encoding)
    table = read_roster_table(path, "r.csv")
    assert table.header_row == 1
    assert [(number, values["name"]) for number, values in table.rows] == [(2, "吴丽"), (3, "龙秀英")]


def test_gb18030_csv_with_a_title_row_above_the_header(tmp_path):
    path = write_csv(tmp_path / "r.csv", [person(1)], encoding="gb18030", title=TITLE)
    table = read_roster_table(path, "r.csv")
    assert table.header_row == 2
    assert table.rows[0][0] == 3
    assert validate_roster(table).records[0].county == "威宁彝族回族苗族自治县"


def test_csv_from_a_file_object_as_the_web_upload_passes_it(tmp_path):
    path = write_csv(tmp_path / "r.csv", [person(1)])
    table = read_roster_table(io.BytesIO(path.read_bytes()), "upload.CSV")
    assert table.rows[0][1]["name"] == "吴丽"


def test_empty_rows_are_skipped_but_row_numbers_stay_as_the_sheet_shows(tmp_path):
    blank = {header: "" for header in HEADERS}
    path = write_csv(tmp_path / "r.csv", [person(1), blank, person(2)])
    assert [number for number, _ in read_roster_table(path, "r.csv").rows] == [2, 4]


def test_headers_with_fullwidth_brackets_spaces_english_keys_and_extra_columns(tmp_path):
    path = tmp_path / "r.csv"
    header = ["序号", "household_no", "县 区", "安置点", "姓  名", "身份证号", "与户主关系", "劳动能力", "就业意愿", "就业状态", "通勤上限（公里）"]
    row = ["1", "H1", "花垣县", "花垣阳光安置点", "张英", make_id_number("433124", date(1980, 1, 1), 2), "户主", "强劳力", "是", "未就业", "5"]
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    record = validate_roster(read_roster_table(path, "r.csv")).records[0]
    assert (record.household_no, record.county, record.max_commute_km) == ("H1", "花垣县", 5.0)


def test_xlsx_with_title_row_and_numbers_where_text_was_meant(tmp_path, xlsx_engine):
    good = person(1)
    typed = person(2, name="龙秀英")
    values = [list(good.values()), list(typed.values())]
    values[1][HEADERS.index("手机号")] = 13975893902  # a phone typed as a number
    values[1][HEADERS.index("期望月薪(元)")] = 3500.0
    values[1][HEADERS.index("通勤上限(公里)")] = 7.5
    path = make_xlsx(tmp_path / "r.xlsx", values)
    table = read_roster_table(path, "r.xlsx")
    assert table.header_row == 2 and table.sheet == "台账"
    validation = validate_roster(table)
    assert problem_texts(validation) == []
    second = validation.records[1]
    assert (second.row, second.phone, second.wage_expectation, second.max_commute_km) == (4, "+8613975893902", 3500, 7.5)


def test_an_id_number_stored_as_a_number_in_xlsx_is_reported_not_trusted(tmp_path, xlsx_engine):
    values = list(person(1).values())
    values[HEADERS.index("身份证号")] = 520526198102276809  # Excel keeps only 15 digits of it
    path = make_xlsx(tmp_path / "r.xlsx", [values])
    validation = validate_roster(read_roster_table(path, "r.xlsx"))
    assert [str(p).split("：")[0] for p in validation.problems] == ["row 3, column 身份证号: 读到的是「520526198102276800」"]
    assert "请把该列设为文本格式" in validation.problems[0].message
    assert validation.records == []


def test_xlsx_named_sheet_and_file_object(tmp_path, xlsx_engine):
    workbook = openpyxl.Workbook()
    workbook.active.append(["说明：本表为示例"])
    second = workbook.create_sheet("十一月")
    second.append(HEADERS)
    second.append(list(person(1).values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    table = read_roster_table(buffer, "台账.xlsx", sheet="十一月")
    assert (table.sheet, table.header_row, table.rows[0][0]) == ("十一月", 1, 2)
    with pytest.raises(RosterFileError, match="没有名为「十二月」的工作表"):
        buffer.seek(0)
        read_roster_table(buffer, "台账.xlsx", sheet="十二月")


@pytest.mark.parametrize(
    ("filename", "message"),
    [("台账.et", "不支持 .et 格式"), ("台账.xls", "不是 .xls 格式"), ("台账.txt", "无法识别的文件类型"),
     ("台账", "无法识别的文件类型")],
)
def test_unknown_extensions_are_refused(tmp_path, filename, message):
    with pytest.raises(RosterFileError, match=message):
        read_roster_table(io.BytesIO(b"x"), filename)


def test_a_broken_xlsx_is_refused(xlsx_engine):
    with pytest.raises(RosterFileError, match="文件已损坏或不是 .xlsx 格式"):
        read_roster_table(io.BytesIO(b"not a zip file"), "台账.xlsx")


def test_a_file_without_a_header_row_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,身份证号\n吴丽,520526198102276809\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="找不到表头行"):
        read_roster_table(path, "r.csv")


def test_a_csv_in_no_known_encoding_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xff\xfe\xff\xfe\x00\x81")
    with pytest.raises(RosterFileError, match="无法识别 CSV 文件的编码"):
        read_roster_table(path, "r.csv")


def test_a_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(",".join(HEADERS + ["手机号"]) + "\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="「手机号」出现了多次（第 G、W 列）"):
        read_roster_table(path, "r.csv")


def test_an_old_xls_file_is_read_like_an_xlsx():
    """Township offices still save Excel 97-2003 files: title row, text ID numbers."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("台账")
    sheet.write(0, 0, TITLE)
    for column, header in enumerate(HEADERS):
        sheet.write(1, column, header)
    people = [person(1), person(2, relation="配偶", phone="")]
    for row, values in enumerate(people, start=2):
        for column, value in enumerate(values.values()):
            sheet.write(row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert buffer.getvalue()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # a real OLE2 .xls, not an .xlsx renamed

    table = read_roster_table(io.BytesIO(buffer.getvalue()), "十一月台账.xls")
    validation = validate_roster(table)
    assert (table.header_row, [row for row, _ in table.rows]) == (2, [3, 4])
    assert not validation.problems
    assert [r.id_number for r in validation.records] == [people[0]["身份证号"], people[1]["身份证号"]]


def test_a_gbk_csv_whose_first_non_ascii_byte_comes_after_a_megabyte_is_read_as_gbk(tmp_path):
    """The CSV is streamed; its encoding is settled over the whole file first, not its first chunk."""
    from jobmatch.roster.columns import COLUMNS

    ascii_row = [f"H{seq}" if column.key == "household_no" else "x" * 100 for seq, column in
                 zip(range(len(COLUMNS)), COLUMNS)]
    lines = [",".join(column.key for column in COLUMNS)] + [",".join(ascii_row)] * 600
    lines.append(",".join("龙秀英" if column.key == "name" else "x" for column in COLUMNS))
    path = tmp_path / "r.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    assert path.read_bytes()[: 1 << 20].isascii()
    rows = list(reading.open_roster_rows(path, "r.csv").rows)
    assert (rows[-1][0], rows[-1][1]["name"]) == (602, "龙秀英")


def test_an_xlsx_whose_table_starts_in_column_b_keeps_its_columns(tmp_path, xlsx_engine):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([None, TITLE])
    sheet.append([None, *HEADERS])
    sheet.append([None, *person(1).values()])
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    stream = reading.open_roster_rows(path, "r.xlsx")
    assert stream.header_row == 2 and stream.columns["household_no"] == 1
    assert [(number, values["name"]) for number, values in stream.rows] == [(3, "吴丽")]
