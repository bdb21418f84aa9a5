"""The monthly subsidy list (补贴发放表): every subsidy kind due in a month, one sheet for finance.

Lines come from the one computation of each kind: welfare-post pay (welfare_pay), the
hiring subsidy payable that month (hiring), the start-up subsidy reaching six months that
month and approved incubator fees (startups), the training and certification subsidies recorded
for courses finished that month (training), labour export's transport subsidy for arrivals that
month (labour_export.subsidy). ID numbers are masked for roles that do not need them; the bank-card and signature columns are left for finance and the payee.
"""

from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.access import sees_unmasked_ids, visible_settlement_ids
from jobmatch.clock import Month, MonthError, local_today
from jobmatch.models import Household, Person, SupportApplication, User
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.startups import ApplicationKind, ApplicationStatus
from jobmatch.privacy import mask_id_number
from jobmatch.services.errors import WorkflowError, require
from jobmatch.services.labour_export.subsidy import transport_subsidy_lines
from jobmatch.services.subsidies.hiring import hiring_subsidy_lines
from jobmatch.services.subsidies.startups import StartupStatus, incubator_amount, startup_subsidy_lines
from jobmatch.services.subsidies.training import training_subsidies_of_month
from jobmatch.services.subsidies.welfare_pay import welfare_pay_lines
from jobmatch.spreadsheets import HEADER_FONT, append_header, append_row, append_title, make_cell, set_column_widths
from jobmatch.vocabulary import SUBSIDY_KIND_LABELS

LIST_HEADERS = ("序号", "补贴类别", "领取人（单位）", "涉及人员", "身份证号", "银行卡号（财务填写）", "金额（元）", "事由",
                "领取人签字")
_WIDTHS = (6, 22, 30, 10, 22, 24, 12, 50, 12)


@dataclass(frozen=True)
class SubsidyListLine:
    kind: str  # a key of SUBSIDY_KIND_LABELS
    payee: str  # the person paid, or the employer
    person: Person  # the relocated person the subsidy is for
    amount: Decimal
    reason: str
    source_id: int  # appointment, spell, business or application id

    @property
    def kind_label(self) -> str:
        return SUBSIDY_KIND_LABELS[self.kind]


def list_month(text: str) -> Month:
    try:
        month = Month.parse(text)
    except MonthError as exc:
        assert exc.field is not None  # a MonthError always names its field
        raise WorkflowError(exc.field, exc.message) from None
    require(month.first_day <= local_today(), "month", "不能生成未来月份的补贴发放表")
    return month


def monthly_subsidy_list(session: Session, month: Month, settlement_ids) -> list[SubsidyListLine]:
    """Every subsidy due in ``month`` for people of the given settlements."""
    settlement_ids = set(settlement_ids)
    return [*_welfare(session, month, settlement_ids), *_hiring(session, month, settlement_ids),
            *_startup(session, month, settlement_ids), *_incubator(session, month, settlement_ids),
            *_training(session, month, settlement_ids),
            *_export_transport(session, month, settlement_ids)]


def total(lines) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def _welfare(session, month, settlement_ids):
    for line in welfare_pay_lines(session, month, settlement_ids=settlement_ids):
        if line.amount > 0:
            yield SubsidyListLine("welfare_post", line.person.name, line.person, line.amount,
                                  f"{line.post_title}：本月在岗{line.pay.days_on_post}天，出勤{line.pay.days_present}天，"
                                  f"月补贴{line.monthly_subsidy}元", line.appointment_id)


def _hiring(session, month, settlement_ids):
    persons = {}
    for line in hiring_subsidy_lines(session, today=month.last_day):
        if line.status != SubsidyStatus.PAYABLE or line.payable_month != month:
            continue
        person = persons.get(line.person_id) or session.get(Person, line.person_id)
        persons[line.person_id] = person
        if person.household.settlement_id in settlement_ids:
            yield SubsidyListLine("hiring", line.employer_name, person, Decimal(line.amount).quantize(Decimal("0.01")),
                                  f"吸纳{person.name}就业：{line.started_on.isoformat()}上岗，一年以上合同并缴纳社保，"
                                  f"{line.eligible_on.isoformat()}满六个月", line.spell_id)


def _startup(session, month, settlement_ids):
    for line in startup_subsidy_lines(session, settlement_ids=settlement_ids, today=month.last_day):
        if line.status == StartupStatus.PAYABLE and Month.of(line.eligible_on) == month:
            business = line.business
            yield SubsidyListLine("startup", business.person.name, business.person,
                                  Decimal(line.amount).quantize(Decimal("0.01")),
                                  f"{business.name}：{business.started_on.isoformat()}开业，正常经营满六个月，"
                                  f"带动就业{business.jobs_created}人", business.id)


def _incubator(session, month, settlement_ids):
    applications = session.scalars(
        select(SupportApplication).join(Person, Person.id == SupportApplication.person_id).join(Household)
        .where(SupportApplication.kind == ApplicationKind.INCUBATOR_RENT,
               SupportApplication.status == ApplicationStatus.APPROVED, Household.settlement_id.in_(settlement_ids))
        .options(selectinload(SupportApplication.person)).order_by(SupportApplication.id))
    for application in applications:
        amount = incubator_amount(application.amount, application.starts_on, month)
        if amount > 0:
            yield SubsidyListLine("incubator_rent", application.person.name, application.person, amount,
                                  f"孵化基地每月实际费用{application.amount}元的60%（每季度最高1万元，最长3年）",
                                  application.id)


def _training(session, month, settlement_ids):
    for subsidy in training_subsidies_of_month(session, month, settlement_ids):
        enrolment, course = subsidy.enrolment, subsidy.course
        evidence = f"取得{enrolment.certificate}" if enrolment.certificate else "考核合格"
        yield SubsidyListLine(subsidy.kind, subsidy.person.name, subsidy.person,
                              Decimal(subsidy.amount).quantize(Decimal("0.01")),
                              f"{course.name}（{course.starts_on.isoformat()}至{course.ends_on.isoformat()}）结业，{evidence}",
                              subsidy.id)


def _export_transport(session, month, settlement_ids):
    for line in transport_subsidy_lines(session, month, settlement_ids):
        group = line.group
        yield SubsidyListLine("export_transport", line.person.name, line.person, Decimal(line.amount).quantize(Decimal("0.01")),
                              f"劳务输出：{group.name}，{line.arrived_on.isoformat()}到达{group.destination_province}"
                              f"{group.destination_city}{group.employer.name}", line.member.id)


def write_subsidy_list(session: Session, month_text: str, target, *, user: User) -> list[SubsidyListLine]:
    """The month's list as .xlsx for ``user``'s settlements, ID numbers masked unless their role needs them; ledgered."""
    require(user is not None and user.role in ("staff", "admin", "county_officer"), "user",
            "只有工作人员、县级干部或管理员可以导出补贴发放表")
    month = list_month(month_text)
    lines = monthly_subsidy_list(session, month, visible_settlement_ids(session, user))
    unmasked = sees_unmasked_ids(user)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "补贴发放表"
    append_title(sheet, f"{month.year}年{month.number}月就业补贴发放表")
    append_header(sheet, LIST_HEADERS)
    for number, line in enumerate(lines, start=1):
        id_number = line.person.id_number if unmasked else mask_id_number(line.person.id_number)
        append_row(sheet, [number, line.kind_label, line.payee, line.person.name,
                           make_cell(sheet, id_number, number_format="@"), "",
                           make_cell(sheet, line.amount, number_format="0.00"), line.reason, ""])
    append_row(sheet, [make_cell(sheet, "合计", font=HEADER_FONT), f"{len(lines)}笔", "", "", "", "",
                       make_cell(sheet, total(lines), number_format="0.00"), "", ""])
    set_column_widths(sheet, _WIDTHS)
    book.save(target)
    ledger.append(session, "subsidy_list_exported", actor=f"user:{user.id}", subject=f"subsidy_list:{month}",
                  data={"month": str(month), "lines": len(lines), "total": str(total(lines)), "unmasked": unmasked})
    return lines
