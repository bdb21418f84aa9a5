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
        click.echo(f"  offer {offer.id:>6}  {offer.status:<9} vacancy {offer.vacancy_id:>5} rank {offer.rank:>3} "
                   f"score {offer.score:.2f}  {zero}{offer.person.name}：{'；'.join(offer.reasons or [])}")


@click.group("round")
def round_group():
    """Matching rounds: propose offers with the engine, approve them to send."""


@round_group.command("propose")
@click.option("--settlement", default=None, help="Settlement name (安置点).")
@click.option("--county", default=None, help="County name (县).")
@click.option("--vacancy", "vacancy_ids", multiple=True, type=int, help="Vacancy id; repeat. Default: every open one.")
@click.option("--reoffer-refused", is_flag=True, help="Also offer jobs the worker declined or let expire.")
@with_appcontext
def propose(settlement, county, vacancy_ids, reoffer_refused):
    """Propose offers for the workers of a settlement or a county."""
    from jobmatch.db import get_session
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
