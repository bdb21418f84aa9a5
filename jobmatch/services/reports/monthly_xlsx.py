"""The county monthly report written as .xlsx in the layout county offices keep (one sheet per part)."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, PatternFill, Side

from jobmatch.clock import LOCAL_TZ, local_today
from jobmatch.models.employment import SubsidyStatus
from jobmatch.services.coverage.sheet import write_coverage_sheet
from jobmatch.services.reports.monthly import MonthlyReport
from jobmatch.spreadsheets import HEADER_FONT, TITLE_FONT, set_column_widths, write_cell
from jobmatch.vocabulary import EMPLOYMENT_LABELS, MONITORING_LABELS, SPELL_KINDS
from jobmatch.vocabulary import county as county_words

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NO_DATA = "无数据"  # a rate with nothing to divide by: not 0 %


def write_report_xlsx(report: MonthlyReport, target, *, filed_by: str = "") -> None:
    """The report as .xlsx: one sheet per part, each ending with the lines a county office signs
    (填报单位, 填报人, 审核人, 填报日期) and set up to print on A4 landscape with its header rows repeated."""
    workbook = Workbook()
    period = f"{report.year}年{report.month}月"
    _employment_sheet(workbook.active, report, period)
    _zero_employment_sheet(workbook.create_sheet("零就业家庭"), report, period)
    _welfare_sheet(workbook.create_sheet("公益性岗位"), report, period)
    _fairs_sheet(workbook.create_sheet("招聘会"), report, period)
    _training_sheet(workbook.create_sheet("培训"), report, period)
    _subsidy_sheet(workbook.create_sheet("就业补贴"), report, period)
    _monitoring_sheet(workbook.create_sheet("防返贫监测"), report, period)
    write_coverage_sheet(workbook.create_sheet("覆盖情况"), report.coverage, county_name=report.county.name,
                         period=period, as_of=report.as_of)
    _monitored_summary_sheet(workbook.create_sheet("监测户汇总"), report, period)
    for sheet in workbook.worksheets:
        _filing_lines(sheet, report, filed_by)
        _print_setup(sheet)
    workbook.save(target)


def _employment_sheet(sheet, report: MonthlyReport, period: str) -> None:
    sheet.title = "就业情况"
    headers = (["安置点", "户数", "劳动力人数", "已就业人数", "就业率"]
               + [EMPLOYMENT_LABELS[k] for k in SPELL_KINDS]
               + ["零就业家庭户数", "本月回访户数", "防返贫监测户数", "其中本月已回访",
                  "本月新增就业人数", "本年累计新增就业人数", "本月新增零就业家庭户数", "本年累计回访户次"])
    _title(sheet, f"{report.county.name}易地扶贫搬迁安置点就业情况月报（{period}，截至{report.as_of:%Y-%m-%d}）",
           len(headers))
    _header(sheet, 3, headers)
    rows = report.settlements + [report.total]
    for offset, row in enumerate(rows):
        values = ([row.name, row.households, row.labourers, row.employed, row.rate]
                  + [row.by_kind.get(k, 0) for k in SPELL_KINDS]
                  + [row.zero_employment, row.followed_up, row.monitored, row.monitored_followed_up,
                     row.newly_employed, row.newly_employed_this_year, row.zero_employment_new,
                     row.follow_ups_this_year])
        if not row.has_data:  # the month ended before anything of the site was recorded
            values = [row.name, *([NO_DATA] * (len(headers) - 1))]
        elif row.rate is None:
            values[4] = NO_DATA
        _row(sheet, 4 + offset, values, bold=row is rows[-1])
        sheet.cell(4 + offset, 5).number_format = "0.0%"
    write_cell(sheet, 2, 1, "已就业人数、就业率、零就业家庭为月末数；本月新增就业：月末在岗、上月末未在岗；"
               "本年累计新增就业：月末在岗、上年末未在岗；回访含上门走访、电话和短信。")
    set_column_widths(sheet, [22] + [12] * (len(headers) - 1))


def _zero_employment_sheet(sheet, report, period) -> None:
    headers = ["序号", "安置点", "户编号", "劳动力人数", "列入日期"]
    _title(sheet, f"{report.county.name}零就业家庭名单（{period}，截至{report.as_of:%Y-%m-%d}）", len(headers))
    _header(sheet, 3, headers)
    for index, household in enumerate(report.zero_employment_households, start=1):
        since = household.since
        _row(sheet, 3 + index, [index, household.settlement, household.household_no, household.labourers,
                                since.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if since else ""])
    if not report.zero_employment_households:
        write_cell(sheet, 4, 1, "本月无零就业家庭")
    set_column_widths(sheet, [8, 22, 18, 12, 14])


def _welfare_sheet(sheet, report, period) -> None:
    headers = ["安置点", "岗位", "设岗数", "在岗人数", "月补贴标准（元）", "本月补贴合计（元）"]
    _title(sheet, f"{report.county.name}公益性岗位及补贴（{period}）", len(headers))
    _header(sheet, 3, headers)
    for index, post in enumerate(report.welfare_posts):
        _row(sheet, 4 + index, [post["settlement"], post["title"], post["quota"], post["filled"],
                                post["monthly_subsidy"], post["subsidy_total"]])
    total_row = 4 + len(report.welfare_posts)
    _row(sheet, total_row, ["合计", "", sum(p["quota"] for p in report.welfare_posts),
                            sum(p["filled"] for p in report.welfare_posts), "",
                            sum(p["subsidy_total"] for p in report.welfare_posts)], bold=True)
    set_column_widths(sheet, [22, 26, 10, 10, 16, 18])


def _fairs_sheet(sheet, report, period) -> None:
    headers = ["日期", "招聘会", "地点", "岗位数", "到场人数", "达成意向"]
    _title(sheet, f"{report.county.name}专场招聘会（{period}）", len(headers))
    _header(sheet, 3, headers)
    for index, fair in enumerate(report.fairs):
        counts = report.fair_counts.get(fair.id, {"checked_in": 0, "agreed": 0})
        _row(sheet, 4 + index, [fair.held_on.isoformat(), fair.name, fair.place, len(fair.vacancies),
                                counts["checked_in"], counts["agreed"]])
    if not report.fairs:
        write_cell(sheet, 4, 1, "本月无招聘会")
    set_column_widths(sheet, [12, 34, 26, 10, 10, 10])


def _training_sheet(sheet, report, period) -> None:
    headers = ["培训班", "工种", "开课日期", "结课日期", "名额", "报名人数", "结业人数", "其中本月结业", "取得证书",
               "考核合格", "本月培训及鉴定补贴（元）"]
    _title(sheet, f"{report.county.name}技能培训情况（{period}）", len(headers))
    _header(sheet, 3, headers)
    keys = ("enrolled", "completed", "completed_this_month", "certified", "passed", "subsidy")
    for index, line in enumerate(report.training):
        _row(sheet, 4 + index, [line["name"], line["skill"], line["starts_on"].isoformat(), line["ends_on"].isoformat(),
                                line["capacity"], *(line[k] for k in keys)])
    total_row = 4 + len(report.training)
    _row(sheet, total_row, ["合计", "", "", "", sum(t["capacity"] for t in report.training),
                            *(sum(t[k] for t in report.training) for k in keys)], bold=True)
    demand = report.training_demand or {"unmet": 0, "turned_away": 0}
    write_cell(sheet, total_row + 1, 1, f"月末培训需求未满足：{demand['unmet']}人（其中因名额已满未能报名"
                                        f"{demand['turned_away']}人）")
    write_cell(sheet, 2, 1, "有一技之长须取得证书、考核合格或经工作人员写明理由确认；只结业不计。")
    set_column_widths(sheet, [28, 16, 12, 12, 8, 10, 10, 12, 10, 10, 16])


def _subsidy_sheet(sheet, report, period) -> None:
    labels = county_words.SUBSIDY_STATUS_LABELS
    headers = ["用人单位", "吸纳搬迁群众（人）", f"{labels[SubsidyStatus.PAYABLE]}（人）", "补贴金额（元）",
               f"{labels[SubsidyStatus.PENDING]}（人）", f"{labels[SubsidyStatus.REFUSED]}（人）"]
    _title(sheet, f"{report.county.name}企业吸纳就业补贴（{period}，截至{report.as_of:%Y-%m-%d}）", len(headers))
    write_cell(sheet, 2, 1, "每吸纳一名搬迁群众，签订一年以上劳动合同并缴纳社会保险、稳定就业满六个月，补贴1000元。")
    _header(sheet, 3, headers)
    keys = ("hires", SubsidyStatus.PAYABLE, "amount", SubsidyStatus.PENDING, SubsidyStatus.REFUSED)
    for index, line in enumerate(report.hiring_subsidies):
        _row(sheet, 4 + index, [line["employer"], *(line[k] for k in keys)])
    _row(sheet, 4 + len(report.hiring_subsidies),
         ["合计", *(sum(line[k] for line in report.hiring_subsidies) for k in keys)], bold=True)
    set_column_widths(sheet, [34, 16, 16, 14, 16, 16])


def _monitoring_sheet(sheet, report, period) -> None:
    headers = ["序号", "安置点", "户编号", "监测类型", "本月回访", "本月预警次数"]
    _title(sheet, f"{report.county.name}防返贫监测户（{period}，截至{report.as_of:%Y-%m-%d}）", len(headers))
    write_cell(sheet, 2, 1, "监测户每月回访，登记就业状态、帮扶需求和培训意愿；家庭成员失业、收入低于监测线或成为零就业家庭时当天预警。")
    _header(sheet, 3, headers)
    for index, line in enumerate(report.monitored_households, start=1):
        _row(sheet, 3 + index, [index, line.settlement, line.household_no, MONITORING_LABELS[line.category],
                                "是" if line.followed_up else "否", line.alerts])
    lines = report.monitored_households
    _row(sheet, 4 + len(lines), ["合计", "", f"{len(lines)}户", "", sum(m.followed_up for m in lines),
                                 sum(m.alerts for m in lines)], bold=True)
    set_column_widths(sheet, [8, 22, 18, 16, 10, 14])


def _filing_lines(sheet, report, filed_by: str) -> None:
    """填报单位, 填报人, 审核人 and 填报日期 two rows below the table (审核人 left blank to sign)."""
    row = sheet.max_row + 2
    write_cell(sheet, row, 1, f"填报单位：{report.county.name}人力资源和社会保障局")
    write_cell(sheet, row + 1, 1, f"填报人：{filed_by}")
    write_cell(sheet, row + 1, 3, "审核人：")
    write_cell(sheet, row + 1, 5, f"填报日期：{local_today():%Y年%m月%d日}")


def _print_setup(sheet) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:3"  # the title and the header row on every page


def _title(sheet, text, width) -> None:
    write_cell(sheet, 1, 1, text, font=TITLE_FONT, alignment=Alignment(horizontal="center"))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header(sheet, row, headers) -> None:
    for column, text in enumerate(headers, start=1):
        write_cell(sheet, row, column, text, font=HEADER_FONT, fill=_HEADER_FILL, border=_BORDER,
                   alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))


def _row(sheet, row, values, bold=False) -> None:
    for column, value in enumerate(values, start=1):
        write_cell(sheet, row, column, value, border=_BORDER, font=HEADER_FONT if bold else None)


def _monitored_summary_sheet(sheet, report, period) -> None:
    """The monitored households counted per category, with their labourers' employment at the month's end."""
    headers = ["监测类型", "户数", "劳动力人数", "已就业人数", "就业率", "无人就业户数", "本月已回访户数", "本月预警次数"]
    _title(sheet, f"{report.county.name}防返贫监测户就业情况汇总（{period}，截至{report.as_of:%Y-%m-%d}）", len(headers))
    _header(sheet, 3, headers)
    counts = report.monitored_by_category
    for offset, line in enumerate(counts):
        rate = line.employed / line.labourers if line.labourers else NO_DATA
        _row(sheet, 4 + offset, [MONITORING_LABELS[line.category], line.households, line.labourers, line.employed,
                                 rate, line.without_work, line.followed_up, line.alerts])
        sheet.cell(4 + offset, 5).number_format = "0.0%"
    labourers, employed = sum(c.labourers for c in counts), sum(c.employed for c in counts)
    total_row = 4 + len(counts)
    _row(sheet, total_row, ["合计", sum(c.households for c in counts), labourers, employed,
                            employed / labourers if labourers else NO_DATA, sum(c.without_work for c in counts),
                            sum(c.followed_up for c in counts), sum(c.alerts for c in counts)], bold=True)
    sheet.cell(total_row, 5).number_format = "0.0%"
    set_column_widths(sheet, [18, 10, 12, 12, 10, 14, 14, 14])
