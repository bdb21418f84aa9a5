"""All counties in one night: one round per county on the queue, then a province-pool round.

`jobmatch round propose --all` starts a batch: one step per county that has households,
each a job on the queue that any worker on any machine can take, and one last job, run
when every county step has finished (done or failed), for the province pool.

- A county step is a county round exactly as `jobmatch round propose --county` makes it.
  A county that fails is recorded as failed with why; the others go on.
- The province pool takes the workers willing to go anywhere in the province or further
  (mobility "province" or "any", not bound to their site) who got no proposal in their
  county's round of this batch, over the places left: openings minus those already sent,
  accepted or hired, minus those the batch's county rounds proposed. Rule 9 still holds: a
  local-first vacancy joins the pool only after a round of its own county included it.
- Each round is approved by staff as before: a site's staff see the pool round's offers
  to their own workers and approve their share.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import utcnow
from jobmatch.models import Household, MatchRound, Offer, Person, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.offers import OfferStatus, RoundScope
from jobmatch.models.round_batches import FINISHED_STEP_STATUSES, BatchStepStatus, RoundBatch, RoundBatchCounty
from jobmatch.services.errors import WorkflowError, get_or_fail
from jobmatch.services.offers.matching_input import (
    EngineInput,
    WorkerColumns,
    add_vacancies,
    add_workers,
    labour_columns_query,
    load_vacancies,
    read_workers,
)
from jobmatch.services.offers.rounds import (
    RoundPlan,
    is_local_first,
    local_first_excluded,
    local_first_reason,
    propose_round,
    record_round,
)
from matching.engine import DEFAULT_MIN_SCORE, DEFAULT_TOP_K
from matching.model import ScoringModel

POOL_MOBILITIES = ("province", "any")


@dataclass(frozen=True)
class RoundOptions:
    """How every round of a batch is run."""

    actor: str
    min_score: float = DEFAULT_MIN_SCORE
    top_k: int = DEFAULT_TOP_K
    model: ScoringModel | None = None


def start_batch(session: Session, *, actor: str) -> RoundBatch:
    """A new batch with one queued step per county that has households, the largest first: the
    steps are queued in this order, so that workers sharing the batch end close together (a big
    county taken last would keep one worker busy while the others wait)."""
    county_ids = list(session.scalars(
        select(Household.county_id).group_by(Household.county_id)
        .order_by(func.count().desc(), Household.county_id)))
    if not county_ids:
        raise WorkflowError("county", "还没有任何县的搬迁户，无法匹配")
    batch = RoundBatch(created_by=actor, created_at=utcnow(), pool_status=BatchStepStatus.QUEUED,
                       counties=[RoundBatchCounty(county_id=c, status=BatchStepStatus.QUEUED) for c in county_ids])
    session.add(batch)
    session.flush()
    return batch


def run_county_step(session: Session, step_id: int, options: RoundOptions) -> RoundBatchCounty:
    """Propose the county's round and record how it went; a failure is recorded, not raised.

    Commits: the step is marked running first, so progress shows while the engine runs."""
    step = get_or_fail(session, RoundBatchCounty, step_id, "step_id", "县匹配任务")
    if step.status in FINISHED_STEP_STATUSES:
        return step  # a retried job: the county's round is already made
    step.status, step.started_at = BatchStepStatus.RUNNING, utcnow()
    session.commit()
    try:
        match_round = propose_round(session, actor=options.actor, county_id=step.county_id,
                                    min_score=options.min_score, top_k=options.top_k, model=options.model)
        step.round_id, step.status = match_round.id, BatchStepStatus.DONE
    except Exception as exc:  # noqa: BLE001 - one county's failure must not stop the others
        session.rollback()
        step.status, step.error = BatchStepStatus.FAILED, failure_text(exc)
    step.finished_at = utcnow()
    session.commit()
    return step


def failure_text(exc: Exception) -> str:
    """Why a step failed, for staff: a workflow error's own words, else only the error's class
    (a database error would quote its parameters: names and phone numbers)."""
    if isinstance(exc, WorkflowError):
        return str(exc)
    return f"程序错误（{type(exc).__name__}），请查看服务器日志"


def run_pool_step(session: Session, batch_id: int, options: RoundOptions) -> RoundBatch:
    """Propose the province-pool round once the county steps have finished; records how it went."""
    batch = get_or_fail(session, RoundBatch, batch_id, "batch_id", "全省匹配批次")
    if batch.pool_status in FINISHED_STEP_STATUSES:
        return batch
    batch.pool_status = BatchStepStatus.RUNNING
    session.commit()
    try:
        batch.pool_round_id = propose_pool_round(session, batch, options).id
        batch.pool_status = BatchStepStatus.DONE
    except Exception as exc:  # noqa: BLE001 - recorded for staff, like a county's failure
        session.rollback()
        batch.pool_status, batch.pool_error = BatchStepStatus.FAILED, failure_text(exc)
    batch.finished_at = utcnow()
    session.commit()
    return batch


def propose_pool_round(session: Session, batch: RoundBatch, options: RoundOptions) -> MatchRound:
    """The province pool's round over the places the batch's county rounds left."""
    county_rounds = [step.round_id for step in batch.counties if step.round_id is not None]
    held = _batch_held_openings(session, county_rounds)
    chosen = load_vacancies(session, session.scalars(select(Vacancy.id).where(Vacancy.status == VacancyStatus.OPEN)))
    excluded = {v.id: local_first_reason(v) for v in chosen if is_local_first(v) and _local_round_missing(session, v)}
    engine_input = EngineInput()
    add_vacancies(session, engine_input, [v for v in chosen if v.id not in excluded], also_held=held)
    add_workers(session, engine_input, pool_workers(session, county_round_ids=county_rounds))
    plan = RoundPlan(RoundScope.PROVINCE, None, None, engine_input, chosen, excluded, {"batch_id": batch.id})
    return record_round(session, plan, actor=options.actor, min_score=options.min_score, top_k=options.top_k,
                        model=options.model, reoffer_refused=False)


def _local_round_missing(session: Session, vacancy: Vacancy) -> bool:
    """Rule 9 for a round with workers of every county: no round of the vacancy's county has had it."""
    return local_first_excluded(session, vacancy, scope_county_id=-1)


def _batch_held_openings(session: Session, round_ids: list[int]) -> dict[int, int]:
    """Openings the county rounds proposed, per vacancy."""
    if not round_ids:
        return {}
    rows = session.execute(select(Offer.vacancy_id, func.count()).where(
        Offer.round_id.in_(round_ids), Offer.status == OfferStatus.PROPOSED).group_by(Offer.vacancy_id))
    return {vacancy_id: count for vacancy_id, count in rows}


def pool_workers(session: Session, *, county_round_ids: list[int]) -> list[WorkerColumns]:
    """Members with labour capacity willing to work anywhere in the province or further, to whom none
    of these county rounds proposed an offer; zero-employment households first, then monitored ones.

    Those proposed to are left out by the query: loading the province's willing workers only to
    drop most of them made the pool round the batch's long serial tail."""
    query = labour_columns_query().where(Person.mobility.in_(POOL_MOBILITIES), Person.cannot_leave_site.is_(False),
                                         Person.wants_work.is_(True))
    if county_round_ids:
        query = query.where(~select(Offer.id).where(
            Offer.person_id == Person.id, Offer.round_id.in_(county_round_ids),
            Offer.status == OfferStatus.PROPOSED).exists())
    return read_workers(session, query)


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch stands, for the CLI and the county page."""

    batch: RoundBatch
    steps: list[RoundBatchCounty]

    @property
    def counties_finished(self) -> int:
        return sum(step.status in FINISHED_STEP_STATUSES for step in self.steps)

    @property
    def failed(self) -> list[RoundBatchCounty]:
        return [step for step in self.steps if step.status == BatchStepStatus.FAILED]

    @property
    def finished(self) -> bool:
        return self.batch.pool_status in FINISHED_STEP_STATUSES


def batch_progress(session: Session, batch_id: int) -> BatchProgress:
    """The batch and its county steps (county and round loaded), fresh from the database."""
    session.expire_all()
    batch = get_or_fail(session, RoundBatch, batch_id, "batch_id", "全省匹配批次")
    steps = list(session.scalars(
        select(RoundBatchCounty).where(RoundBatchCounty.batch_id == batch_id)
        .options(selectinload(RoundBatchCounty.county)).order_by(RoundBatchCounty.id)))
    return BatchProgress(batch, steps)


def round_counts(session: Session, round_ids: list[int]) -> dict[int, int]:
    """Proposed offers per round."""
    if not round_ids:
        return {}
    rows = session.execute(select(Offer.round_id, func.count()).where(
        Offer.round_id.in_(round_ids), Offer.status == OfferStatus.PROPOSED).group_by(Offer.round_id))
    return {round_id: count for round_id, count in rows}
