"""The monthly subsidy roll (在岗领补) of a public-welfare post, for the finance office.

The days and amounts come from jobmatch.services.subsidies.welfare_pay, the one
computation every page and export uses. The roll carries full names and ID numbers,
because finance pays by them, so only staff of the post's site and admins may write it,
and every export is in the ledger.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.access import visible_settlement_ids
from jobmatch.clock import Month, MonthError, local_today
from jobmatch.models import User, WelfarePost
from jobmatch.services.errors import WorkflowError, get_or_fail, require
from jobmatch.services.subsidies.welfare_pay import welfare_pay_lines
from jobmatch.spreadsheets import HEADER_FONT, append_header, append_row, append_title, make_cell, set_column_widths

ROLL_HEADERS = ("序号", "姓名", "身份证号", "户编号", "上岗日期", "离岗日期", "本月在岗天数", "缺勤天数", "出勤天数",
                "本月天数", "月补贴标准（元）", "应发补贴（元）")
_WIDTHS = (6, 10, 22, 12, 12, 12, 14, 10, 10, 10, 16, 16)


@dataclass(frozen=True)
class RollLine:
    name: str
    id_number: str
    household_no: str
    started_on: date
    exited_on: date | None  # the first day off the post, when in or before the month
    days_on_post: int
    days_absent: int
    days_present: int
    subsidy: Decimal


@dataclass(frozen=True)
class SubsidyRoll:
    post_title: str
    settlement: str
    year: int
    month: int
    days_in_month: int
    monthly_subsidy: int
    lines: list[RollLine]

    @property
    def total(self) -> Decimal:
        return sum((line.subsidy for line in self.lines), Decimal("0.00"))


def roll_month(text: str) -> Month:
    """``"2026-11"`` -> Month; WorkflowError for anything else or a future month."""
    try:
        month = Month.parse(text)
    except MonthError as exc:
        assert exc.field is not None  # a MonthError always names its field
        raise WorkflowError(exc.field, exc.message) from None
    require(month.first_day <= local_today(), "month", "不能生成未来月份的补贴花名册")
    return month


def subsidy_roll(session: Session, post_id: int, month: str) -> SubsidyRoll:
    """Who was on the post in ``month``, days on post and present, and the pro-rated subsidy."""
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    period = roll_month(month)
    lines = [RollLine(line.person.name, line.person.id_number, line.person.household.household_no, line.started_on,
                      line.paid_until, line.pay.days_on_post, line.pay.days_absent, line.pay.days_present, line.amount)
             for line in welfare_pay_lines(session, period, post_ids=[post.id])]
    return SubsidyRoll(post.title, post.settlement.name, period.year, period.number, period.last_day.day,
                       post.monthly_subsidy, lines)


def write_subsidy_roll(session: Session, post_id: int, month: str, target, *, user: User) -> SubsidyRoll:
    """Write the roll as .xlsx to ``target`` for staff of the post's site or an admin; ledgered."""
    require(user is not None and user.role in ("staff", "admin"), "user", "只有安置点工作人员或管理员可以导出补贴花名册")
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    if post.settlement_id not in visible_settlement_ids(session, user):
        raise WorkflowError("user", "您不负责该岗位所在的安置点，不能导出其补贴花名册")
    roll = subsidy_roll(session, post_id, month)
    write_roll_xlsx(roll, target)
    ledger.append(session, "welfare_roll_exported", actor=f"user:{user.id}", subject=f"welfare_post:{post_id}",
                  data={"month": f"{roll.year}-{roll.month:02d}", "lines": len(roll.lines), "total": str(roll.total)})
    return roll


def write_roll_xlsx(roll: SubsidyRoll, target) -> None:
    """The roll as one sheet: title, headers, a line per person, a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "补贴花名册"
    append_title(sheet, f"{roll.settlement}{roll.post_title} {roll.year}年{roll.month}月公益性岗位补贴发放花名册")
    append_header(sheet, ROLL_HEADERS)
    for number, line in enumerate(roll.lines, start=1):
        append_row(sheet, [
            number, line.name, make_cell(sheet, line.id_number, number_format="@"),
            make_cell(sheet, line.household_no, number_format="@"),
            make_cell(sheet, line.started_on, number_format="yyyy-mm-dd"),
            make_cell(sheet, line.exited_on, number_format="yyyy-mm-dd"),
            line.days_on_post, line.days_absent, line.days_present, roll.days_in_month, roll.monthly_subsidy,
            make_cell(sheet, line.subsidy, number_format="0.00")])
    append_row(sheet, [make_cell(sheet, "合计", font=HEADER_FONT), f"{len(roll.lines)}人", *[""] * 9,
                       make_cell(sheet, roll.total, number_format="0.00")])
    set_column_widths(sheet, _WIDTHS)
    book.save(target)
