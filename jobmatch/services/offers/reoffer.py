"""Offers a worker refused (declined, or let expire) are not made again.

A refused offer keeps its (worker, vacancy) pair out of every later round. For
``REOFFER_AFTER_DAYS`` after the refusal, the worker is also not offered another vacancy
of the same employer in the same trade (an employer re-posting 道路施工普工 is the same job
to the worker). The trade is the taxonomy's occupation of the vacancy's title, else the
title itself. Staff may choose, per round, to offer refused jobs again.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.models import Offer, Vacancy
from jobmatch.models.offers import REFUSED_STATUSES
from jobmatch.models.types import as_utc
from matching.taxonomy import load_taxonomy

REFUSED_BEFORE_REASON = "本轮的群众都拒绝过或没有答复过这个岗位（或同一单位的同类岗位）"


@dataclass
class RefusedPairs:
    """(worker id, vacancy id) pairs, as the engine's string ids, to leave out of a round."""

    pairs: set[tuple[str, str]] = field(default_factory=set)

    def vacancies_refused_by_all(self, worker_ids, vacancy_ids) -> set[str]:
        """Vacancies every one of ``worker_ids`` refused (none when there are no workers)."""
        workers = set(worker_ids)
        if not workers:
            return set()
        return {v for v in vacancy_ids if all((w, v) in self.pairs for w in workers)}


def title_trade(title: str) -> str:
    """The occupation code of a vacancy's title, else the title as written."""
    found = load_taxonomy().normalise(title)
    return found.occupation.code if found else title.strip()


def refused_pairs(session: Session, *, person_ids, vacancies: list[Vacancy], now: datetime,
                  reoffer_after_days: int) -> RefusedPairs:
    """The pairs of these persons and vacancies that repeat an offer the person refused."""
    persons = {int(p) for p in person_ids}
    if not persons or not vacancies:
        return RefusedPairs()
    refused_at = func.coalesce(Offer.responded_at, Offer.expires_at, Offer.sent_at, Offer.created_at)
    rows = session.execute(
        select(Offer.person_id, Offer.vacancy_id, refused_at, Vacancy.employer_id, Vacancy.title)
        .join(Vacancy, Offer.vacancy_id == Vacancy.id)
        .where(Offer.status.in_(REFUSED_STATUSES), Vacancy.employer_id.in_({v.employer_id for v in vacancies})))
    window_start = now - timedelta(days=reoffer_after_days)
    trades = {v.id: title_trade(v.title) for v in vacancies}
    result = RefusedPairs()
    for person_id, vacancy_id, when, employer_id, title in rows:
        if person_id not in persons:
            continue
        trade = title_trade(title)
        recent = when is not None and as_utc(when) >= window_start
        for vacancy in vacancies:
            same_job = vacancy.employer_id == employer_id and trades[vacancy.id] == trade
            if vacancy.id == vacancy_id or (recent and same_job):
                result.pairs.add((str(person_id), str(vacancy.id)))
    return result

