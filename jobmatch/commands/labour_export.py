"""`jobmatch labour-export`: organised labour export (劳务输出): invitations, and the daily run cron starts."""

import click

from jobmatch.commands.workflows import _session, _workflow_command


@click.group("labour-export")
def labour_export_group():
    """Organised labour export (劳务输出)."""


@labour_export_group.command("invite")
@click.argument("group_id", type=int)
@click.option("--limit", type=int, default=None)
@_workflow_command
def invite(group_id, limit):
    """Invite the county's jobless workers who may travel that far, zero-employment households first."""
    from jobmatch.services.labour_export.recruitment import invite_workers

    invited = invite_workers(_session(), group_id, actor="cli:labour-export-invite", limit=limit)
    click.echo(f"invited {len(invited)} workers")


@labour_export_group.command("daily")
@_workflow_command
def daily():
    """Run once a day from cron: reminders to groups leaving tomorrow, arrival asks to groups gone."""
    from jobmatch.services.labour_export.arrival import queue_arrival_asks
    from jobmatch.services.labour_export.recruitment import queue_reminders

    session = _session()
    reminded = queue_reminders(session, actor="cli:labour-export-daily")
    asked = queue_arrival_asks(session, actor="cli:labour-export-daily")
    click.echo(f"queued {reminded} reminders and {asked} arrival asks")


COMMANDS = [labour_export_group]
