"""The staff dashboard's tiles, read from the maintained site figures (issue 19).

Each visible site's figures come from jobmatch.services.province.figures.current_site_figures:
the stored row when nothing has changed since it was counted, a recompute of that site when
something has (a mark not yet refreshed), so the tiles always equal the live counts the
household list and the other pages show, and a quiet site costs one indexed read. The first
waiting offers are kept the same way: their ids, read back by id while the site is quiet."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import Settlement
from jobmatch.services.households.dashboard import SettlementTotals, Site
from jobmatch.services.province.figures import FIGURE_COLUMNS, current_site_figures


@dataclass(frozen=True)
class DayFigures:
    totals: list[SettlementTotals]  # per site, by name
    monitored: int
    open_alerts: int
    open_problems: int
    waiting_offers: int
    waiting_first: list[int] | None  # offer ids holding the first waiting offers, when kept for every site


def day_figures(session: Session, settlement_ids) -> DayFigures:
    """The dashboard's counts for these sites: per-site totals and the tiles' sums."""
    ids = sorted(set(settlement_ids))
    current = current_site_figures(session, ids)
    figures = {site_id: dict(zip(FIGURE_COLUMNS, values)) for site_id, values in current.figures.items()}
    names = session.execute(select(Settlement.id, Settlement.name).where(Settlement.id.in_(ids))
                            .order_by(Settlement.name)).all()
    totals = [SettlementTotals(Site(site_id, name), f["households"], f["labourers"], f["employed"], f["zero_employment"],
                               f["follow_ups_due"])
              for site_id, name in names for f in (figures[site_id],)]

    def total(column: str) -> int:
        return sum(f[column] for f in figures.values())

    return DayFigures(totals, total("monitored"), total("open_alerts"), total("open_problems"), total("waiting_offers"),
                      current.waiting_first)
