"""`jobmatch gigs check`: the odd-job market's clock. Run it every few minutes
(cron: `*/5 * * * * jobmatch gigs check`): unanswered gig offers past GIG_ANSWER_HOURS expire and
their places are offered on; workers whose employer has not confirmed the work a day after the
gig get a wage problem on the 三个三 clock; households with gig work last month or this are refreshed
(flexible employment from gig days is a month's)."""

import click
from flask.cli import with_appcontext

ACTOR = "cli:gigs-check"


@click.group("gigs")
def gigs_group():
    """The odd-job market (零工市场)."""


@gigs_group.command("check")
@with_appcontext
def check():
    """Expire unanswered gig offers (offering the places on) and open wage problems for unconfirmed pay."""
    from jobmatch.db import get_session
    from jobmatch.services.gigs.counting import refresh_gig_households
    from jobmatch.services.gigs.offering import expire_gig_offers
    from jobmatch.services.gigs.pay import check_unconfirmed_pay

    session = get_session()
    expired = expire_gig_offers(session, actor=ACTOR)
    session.commit()
    opened = check_unconfirmed_pay(session, actor=ACTOR)
    session.commit()
    refresh_gig_households(session, actor=ACTOR)  # a new month: last month's gig days no longer count
    session.commit()
    click.echo(f"expired {len(expired)} gig offer(s); opened {len(opened)} wage problem(s)")


COMMANDS = [gigs_group]
