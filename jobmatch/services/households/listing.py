"""The staff household list (/staff/households): filtered, searched, sorted and paged in the database.

Every condition is a column test on ``households`` (indexed by settlement, zero-employment,
monitoring, last follow-up) or an EXISTS over the household's members and their current
spells, so a page costs one count and one bounded read however many households a site has.
A search word matches a household number (part of it), a member's name (part of it), the
last digits of a member's phone or ID number, or a settlement's name.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from jobmatch.models import EmploymentSpell, Household, Person, Settlement
from jobmatch.models.people import MonitoringCategory
from jobmatch.services.households.followups import is_overdue, month_starts, overdue_condition
from jobmatch.services.households.zero_employment import IS_ZERO_EMPLOYMENT
from jobmatch.vocabulary import HEAD_RELATION, SPELL_KINDS

PAGE_SIZE = 50
FOLLOW_UP_FILTERS = ("due", "overdue")
SORTS = ("household_no", "settlement", "zero_first", "follow_up")
_DIGITS = re.compile(r"^\d{3,17}[\dXx]?$")


@dataclass(frozen=True)
class HouseholdFilters:
    """What staff asked for; every field is optional. ``follow_up`` is "due" or "overdue";
    ``employed_kind`` one of SPELL_KINDS; ``sort`` one of SORTS."""

    query: str = ""
    settlement_id: int | None = None
    zero_employment: bool = False
    monitored: bool = False
    follow_up: str = ""
    wants_work_unemployed: bool = False
    employed_kind: str = ""
    sort: str = "household_no"
    page: int = 1

    def cleaned(self) -> "HouseholdFilters":
        return replace(self, query=(self.query or "").strip()[:40],
                       follow_up=self.follow_up if self.follow_up in FOLLOW_UP_FILTERS else "",
                       employed_kind=self.employed_kind if self.employed_kind in SPELL_KINDS else "",
                       sort=self.sort if self.sort in SORTS else "household_no", page=max(1, self.page))


@dataclass(frozen=True)
class HouseholdRow:
    household_id: int
    household_no: str
    settlement_name: str
    head_name: str
    members: int
    labourers: int
    employed: int
    zero_employment: bool
    monitoring: str
    last_follow_up_at: datetime | None
    overdue: bool
    # With a search word: the members it found, as (person id, name), so staff go straight to the person.
    found: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class HouseholdPage:
    filters: HouseholdFilters
    total: int
    rows: list[HouseholdRow]
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first_number(self) -> int:
        return (self.filters.page - 1) * self.page_size + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.rows) - 1 if self.rows else 0


def _current_spell(person_id, *conditions):
    return exists().where(EmploymentSpell.person_id == person_id, EmploymentSpell.ended_on.is_(None), *conditions)


def _member_exists(*conditions):
    return exists().where(Person.household_id == Household.id, *conditions)


def _person_matches(query: str):
    """A member's name holds the word, or their phone or ID number ends with its digits."""
    matches = [Person.name.contains(query, autoescape=True)]
    digits = re.sub(r"[\s-]", "", query)
    if _DIGITS.match(digits):
        matches += [Person.phone.endswith(digits, autoescape=True),
                    Person.id_number.endswith(digits.upper(), autoescape=True)]
    return or_(*matches)


def _search_condition(query: str):
    return or_(Household.household_no.contains(query, autoescape=True),
               Settlement.name.contains(query, autoescape=True), _member_exists(_person_matches(query)))


def _found_members(session: Session, household_ids: list[int], query: str) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    if not query or not household_ids:
        return found
    for person_id, household_id, name in session.execute(
            select(Person.id, Person.household_id, Person.name)
            .where(Person.household_id.in_(household_ids), _person_matches(query)).order_by(Person.id)):
        found.setdefault(household_id, []).append((person_id, name))
    return found


def _conditions(filters: HouseholdFilters, settlement_ids: set[int]) -> list[ColumnElement[bool]]:
    this_month, last_month = month_starts()
    conditions: list[ColumnElement[bool]] = [Household.settlement_id.in_(sorted(settlement_ids))]
    if filters.settlement_id is not None:
        conditions.append(Household.settlement_id == filters.settlement_id)
    if filters.zero_employment:
        conditions.append(IS_ZERO_EMPLOYMENT)
    if filters.monitored:
        conditions.append(Household.monitoring != MonitoringCategory.NONE)
    if filters.follow_up:
        due = Household.last_follow_up_at.is_(None) | (Household.last_follow_up_at < this_month)
        conditions.append(and_(due, overdue_condition(last_month)) if filters.follow_up == "overdue" else due)
    if filters.wants_work_unemployed:
        conditions.append(_member_exists(Person.wants_work.is_(True), Person.capacity != "none",
                                         ~_current_spell(Person.id)))
    if filters.employed_kind:
        conditions.append(_member_exists(_current_spell(Person.id, EmploymentSpell.kind == filters.employed_kind)))
    if filters.query:
        conditions.append(_search_condition(filters.query))
    return conditions


def _order(sort: str, last_month):
    if sort == "settlement":
        return (Settlement.name, Household.household_no, Household.id)
    if sort == "zero_first":
        return (Household.zero_employment.desc(), Household.household_no, Household.id)
    if sort == "follow_up":
        return (overdue_condition(last_month).desc(), Household.last_follow_up_at.asc().nulls_first(),
                Household.household_no, Household.id)
    return (Household.household_no, Household.id)


def list_households(session: Session, settlement_ids: set[int], filters: HouseholdFilters,
                    page_size: int = PAGE_SIZE) -> HouseholdPage:
    """One page of the households of these settlements that pass every filter."""
    filters = filters.cleaned()
    if not settlement_ids:
        return HouseholdPage(filters, 0, [], page_size)
    conditions = _conditions(filters, settlement_ids)
    joined = select(Household.id).join(Settlement, Settlement.id == Household.settlement_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(joined.subquery())) or 0
    _, last_month = month_starts()
    head_name = (select(Person.name).where(Person.household_id == Household.id)
                 .order_by(Person.relation != HEAD_RELATION, Person.id).limit(1).scalar_subquery())
    members = select(func.count(Person.id)).where(Person.household_id == Household.id).scalar_subquery()
    order = _order(filters.sort, last_month)
    # The page's ids first, the head's name and the member count for those rows only: with OFFSET,
    # PostgreSQL would compute them for every row it skips too (page 40 cost 8x page 1).
    page_ids = (joined.order_by(*order).offset((filters.page - 1) * page_size).limit(page_size)
                .subquery("page_ids"))
    rows = session.execute(
        select(Household.id, Household.household_no, Settlement.name, head_name, members, Household.labourers,
               Household.employed, Household.zero_employment, Household.monitoring, Household.last_follow_up_at,
               Household.listed_at)
        .join(page_ids, page_ids.c.id == Household.id)
        .join(Settlement, Settlement.id == Household.settlement_id)
        .order_by(*order)).all()
    found = _found_members(session, [r[0] for r in rows], filters.query)
    return HouseholdPage(filters, total, [
        HouseholdRow(r[0], r[1], r[2], r[3] or "", r[4] or 0, r[5] or 0, r[6] or 0, bool(r[7]), r[8],
                     r[9], is_overdue(r[9], r[10], last_month), tuple(found.get(r[0], ()))) for r in rows], page_size)
