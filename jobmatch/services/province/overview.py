"""The province overview (/staff/province): per county, then per site, read from the maintained site figures.

Nothing here counts households: every figure is a stored SiteFigures row
(jobmatch.services.province.figures), summed per county, so the page costs the same for a
province of 2 M people as for a county of 2,000. The page and its .xlsx export read the same
``ProvinceOverview``.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import County, Settlement, SiteFigures
from jobmatch.services.province.figures import FIGURE_COLUMNS, among, pending_changes

# The columns a table can be sorted by: the name, each figure, and the rates.
SORT_KEYS = ("name", *FIGURE_COLUMNS, "employment_rate", "followed_up")


@dataclass
class FiguresRow:
    """One line of the overview: a site, a county or the total, with its figures."""

    name: str
    id: int | None = None  # the site's or the county's id
    sites: int = 0
    households: int = 0
    labourers: int = 0
    employed: int = 0
    zero_employment: int = 0
    monitored: int = 0
    follow_ups_due: int = 0
    open_alerts: int = 0
    open_problems: int = 0
    waiting_offers: int = 0
    computed_at: datetime | None = None  # the oldest of its sites' figures

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.labourers if self.labourers else None

    @property
    def followed_up(self) -> int:
        """Households contacted this month (the month's follow-ups, rule 6)."""
        return self.households - self.follow_ups_due

    def add(self, other: "FiguresRow") -> None:
        self.sites += other.sites
        for column in FIGURE_COLUMNS:
            setattr(self, column, getattr(self, column) + getattr(other, column))
        if other.computed_at is not None:
            self.computed_at = min(filter(None, (self.computed_at, other.computed_at)))


@dataclass
class ProvinceOverview:
    counties: list[FiguresRow]
    total: FiguresRow
    county: FiguresRow | None = None  # the county drilled into, if any
    sites: list[FiguresRow] = field(default_factory=list)  # its sites
    as_of: datetime | None = None  # the latest count of the sites shown
    pending: int = 0  # sites shown with changes not yet counted
    sort: str = "name"
    descending: bool = False


def province_overview(session: Session, settlement_ids, county_id: int | None = None, sort: str = "name",
                      descending: bool = False) -> ProvinceOverview:
    """The counties of these sites with their totals; with ``county_id``, that county's sites too."""
    sort = sort if sort in SORT_KEYS else "name"
    site_rows = _site_rows(session, set(settlement_ids))
    counties: dict[int, FiguresRow] = {}
    for county_id_of_site, county_name, row in site_rows:
        counties.setdefault(county_id_of_site, FiguresRow(county_name, county_id_of_site)).add(row)
    total = FiguresRow("合计")
    for county in counties.values():
        total.add(county)
    chosen = counties.get(county_id) if county_id is not None else None
    sites = [row for site_county, _, row in site_rows if chosen is not None and site_county == chosen.id]
    shown = [row.id for row in sites] if chosen is not None else [row.id for _, _, row in site_rows]
    return ProvinceOverview(
        _sorted(list(counties.values()), sort, descending), total, chosen, _sorted(sites, sort, descending),
        as_of=max((row.computed_at for _, _, row in site_rows if row.computed_at), default=None),
        pending=pending_changes(session, shown), sort=sort, descending=descending)


def _site_rows(session: Session, settlement_ids: set[int]) -> list[tuple[int, str, FiguresRow]]:
    """(county id, county name, the site's row) for each of these sites that has figures."""
    columns = [getattr(SiteFigures, column) for column in FIGURE_COLUMNS]
    rows = session.execute(
        select(County.id, County.name, Settlement.id, Settlement.name, *columns, SiteFigures.computed_at)
        .join(Settlement, Settlement.id == SiteFigures.settlement_id)
        .join(County, County.id == Settlement.county_id)
        .where(among(session, SiteFigures.settlement_id, settlement_ids))).all()
    return [(row[0], row[1], FiguresRow(row[3], row[2], 1, **dict(zip(FIGURE_COLUMNS, row[4:-1])),
                                        computed_at=row[-1]))
            for row in rows]


def _sorted(rows: list[FiguresRow], sort: str, descending: bool) -> list[FiguresRow]:
    if sort == "name":
        return sorted(rows, key=lambda row: row.name, reverse=descending)
    # A rate with nothing to divide by sorts last either way.
    present = [row for row in rows if getattr(row, sort) is not None]
    missing = [row for row in rows if getattr(row, sort) is None]
    return sorted(present, key=lambda row: (getattr(row, sort), row.name), reverse=descending) + missing
