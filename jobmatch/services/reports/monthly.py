"""The county's monthly report (月报) and the employment-rate trend, computed from the ledger tables.

Every figure of a month is as of that month's end (or today, for the current month):
employment is read from employment spells (started on or before, not ended by then), the
zero-employment list and the monitored households from the ledger's flag events before the
end of the month, follow-ups from their dates. Past months are reported as they were, not as
they are now.

Monthly-new and cumulative figures: a labourer is newly employed in the month when employed at
its end and not at the previous month's end, and newly employed in the year when employed at the
month's end and not at the end of the previous year; a zero-employment household is new in the
month when its listing began in the month; follow-ups count households contacted in the month
and contacts (户次) from January 1st to the month's end. A door visit is a follow-up.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.clock import LOCAL_TZ, Month, local_today, utcnow
from jobmatch.db import in_chunks
from jobmatch.models import (
    County,
    EmploymentSpell,
    Fair,
    FairAttendee,
    FairOutcome,
    FollowUp,
    Household,
    LedgerEvent,
    MonitoringAlert,
    Person,
    Settlement,
    TrainingCourse,
    TrainingSubsidy,
    WelfareAppointment,
    WelfarePost,
)
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.fairs import OutcomeStage
from jobmatch.models.training import AssessmentResult
from jobmatch.models.types import as_utc
from jobmatch.services.coverage import coverage_rows
from jobmatch.services.gigs.counting import flexibly_employed, gig_days_flexible
from jobmatch.services.households.monitoring import monitored_on
from jobmatch.services.households.status import zero_employment_on
from jobmatch.services.subsidies.hiring import hiring_subsidy_lines
from jobmatch.services.subsidies.welfare_pay import PAID_STATUSES, welfare_pay_lines
from jobmatch.services.subsidies.welfare_pay import total as welfare_total


@dataclass
class SettlementRow:
    name: str
    households: int = 0
    labourers: int = 0
    employed: int = 0
    by_kind: Counter = field(default_factory=Counter)
    zero_employment: int = 0
    followed_up: int = 0
    monitored: int = 0
    monitored_followed_up: int = 0
    newly_employed: int = 0  # employed at the month's end, not at the previous month's end
    newly_employed_this_year: int = 0  # employed at the month's end, not at the previous year's end
    zero_employment_new: int = 0  # listed as zero-employment during the month
    follow_ups_this_year: int = 0  # contacts (户次) from January 1st to the month's end
    has_data: bool = True  # False for a month that ended before the ledger held anything of the settlement

    @property
    def rate(self) -> float | None:
        return self.employed / self.labourers if self.labourers and self.has_data else None


@dataclass
class MonthlyReport:
    county: County
    year: int
    month: int
    as_of: date
    settlements: list[SettlementRow]
    zero_employment_households: list["ZeroEmploymentAsOf"]
    welfare_posts: list[dict]
    fairs: list[Fair]
    fair_counts: dict = field(default_factory=dict)  # fair id -> {"checked_in": n, "agreed": n}
    training: list[dict] = field(default_factory=list)
    hiring_subsidies: list[dict] = field(default_factory=list)
    monitored_households: list["MonitoredAsOf"] = field(default_factory=list)
    # Each site's coverage (rule 3) and employment floor (seed 003): jobmatch.services.coverage.
    coverage: list = field(default_factory=list)
    # Training demand as of the report's moment: {"unmet": people, "turned_away": people}.
    training_demand: dict = field(default_factory=dict)

    @property
    def monitored_by_category(self) -> list["MonitoredCategoryCount"]:
        """The monitored households counted per category (the order of the policy's three), with their employment."""
        counts = []
        for category in ("unstable", "marginal", "hardship"):
            lines = [m for m in self.monitored_households if m.category == category]
            counts.append(MonitoredCategoryCount(
                category, len(lines), sum(m.labourers for m in lines), sum(m.employed for m in lines),
                sum(1 for m in lines if m.labourers and not m.employed), sum(m.followed_up for m in lines),
                sum(m.alerts for m in lines)))
        return counts

    @property
    def total(self) -> SettlementRow:
        total = SettlementRow("合计")
        for row in self.settlements:
            if not row.has_data:  # a site not yet recorded that month adds nothing, not zeros
                continue
            total.households += row.households
            total.labourers += row.labourers
            total.employed += row.employed
            total.by_kind.update(row.by_kind)
            total.zero_employment += row.zero_employment
            total.followed_up += row.followed_up
            total.monitored += row.monitored
            total.monitored_followed_up += row.monitored_followed_up
            total.newly_employed += row.newly_employed
            total.newly_employed_this_year += row.newly_employed_this_year
            total.zero_employment_new += row.zero_employment_new
            total.follow_ups_this_year += row.follow_ups_this_year
        total.has_data = any(row.has_data for row in self.settlements)
        return total


@dataclass(frozen=True)
class ZeroEmploymentAsOf:
    """A household on the zero-employment list at the report's moment, listed since ``since``."""

    settlement: str
    household_no: str
    labourers: int
    since: datetime | None


@dataclass(frozen=True)
class MonitoredAsOf:
    """A household under monitoring at the report's moment."""

    settlement: str
    household_no: str
    category: str
    followed_up: bool  # a follow-up in the month
    alerts: int  # alerts raised in the month
    labourers: int = 0
    employed: int = 0  # labourers employed at the report's moment


@dataclass(frozen=True)
class MonitoredCategoryCount:
    """One line of the monitored-household summary: a category's households and their employment."""

    category: str
    households: int
    labourers: int
    employed: int
    without_work: int  # households with labourers and nobody employed
    followed_up: int
    alerts: int


def report_moment(period: Month) -> tuple[date, datetime]:
    """The report's day and the moment its figures are taken: the month's end, or now for the current month."""
    as_of = min(period.last_day, local_today())
    moment = period.local_range()[1] if as_of == period.last_day else utcnow()
    return as_of, moment


def monthly_report(session: Session, county: County, year: int, month: int) -> MonthlyReport:
    period = Month(year, month)
    first, last = period.first_day, period.last_day
    as_of, moment = report_moment(period)
    settlements = list(session.scalars(select(Settlement).where(Settlement.county_id == county.id)
                                       .order_by(Settlement.name)))
    rows = {s.id: SettlementRow(s.name) for s in settlements}
    first_records = _first_records(session, list(rows))
    for settlement_id, row in rows.items():
        first_record = first_records.get(settlement_id)
        row.has_data = first_record is not None and moment > first_record
    people = _labourers(session, list(rows))
    spells = _spells_by_person(session, [p.person_id for p in people])
    previous_month_end, previous_year_end = first - timedelta(days=1), date(year - 1, 12, 31)
    employed_people: set[int] = set()
    flexible = flexibly_employed(session, period, gig_days_flexible())
    for person in people:
        row = rows[person.settlement_id]
        row.labourers += 1
        held = spells.get(person.person_id, [])
        kind = employment_on(held, as_of)
        if not kind and person.person_id in flexible:
            kind = "flexible"  # the month's gig days (jobmatch.services.gigs.counting)
        if kind:
            employed_people.add(person.person_id)
            row.employed += 1
            row.by_kind[kind] += 1
            row.newly_employed += not employment_on(held, previous_month_end)
            row.newly_employed_this_year += not employment_on(held, previous_year_end)
    for settlement_id, households in session.execute(
            select(Household.settlement_id, func.count(Household.id))
            .where(Household.settlement_id.in_(rows)).group_by(Household.settlement_id)):
        rows[settlement_id].households = households
    for settlement_id, count in _followed_up(session, list(rows), first, as_of):
        rows[settlement_id].followed_up = count
    for settlement_id, count in _follow_up_contacts(session, list(rows), date(year, 1, 1), as_of):
        rows[settlement_id].follow_ups_this_year = count
    zero_households = _zero_employment_as_of(session, rows, moment, period.local_range()[0])
    labourers_of: dict[int, list[int]] = defaultdict(list)
    for person in people:
        labourers_of[person.household_id].append(person.person_id)
    monitored = _monitored_as_of(session, rows, period, moment, labourers_of, employed_people)
    fairs = list(session.scalars(select(Fair).where(Fair.county_id == county.id, Fair.held_on >= first,
                                                    Fair.held_on <= last).order_by(Fair.held_on)))
    return MonthlyReport(
        county=county, year=year, month=month, as_of=as_of, settlements=list(rows.values()),
        zero_employment_households=zero_households, monitored_households=monitored,
        welfare_posts=_welfare_posts(session, list(rows), period, as_of),
        fairs=fairs, fair_counts=_fair_counts(session, [f.id for f in fairs]),
        training=_training(session, county.id, first, last),
        hiring_subsidies=_hiring_subsidies(session, county.id, as_of),
        coverage=coverage_rows(session, county.id, period),
        training_demand=_training_demand(session, list(rows), moment),
    )


def _zero_employment_as_of(session, rows: dict, moment: datetime, month_start: datetime) -> list[ZeroEmploymentAsOf]:
    """The zero-employment list at ``moment`` (counted into ``rows``, as new when listed since ``month_start``),
    from the flag's ledger events."""
    listed = zero_employment_on(session, list(rows), moment)
    households = _households(session, list(listed))
    lines = []
    for household_id, since in listed.items():
        household = households[household_id]
        rows[household.settlement_id].zero_employment += 1
        rows[household.settlement_id].zero_employment_new += since is not None and as_utc(since) >= month_start
        lines.append(ZeroEmploymentAsOf(rows[household.settlement_id].name, household.household_no,
                                        household.labourers, since))
    lines.sort(key=lambda z: (z.settlement, z.household_no))
    return lines


def _monitored_as_of(session, rows: dict, period: Month, moment: datetime, labourers_of: dict[int, list[int]],
                     employed_people: set[int]) -> list[MonitoredAsOf]:
    """The monitored households at ``moment`` (counted into ``rows``), with the month's follow-ups and alerts."""
    monitored = monitored_on(session, list(rows), moment)
    households = _households(session, list(monitored))
    start = period.local_range()[0]
    followed = set(_ids_with(session, FollowUp.household_id, FollowUp.contacted_at, list(monitored), start, moment))
    alerts = Counter(_ids_with(session, MonitoringAlert.household_id, MonitoringAlert.raised_at, list(monitored),
                               start, moment))
    lines = []
    for household_id, category in monitored.items():
        household = households[household_id]
        row = rows[household.settlement_id]
        row.monitored += 1
        row.monitored_followed_up += household_id in followed
        members = labourers_of.get(household_id, [])
        lines.append(MonitoredAsOf(row.name, household.household_no, category, household_id in followed,
                                   alerts[household_id], len(members),
                                   sum(1 for person_id in members if person_id in employed_people)))
    lines.sort(key=lambda m: (m.settlement, m.household_no))
    return lines


def _households(session, household_ids) -> dict[int, Household]:
    found: dict[int, Household] = {}
    for chunk in in_chunks(household_ids):
        found.update((h.id, h) for h in session.scalars(select(Household).where(Household.id.in_(chunk))))
    return found


def _ids_with(session, id_column, time_column, household_ids, start: datetime, end: datetime) -> list[int]:
    """``id_column`` of the rows of these households with ``time_column`` in [start, end), once per row."""
    found = []
    for chunk in in_chunks(household_ids):
        found += session.scalars(select(id_column).where(id_column.in_(chunk), time_column >= start,
                                                         time_column < end)).all()
    return found


def employment_on(spells, day: date) -> str | None:
    """The kind of the spell held on ``day`` (the latest started), None when not employed."""
    held = [s for s in spells if s.started_on <= day and (s.ended_on is None or s.ended_on > day)]
    return max(held, key=lambda s: (s.started_on, s.id)).kind if held else None


def employment_trend(session: Session, settlement_ids: set[int], months: int = 12) -> list[tuple[str, float | None]]:
    """Employment rate at the end of each of the last ``months`` months, oldest first; None for a month
    that ended before the ledger held anything of these settlements (no data, not 0 %)."""
    people = _labourers(session, list(settlement_ids))
    spells = _spells_by_person(session, [p.person_id for p in people])
    first_record = _first_record_at(session, settlement_ids)
    points: list[tuple[str, float | None]] = []
    for back in range(months - 1, -1, -1):
        month = Month.current().plus(-back)
        day, moment = report_moment(month)
        if first_record is None or moment <= first_record or not people:
            points.append((str(month), None))
            continue
        employed = sum(1 for p in people if employment_on(spells.get(p.person_id, []), day))
        points.append((str(month), employed / len(people)))
    return points


def _first_record_at(session, settlement_ids) -> datetime | None:
    """When the ledger first recorded anything of these settlements' households (their import)."""
    return min(_first_records(session, settlement_ids).values(), default=None)


def _first_records(session, settlement_ids) -> dict[int, datetime]:
    """Per settlement: when the ledger first recorded anything of its households. Each household's
    first event is one look into the ledger's (household_id, occurred_at) index: joining the events
    instead read every event of a county's households (700,000 rows in a province's largest county:
    12 s warm, 52 s cold)."""
    first_at = (select(func.min(LedgerEvent.occurred_at)).where(LedgerEvent.household_id == Household.id)
                .correlate(Household).scalar_subquery())
    households = (select(Household.settlement_id, first_at.label("first_at"))
                  .where(Household.settlement_id.in_(list(settlement_ids))).subquery())
    return {settlement_id: as_utc(first) for settlement_id, first in session.execute(
        select(households.c.settlement_id, func.min(households.c.first_at)).group_by(households.c.settlement_id))
        if first is not None}


def _labourers(session, settlement_ids):
    return session.execute(select(Person.id.label("person_id"), Household.settlement_id,
                                  Household.id.label("household_id"))
                           .join(Household).where(Household.settlement_id.in_(settlement_ids),
                                                  Person.capacity != "none")).all()


def _spells_by_person(session, person_ids) -> dict[int, list]:
    spells = defaultdict(list)
    for chunk in in_chunks(person_ids):
        for spell in session.execute(select(EmploymentSpell.id, EmploymentSpell.person_id, EmploymentSpell.kind,
                                            EmploymentSpell.started_on, EmploymentSpell.ended_on)
                                     .where(EmploymentSpell.person_id.in_(chunk))):
            spells[spell.person_id].append(spell)
    return spells


def _followed_up(session, settlement_ids, first: date, last: date):
    start = datetime.combine(first, time(), LOCAL_TZ)
    end = datetime.combine(last + timedelta(days=1), time(), LOCAL_TZ)
    return session.execute(
        select(Household.settlement_id, func.count(func.distinct(FollowUp.household_id)))
        .join(Household, Household.id == FollowUp.household_id)
        .where(Household.settlement_id.in_(settlement_ids), FollowUp.contacted_at >= start, FollowUp.contacted_at < end)
        .group_by(Household.settlement_id)).all()


def _follow_up_contacts(session, settlement_ids, first: date, last: date):
    """Follow-ups (户次, door visits included) per settlement from ``first`` to the end of ``last``."""
    start = datetime.combine(first, time(), LOCAL_TZ)
    end = datetime.combine(last + timedelta(days=1), time(), LOCAL_TZ)
    return session.execute(
        select(Household.settlement_id, func.count(FollowUp.id))
        .join(Household, Household.id == FollowUp.household_id)
        .where(Household.settlement_id.in_(settlement_ids), FollowUp.contacted_at >= start, FollowUp.contacted_at < end)
        .group_by(Household.settlement_id)).all()


def _welfare_posts(session, settlement_ids, period: Month, as_of: date) -> list[dict]:
    """Per post: places, holders on the report's day, and the month's subsidy (the roll's figure)."""
    paid = defaultdict(list)
    for line in welfare_pay_lines(session, period, settlement_ids=settlement_ids):
        paid[line.post_id].append(line)
    posts = []
    for post in session.scalars(select(WelfarePost).where(WelfarePost.settlement_id.in_(settlement_ids))
                                .order_by(WelfarePost.settlement_id, WelfarePost.id)):
        filled = session.scalar(select(func.count(WelfareAppointment.id)).where(
            WelfareAppointment.post_id == post.id, WelfareAppointment.status.in_(PAID_STATUSES),
            WelfareAppointment.started_on <= as_of, WelfareAppointment.term_ends_on > as_of,
            (WelfareAppointment.exited_on.is_(None)) | (WelfareAppointment.exited_on > as_of)))
        posts.append({"settlement": post.settlement.name, "title": post.title, "quota": post.quota,
                      "filled": filled, "monthly_subsidy": post.monthly_subsidy, "paid_people": len(paid[post.id]),
                      "subsidy_total": welfare_total(paid[post.id])})
    return posts


def _fair_counts(session, fair_ids) -> dict[int, dict]:
    """Per fair: visitors checked in, and workers who agreed a hire (an offer or a hire recorded)."""
    counts = {fair_id: {"checked_in": 0, "agreed": 0} for fair_id in fair_ids}
    if fair_ids:
        for fair_id, n in session.execute(select(FairAttendee.fair_id, func.count()).where(
                FairAttendee.fair_id.in_(fair_ids), FairAttendee.checked_in_at.is_not(None))
                .group_by(FairAttendee.fair_id)):
            counts[fair_id]["checked_in"] = n
        for fair_id, n in session.execute(select(FairOutcome.fair_id, func.count(func.distinct(FairOutcome.person_id)))
                                          .where(FairOutcome.fair_id.in_(fair_ids),
                                                 FairOutcome.stage.in_((OutcomeStage.OFFER, OutcomeStage.HIRE)))
                                          .group_by(FairOutcome.fair_id)):
            counts[fair_id]["agreed"] = n
    return counts


def _training(session, county_id: int, first: date, last: date) -> list[dict]:
    """Courses of the county running in the month: enrolled, finished (this month and in all), certificates."""
    from jobmatch.services.people.worker_home import skill_name

    start = datetime.combine(first, time(), LOCAL_TZ)
    end = datetime.combine(last + timedelta(days=1), time(), LOCAL_TZ)
    lines = []
    for course in session.scalars(select(TrainingCourse).where(
            TrainingCourse.county_id == county_id, TrainingCourse.starts_on <= last, TrainingCourse.ends_on >= first)
            .order_by(TrainingCourse.starts_on, TrainingCourse.id)):
        enrolments = [e for e in course.enrolments if as_utc(e.enrolled_at) < end]
        done = [e for e in enrolments if e.completed_at is not None and as_utc(e.completed_at) < end]
        lines.append({"name": course.name, "skill": skill_name(course.occupation_code),
                      "starts_on": course.starts_on, "ends_on": course.ends_on, "capacity": course.capacity,
                      "enrolled": len(enrolments), "completed": len(done),
                      "completed_this_month": sum(start <= e.completed_at < end for e in done),
                      "certified": sum(bool(e.certificate) for e in done),
                      "passed": sum(e.assessment == AssessmentResult.PASSED for e in done),
                      "subsidy": _course_subsidy(session, course.id, Month.of(first))})
    return lines


def _course_subsidy(session, course_id: int, month: Month) -> int:
    """Training and certification subsidies of the course listed for payment in the month (yuan)."""
    return session.scalar(select(func.coalesce(func.sum(TrainingSubsidy.amount), 0)).where(
        TrainingSubsidy.course_id == course_id, TrainingSubsidy.month == str(month))) or 0


def _training_demand(session, settlement_ids, moment: datetime) -> dict[str, Any]:
    """People whose wished-for training has not happened by ``moment``, and those a full course turned away."""
    from jobmatch.services.training.needs import unmet_training_demand

    unmet = unmet_training_demand(session, settlement_ids, moment)
    return {"unmet": len(unmet), "turned_away": sum(1 for u in unmet if u.reason == "turned_away")}


def _hiring_subsidies(session, county_id: int, as_of: date) -> list[dict]:
    """Rule 7 per employer of the county, as of the report's day: payable (and amount), pending, refused."""
    per_employer: dict[int, dict] = {}
    for line in hiring_subsidy_lines(session, county_id=county_id, today=as_of):
        row = per_employer.setdefault(line.employer_id, {"employer": line.employer_name, "hires": 0, "amount": 0,
                                                         **{status: 0 for status in SubsidyStatus}})
        row["hires"] += 1
        row[line.status] += 1
        row["amount"] += line.amount
    return list(per_employer.values())
