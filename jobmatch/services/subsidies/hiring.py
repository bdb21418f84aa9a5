"""The hiring subsidy (吸纳就业一次性岗位补贴), rule 7 as seed 001 (四) grants it.

An entrepreneurial entity set up in the settlement area (在安置区自主创业的创业主体: an
employer staff have marked so, with its settlement) gets 1,000 yuan once per relocated
worker it hires on a contract of one year or more with social insurance paid in full,
stable six months. The six months are counted from the hire's start date (the spell the
"hired" event opened). Each hire is:
- payable from the day six months after the start (and in the monthly subsidy list of
  the month that day falls in),
- pending until then (with the date),
- refused, with every reason: not such an entity, contract under a year, no social
  insurance, left before six months, or the worker already counted for this employer
  (a re-hire is never paid twice).
Every page (the employer's, the county report, the monthly list, the API) calls
``hiring_subsidy_lines``.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import Month, add_months, local_today
from jobmatch.models import Employer, EmploymentSpell
from jobmatch.models.employment import SubsidyStatus

SUBSIDY_YUAN = 1000
MIN_CONTRACT_MONTHS = 12
STABLE_MONTHS = 6


@dataclass
class SubsidyLine:
    """One hire and what it means for the subsidy."""

    spell_id: int
    person_id: int
    name: str
    employer_id: int
    employer_name: str
    started_on: date
    status: SubsidyStatus
    amount: int = 0
    eligible_on: date | None = None  # the day it becomes payable (None when refused)
    reasons: list[str] = field(default_factory=list)

    @property
    def payable_month(self) -> Month | None:
        if self.status != SubsidyStatus.PAYABLE:
            return None
        assert self.eligible_on is not None  # judge_hire only makes a line payable with its eligible_on set
        return Month.of(self.eligible_on)


@dataclass
class SubsidyReport:
    """An employer's hires sorted into payable, pending and refused."""

    employer_id: int
    eligible: list[SubsidyLine] = field(default_factory=list)
    pending: list[SubsidyLine] = field(default_factory=list)
    not_eligible: list[SubsidyLine] = field(default_factory=list)

    @property
    def eligible_total(self) -> int:
        return sum(line.amount for line in self.eligible)


def judge_hire(spell: EmploymentSpell, employer: Employer, today: date, *, counted_before: bool) -> SubsidyLine:
    """Rule 7 applied to one hire on ``today``."""
    stable_on = add_months(spell.started_on, STABLE_MONTHS)
    line = SubsidyLine(spell.id, spell.person_id, spell.person.name, employer.id, employer.name, spell.started_on,
                       SubsidyStatus.REFUSED, eligible_on=stable_on)
    if employer.entrepreneur_settlement_id is None:
        line.reasons.append("单位不是经认定的安置区创业主体")
    if counted_before:
        line.reasons.append("此人已在本单位计过补贴（重复录用不再补贴）")
    if (spell.contract_months or 0) < MIN_CONTRACT_MONTHS:
        line.reasons.append(f"合同期不足一年（{spell.contract_months or 0} 个月）")
    if not spell.social_insurance:
        line.reasons.append("未缴纳社会保险")
    if spell.ended_on is not None and spell.ended_on < stable_on:
        line.reasons.append(f"未干满六个月（{spell.ended_on.isoformat()} 离职）")
    if line.reasons:
        line.eligible_on = None
    elif today >= stable_on:
        line.status, line.amount = SubsidyStatus.PAYABLE, SUBSIDY_YUAN
    else:
        line.status = SubsidyStatus.PENDING
    return line


def hiring_subsidy_lines(session: Session, *, employer_ids=None, county_id: int | None = None,
                         today: date | None = None) -> list[SubsidyLine]:
    """Every hire by the given employers (or those of a county) judged on ``today``, by employer and start."""
    today = today or local_today()
    query = (select(EmploymentSpell, Employer).join(Employer, Employer.id == EmploymentSpell.employer_id)
             .where(EmploymentSpell.started_on <= today).options(selectinload(EmploymentSpell.person))
             .order_by(Employer.name, Employer.id, EmploymentSpell.started_on, EmploymentSpell.id))
    if employer_ids is not None:
        query = query.where(Employer.id.in_(list(employer_ids)))
    if county_id is not None:
        query = query.where(Employer.county_id == county_id)
    counted: set[tuple[int, int]] = set()
    lines = []
    for spell, employer in session.execute(query):
        key = (employer.id, spell.person_id)
        line = judge_hire(spell, employer, today, counted_before=key in counted)
        if line.status != SubsidyStatus.REFUSED:
            counted.add(key)
        lines.append(line)
    return lines


def hiring_subsidies(session: Session, employer_id: int, *, today: date | None = None) -> SubsidyReport:
    """The employer's page: payable now, pending (with the date), refused (why)."""
    report = SubsidyReport(employer_id)
    buckets = {SubsidyStatus.PAYABLE: report.eligible, SubsidyStatus.PENDING: report.pending,
               SubsidyStatus.REFUSED: report.not_eligible}
    for line in hiring_subsidy_lines(session, employer_ids=[employer_id], today=today):
        buckets[line.status].append(line)
    return report
