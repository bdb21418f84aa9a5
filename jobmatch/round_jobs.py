"""Queue jobs of the all-counties round (see jobmatch.services.offers.province_rounds).

With REDIS_URL each county is one RQ job on ROUNDS_QUEUE, which any `jobmatch worker` on any
machine takes; the province-pool job waits on all of them (RQ dependencies that allow
failure, so a county that fails does not hold the pool back). Without it the same jobs run
one after another in this process.
"""

import logging
from collections.abc import Callable

from flask import Flask

from jobmatch.config import settings_of
from jobmatch.db import session_scope
from jobmatch.services.offers.province_rounds import RoundOptions, run_county_step, run_pool_step
from jobmatch.services.offers.rounds import load_scoring_model
from jobmatch.tasks import worker_app

log = logging.getLogger(__name__)

ACTOR = "queue:round-all"
# A county round of 50,000 workers takes well under a minute here; give it room.
JOB_TIMEOUT_SECONDS = 1800


def round_options(app: Flask) -> RoundOptions:
    settings = settings_of(app)
    return RoundOptions(actor=ACTOR, min_score=settings.match_min_score,
                        model=load_scoring_model(settings.match_model_path))


def propose_county_job(step_id: int) -> str:
    """Job: one county's round of a batch."""
    return propose_county_with(worker_app(), step_id)


def propose_pool_job(batch_id: int) -> str:
    """Job: the province-pool round of a batch, after its county rounds."""
    return propose_pool_with(worker_app(), batch_id)


def propose_county_with(app: Flask, step_id: int) -> str:
    with app.app_context(), session_scope(app) as session:
        step = run_county_step(session, step_id, round_options(app))
        log.info("county step %s of batch %s: %s", step.id, step.batch_id, step.status)
        return str(step.status)


def propose_pool_with(app: Flask, batch_id: int) -> str:
    with app.app_context(), session_scope(app) as session:
        batch = run_pool_step(session, batch_id, round_options(app))
        log.info("pool step of batch %s: %s", batch.id, batch.pool_status)
        return str(batch.pool_status)


def enqueue_batch(app: Flask, batch_id: int, step_ids: list[int],
                  on_step: Callable[[], None] | None = None) -> None:
    """Put the batch's jobs on RQ, or run them here without REDIS_URL (calling ``on_step`` after each)."""
    settings = settings_of(app)
    if not settings.redis_url:
        for step_id in step_ids:
            propose_county_with(app, step_id)
            if on_step:
                on_step()
        propose_pool_with(app, batch_id)
        return
    import redis
    from rq import Queue
    from rq.job import Dependency

    connection = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    queue = Queue(settings.rounds_queue, connection=connection)
    jobs = [queue.enqueue(propose_county_job, step_id, job_timeout=JOB_TIMEOUT_SECONDS, failure_ttl=7 * 86400)
            for step_id in step_ids]
    queue.enqueue(propose_pool_job, batch_id, job_timeout=JOB_TIMEOUT_SECONDS, failure_ttl=7 * 86400,
                  depends_on=Dependency(jobs=jobs, allow_failure=True))
