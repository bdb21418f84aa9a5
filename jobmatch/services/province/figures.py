"""Per-site figures maintained as things happen, so the province overview never counts 2 M rows per request.

A site's figures are the counts the staff dashboard shows for it, computed with the dashboard's
own aggregates (jobmatch.services.households.dashboard.household_counts) over the household
counters that jobmatch.services.households.status keeps, plus the monitored households, open
monitoring alerts and open problems with the conditions their own modules count by, and the
offers waiting for a worker's answer (status sent). ``current_site_figures`` is what the
dashboard reads: the stored figures of a site with nothing uncounted, a recompute for the others.

Keeping them current: database triggers mark a site changed (a ``site_figure_changes`` row) in
the same transaction as any change to its households' counters, flags or follow-up time, its
alerts or its problems (migration 0029_site_figures), its members' sent offers or membership
(0035_dashboard_figures). ``refresh_site_figures`` claims the marks
and recomputes only those sites, set-based (one site is a few hundred households); it also
recomputes sites counted for an earlier month (follow-ups due restart each month) and sites
with no figures yet. ``rebuild_site_figures`` recomputes every site, after a bulk load.

Both run under one lock (an advisory lock on PostgreSQL; SQLite serialises writers): two
refreshes at once could otherwise store an older count over a newer one. A mark committed
while a refresh runs is not claimed by it and waits for the next one.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from jobmatch.clock import Month, utcnow
from jobmatch.db import equals_any, in_chunks, is_postgresql
from jobmatch.models import (
    Household,
    MonitoringAlert,
    Offer,
    Person,
    Problem,
    Settlement,
    SiteFigureChange,
    SiteFigures,
)
from jobmatch.models.offers import OfferStatus
from jobmatch.services.households.dashboard import household_counts
from jobmatch.services.households.followups import month_starts
from jobmatch.services.households.monitoring import monitored_condition
from jobmatch.services.households.monitoring_alerts import open_alert_condition
from jobmatch.services.households.problems import open_problem_condition
from jobmatch.services.offers.queries import first_offers_waiting_by_site

_LOCK_KEY = 190_190_019  # pg_advisory_xact_lock key of the site figures (any constant no other lock uses)
WAITING_KEPT = 20  # how many of a site's first waiting offers its figures keep (the dashboard lists 20)
FIGURE_COLUMNS = ("households", "labourers", "employed", "zero_employment", "monitored", "follow_ups_due",
                  "open_alerts", "open_problems", "waiting_offers")


def rebuild_site_figures(session: Session) -> int:
    """Recompute every site's figures (after a bulk load: bench/province.py, `jobmatch figures rebuild`).

    Returns how many sites were computed. The caller commits."""
    _lock(session)
    if is_postgresql(session):
        # Not DELETE: a bulk load leaves a mark per household, and half a million dead rows would slow
        # every read of the marks until a vacuum. Writers wait for the rebuild's commit (about a second).
        session.execute(text("TRUNCATE site_figure_changes, site_figures"))
    else:
        session.execute(delete(SiteFigureChange))
        session.execute(delete(SiteFigures))
    return _compute(session, None)


def refresh_site_figures(session: Session) -> int:
    """Recompute the sites marked changed, counted for an earlier month, or not yet counted.

    Returns how many sites were computed. The caller commits."""
    _lock(session)
    changed = set(session.scalars(delete(SiteFigureChange).returning(SiteFigureChange.settlement_id)))
    current_month = str(Month.current())
    outdated = set(session.scalars(select(SiteFigures.settlement_id).where(SiteFigures.month != current_month)))
    uncounted = set(session.scalars(select(Settlement.id).where(
        ~exists().where(SiteFigures.settlement_id == Settlement.id))))
    site_ids = changed | outdated | uncounted
    computed = 0
    for chunk in in_chunks(sorted(site_ids)):
        session.execute(delete(SiteFigures).where(SiteFigures.settlement_id.in_(chunk)))
        computed += _compute(session, chunk)
    return computed


def pending_changes(session: Session, settlement_ids) -> int:
    """How many of these sites have changes their figures do not count yet."""
    return session.scalar(select(func.count(func.distinct(SiteFigureChange.settlement_id)))
                          .where(among(session, SiteFigureChange.settlement_id, settlement_ids))) or 0


def among(session: Session, column, site_ids):
    """``column IN site_ids`` as one array parameter on PostgreSQL: binding a province's thousand
    parameters one by one cost more than the query itself."""
    ids = sorted(set(site_ids))
    if is_postgresql(session):
        return equals_any(column, ids)
    return column.in_(ids)


def computed_figures(session: Session, settlement_ids=None) -> dict[int, tuple[int, ...]]:
    """Site id -> its figures (in FIGURE_COLUMNS order) computed now from the rows, without storing them."""
    statement = _figures_select(settlement_ids, str(Month.current()), utcnow())
    return {row[0]: tuple(row[1:1 + len(FIGURE_COLUMNS)])
            for row in session.execute(statement, _parameters())}


@dataclass(frozen=True)
class CurrentFigures:
    figures: dict[int, tuple[int, ...]]  # site id -> its figures in FIGURE_COLUMNS order
    # the first WAITING_KEPT waiting offers of each site, when every site's were stored; else None
    waiting_first: list[int] | None


def current_site_figures(session: Session, settlement_ids) -> CurrentFigures:
    """These sites' figures as they are now: the stored figures of a site counted this month with
    no change waiting, a recompute for the others (so a page never shows a count the household list
    would contradict)."""
    ids = sorted(set(settlement_ids))
    rows = session.execute(
        select(SiteFigures.settlement_id, SiteFigures.waiting_first, *(getattr(SiteFigures, c) for c in FIGURE_COLUMNS))
        .where(among(session, SiteFigures.settlement_id, ids), SiteFigures.month == str(Month.current()),
               ~exists().where(SiteFigureChange.settlement_id == SiteFigures.settlement_id))).all() if ids else []
    stored = {row[0]: tuple(row[2:]) for row in rows}
    outdated = [site_id for site_id in ids if site_id not in stored]
    waiting_first = None if outdated or any(row[1] is None for row in rows) else [i for row in rows for i in row[1]]
    return CurrentFigures({**stored, **(computed_figures(session, outdated) if outdated else {})}, waiting_first)


def stale_site_figures(session: Session) -> list[int]:
    """Sites whose stored figures differ from a recompute from the rows (should be none once refreshed)."""
    stored = {row[0]: tuple(row[1:]) for row in session.execute(
        select(SiteFigures.settlement_id, *(getattr(SiteFigures, c) for c in FIGURE_COLUMNS)))}
    computed = computed_figures(session)
    return sorted(site_id for site_id in stored.keys() | computed.keys() if stored.get(site_id) != computed.get(site_id))


def _lock(session: Session) -> None:
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _compute(session: Session, settlement_ids) -> int:
    statement = _figures_select(settlement_ids, str(Month.current()), utcnow())
    columns = ["settlement_id", *FIGURE_COLUMNS, "month", "computed_at"]
    table = cast(Table, SiteFigures.__table__)  # a Core INSERT: the ORM would take the parameters for rows
    inserted = session.scalars(insert(table).from_select(columns, statement).returning(table.c.settlement_id),
                               _parameters()).all()
    if inserted:  # in the dashboard's order, by the dashboard's own statement numbered per site
        firsts = first_offers_waiting_by_site(session, WAITING_KEPT, settlement_ids)
        session.execute(update(table).where(table.c.settlement_id == bindparam("site_id"))
                        .values(waiting_first=bindparam("first")),
                        [{"site_id": site_id, "first": [offer.offer_id for offer in firsts.get(site_id, [])]}
                         for site_id in inserted])
    return len(inserted)


def _parameters() -> dict:
    return {"this_month": month_starts()[0]}


def _figures_select(settlement_ids, month: str, now: datetime):
    """One row per site: its id, the FIGURE_COLUMNS, the month and the time counted."""
    counts = household_counts()
    households = select(Household.settlement_id.label("site_id"),
                        *(column.label(name) for name, column in counts.items()),
                        func.sum(case((monitored_condition(), 1), else_=0)).label("monitored"))
    alerts = (select(Household.settlement_id.label("site_id"), func.count(MonitoringAlert.id).label("open"))
              .join(Household, Household.id == MonitoringAlert.household_id).where(open_alert_condition()))
    problems = (select(Household.settlement_id.label("site_id"), func.count(Problem.id).label("open"))
                .join(Household, Household.id == Problem.household_id).where(open_problem_condition()))
    offers = (select(Household.settlement_id.label("site_id"), func.count(Offer.id).label("waiting"))
              .join(Person, Person.household_id == Household.id)
              .join(Offer, (Offer.person_id == Person.id) & (Offer.status == OfferStatus.SENT)))
    sites = select(Settlement.id)
    if settlement_ids is not None:
        ids = list(settlement_ids)
        households, alerts, problems, offers = (q.where(Household.settlement_id.in_(ids))
                                                for q in (households, alerts, problems, offers))
        sites = sites.where(Settlement.id.in_(ids))
    per_household = households.group_by(Household.settlement_id).subquery()
    per_alert = alerts.group_by(Household.settlement_id).subquery()
    per_problem = problems.group_by(Household.settlement_id).subquery()
    per_offer = offers.group_by(Household.settlement_id).subquery()
    h = per_household.c
    return (sites.add_columns(
                *(func.coalesce(column, 0) for column in (h.households, h.labourers, h.employed, h.zero, h.monitored,
                                                          h.due, per_alert.c.open, per_problem.c.open,
                                                          per_offer.c.waiting)),
                literal(month, SiteFigures.month.type), literal(now, SiteFigures.computed_at.type))
            .outerjoin(per_household, h.site_id == Settlement.id)
            .outerjoin(per_alert, per_alert.c.site_id == Settlement.id)
            .outerjoin(per_problem, per_problem.c.site_id == Settlement.id)
            .outerjoin(per_offer, per_offer.c.site_id == Settlement.id)
            .order_by(Settlement.id))
