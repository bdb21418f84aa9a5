"""Per-site coverage figures (rule 3) and the employment floor check (seed 003).

Rule 3: a site of 200 or more relocated people has a named staff member for employment (an
active staff user assigned to it); a site of 800 or more runs a special employment action
each year (a recruitment fair held at the site, or a 招聘活动 / 培训行动 recorded as a special
action). A site's size is the number of people on its roster.

The floor: employed people at a site (labourers with an employment spell on the day, as the
county report counts them) never below the site's baseline (jobmatch.services.coverage.records).
Every figure of a month is as of that month's end (or today, for the current month).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.clock import Month
from jobmatch.models import (
    EmploymentBaseline,
    EmploymentSpell,
    Fair,
    Household,
    Person,
    Settlement,
    SpecialAction,
    User,
    staff_settlements,
)

NAMED_STAFF_FROM = 200  # people: a named staff member for employment (rule 3)
SPECIAL_ACTION_FROM = 800  # people: a special employment action every year (rule 3)


@dataclass(frozen=True)
class CoverageRow:
    settlement_id: int
    name: str
    people: int  # on the roster
    staff: list[str] = field(default_factory=list)  # the named staff members' names
    fairs: int = 0  # recruitment fairs at the site this year, up to the month's end
    actions: int = 0  # other special actions (招聘活动, 培训行动) this year, up to the month's end
    baseline: int | None = None  # the employment floor
    baseline_as_of: date | None = None
    employed: int = 0  # at the month's end

    @property
    def needs_staff(self) -> bool:
        """200 or more people and nobody named for employment."""
        return self.people >= NAMED_STAFF_FROM and not self.staff

    @property
    def needs_action(self) -> bool:
        """800 or more people and no special action this year."""
        return self.people >= SPECIAL_ACTION_FROM and self.fairs + self.actions == 0

    @property
    def below_floor(self) -> bool:
        return self.baseline is not None and self.employed < self.baseline

    @property
    def flagged(self) -> bool:
        return self.needs_staff or self.needs_action or self.below_floor


def coverage_rows(session: Session, county_id: int, month: "Month | str") -> list[CoverageRow]:
    """Each site of the county, by name: size, named staff, this year's special actions, the floor."""
    from jobmatch.services.reports.monthly import report_moment

    period = month if isinstance(month, Month) else Month.parse(month)
    as_of, _ = report_moment(period)
    year_start = date(period.year, 1, 1)
    sites = session.execute(select(Settlement.id, Settlement.name).where(Settlement.county_id == county_id)
                            .order_by(Settlement.name)).all()
    ids = [site.id for site in sites]
    if not ids:
        return []
    people = _per_site(session, select(Household.settlement_id, func.count(Person.id))
                       .join(Person, Person.household_id == Household.id)
                       .where(Household.settlement_id.in_(ids)).group_by(Household.settlement_id))
    fairs = _per_site(session, select(Fair.settlement_id, func.count(Fair.id))
                      .where(Fair.settlement_id.in_(ids), Fair.held_on >= year_start, Fair.held_on <= as_of)
                      .group_by(Fair.settlement_id))
    actions = _per_site(session, select(SpecialAction.settlement_id, func.count(SpecialAction.id))
                        .where(SpecialAction.settlement_id.in_(ids), SpecialAction.held_on >= year_start,
                               SpecialAction.held_on <= as_of)
                        .group_by(SpecialAction.settlement_id))
    employed = employed_on(session, ids, as_of)
    staff = named_staff(session, ids)
    baselines = {b.settlement_id: b for b in session.scalars(
        select(EmploymentBaseline).where(EmploymentBaseline.settlement_id.in_(ids)))}
    rows = []
    for site in sites:
        baseline = baselines.get(site.id)
        rows.append(CoverageRow(site.id, site.name, people.get(site.id, 0), staff.get(site.id, []),
                                fairs.get(site.id, 0), actions.get(site.id, 0),
                                baseline.employed if baseline else None, baseline.as_of if baseline else None,
                                employed.get(site.id, 0)))
    return rows


def employed_on(session: Session, settlement_ids: list[int], day: date) -> dict[int, int]:
    """Per site, labourers holding a job on ``day`` (an employment spell started, not yet ended)."""
    return _per_site(session, select(Household.settlement_id, func.count(func.distinct(EmploymentSpell.person_id)))
                     .join(Person, Person.id == EmploymentSpell.person_id)
                     .join(Household, Household.id == Person.household_id)
                     .where(Household.settlement_id.in_(settlement_ids), Person.capacity != "none",
                            EmploymentSpell.started_on <= day,
                            EmploymentSpell.ended_on.is_(None) | (EmploymentSpell.ended_on > day))
                     .group_by(Household.settlement_id))


def named_staff(session: Session, settlement_ids: list[int]) -> dict[int, list[str]]:
    """Per site, the active staff members assigned to it (their display names, else usernames)."""
    named: dict[int, list[str]] = defaultdict(list)
    for settlement_id, display_name, username in session.execute(
            select(staff_settlements.c.settlement_id, User.display_name, User.username)
            .join(User, User.id == staff_settlements.c.user_id)
            .where(staff_settlements.c.settlement_id.in_(settlement_ids), User.role == "staff",
                   User.active.is_(True))
            .order_by(User.username)):
        named[settlement_id].append(display_name or username)
    return named


def unstaffed_settlement_ids(session: Session, settlement_ids) -> set[int]:
    """The sites among these with no active staff member assigned: their households fall to the county officer."""
    wanted = set(settlement_ids)
    return wanted - set(named_staff(session, list(wanted)))


def _per_site(session: Session, statement) -> dict[int, int]:
    return {settlement_id: int(count) for settlement_id, count in session.execute(statement)}
