"""The staff console's day: totals by settlement, zero-employment households, follow-ups due,
new vacancies, offers waiting. Counts are aggregated in the database and the lists are bounded
(the first ``limit`` lines), so the page costs the same for a site of 500 or 50,000 people."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import utcnow
from jobmatch.models import Household, Settlement, Vacancy


@dataclass(frozen=True)
class SettlementTotals:
    settlement: Settlement
    households: int
    labourers: int
    employed: int
    zero_employment: int

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.labourers if self.labourers else None


def settlement_totals(session: Session, settlement_ids: set[int]) -> list[SettlementTotals]:
    rows = session.execute(
        select(Settlement, func.count(Household.id), func.coalesce(func.sum(Household.labourers), 0),
               func.coalesce(func.sum(Household.employed), 0),
               func.coalesce(func.sum(case((Household.zero_employment, 1), else_=0)), 0))
        .join(Household, Household.settlement_id == Settlement.id, isouter=True)
        .where(Settlement.id.in_(settlement_ids)).group_by(Settlement.id).order_by(Settlement.name))
    return [SettlementTotals(s, int(h), int(lab), int(emp), int(zero)) for s, h, lab, emp, zero in rows]


def zero_employment_households(session: Session, settlement_ids: set[int]) -> list[Household]:
    return list(session.scalars(
        select(Household).where(Household.settlement_id.in_(settlement_ids), Household.zero_employment)
        .order_by(Household.zero_employment_since, Household.id)))


def new_vacancies(session: Session, settlement_ids: set[int], hours: int = 24) -> list[Vacancy]:
    """Open vacancies posted in the last day in the counties of these settlements."""
    county_ids = select(Settlement.county_id).where(Settlement.id.in_(settlement_ids))
    return list(session.scalars(
        select(Vacancy).options(selectinload(Vacancy.employer)).where(Vacancy.status == "open", Vacancy.posted_at >= utcnow() - timedelta(hours=hours),
                              Vacancy.county_id.in_(county_ids))
        .order_by(Vacancy.posted_at.desc()).limit(100)))


def follow_ups_due(session: Session, settlement_ids: set[int]):
    """Households due a monthly follow-up (every one; the follow-ups page uses it)."""
    from jobmatch.services import followups

    return followups.due_follow_ups(session, settlement_ids)


@dataclass(frozen=True)
class Bounded:
    """How many there are, and the first lines to show."""

    total: int
    lines: list

    def __len__(self) -> int:  # templates say |length for the count
        return self.total

    def __iter__(self):
        return iter(self.lines)

    def __getitem__(self, index):
        return self.lines[index]

    def __bool__(self) -> bool:
        return self.total > 0


def zero_employment_summary(session: Session, settlement_ids: set[int], limit: int = 50) -> Bounded:
    """Zero-employment households: the count, and the longest-listed first ``limit``."""
    where = (Household.settlement_id.in_(settlement_ids), Household.zero_employment.is_(True))
    total = session.scalar(select(func.count(Household.id)).where(*where))
    lines = session.scalars(select(Household).where(*where).options(selectinload(Household.settlement))
                            .order_by(Household.zero_employment_since, Household.id).limit(limit)).all()
    return Bounded(total or 0, list(lines))


def follow_ups_due_summary(session: Session, settlement_ids: set[int], limit: int = 50) -> Bounded:
    """Households due a follow-up this month (rule 6, as jobmatch.services.followups counts them):
    the count, and the first ``limit`` in its order (zero-employment, overdue, longest waiting)."""
    from jobmatch.services.followups import FollowUpDue, _head_names, month_starts

    this_month, last_month = month_starts()
    last_at = Household.last_follow_up_at
    where = (Household.settlement_id.in_(settlement_ids), last_at.is_(None) | (last_at < this_month))
    total = session.scalar(select(func.count(Household.id)).where(*where)) or 0
    overdue = last_at.is_(None) | (last_at < last_month)
    rows = session.execute(
        select(Household.id, Household.household_no, Settlement.name, Household.zero_employment, last_at)
        .join(Settlement, Settlement.id == Household.settlement_id).where(*where)
        .order_by(Household.zero_employment.desc(), overdue.desc(), last_at.asc().nulls_first(),
                  Household.household_no)
        .limit(limit)).all() if total else []
    heads = _head_names(session, [r[0] for r in rows])
    lines = [FollowUpDue(r[0], r[1], r[2], heads.get(r[0], ""), r[3], r[4], r[4] is None or r[4] < last_month)
             for r in rows]
    return Bounded(total, lines)
