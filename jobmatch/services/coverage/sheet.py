"""The county report's "覆盖情况" sheet: each site's coverage (rule 3) and employment floor (seed 003)."""

from jobmatch.services.coverage.sites import NAMED_STAFF_FROM, SPECIAL_ACTION_FROM, CoverageRow

HEADERS = ["安置点", "人数", "就业专干", "本年招聘会（场）", "本年其他专项行动（次）", "就业基数", "基数日期",
           "月末已就业", "缺就业专干", "缺专项行动", "低于就业基数"]


def write_coverage_sheet(sheet, rows: list[CoverageRow], *, county_name: str, period: str, as_of) -> None:
    """Fill ``sheet`` (the monthly xlsx builder creates it) with one line per site and a total line."""
    from jobmatch.services.reports.monthly_xlsx import _header, _row, _title
    from jobmatch.spreadsheets import set_column_widths, write_cell

    _title(sheet, f"{county_name}安置点覆盖情况（{period}，截至{as_of:%Y-%m-%d}）", len(HEADERS))
    write_cell(sheet, 2, 1, f"{NAMED_STAFF_FROM}人以上的安置点应有就业专干；{SPECIAL_ACTION_FROM}人以上的安置点每年开展专项就业行动；"
                            "已就业人数不低于就业基数。")
    _header(sheet, 3, HEADERS)
    for offset, row in enumerate(rows):
        _row(sheet, 4 + offset, [
            row.name, row.people, "、".join(row.staff) or "无", row.fairs, row.actions,
            "" if row.baseline is None else row.baseline,
            row.baseline_as_of.isoformat() if row.baseline_as_of else "", row.employed,
            "是" if row.needs_staff else "", "是" if row.needs_action else "", "是" if row.below_floor else ""])
    _row(sheet, 4 + len(rows), [
        "合计", sum(r.people for r in rows), "", sum(r.fairs for r in rows), sum(r.actions for r in rows),
        sum(r.baseline or 0 for r in rows), "", sum(r.employed for r in rows),
        sum(r.needs_staff for r in rows), sum(r.needs_action for r in rows), sum(r.below_floor for r in rows)],
        bold=True)
    set_column_widths(sheet, [22, 10, 18, 12, 14, 10, 12, 12, 10, 10, 12])
