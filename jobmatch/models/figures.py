"""Per-site figures kept current as things happen (issue 19): the province overview and the staff
dashboard read them.

``SiteFigures`` holds one row per settlement, computed by jobmatch.services.province.figures
from the same household counters every other page counts. ``SiteFigureChange`` is the list of
sites whose figures are out of date: database triggers on households, problems, monitoring
alerts and settlements (migration 0029_site_figures), offers and persons (0035_dashboard_figures)
add a row in the same transaction as the change, so no writer can forget to; the refresh claims
the rows and recomputes only those sites. The list is append-only for writers, so two staff recording at the same
site never wait on each other.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class SiteFigures(Base):
    __tablename__ = "site_figures"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True)
    households: Mapped[int] = mapped_column(Integer)
    labourers: Mapped[int] = mapped_column(Integer)
    employed: Mapped[int] = mapped_column(Integer)
    zero_employment: Mapped[int] = mapped_column(Integer)  # households
    monitored: Mapped[int] = mapped_column(Integer)  # households under poverty-relapse monitoring
    follow_ups_due: Mapped[int] = mapped_column(Integer)  # households not yet contacted in ``month``
    open_alerts: Mapped[int] = mapped_column(Integer)  # monitoring alerts not closed
    open_problems: Mapped[int] = mapped_column(Integer)  # problems not resolved
    # sent offers waiting for the worker's answer (marked by triggers on offers, migration 0035)
    waiting_offers: Mapped[int] = mapped_column(Integer, server_default="0")
    # the ids of the first of them in the dashboard's order (jobmatch.services.offers.queries.offers_waiting)
    waiting_first: Mapped[list[int] | None] = mapped_column(JSON)
    month: Mapped[str] = mapped_column(String(7))  # the local month follow_ups_due counts, "2026-12"
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SiteFigureChange(Base):
    """A site whose figures changed since they were computed (written by triggers, claimed by the refresh)."""

    __tablename__ = "site_figure_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(Integer)  # no foreign key: a deleted site's mark is harmless
