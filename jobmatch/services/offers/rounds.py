"""Matching rounds: staff choose a scope and vacancies, the engine proposes, staff approve.

A round keeps every ranked pair of the engine's output for workers not in work: the
allocated ones as ``proposed`` offers, the others as ``reserve`` (replacements, see
jobmatch.services.offers.lifecycle). Zero-employment households come first: the engine's
allocation covers them first, and every list here is sorted by them.

Rule 9 (work-for-relief and government-funded projects hire local relocated workers
first): such a vacancy (kind "relief", flagged government_funded or work_for_relief, or
any vacancy of an employer so flagged or of kind public_works) is left out of rounds
scoped outside its county until a round scoped to its own county (or a settlement in
it) has included it. A round's workers all live in its scope, so that first round
offers the vacancy to local relocated workers only. A vacancy whose county is unknown
is not restricted. A person round (below) does not count as that first local round: it
offered the vacancy to one worker, not to the county's.

Person rounds (``rematch_person``, after a worker gains a skill): the same machinery for
one worker against the open vacancies in reach (workplace in their county, or unknown),
scoped to their settlement, so their site's staff review and approve it like any round.
"""

import os
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.config import current_settings
from jobmatch.metrics import ROUND_DURATION
from jobmatch.models import County, Employer, Household, MatchRound, Offer, Person, Settlement, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.offers import OfferStatus, RoundScope, match_round_vacancies
from jobmatch.services.errors import WorkflowError, get_or_fail
from jobmatch.services.offers.lifecycle import OfferSettings, SendResult, send_offers
from jobmatch.services.offers.matching_input import EngineInput, build_engine_input, load_vacancies, vacancy_county
from jobmatch.services.offers.reoffer import REFUSED_BEFORE_REASON, RefusedPairs, refused_pairs
from matching.engine import DEFAULT_MIN_SCORE, DEFAULT_TOP_K, match_round
from matching.features import FEATURE_NAMES
from matching.model import ScoringModel, load_model
from matching.records import Match
from notifications.wording import moment_text

NO_OPENINGS_REASON = "没有空余名额（已推送、已接受或已录用）"


@dataclass
class RankedPair:
    """One pair of the engine's output with the features it was scored on."""

    match: Match
    features: dict[str, float]
    distance_km: float | None


def load_scoring_model(path: str | None) -> ScoringModel | None:
    """The learned model stored at ``path``, or None (the engine's default) when there is none."""
    if not path or not os.path.exists(path):
        return None
    return load_model(path)


def resolve_scope(session: Session, *, settlement: str | None = None, county: str | None = None) -> dict:
    """Scope by name (the CLI) as propose_round's keywords; exactly one name must be given."""
    if bool(settlement) == bool(county):
        raise WorkflowError("scope", "请指定一个安置点或一个县（只选一个）")
    if county:
        found = session.scalar(select(County).where(County.name == county))
        if found is None:
            raise WorkflowError("county", f"找不到县：{county}")
        return {"county_id": found.id, "settlement_id": None}
    settlements = session.scalars(select(Settlement).where(Settlement.name == settlement)).all()
    if len(settlements) != 1:
        raise WorkflowError("settlement", f"找不到安置点：{settlement}" if not settlements
                            else f"安置点重名：{settlement}，请用编号")
    return {"county_id": None, "settlement_id": settlements[0].id}


def _scope_county_id(session: Session, county_id: int | None, settlement_id: int | None) -> int:
    if (county_id is None) == (settlement_id is None):
        raise WorkflowError("scope", "请指定一个安置点或一个县（只选一个）")
    if settlement_id is not None:
        settlement = get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
        if county_id is not None and county_id != settlement.county_id:
            raise WorkflowError("county_id", "安置点不在这个县")
        return settlement.county_id
    return get_or_fail(session, County, county_id, "county_id", "县").id


def _chosen_vacancies(session: Session, vacancy_ids, reach_county_id: int | None = None) -> list[Vacancy]:
    """The given vacancies (checked), else the open ones (in reach of ``reach_county_id`` when given)."""
    if vacancy_ids is None:
        query = select(Vacancy.id).where(Vacancy.status == VacancyStatus.OPEN)
        if reach_county_id is not None:
            workplace_county = func.coalesce(Vacancy.county_id, select(Employer.county_id).where(
                Employer.id == Vacancy.employer_id).scalar_subquery())
            query = query.where(or_(workplace_county == reach_county_id, workplace_county.is_(None)))
        return load_vacancies(session, session.scalars(query))
    ids = sorted({int(v) for v in vacancy_ids})
    if not ids:
        raise WorkflowError("vacancy_ids", "请至少选一个岗位")
    vacancies = load_vacancies(session, ids)
    missing = sorted(set(ids) - {v.id for v in vacancies})
    if missing:
        raise WorkflowError("vacancy_ids", f"找不到岗位（编号 {', '.join(map(str, missing))}）")
    closed = [v.id for v in vacancies if v.status != VacancyStatus.OPEN]
    if closed:
        raise WorkflowError("vacancy_ids", f"岗位已关闭（编号 {', '.join(map(str, closed))}）")
    return vacancies


def local_first_grounds(vacancy: Vacancy) -> list[str]:
    """Why rule 9 applies to the vacancy (empty: it does not), in plain words."""
    employer = vacancy.employer
    grounds = []
    if vacancy.kind == "relief" or vacancy.work_for_relief:
        grounds.append("以工代赈岗位")
    if vacancy.government_funded:
        grounds.append("政府投资项目岗位")
    if employer is not None and (employer.work_for_relief or employer.kind == "public_works"):
        grounds.append("以工代赈单位")
    if employer is not None and employer.government_funded:
        grounds.append("政府投资单位")
    return grounds


def is_local_first(vacancy: Vacancy) -> bool:
    """Rule 9: work-for-relief or government-funded, by the vacancy or by its employer."""
    return bool(local_first_grounds(vacancy))


def local_first_reason(vacancy: Vacancy) -> str:
    return f"{'、'.join(local_first_grounds(vacancy))}：首轮只推荐给本县搬迁群众，外县群众暂不推送"


def _had_local_round(session: Session, vacancy_id: int, county_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        match_round_vacancies.c.vacancy_id == vacancy_id, match_round_vacancies.c.round_id == MatchRound.id,
        MatchRound.county_id == county_id, MatchRound.scope != RoundScope.PERSON))))


def local_first_excluded(session: Session, vacancy: Vacancy, scope_county_id: int) -> bool:
    """Whether rule 9 keeps this vacancy out of a round scoped to another county."""
    county = vacancy_county(vacancy)
    if not is_local_first(vacancy) or county is None or county.id == scope_county_id:
        return False
    return not _had_local_round(session, vacancy.id, county.id)


def run_engine(engine_input: EngineInput, *, top_k: int, min_score: float, model: ScoringModel | None,
               excluded_pairs=()) -> tuple[list[RankedPair], int]:
    """The engine's ranked pairs with the features they were scored on (the ledger keeps them: the
    learned model is trained from offer_sent events), and the number of candidate pairs."""
    if not engine_input.workers or not engine_input.vacancies:
        return [], 0
    result = match_round(engine_input.workers, engine_input.vacancies, top_k=top_k, min_score=min_score, model=model,
                         excluded_pairs=excluded_pairs)
    pairs = [RankedPair(match, {name: round(value, 4) for name, value in zip(FEATURE_NAMES, row)}, distance)
             for match, row, distance in zip(result.matches, result.features.tolist(), result.distance_km.tolist())]
    return pairs, result.candidate_pairs


@ROUND_DURATION.time()
def propose_round(session: Session, *, actor: str, county_id: int | None = None, settlement_id: int | None = None,
                  person_id: int | None = None, vacancy_ids=None, min_score: float = DEFAULT_MIN_SCORE,
                  top_k: int = DEFAULT_TOP_K, model: ScoringModel | None = None,
                  reoffer_refused: bool = False) -> MatchRound:
    """Run the engine on the scope's workers (only ``person_id``'s when given: a person round) and
    the vacancies (when None: all open ones, or for a person round those in reach).

    Offers the worker refused before are not made again (see reoffer.py) unless staff choose
    ``reoffer_refused``."""
    scope_county_id = _scope_county_id(session, county_id, settlement_id)
    chosen = _chosen_vacancies(session, vacancy_ids, scope_county_id if person_id is not None else None)
    excluded = {v.id: local_first_reason(v) for v in chosen if local_first_excluded(session, v, scope_county_id)}
    engine_input = build_engine_input(session, county_id=scope_county_id, settlement_id=settlement_id,
                                      vacancies=[v for v in chosen if v.id not in excluded], person_id=person_id)
    scope = (RoundScope.PERSON if person_id is not None
             else RoundScope.SETTLEMENT if settlement_id else RoundScope.COUNTY)
    return record_round(session, RoundPlan(scope, scope_county_id, settlement_id, engine_input, chosen, excluded,
                                           {"person_id": person_id} if person_id is not None else {}),
                        actor=actor, min_score=min_score, top_k=top_k, model=model, reoffer_refused=reoffer_refused)


@dataclass
class RoundPlan:
    """What a round will run on: its scope, the engine's input and the vacancies left out so far."""

    scope: RoundScope
    county_id: int | None
    settlement_id: int | None
    engine_input: EngineInput
    chosen: list[Vacancy]
    excluded: dict[int, str]
    extra_summary: dict


def record_round(session: Session, plan: RoundPlan, *, actor: str, min_score: float, top_k: int,
                 model: ScoringModel | None, reoffer_refused: bool) -> MatchRound:
    """Run the engine on the plan and store the round with its offers, its summary and the ledger events."""
    engine_input, excluded = plan.engine_input, dict(plan.excluded)
    considered = list(engine_input.vacancy_rows.values())
    excluded.update({v.id: NO_OPENINGS_REASON for v in plan.chosen
                     if v.id not in excluded and str(v.id) not in engine_input.vacancy_rows})
    now = utcnow()
    refused = _refused_pairs(session, engine_input, now) if not reoffer_refused else RefusedPairs()
    excluded.update({int(v): REFUSED_BEFORE_REASON for v in refused.vacancies_refused_by_all(
        [w.id for w in engine_input.workers if not w.employed], engine_input.vacancy_rows)})
    pairs, candidate_count = run_engine(engine_input, top_k=top_k, min_score=min_score, model=model,
                                        excluded_pairs=refused.pairs)
    match_round_row = MatchRound(scope=plan.scope, county_id=plan.county_id, settlement_id=plan.settlement_id,
                                 created_by=actor, created_at=now, vacancies=considered)
    session.add(match_round_row)
    offers = _offers_of(pairs, engine_input, now)
    match_round_row.offers = offers
    match_round_row.summary = {
        "workers": len(engine_input.workers), "vacancies": len(considered), "candidate_pairs": candidate_count,
        "proposed": sum(o.status == OfferStatus.PROPOSED for o in offers),
        "reserve": sum(o.status == OfferStatus.RESERVE for o in offers),
        "excluded_vacancies": {str(k): v for k, v in sorted(excluded.items())},
        "workers_without_location": engine_input.workers_without_location,
        "refused_before": len(refused.pairs), "reoffer_refused": reoffer_refused, **plan.extra_summary,
    }
    session.flush()
    _ledger_proposal(session, match_round_row, offers, actor)
    return match_round_row


def _refused_pairs(session: Session, engine_input: EngineInput, now) -> RefusedPairs:
    return refused_pairs(session, person_ids=[w.id for w in engine_input.workers],
                         vacancies=list(engine_input.vacancy_rows.values()), now=now,
                         reoffer_after_days=current_settings().reoffer_after_days)


def rematch_person(session: Session, person_id: int, *, actor: str, min_score: float | None = None,
                   model: ScoringModel | None = None) -> MatchRound:
    """A person round: match one worker (after a new skill) against the open vacancies in reach,
    proposed for their site's staff to approve."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    configured_min_score, configured_model = configured_matching()
    return propose_round(session, actor=actor, settlement_id=person.household.settlement_id, person_id=person.id,
                         min_score=configured_min_score if min_score is None else min_score,
                         model=model or configured_model)


def configured_matching() -> tuple[float, ScoringModel | None]:
    """The minimum score and learned model of the running app."""
    settings = current_settings()
    return settings.match_min_score, load_scoring_model(settings.match_model_path)


def _offers_of(pairs: list[RankedPair], engine_input: EngineInput, now) -> list[Offer]:
    """Offer rows for pairs whose worker is not in work (employed workers are only ranked)."""
    employed = {w.id for w in engine_input.workers if w.employed}
    return [
        Offer(vacancy_id=int(p.match.vacancy_id), person_id=int(p.match.worker_id),
              status=OfferStatus.PROPOSED if p.match.allocated else OfferStatus.RESERVE, rank=p.match.rank, score=p.match.score,
              reasons=list(p.match.reasons), features=p.features, distance_km=p.distance_km, created_at=now,
              channel="", automatic=False, skip_reason="", responded_via="", interview_note="", outcome_note="")
        for p in pairs if p.match.worker_id not in employed
    ]


def _ledger_proposal(session: Session, match_round_row: MatchRound, offers: list[Offer], actor: str) -> None:
    summary = match_round_row.summary
    person_id = summary.get("person_id")  # a person round is also on that person's timeline
    household_id = None
    if person_id is not None:
        person = session.get(Person, person_id)
        assert person is not None  # the round was proposed for this person
        household_id = person.household_id
    events = [ledger.NewEvent("round_proposed", actor, {
        "round_id": match_round_row.id, "scope": match_round_row.scope, "county_id": match_round_row.county_id,
        "settlement_id": match_round_row.settlement_id, "vacancy_ids": [v.id for v in match_round_row.vacancies],
        **summary}, household_id, person_id, f"round:{match_round_row.id}")]
    households: dict[int, int] = dict(session.execute(select(Person.id, Person.household_id).where(
        Person.id.in_([o.person_id for o in offers if o.status == OfferStatus.PROPOSED]))).tuples().all())
    for offer in offers:
        if offer.status == OfferStatus.PROPOSED:
            events.append(ledger.NewEvent("offer_proposed", actor, {
                "offer_id": offer.id, "round_id": offer.round_id, "vacancy_id": offer.vacancy_id,
                "score": offer.score, "rank": offer.rank}, households[offer.person_id], offer.person_id,
                f"offer:{offer.id}"))
    ledger.append_many(session, events)


def approve_round(session: Session, round_id: int, *, actor: str, offer_ids=None, settlement_ids=None,
                  settings: OfferSettings | None = None) -> SendResult:
    """Send the round's proposed offers (or only ``offer_ids``); a second approval sends nothing twice.

    ``settlement_ids``: when given, "all proposed" means those to workers of these settlements
    (the approver's share of a county round)."""
    match_round_row = get_or_fail(session, MatchRound, round_id, "round_id", "匹配轮次")
    if offer_ids is None:
        query = select(Offer.id).where(Offer.round_id == round_id, Offer.status == OfferStatus.PROPOSED)
        if settlement_ids is not None:
            query = (query.join(Person, Offer.person_id == Person.id)
                     .join(Household, Person.household_id == Household.id)
                     .where(Household.settlement_id.in_(list(settlement_ids))))
        ids = list(session.scalars(query.order_by(Offer.id)))
    else:
        ids = sorted({int(i) for i in offer_ids})
        found = set(session.scalars(select(Offer.id).where(Offer.round_id == round_id, Offer.id.in_(ids))))
        missing = [i for i in ids if i not in found]
        if missing or not ids:
            raise WorkflowError("offer_ids", f"这些推荐不属于第 {round_id} 轮：{', '.join(map(str, missing)) or '（未选择）'}")
    result = send_offers(session, ids, actor=actor, settings=settings)
    if match_round_row.approved_at is None:
        match_round_row.approved_at = utcnow()
    ledger.append(session, "round_approved", actor=actor, subject=f"round:{round_id}", data={
        "round_id": round_id, "sent": result.sent, "skipped": {str(k): v for k, v in result.skipped.items()},
        "already_handled": result.already_handled})
    return result


def approval_summary(result: SendResult) -> str:
    """What the approver is told: offers sent, SMS going out now, SMS waiting for the end of quiet hours."""
    parts = [f"已批准 {len(result.sent)} 份岗位推荐：{result.sms_now} 条短信现在发出"]
    if result.sms_waiting:
        assert result.sms_waiting_until is not None  # set with sms_waiting
        parts.append(f"{result.sms_waiting} 条短信等到{moment_text(result.sms_waiting_until)}发出"
                     f"（21:00–08:00 不发短信，答复期限从短信送达算起）")
    if result.visits:
        parts.append(f"{result.visits} 份需要上门送达（没有可用的手机号或已退订短信）")
    message = "，".join(parts) + "。"
    if result.skipped:
        message += f"另有 {len(result.skipped)} 份没有发出（已就业或正在等另一份答复）。"
    return message


def round_offers(session: Session, round_id: int, statuses=None) -> list[Offer]:
    """A round's offers: zero-employment households first, then by vacancy and rank."""
    query = (select(Offer).join(Person, Offer.person_id == Person.id)
             .join(Household, Person.household_id == Household.id).where(Offer.round_id == round_id)
             .order_by(Household.zero_employment.desc(), Offer.vacancy_id, Offer.rank, Offer.id))
    if statuses:
        query = query.where(Offer.status.in_(list(statuses)))
    return list(session.scalars(query))
