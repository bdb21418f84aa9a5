"""`jobmatch round propose|approve|show` and `jobmatch offers expire`.

`jobmatch offers expire` expires sent offers past OFFER_EXPIRY_HOURS and sends the
replacements; run it every few minutes (cron: `*/10 * * * * jobmatch offers expire`).
Running it twice at once is safe.
"""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from jobmatch.config import settings_of
from jobmatch.models.offers import OfferStatus
from jobmatch.services.errors import WorkflowError
from jobmatch.vocabulary.worker import reason_sentence

ACTOR_PROPOSE = "cli:round-propose"
ACTOR_APPROVE = "cli:round-approve"
ACTOR_EXPIRE = "cli:offers-expire"


def _fail(session, error: WorkflowError) -> None:
    session.rollback()
    click.echo(f"错误：{error}；没有写入任何内容。", err=True)
    sys.exit(1)


def _print_offers(offers) -> None:
    for offer in offers:
        zero = "零就业 " if offer.person.household.zero_employment else ""
        reasons = "；".join(reason_sentence(r, who=offer.person.name) for r in offer.reasons or [])
        click.echo(f"  offer {offer.id:>6}  {offer.status:<9} vacancy {offer.vacancy_id:>5} rank {offer.rank:>3} "
                   f"score {offer.score:.2f}  {zero}{offer.person.name}：{reasons}")


@click.group("round")
def round_group():
    """Matching rounds: propose offers with the engine, approve them to send."""


@round_group.command("propose")
@click.option("--settlement", default=None, help="Settlement name (安置点).")
@click.option("--county", default=None, help="County name (县).")
@click.option("--vacancy", "vacancy_ids", multiple=True, type=int, help="Vacancy id; repeat. Default: every open one.")
@click.option("--reoffer-refused", is_flag=True, help="Also offer jobs the worker declined or let expire.")
@click.option("--all", "all_counties", is_flag=True,
              help="Every county, one queue job each, then the province pool (with REDIS_URL: on `jobmatch worker`).")
@click.option("--wait/--no-wait", default=True, help="With --all: show progress until the batch ends (default).")
@with_appcontext
def propose(settlement, county, vacancy_ids, reoffer_refused, all_counties, wait):
    """Propose offers for the workers of a settlement or a county (or, with --all, of every county)."""
    from jobmatch.db import get_session

    if all_counties:
        if settlement or county or vacancy_ids or reoffer_refused:
            click.echo("错误：--all 不能与 --settlement、--county、--vacancy 或 --reoffer-refused 同用。", err=True)
            sys.exit(2)
        _propose_all(wait)
        return
    from jobmatch.services.offers.rounds import load_scoring_model, propose_round, resolve_scope, round_offers

    session = get_session()
    try:
        scope = resolve_scope(session, settlement=settlement, county=county)
        match_round = propose_round(session, actor=ACTOR_PROPOSE, vacancy_ids=list(vacancy_ids) or None,
                                    min_score=settings_of(current_app).match_min_score,
                                    model=load_scoring_model(settings_of(current_app).match_model_path),
                                    reoffer_refused=reoffer_refused, **scope)
    except WorkflowError as error:
        _fail(session, error)
    session.commit()
    summary = match_round.summary
    click.echo(f"round {match_round.id}: {summary['proposed']} proposed, {summary['reserve']} in reserve, "
               f"{summary['workers']} workers, {summary['vacancies']} vacancies")
    for vacancy_id, reason in summary["excluded_vacancies"].items():
        click.echo(f"  vacancy {vacancy_id} left out: {reason}")
    _print_offers(round_offers(session, match_round.id, [OfferStatus.PROPOSED]))


def _propose_all(wait: bool) -> None:
    from jobmatch.db import get_session
    from jobmatch.round_jobs import enqueue_batch
    from jobmatch.services.offers.province_rounds import start_batch

    app, session = current_app._get_current_object(), get_session()  # type: ignore[attr-defined]
    try:
        batch = start_batch(session, actor=ACTOR_PROPOSE)
    except WorkflowError as error:
        _fail(session, error)
    step_ids = [step.id for step in batch.counties]
    session.commit()
    click.echo(f"batch {batch.id}: {len(step_ids)} counties, then the province pool")
    shown: set[int] = set()
    enqueue_batch(app, batch.id, step_ids, on_step=lambda: _show_new_steps(batch.id, shown))
    if wait and settings_of(app).redis_url:
        _wait_for(batch.id, shown)
    _show_batch_end(batch.id, shown)


def _show_new_steps(batch_id: int, shown: set[int]) -> None:
    """Print each county step that finished since the last look."""
    from jobmatch.db import get_session
    from jobmatch.models.round_batches import FINISHED_STEP_STATUSES
    from jobmatch.services.offers.province_rounds import batch_progress, round_counts

    session = get_session()
    progress = batch_progress(session, batch_id)
    new = [s for s in progress.steps if s.status in FINISHED_STEP_STATUSES and s.id not in shown]
    counts = round_counts(session, [s.round_id for s in new if s.round_id is not None])
    lines = []
    for step in new:
        shown.add(step.id)
        outcome = (f"round {step.round_id}: {counts.get(step.round_id, 0)} proposed" if step.round_id is not None
                   else f"失败：{step.error}")
        lines.append(f"  [{progress.counties_finished}/{len(progress.steps)}] {step.county.name}  {outcome}")
    session.rollback()  # a read: end it, so the jobs (on SQLite, in this process) can write
    for line in lines:
        click.echo(line)


def _wait_for(batch_id: int, shown: set[int], poll_seconds: float = 1.0) -> None:
    import time

    from jobmatch.db import get_session
    from jobmatch.services.offers.province_rounds import batch_progress

    while True:
        _show_new_steps(batch_id, shown)
        if batch_progress(get_session(), batch_id).finished:
            return
        time.sleep(poll_seconds)


def _show_batch_end(batch_id: int, shown: set[int]) -> None:
    from jobmatch.db import get_session
    from jobmatch.services.offers.province_rounds import batch_progress, round_counts

    session = get_session()
    if not batch_progress(session, batch_id).finished:
        session.rollback()
        click.echo(f"queued; follow it with `jobmatch round batch {batch_id}`")
        return
    _show_new_steps(batch_id, shown)
    progress = batch_progress(session, batch_id)
    pool_round_id, pool_error = progress.batch.pool_round_id, progress.batch.pool_error
    failed = [step.county.name for step in progress.failed]
    count = round_counts(session, [pool_round_id]).get(pool_round_id, 0) if pool_round_id is not None else 0
    session.rollback()
    click.echo(f"province pool: round {pool_round_id}: {count} proposed" if pool_round_id is not None
               else f"province pool: 失败：{pool_error}")
    if failed or pool_round_id is None:
        click.echo(f"错误：{len(failed)} 个县的匹配失败（{'、'.join(failed) or '无'}）"
                   f"{'' if pool_round_id is not None else '，全省统筹轮失败'}；其余已完成。", err=True)
        sys.exit(1)


@round_group.command("batch")
@click.argument("batch_id", type=int)
@with_appcontext
def batch_show(batch_id):
    """Where an all-counties batch stands, county by county."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.province_rounds import batch_progress

    session = get_session()
    try:
        progress = batch_progress(session, batch_id)
    except WorkflowError as error:
        _fail(session, error)
    click.echo(f"batch {batch_id}: {progress.counties_finished}/{len(progress.steps)} counties finished, "
               f"province pool {progress.batch.pool_status}")
    for step in progress.steps:
        detail = f"round {step.round_id}" if step.round_id is not None else (step.error or "")
        click.echo(f"  {step.county.name:<12} {step.status:<8} {detail}")


@round_group.command("approve")
@click.argument("round_id", type=int)
@click.option("--all", "approve_all", is_flag=True, help="Send every proposed offer of the round.")
@click.option("--offer", "offer_ids", multiple=True, type=int, help="Offer id to send; repeat.")
@with_appcontext
def approve(round_id, approve_all, offer_ids):
    """Send the round's proposed offers (all, or the given ones)."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.rounds import approve_round

    if approve_all == bool(offer_ids):
        click.echo("give either --all or one or more --offer ID", err=True)
        sys.exit(2)
    session = get_session()
    try:
        result = approve_round(session, round_id, actor=ACTOR_APPROVE, offer_ids=list(offer_ids) or None)
    except WorkflowError as error:
        _fail(session, error)
    session.commit()
    click.echo(f"round {round_id}: sent {len(result.sent)}, skipped {len(result.skipped)}, "
               f"already handled {len(result.already_handled)}; SMS now {result.sms_now}, "
               f"waiting for 08:00 {result.sms_waiting}, by visit {result.visits}")
    for offer_id, reason in result.skipped.items():
        click.echo(f"  offer {offer_id} skipped: {reason}")


@round_group.command("show")
@click.argument("round_id", type=int)
@with_appcontext
def show(round_id):
    """List a round's offers, zero-employment households first."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.rounds import round_offers

    _print_offers(round_offers(get_session(), round_id))


@click.group("offers")
def offers_group():
    """Job offers after approval."""


@offers_group.command("expire")
@with_appcontext
def expire():
    """Expire overdue sent offers and offer the places to the next candidates."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.lifecycle import expire_offers

    session = get_session()
    expired = expire_offers(session, actor=ACTOR_EXPIRE)
    session.commit()
    click.echo(f"expired {len(expired)} offer(s)")


COMMANDS = [round_group, offers_group]
