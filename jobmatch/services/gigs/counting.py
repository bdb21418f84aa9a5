"""It counts: gig days and earnings per worker per month, flexible employment (灵活就业) from gig
days, and the monthly gig report per station (settlement) and county.

Gig days are what employers confirmed (``GigPlacement.worked_days``, also in the ledger's
``gig_work_confirmed`` events), counted in the month of the gig's first day. GIG_DAYS_FLEXIBLE
days in a month count the person as flexibly employed for household status
(jobmatch.services.households.status) and the monthly report.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.clock import Month
from jobmatch.models import Gig, GigPlacement, Household, Person, Settlement
from jobmatch.models.gigs import PayStatus, PlacementStatus


def _in_month(month: Month):
    return (Gig.work_date >= month.first_day) & (Gig.work_date <= month.last_day)


def gig_days_and_earnings(session: Session, month: Month, person_ids=None) -> dict[int, tuple[float, int]]:
    """Person id -> (gig days, yuan earned) confirmed by employers for gigs of ``month``."""
    query = (select(GigPlacement.person_id, func.sum(GigPlacement.worked_days),
                    func.coalesce(func.sum(GigPlacement.pay_total_yuan), 0))
             .join(Gig, Gig.id == GigPlacement.gig_id)
             .where(_in_month(month), GigPlacement.work_confirmed_at.is_not(None))
             .group_by(GigPlacement.person_id))
    if person_ids is not None:
        query = query.where(GigPlacement.person_id.in_(list(person_ids)))
    return {person_id: (float(days or 0), int(earned or 0)) for person_id, days, earned in session.execute(query)}


def flexibly_employed_query(month: Month, min_days: int):
    """SELECT of the person ids with at least ``min_days`` confirmed gig days in ``month``."""
    return (select(GigPlacement.person_id).join(Gig, Gig.id == GigPlacement.gig_id)
            .where(_in_month(month), GigPlacement.work_confirmed_at.is_not(None))
            .group_by(GigPlacement.person_id).having(func.sum(GigPlacement.worked_days) >= min_days))


def gig_days_flexible() -> int:
    """GIG_DAYS_FLEXIBLE of the running app (its default where no app was built: a script's session)."""
    from jobmatch.config import Settings, current_settings

    try:
        return current_settings().gig_days_flexible
    except RuntimeError:
        return Settings.gig_days_flexible


def flexibly_employed(session: Session, month: Month, min_days: int) -> set[int]:
    return set(session.scalars(flexibly_employed_query(month, min_days)))


@dataclass
class GigReportRow:
    """One station's (settlement's) month of gigs."""

    name: str
    gigs_posted: int = 0
    places: int = 0
    places_filled: int = 0
    days_worked: float = 0.0
    pay_confirmed_yuan: int = 0
    workers_paid: int = 0  # said "1 收到"
    disputes: int = 0
    flexibly_employed: int = 0


@dataclass
class GigReport:
    month: Month
    rows: list[GigReportRow]

    @property
    def total(self) -> GigReportRow:
        total = GigReportRow("合计")
        for row in self.rows:
            for name in ("gigs_posted", "places", "places_filled", "days_worked", "pay_confirmed_yuan",
                         "workers_paid", "disputes", "flexibly_employed"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def monthly_gig_report(session: Session, county_id: int, month: Month, min_days: int,
                       settlement_ids=None) -> GigReport:
    """Gigs posted, places filled, days worked, pay confirmed, disputes and flexibly employed persons,
    per settlement of the county (only ``settlement_ids`` when given)."""
    query = select(Settlement).where(Settlement.county_id == county_id).order_by(Settlement.name)
    if settlement_ids is not None:
        query = query.where(Settlement.id.in_(list(settlement_ids)))
    settlements = list(session.scalars(query))
    rows = {s.id: GigReportRow(s.name) for s in settlements}
    for settlement_id, posted, places in session.execute(
            select(Gig.settlement_id, func.count(Gig.id), func.sum(Gig.headcount))
            .where(_in_month(month), Gig.settlement_id.in_(rows)).group_by(Gig.settlement_id)):
        rows[settlement_id].gigs_posted, rows[settlement_id].places = posted, int(places or 0)
    placements = session.execute(
        select(Gig.settlement_id, GigPlacement.worked_days, GigPlacement.pay_total_yuan, GigPlacement.pay_status)
        .join(Gig, Gig.id == GigPlacement.gig_id)
        .where(_in_month(month), Gig.settlement_id.in_(rows), GigPlacement.status == PlacementStatus.ACCEPTED))
    for settlement_id, days, pay, pay_status in placements:
        row = rows[settlement_id]
        row.places_filled += 1
        row.days_worked += float(days or 0)
        row.pay_confirmed_yuan += int(pay or 0)
        row.workers_paid += pay_status == PayStatus.RECEIVED
        row.disputes += pay_status == PayStatus.DISPUTED
    for settlement_id, count in session.execute(
            select(Household.settlement_id, func.count(Person.id)).join(Person, Person.household_id == Household.id)
            .where(Household.settlement_id.in_(rows), Person.id.in_(flexibly_employed_query(month, min_days)))
            .group_by(Household.settlement_id)):
        rows[settlement_id].flexibly_employed = count
    return GigReport(month, list(rows.values()))


def refresh_gig_households(session: Session, *, actor: str) -> list[int]:
    """Refresh the status of households with confirmed gig work this month or last: flexible employment is
    a month's, so a household counted last month is counted again (or not) when the month turns."""
    from jobmatch.services.households.status import refresh_households

    this_month = Month.current()
    households = set(session.scalars(
        select(Person.household_id).join(GigPlacement, GigPlacement.person_id == Person.id)
        .join(Gig, Gig.id == GigPlacement.gig_id)
        .where(GigPlacement.work_confirmed_at.is_not(None), Gig.work_date >= this_month.previous().first_day)))
    refresh_households(session, households, actor=actor)
    return sorted(households)
