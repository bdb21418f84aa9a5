"""Start-up support for relocated people (seed 001 (四); seed 003 for the incubator).

- One-time start-up subsidy (一次性创业补贴): a relocated person's first business (小微企业,
  农民专业合作社 or 个体经营) that has run normally for 6 months and created at least one
  job is listed in the month the six months are reached. The amount is the county's
  (setting STARTUP_SUBSIDY_YUAN); the seed leaves it to "有关规定".
- Guaranteed start-up loan (创业担保贷款): up to 200,000 yuan with interest subsidy,
  recorded as an application with its status (the bank pays, not this list).
- Incubator fees (孵化基地费用补贴, seed 003): 60% of the actual monthly fees, at most
  10,000 yuan a calendar quarter, for at most 3 years from entry; paid monthly once approved.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import Month, add_months, local_today, utcnow
from jobmatch.config import current_settings
from jobmatch.models import Business, Household, Person, SupportApplication
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.startups import ApplicationKind, ApplicationStatus, BusinessKind
from jobmatch.services.errors import get_or_fail, require
from jobmatch.vocabulary import BUSINESS_KIND_LABELS

NORMAL_OPERATION_MONTHS = 6
MAX_LOAN_YUAN = 200_000
INCUBATOR_SHARE = Decimal("0.60")
INCUBATOR_QUARTER_CAP = Decimal("10000")
INCUBATOR_MAX_MONTHS = 36
FEN = Decimal("0.01")


# The start-up subsidy moves through the same states as the hiring subsidy.
StartupStatus = SubsidyStatus


def startup_subsidy_yuan() -> int:
    return current_settings().startup_subsidy_yuan


def record_business(session: Session, person_id: int, *, name: str, kind: str, started_on: date, jobs_created: int,
                    actor: str) -> Business:
    """Record a business a relocated person started."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    name = (name or "").strip()
    require(0 < len(name) <= 120, "name", "请填写经营主体名称（最多 120 字）")
    require(kind in [k.value for k in BusinessKind], "kind", f"类型应为：{'、'.join(BUSINESS_KIND_LABELS.values())}")
    require(isinstance(started_on, date) and started_on <= local_today(), "started_on", "开业日期不能晚于今天")
    require(isinstance(jobs_created, int) and 0 <= jobs_created <= 10_000, "jobs_created", "带动就业人数应在 0 到 10000 之间")
    business = Business(person_id=person.id, name=name, kind=kind, started_on=started_on, jobs_created=jobs_created,
                        recorded_at=utcnow())
    session.add(business)
    session.flush()
    ledger.append(session, "business_recorded", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"business:{business.id}",
                  data={"kind": kind, "started_on": started_on, "jobs_created": jobs_created})
    return business


def update_business(session: Session, business_id: int, *, jobs_created: int | None = None,
                    closed_on: date | None = None, actor: str) -> Business:
    """Record the jobs a business now gives, or the day it closed."""
    business = get_or_fail(session, Business, business_id, "business_id", "经营主体")
    changes = {}
    if jobs_created is not None:
        require(isinstance(jobs_created, int) and 0 <= jobs_created <= 10_000, "jobs_created",
                "带动就业人数应在 0 到 10000 之间")
        changes["jobs_created"] = [business.jobs_created, jobs_created]
        business.jobs_created = jobs_created
    if closed_on is not None:
        require(business.started_on <= closed_on <= local_today(), "closed_on", "停业日期应在开业日期和今天之间")
        changes["closed_on"] = [business.closed_on, closed_on]
        business.closed_on = closed_on
    if changes:
        ledger.append(session, "business_updated", actor=actor, household_id=business.person.household_id,
                      person_id=business.person_id, subject=f"business:{business.id}", data=changes)
    return business


@dataclass
class StartupLine:
    business: Business
    status: StartupStatus
    eligible_on: date
    amount: int = 0
    reasons: list[str] = field(default_factory=list)


def startup_subsidy_lines(session: Session, *, settlement_ids=None, today: date | None = None) -> list[StartupLine]:
    """Every recorded business judged for the one-time start-up subsidy on ``today``."""
    today = today or local_today()
    query = (select(Business).join(Person, Person.id == Business.person_id).join(Household)
             .where(Business.started_on <= today).options(selectinload(Business.person))
             .order_by(Business.person_id, Business.started_on, Business.id))
    if settlement_ids is not None:
        query = query.where(Household.settlement_id.in_(list(settlement_ids)))
    first_business: dict[int, int] = {}
    lines = []
    for business in session.scalars(query):
        first_business.setdefault(business.person_id, business.id)
        eligible_on = add_months(business.started_on, NORMAL_OPERATION_MONTHS)
        line = StartupLine(business, StartupStatus.REFUSED, eligible_on)
        if first_business[business.person_id] != business.id:
            line.reasons.append("非首次创业（一次性补贴只给首次创办）")
        if business.jobs_created < 1:
            line.reasons.append("尚未带动就业")
        if business.closed_on is not None and business.closed_on < eligible_on:
            line.reasons.append(f"未连续正常经营六个月（{business.closed_on.isoformat()} 停业）")
        if not line.reasons:
            if today >= eligible_on:
                line.status, line.amount = StartupStatus.PAYABLE, startup_subsidy_yuan()
            else:
                line.status = StartupStatus.PENDING
        lines.append(line)
    return lines


def record_application(session: Session, person_id: int, *, kind: str, amount: int, actor: str,
                       business_id: int | None = None, starts_on: date | None = None) -> SupportApplication:
    """A guaranteed start-up loan (amount asked) or the incubator subsidy (actual monthly fees, entry month)."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(kind in [k.value for k in ApplicationKind], "kind", "申请类型应为创业担保贷款或孵化基地费用补贴")
    if business_id is not None:
        business = get_or_fail(session, Business, business_id, "business_id", "经营主体")
        require(business.person_id == person.id, "business_id", "该经营主体不是此人创办的")
    if kind == ApplicationKind.STARTUP_LOAN:
        require(isinstance(amount, int) and 1 <= amount <= MAX_LOAN_YUAN, "amount",
                f"创业担保贷款最高 {MAX_LOAN_YUAN:,} 元")
    else:
        require(isinstance(amount, int) and 1 <= amount <= 100_000, "amount", "请填写每月实际发生的费用（元）")
        require(isinstance(starts_on, date), "starts_on", "请填写入驻孵化基地的日期")
    application = SupportApplication(person_id=person.id, business_id=business_id, kind=kind, amount=amount,
                                     starts_on=starts_on, status=ApplicationStatus.APPLIED, applied_at=utcnow())
    session.add(application)
    session.flush()
    ledger.append(session, "support_application_recorded", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"support_application:{application.id}",
                  data={"kind": kind, "amount": amount, "starts_on": starts_on, "business_id": business_id})
    return application


def decide_application(session: Session, application_id: int, *, approve: bool, note: str, actor: str) -> SupportApplication:
    application = get_or_fail(session, SupportApplication, application_id, "application_id", "申请")
    require(application.status == ApplicationStatus.APPLIED, "application_id", "这份申请已处理")
    note = (note or "").strip()
    require(approve or bool(note), "note", "不批准请写明原因")
    require(len(note) <= 500, "note", "说明太长（最多 500 字）")
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    application.decision_note, application.decided_at = note, utcnow()
    ledger.append(session, "support_application_decided", actor=actor, household_id=application.person.household_id,
                  person_id=application.person_id, subject=f"support_application:{application.id}",
                  data={"status": application.status, "note": note})
    return application


def incubator_amount(monthly_fee: int, starts_on: date, month: Month) -> Decimal:
    """60% of the month's fees, within 10,000 yuan for the calendar quarter, for 36 months from entry."""
    entry = Month.of(starts_on)
    quarter_start = Month(month.year, (month.number - 1) // 3 * 3 + 1)
    share = (Decimal(monthly_fee) * INCUBATOR_SHARE).quantize(FEN, ROUND_HALF_UP)
    paid, amount, current = Decimal("0"), Decimal("0"), quarter_start
    while current <= month:
        index = (current.year - entry.year) * 12 + current.number - entry.number
        amount = min(share, INCUBATOR_QUARTER_CAP - paid) if 0 <= index < INCUBATOR_MAX_MONTHS else Decimal("0")
        paid += amount
        current = current.next()
    return amount.quantize(FEN)
