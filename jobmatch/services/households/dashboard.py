"""The staff console's day: totals by settlement, zero-employment households, follow-ups due,
new vacancies, offers waiting. Counts are aggregated in the database and the lists are bounded
(the first ``limit`` lines), so the page costs the same for a site of 500 or 50,000 people.

The statements are built once, with bound parameters: building them anew on every request
cost about as much Python as running them (the dashboard is the most requested page)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from jobmatch.clock import utcnow
from jobmatch.models import Employer, Household, Person, Settlement, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.services.households.followups import FollowUpDue, is_overdue, month_starts, overdue_condition
from jobmatch.services.households.zero_employment import IS_ZERO_EMPLOYMENT
from jobmatch.vocabulary import HEAD_RELATION

_SITES: BindParameter[list[int]] = bindparam("settlement_ids", expanding=True)
_THIS_MONTH: BindParameter[datetime] = bindparam("this_month")
_LAST_MONTH: BindParameter[datetime] = bindparam("last_month")
_LIMIT: BindParameter[int] = bindparam("limit")


class Site(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class SettlementTotals:
    settlement: Site
    households: int
    labourers: int
    employed: int
    zero_employment: int
    follow_ups_due: int = 0

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.labourers if self.labourers else None


@dataclass(frozen=True)
class Bounded:
    """How many there are, and the first lines to show."""

    total: int
    lines: Sequence[Any]

    def __len__(self) -> int:  # templates say |length for the count
        return self.total

    def __iter__(self):
        return iter(self.lines)

    def __getitem__(self, index):
        return self.lines[index]

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class ZeroEmploymentLine:
    household_id: int
    household_no: str
    settlement_name: str
    labourers: int
    since: datetime | None


def _months() -> dict:
    this_month, last_month = month_starts()
    return {"this_month": this_month, "last_month": last_month}


# -- the statements -------------------------------------------------------------------------

_due = Household.last_follow_up_at.is_(None) | (Household.last_follow_up_at < _THIS_MONTH)
_overdue = overdue_condition(_LAST_MONTH)
_zero = IS_ZERO_EMPLOYMENT


def household_counts() -> dict[str, Any]:
    """The per-site counts over Household rows, as aggregates for a statement grouped by site: households,
    labourers, employed, zero(-employment households), due (a follow-up this month; binds ``this_month``).
    The province's site figures (jobmatch.services.province.figures) count with these same columns."""
    return {"households": func.count(Household.id), "labourers": func.sum(Household.labourers),
            "employed": func.sum(Household.employed), "zero": func.sum(case((Household.zero_employment, 1), else_=0)),
            "due": func.sum(case((_due, 1), else_=0))}


@cache
def _totals_statement():
    # Aggregated apart from settlements so PostgreSQL can read it from an index alone.
    per_site = (select(Household.settlement_id, *(column.label(name) for name, column in household_counts().items()))
                .where(Household.settlement_id.in_(_SITES)).group_by(Household.settlement_id).subquery())
    counts = (per_site.c.households, per_site.c.labourers, per_site.c.employed, per_site.c.zero, per_site.c.due)
    return (select(Settlement.id, Settlement.name, *(func.coalesce(column, 0) for column in counts))
            .join(per_site, per_site.c.settlement_id == Settlement.id, isouter=True)
            .where(Settlement.id.in_(_SITES)).order_by(Settlement.name))


@cache
def _count_statement(which: str):
    condition = _zero if which == "zero" else _due
    return select(func.count(Household.id)).where(Household.settlement_id.in_(_SITES), condition)


@cache
def _zero_lines_statement():
    return (select(Household.id, Household.household_no, Settlement.name, Household.labourers,
                   Household.zero_employment_since)
            .join(Settlement, Settlement.id == Household.settlement_id)
            .where(Household.settlement_id.in_(_SITES), _zero)
            .order_by(Household.zero_employment_since, Household.id).limit(_LIMIT))


@cache
def _due_lines_statement():
    head_name = (select(Person.name).where(Person.household_id == Household.id)
                 .order_by(Person.relation != HEAD_RELATION, Person.id).limit(1).scalar_subquery())
    return (select(Household.id, Household.household_no, Settlement.name, head_name, Household.zero_employment,
                   Household.last_follow_up_at, Household.listed_at)
            .join(Settlement, Settlement.id == Household.settlement_id)
            .where(Household.settlement_id.in_(_SITES), _due)
            .order_by(Household.zero_employment.desc(), _overdue.desc(),
                      Household.last_follow_up_at.asc().nulls_first(), Household.household_no)
            .limit(_LIMIT))


@cache
def _new_vacancies_statement():
    county_ids = select(Settlement.county_id).where(Settlement.id.in_(_SITES))
    return (select(Vacancy.title, Employer.name.label("employer_name"), Vacancy.openings, Vacancy.wage_min,
                   Vacancy.wage_max, Vacancy.posted_at, func.count().over().label("total"))
            .join(Employer, Employer.id == Vacancy.employer_id)
            .where(Vacancy.status == VacancyStatus.OPEN, Vacancy.posted_at >= bindparam("since", type_=Vacancy.posted_at.type),
                   Vacancy.county_id.in_(county_ids))
            .order_by(Vacancy.posted_at.desc(), Vacancy.id.desc()).limit(_LIMIT))


# -- the figures ----------------------------------------------------------------------------

def settlement_totals(session: Session, settlement_ids: set[int]) -> list[SettlementTotals]:
    """Per settlement, in one pass over its households: counts, zero-employment, follow-ups due."""
    rows = session.execute(_totals_statement(), {"settlement_ids": list(settlement_ids), **_months()})
    return [SettlementTotals(Site(site_id, name), int(h), int(lab), int(emp), int(zero), int(due))
            for site_id, name, h, lab, emp, zero, due in rows]


def new_vacancies(session: Session, settlement_ids: set[int], hours: int = 24, limit: int = 20) -> Bounded:
    """Open vacancies posted in the last day in the counties of these settlements: the count, and the
    newest ``limit`` as rows (title, employer_name, openings, wage_min, wage_max, posted_at)."""
    rows = session.execute(_new_vacancies_statement(), {"settlement_ids": list(settlement_ids), "limit": limit,
                                                        "since": utcnow() - timedelta(hours=hours)}).all()
    return Bounded(rows[0].total if rows else 0, rows)


def zero_employment_summary(session: Session, settlement_ids: set[int], limit: int = 50,
                            total: int | None = None) -> Bounded:
    """Zero-employment households: the count (counted here unless given), and the longest-listed first ``limit``."""
    sites = {"settlement_ids": list(settlement_ids)}
    if total is None:
        total = session.scalar(_count_statement("zero"), sites) or 0
    rows = session.execute(_zero_lines_statement(), {**sites, "limit": limit}).all() if total else []
    return Bounded(total, [ZeroEmploymentLine(*row) for row in rows])


def follow_ups_due_summary(session: Session, settlement_ids: set[int], limit: int = 50,
                           total: int | None = None) -> Bounded:
    """Households due a follow-up this month (rule 6, as jobmatch.services.households.followups counts them):
    the count (counted here unless given), and the first ``limit`` in its order (zero-employment,
    overdue, longest waiting)."""
    months = _months()
    parameters = {"settlement_ids": list(settlement_ids), **months}
    if total is None:
        total = session.scalar(_count_statement("due"), parameters) or 0
    rows = session.execute(_due_lines_statement(), {**parameters, "limit": limit}).all() if total else []
    last_month = months["last_month"]
    lines = [FollowUpDue(r[0], r[1], r[2], r[3] or "", r[4], r[5], is_overdue(r[5], r[6], last_month)) for r in rows]
    return Bounded(total, lines)


@dataclass(frozen=True)
class DayOverview:
    totals: list[SettlementTotals]
    zero_households: Bounded
    follow_ups_due: Bounded
    new_vacancies: Bounded


def day_overview(session: Session, settlement_ids: set[int], limit: int = 20,
                 totals: list[SettlementTotals] | None = None) -> DayOverview:
    """The dashboard's figures: the counts come from ``totals`` (the sites' maintained figures,
    jobmatch.services.households.day_figures), counted here in one pass of ``settlement_totals`` if not given."""
    if totals is None:
        totals = settlement_totals(session, settlement_ids)
    return DayOverview(
        totals,
        zero_employment_summary(session, settlement_ids, limit, total=sum(t.zero_employment for t in totals)),
        follow_ups_due_summary(session, settlement_ids, limit, total=sum(t.follow_ups_due for t in totals)),
        new_vacancies(session, settlement_ids, limit=limit))
