"""Query helpers for the staff pages of matching rounds and offers (read-only, scoped by settlement)."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, any_, bindparam, func, or_, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import BindParameter

from jobmatch.db import is_postgresql
from jobmatch.models import Household, MatchRound, Offer, Person, Settlement, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.offers import OfferChannel, OfferStatus, RoundScope


def vacancies_for_rounds(session: Session, settlement_ids) -> list[Vacancy]:
    """Open vacancies a round of these settlements can use: in their counties, or of no county."""
    counties = select(Settlement.county_id).where(Settlement.id.in_(list(settlement_ids)))
    return list(session.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.OPEN, or_(Vacancy.county_id.in_(counties), Vacancy.county_id.is_(None)))
        .options(selectinload(Vacancy.employer)).order_by(Vacancy.posted_at.desc(), Vacancy.id.desc()).limit(300)))


def recent_rounds(session: Session, settlement_ids, limit: int = 20) -> list[MatchRound]:
    """Rounds of these settlements (or of a county all of whose rounds' sites are visible), newest first."""
    ids = list(settlement_ids)
    counties = select(Settlement.county_id).where(Settlement.id.in_(ids))
    pool_rounds_with_their_workers = select(Offer.round_id).join(Person, Offer.person_id == Person.id).join(
        Household, Person.household_id == Household.id).where(Household.settlement_id.in_(ids))
    return list(session.scalars(
        select(MatchRound).where(or_(MatchRound.settlement_id.in_(ids),
                                     (MatchRound.settlement_id.is_(None)) & MatchRound.county_id.in_(counties),
                                     (MatchRound.scope == RoundScope.PROVINCE)
                                     & MatchRound.id.in_(pool_rounds_with_their_workers)))
        .order_by(MatchRound.id.desc()).limit(limit)))


def offers_with_people(session: Session, round_id: int, statuses, settlement_ids) -> list[Offer]:
    """A round's offers in these statuses to workers of these settlements, zero-employment households
    first, people and vacancies loaded."""
    return list(session.scalars(
        select(Offer).join(Person, Offer.person_id == Person.id).join(Household, Person.household_id == Household.id)
        .where(Offer.round_id == round_id, Offer.status.in_(list(statuses)),
               Household.settlement_id.in_(list(settlement_ids)))
        .options(selectinload(Offer.person).selectinload(Person.household).selectinload(Household.settlement),
                 selectinload(Offer.vacancy).selectinload(Vacancy.employer))
        .order_by(Household.zero_employment.desc(), Offer.vacancy_id, Offer.rank, Offer.id)))


def excluded_vacancies(session: Session, match_round: MatchRound) -> list[tuple[Vacancy | None, str, str]]:
    """The vacancies the round left out, as (vacancy or None when deleted, the id, why), by id."""
    reasons = match_round.summary.get("excluded_vacancies") or {}
    ids = [int(i) for i in reasons]
    found = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(ids))
                                             .options(selectinload(Vacancy.employer)))} if ids else {}
    return [(found.get(int(i)), i, why) for i, why in sorted(reasons.items(), key=lambda item: int(item[0]))]


def status_counts(session: Session, round_id: int) -> dict[str, int]:
    rows = session.execute(select(Offer.status, func.count()).where(Offer.round_id == round_id)
                           .group_by(Offer.status)).all()
    return {status: count for status, count in rows}


@dataclass(frozen=True)
class WaitingOffer:
    offer_id: int
    person_id: int
    name: str
    household_id: int
    household_no: str
    zero_employment: bool
    vacancy_title: str
    channel: str
    sent_at: datetime | None
    expires_at: datetime | None


def _waiting_columns(offer, *extra):
    """A WaitingOffer's columns, the offer's own read from ``offer`` (Offer, or a subquery of its columns)."""
    return (offer.id, Person.id, Person.name, Household.id, Household.household_no, Household.zero_employment,
            Vacancy.title, offer.channel, offer.sent_at, offer.expires_at, *extra)


def _waiting_order(offer):
    """Door deliveries and zero-employment households first, then the soonest to expire."""
    return ((offer.channel == OfferChannel.VISIT).desc(), Household.zero_employment.desc(), offer.expires_at, offer.id)


def _sent_offers(*extra):
    """Sent offers with their member, household and vacancy joined, selecting their WaitingOffer columns;
    and what holds the offer's columns (to order by)."""
    return (select(*_waiting_columns(Offer, *extra)).select_from(Offer)
            .join(Person, Offer.person_id == Person.id).join(Household, Person.household_id == Household.id)
            .join(Vacancy, Vacancy.id == Offer.vacancy_id)
            .where(Offer.status == OfferStatus.SENT)), Offer


def _members_sent_offers(*extra):
    """The same rows from the members' side, for PostgreSQL and a few sites: from the sites' members to each
    one's sent offer (a person has at most one, as uq_offers_one_sent_per_person keeps it; LIMIT 1 keeps the
    planner probing that index). Joined the other way it read every sent offer of the province, or every
    person, to find a site's few."""
    sent = (select(Offer.id, Offer.vacancy_id, Offer.channel, Offer.sent_at, Offer.expires_at)
            .where(Offer.person_id == Person.id, Offer.status == OfferStatus.SENT).limit(1).lateral("sent"))
    return (select(*_waiting_columns(sent.c, *extra))
            .select_from(Household).join(Person, Person.household_id == Household.id).join(sent, true())
            .join(Vacancy, Vacancy.id == sent.c.vacancy_id)), sent.c


def _sent_offers_of_sites(*extra, where=(), per_member: bool = False):
    """Sent offers of the sites' members, with their WaitingOffer columns, in the dashboard's order."""
    sites: BindParameter[list[int]] = bindparam("settlement_ids", expanding=True)
    statement, offer = _members_sent_offers(*extra) if per_member else _sent_offers(*extra)
    return (statement.where(*where, Household.settlement_id.in_(sites))
            .order_by(*_waiting_order(offer))
            .limit(bindparam("limit")))


@cache
def _offers_waiting_statement(per_member: bool, counted: bool = True):
    # Built once, with bound parameters: the staff dashboard asks on every request.
    # ``counted``: the count comes along with each of the first rows (a window over every waiting offer);
    # without it, the vacancies are looked up for the first rows only.
    count = (func.count().over(),) if counted else ()
    return _sent_offers_of_sites(*count, per_member=per_member)


@cache
def _offers_waiting_among_statement(array: bool):
    # The offers given by id (the sites' first waiting offers as their figures keep them), in the same order.
    # PostgreSQL: the ids as one array parameter (a province's sites keep thousands).
    ids = (Offer.id == any_(bindparam("offer_ids", type_=postgresql.ARRAY(Integer))) if array
           else Offer.id.in_(bindparam("offer_ids", expanding=True)))
    return _sent_offers_of_sites(where=(ids,))


def offers_waiting(session: Session, settlement_ids, limit: int = 50, total: int | None = None,
                   among: list[int] | None = None) -> tuple[int, list[WaitingOffer]]:
    """Sent offers still waiting for the worker's answer: how many (counted here unless given: the
    dashboard has it from the site figures), and the first ``limit`` (door deliveries and
    zero-employment households first, then the soonest to expire); ``limit`` >= 1.

    ``among``: offer ids known to hold the first ``limit`` (each site's first, kept with its figures
    while nothing there has changed): only those are read, not every member's offers."""
    if total == 0:
        return 0, []
    parameters = {"settlement_ids": list(settlement_ids), "limit": limit}
    if among is not None and total is not None:
        rows = session.execute(_offers_waiting_among_statement(is_postgresql(session)),
                               {**parameters, "offer_ids": among}).all()
        return total, [WaitingOffer(*row) for row in rows]
    statement = _offers_waiting_statement(is_postgresql(session), counted=total is None)
    rows = session.execute(statement, parameters).all()
    if total is not None:
        return total, [WaitingOffer(*row) for row in rows]
    return (rows[0][-1] if rows else 0), [WaitingOffer(*row[:-1]) for row in rows]


def first_offers_waiting_by_site(session: Session, limit: int, settlement_ids=None) -> dict[int, list[WaitingOffer]]:
    """Each site's first ``limit`` waiting offers, as ``offers_waiting`` gives them for that site alone (its
    joins, columns and order), for every site (or these) in one statement: numbered per site by a window.
    A site with none is left out. Every site: one pass over the sent offers; some sites on PostgreSQL:
    from their members, as the dashboard reads a site (a pass over the province's offers would cost a
    few sites as much as all of them)."""
    some = settlement_ids is not None
    sent_offers = _members_sent_offers if some and is_postgresql(session) else _sent_offers
    numbered, offer = sent_offers(Household.settlement_id)
    numbered = numbered.add_columns(
        func.row_number().over(partition_by=Household.settlement_id, order_by=_waiting_order(offer)))
    if some:
        numbered = numbered.where(Household.settlement_id.in_(list(settlement_ids)))
    ranked = numbered.subquery("numbered")
    site_id, number = list(ranked.c)[-2:]
    firsts: dict[int, list[WaitingOffer]] = {}
    for *row, site, _ in session.execute(select(ranked).where(number <= limit).order_by(site_id, number)):
        firsts.setdefault(site, []).append(WaitingOffer(*row))
    return firsts
