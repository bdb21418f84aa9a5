"""`jobmatch figures refresh | rebuild | check`: the per-site figures the province overview reads
(jobmatch.services.province.figures). Run `refresh` every minute (Procfile `figures`, or a systemd
timer); `rebuild` once after a bulk load; `check` compares the stored figures with a recompute."""

import click
from flask.cli import with_appcontext


@click.group("figures")
def figures_group():
    """Per-site figures for the province overview (/staff/province)."""


@figures_group.command("refresh")
@with_appcontext
def refresh():
    """Recompute the sites changed since their last count (and every site at a new month)."""
    from jobmatch.db import get_session
    from jobmatch.services.province.figures import refresh_site_figures

    session = get_session()
    computed = refresh_site_figures(session)
    session.commit()
    click.echo(f"refreshed the figures of {computed} site(s)")


@figures_group.command("rebuild")
@with_appcontext
def rebuild():
    """Recompute every site's figures from the rows (after a bulk load)."""
    from jobmatch.db import get_session
    from jobmatch.services.province.figures import rebuild_site_figures

    session = get_session()
    computed = rebuild_site_figures(session)
    session.commit()
    click.echo(f"rebuilt the figures of {computed} site(s)")


@figures_group.command("check")
@with_appcontext
def check():
    """Exit 1 if a site's stored figures differ from a recompute (changes still waiting count as differing)."""
    from jobmatch.db import get_session
    from jobmatch.services.province.figures import stale_site_figures

    stale = stale_site_figures(get_session())
    if stale:
        click.echo(f"{len(stale)} site(s) differ from a recompute: {', '.join(map(str, stale[:20]))}")
        raise SystemExit(1)
    click.echo("every site's figures equal a recompute")


COMMANDS = [figures_group]
