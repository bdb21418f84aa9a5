"""What came of a fair: interviews, offers and hires per employer, and the fair's report (data and .xlsx).

A hire recorded for a worker without a current job opens an employment spell (kind
from the employer: workshop, work-for-relief, else within the county or province)
and refreshes the household; a worker already in a job only gets the outcome recorded.
"""

from dataclasses import dataclass

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import Employer, Fair, FairAttendee, FairOutcome, Person, Vacancy
from jobmatch.models.fairs import OUTCOME_STAGES, OutcomeStage
from jobmatch.models.ledger import EventKind
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.employment_changes import NewJob, current_spell, start_job
from jobmatch.services.welfare.exits import vacate_for_other_work
from jobmatch.spreadsheets import HEADER_FONT, append_header, append_row, append_title, make_cell, set_column_widths

OUTCOME_EVENTS = {OutcomeStage.INTERVIEW: EventKind.FAIR_INTERVIEW, OutcomeStage.OFFER: EventKind.FAIR_OFFER,
                  OutcomeStage.HIRE: EventKind.FAIR_HIRE}
_SPELL_KIND_BY_EMPLOYER = {"workshop": "workshop", "public_works": "work_for_relief"}


def record_outcome(session: Session, fair_id: int, *, employer_id: int, person_id: int, stage: str, actor: str,
                   vacancy_id: int | None = None) -> FairOutcome:
    """Record an interview, offer or hire at or after a fair; idempotent per (employer, person, stage)."""
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    require(stage in OUTCOME_STAGES, "stage", "结果应为面试、拟录用或录用")
    stage = OutcomeStage(stage)
    require(fair.held_on <= local_today(), "fair_id", "招聘会还没举办，不能登记结果")
    employer = get_or_fail(session, Employer, employer_id, "employer_id", "用人单位")
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    at_fair = [v for v in fair.vacancies if v.employer_id == employer.id]
    require(bool(at_fair), "employer_id", f"{employer.name}没有参加这场招聘会")
    vacancy = get_or_fail(session, Vacancy, vacancy_id, "vacancy_id", "岗位") if vacancy_id is not None else None
    require(vacancy is None or vacancy in at_fair, "vacancy_id", "该岗位不属于这家单位在本场招聘会的岗位")
    existing = session.scalar(select(FairOutcome).where(
        FairOutcome.fair_id == fair.id, FairOutcome.employer_id == employer.id,
        FairOutcome.person_id == person.id, FairOutcome.stage == stage))
    if existing is not None:
        return existing
    outcome = FairOutcome(fair_id=fair.id, employer_id=employer.id, person_id=person.id, stage=stage,
                          vacancy_id=vacancy_id, recorded_at=utcnow())
    session.add(outcome)
    session.flush()
    ledger.append(session, OUTCOME_EVENTS[stage], actor=actor, subject=f"fair:{fair.id}", person_id=person.id,
                  household_id=person.household_id,
                  data={"employer_id": employer.id, "vacancy_id": vacancy_id, "outcome_id": outcome.id})
    if stage == OutcomeStage.HIRE:
        # A welfare place held ends (or an unanswered one is withdrawn) and passes on: found other work.
        vacate_for_other_work(session, person.id, first_day=local_today(), actor=actor,
                              details={"fair_id": fair.id, "employer": employer.name})
    if stage == OutcomeStage.HIRE and current_spell(session, person.id) is None:
        start_job(session, NewJob(person_id=person.id, kind=_spell_kind(employer, person),
                                  employer_name=employer.name, employer_id=employer.id, vacancy_id=vacancy_id,
                                  monthly_income=vacancy.wage_min if vacancy else None), actor=actor)
    return outcome


def _spell_kind(employer: Employer, person: Person) -> str:
    if employer.kind in _SPELL_KIND_BY_EMPLOYER:
        return _SPELL_KIND_BY_EMPLOYER[employer.kind]
    same_county = employer.county_id in (None, person.household.county_id)
    return "within_county" if same_county else "within_province"


@dataclass(frozen=True)
class EmployerOutcomes:
    employer_id: int
    employer: str
    vacancies: int
    openings: int
    interviews: int
    offers: int
    hires: int


@dataclass(frozen=True)
class FairReport:
    fair_id: int
    name: str
    held_on: str
    place: str
    invited: int
    registered: int
    declined: int
    checked_in: int
    walk_ins: int
    employers: list[EmployerOutcomes]


def fair_report(session: Session, fair_id: int) -> FairReport:
    """Invited, registered, checked in, and per employer: interviews, offers, hires."""
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    attendees = session.scalars(select(FairAttendee).where(FairAttendee.fair_id == fair.id)).all()
    counts = dict(((employer_id, stage), n) for employer_id, stage, n in session.execute(
        select(FairOutcome.employer_id, FairOutcome.stage, func.count()).where(FairOutcome.fair_id == fair.id)
        .group_by(FairOutcome.employer_id, FairOutcome.stage)))
    by_employer: dict[int, list[Vacancy]] = {}
    for vacancy in fair.vacancies:
        by_employer.setdefault(vacancy.employer_id, []).append(vacancy)
    employers = [
        EmployerOutcomes(employer_id, vacancies[0].employer.name, len(vacancies), sum(v.openings for v in vacancies),
                         counts.get((employer_id, "interview"), 0), counts.get((employer_id, "offer"), 0),
                         counts.get((employer_id, "hire"), 0))
        for employer_id, vacancies in sorted(by_employer.items())]
    return FairReport(
        fair.id, fair.name, fair.held_on.isoformat(), fair.place,
        invited=sum(a.invited_at is not None for a in attendees),
        registered=sum(a.registered_at is not None for a in attendees),
        declined=sum(a.declined_at is not None for a in attendees),
        checked_in=sum(a.checked_in_at is not None for a in attendees),
        walk_ins=sum(a.checked_in_at is not None and a.invited_at is None and a.registered_at is None
                     for a in attendees),
        employers=employers)


def write_fair_report_xlsx(report: FairReport, target) -> None:
    """The report as one sheet: the totals, then a line per employer and a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "招聘会情况"
    append_title(sheet, f"{report.name}（{report.held_on}，{report.place}）情况统计")
    for label, value in (("邀请人数", report.invited), ("报名人数", report.registered), ("不参加", report.declined),
                         ("签到人数", report.checked_in), ("其中未邀请现场签到", report.walk_ins)):
        append_row(sheet, [label, value])
    append_row(sheet, [])
    append_header(sheet, ["用人单位", "岗位数", "招聘人数", "面试", "拟录用", "录用"])
    for e in report.employers:
        append_row(sheet, [e.employer, e.vacancies, e.openings, e.interviews, e.offers, e.hires])
    append_row(sheet, [make_cell(sheet, "合计", font=HEADER_FONT),
                       *(sum(getattr(e, f) for e in report.employers)
                         for f in ("vacancies", "openings", "interviews", "offers", "hires"))])
    set_column_widths(sheet, [36])
    book.save(target)
