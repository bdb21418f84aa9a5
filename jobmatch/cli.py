"""The `jobmatch` command: database, roster, ledger, demo, matching, queue worker, web server."""

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from jobmatch import create_app
from jobmatch.config import SettingsError, settings_of


def app_from_environment():
    """The app with the environment's settings; a wrong setting is named and the command exits 2."""
    try:
        return create_app()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=app_from_environment, add_default_commands=True)
def main():
    """jobmatch — employment service for relocated households (易地搬迁就业服务)."""


# -- database ---------------------------------------------------------------------------

@main.group()
def db():
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision):
    """Apply migrations up to REVISION."""
    from jobmatch import migrate
    migrate.upgrade(settings_of(current_app).database_url, revision)
    click.echo(f"database at revision {revision}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision):
    """Revert migrations down to REVISION ('base' for an empty database)."""
    from jobmatch import migrate
    migrate.downgrade(settings_of(current_app).database_url, revision)
    click.echo(f"database at revision {revision}")


# -- roster -----------------------------------------------------------------------------

@main.group()
def roster():
    """Import and export the employment roster spreadsheet (就业管理台账)."""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--partial", is_flag=True, help="Import valid households, skip households with an invalid row.")
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--sheet", default=None, help="Sheet name of an .xlsx file (default: the first).")
@with_appcontext
def roster_import(file, partial, dry_run, sheet):
    """Import FILE (.xlsx or .csv in UTF-8 or GB18030)."""
    from jobmatch.db import get_session
    from jobmatch.roster.reading import RosterFileError
    from jobmatch.services.roster.importing import import_roster

    session = get_session()
    try:
        with open(file, "rb") as source:
            report = import_roster(session, source, filename=file, sheet=sheet, partial=partial,
                                   dry_run=dry_run, actor="cli:roster-import")
    except RosterFileError as exc:
        click.echo(f"{file}: {exc}; nothing was written.", err=True)
        sys.exit(1)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if not report.written and not dry_run:
        session.rollback()
        click.echo(f"{len(report.problems)} problem(s); nothing was written.", err=True)
        sys.exit(1)
    if report.written:
        session.commit()
    if dry_run and report.preview is not None:
        for line in report.preview.attention_lines():
            click.echo(line)
    click.echo(report.summary_line(dry_run=dry_run))
    if dry_run and report.problems:
        sys.exit(1)


@roster.command("export")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx")
@click.option("--county", default=None)
@click.option("--settlement", default=None)
@click.option("--month", default=None, help="YYYY-MM (default: this month)")
@with_appcontext
def roster_export(out_path, county, settlement, month):
    """Export the roster in the same layout it is imported in."""
    from jobmatch.db import get_session
    from jobmatch.services.roster.exporting import ExportError, export_roster

    try:
        count = export_roster(get_session(), out_path, county=county, settlement=settlement, month=month)
    except ExportError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {count} persons to {out_path}")


# -- ledger -----------------------------------------------------------------------------

# A long walk uses every core: the walk's hashing is CPU-bound once the events are cached (issue 19:
# 20 M events, 177,000/s in one process, 285,000/s in two).
WALK_WORKERS = min(os.cpu_count() or 1, 16)


@main.group()
def ledger():
    """The employment ledger's event chain."""


@ledger.command("verify")
@click.option("--full", is_flag=True, help="walk from event 1, not from the last signed checkpoint")
@click.option("--workers", default=WALK_WORKERS, show_default=True, type=click.IntRange(1, 16),
              help="processes that walk parts of the chain at once (from 500,000 events to walk on)")
@with_appcontext
def ledger_verify(full, workers):
    """Check the events' hashes from the last signed checkpoint (--full: every event).

    Names the first altered, inserted or deleted event and exits 1; after a good walk,
    signs a checkpoint at the head.
    """
    _verify_ledger(full=full, workers=workers)


@ledger.command("checkpoint")
@click.option("--workers", default=WALK_WORKERS, show_default=True, type=click.IntRange(1, 16))
@with_appcontext
def ledger_checkpoint(workers):
    """Verify from the last checkpoint and sign a new one at the head (run it nightly)."""
    _verify_ledger(full=False, workers=workers)


@ledger.command("seal")
@with_appcontext
def ledger_seal():
    """Chain the committed events not sealed yet (the dispatcher does it on its schedule too)."""
    from jobmatch.ledger import seal_pending

    sealed = seal_pending(current_app.extensions["jobmatch.engine"])
    click.echo(f"sealed {sealed} events")


def _verify_ledger(*, full: bool, workers: int) -> None:
    from jobmatch.db import get_session
    from jobmatch.ledger_checkpoints import checkpoint_key, verify_and_checkpoint

    result, ignored = verify_and_checkpoint(get_session(), checkpoint_key(current_app), full=full, workers=workers)
    if ignored:
        click.echo(f"ignored {ignored} checkpoints whose signature does not match this key", err=True)
    if not result.ok:
        click.echo(f"ledger broken after {result.checked} good events: {result.problem}", err=True)
        sys.exit(1)
    start = f" after checkpoint {result.started_after}" if result.started_after else ""
    click.echo(f"ledger ok: {result.checked} events{start}, head {result.head_hash[:16]} at event {result.head_seq}")
    if result.unsealed:
        click.echo(f"{result.unsealed} 条事件已提交、尚未封存，本次未校验 / {result.unsealed} events committed but "
                   "not sealed yet, not verified this time (`jobmatch ledger seal` seals them)")


# -- demo -------------------------------------------------------------------------------

@main.command("demo")
@click.option("--households", default=150, show_default=True)
@click.option("--seed", default=7, show_default=True)
@with_appcontext
def demo(households, seed):
    """Load a realistic demo: one county, two settlements, employers, vacancies, a fair."""
    from jobmatch.db import get_session
    from jobmatch.services.demo import DemoAlreadyLoaded, demo_logins, load_demo

    session = get_session()
    try:
        load_demo(session, households=households, seed=seed)
        session.commit()
        click.echo("demo loaded.")
    except DemoAlreadyLoaded as exc:
        session.rollback()
        click.echo(f"{exc}.")
    click.echo(f"Sign in at {settings_of(current_app).public_base_url} with:")
    for role, username, password in demo_logins(session):
        click.echo(f"  {role:<18} {username:<14} {password}")


# -- matching ---------------------------------------------------------------------------

@main.command("match", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def match(args):
    """Batch matching on JSON Lines files (see shared/formats/matching-io.md)."""
    from matching.cli import main as matching_main
    sys.exit(matching_main(list(args)))


from jobmatch import commands as _area_commands  # noqa: E402

_area_commands.register(main)
