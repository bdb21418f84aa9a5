"""Household and person search for staff, inside the settlements they may see."""

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobmatch.models import Household, Person
from notifications.phones import InvalidPhone, normalise_phone

MAX_RESULTS = 50
_ID_NUMBER = re.compile(r"^\d{6,17}[\dXx]$")


@dataclass
class SearchResults:
    query: str
    households: list[Household]
    persons: list[Person]


def search(session: Session, query: str, settlement_ids: set[int]) -> SearchResults:
    """By name (part of it), household number, phone or ID number (whole or its last digits)."""
    query = (query or "").strip()[:40]
    if not query or not settlement_ids:
        return SearchResults(query, [], [])
    in_scope = Household.settlement_id.in_(settlement_ids)
    households = session.scalars(
        select(Household).where(in_scope, Household.household_no.contains(query, autoescape=True))
        .order_by(Household.household_no).limit(MAX_RESULTS)).all()
    persons = session.scalars(
        select(Person).join(Household).where(in_scope, or_(*_person_conditions(query)))
        .order_by(Person.name, Person.id).limit(MAX_RESULTS)).all()
    return SearchResults(query, list(households), list(persons))


def _person_conditions(query: str):
    conditions = [Person.name.contains(query, autoescape=True)]
    phone = _as_phone(query)
    if phone:
        conditions.append(Person.phone == phone)
    if _ID_NUMBER.match(query):
        id_number = query.upper()
        conditions.append(Person.id_number == id_number if len(id_number) == 18
                          else Person.id_number.endswith(id_number, autoescape=True))
    return conditions


def _as_phone(query: str) -> str | None:
    digits = re.sub(r"[\s-]", "", query)
    if not digits.lstrip("+").isdigit() or len(digits) < 11:
        return None
    try:
        return normalise_phone(digits)
    except InvalidPhone:
        return None
