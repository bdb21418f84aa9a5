"""The transport subsidy of organised labour export (seed 003: 补贴交通费用).

Staff set a per-county amount per exported worker; it is fixed on the member when the arrival
is confirmed (jobmatch.services.labour_export.arrival) and paid in the month of arrival, to
those who arrived only: nobody who never left, never checked in, or has not arrived. The one
monthly subsidy list (jobmatch.services.subsidies.monthly_list) takes its lines from here.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch import ledger
from jobmatch.clock import Month
from jobmatch.models import County, ExportGroup, ExportMember, Household, Person
from jobmatch.services.errors import get_or_fail, require

MAX_TRANSPORT_SUBSIDY_YUAN = 5000


def set_transport_subsidy(session: Session, county_id: int, yuan: int | None, *, actor: str) -> County:
    """The county's amount per exported worker (None or 0: no subsidy)."""
    county = get_or_fail(session, County, county_id, "county_id", "县区")
    require(yuan is None or (isinstance(yuan, int) and 0 <= yuan <= MAX_TRANSPORT_SUBSIDY_YUAN), "transport_subsidy_yuan",
            f"交通补贴应在 0 到 {MAX_TRANSPORT_SUBSIDY_YUAN} 元之间")
    county.transport_subsidy_yuan = yuan or None
    ledger.append(session, "transport_subsidy_set", actor=actor, subject=f"county:{county.id}",
                  data={"yuan": county.transport_subsidy_yuan})
    return county


@dataclass(frozen=True)
class TransportSubsidyLine:
    member: ExportMember
    person: Person
    group: ExportGroup
    amount: int
    arrived_on: date


def transport_subsidy_lines(session: Session, month: Month, settlement_ids) -> Iterator[TransportSubsidyLine]:
    """The transport subsidies payable in ``month``: arrivals confirmed that month with an amount, in order."""
    first, last = month.first_day, month.last_day
    members = session.scalars(
        select(ExportMember).join(Person, Person.id == ExportMember.person_id).join(Household)
        .where(ExportMember.arrived_on >= first, ExportMember.arrived_on <= last,
               ExportMember.transport_subsidy_yuan > 0, Household.settlement_id.in_(list(settlement_ids)))
        .options(selectinload(ExportMember.person), selectinload(ExportMember.group))
        .order_by(ExportMember.arrived_on, ExportMember.id))
    for member in members:
        assert member.arrived_on is not None and member.transport_subsidy_yuan is not None  # the query's filters
        yield TransportSubsidyLine(member, member.person, member.group, member.transport_subsidy_yuan,
                                   member.arrived_on)
