"""`jobmatch` subcommands, one module per area. Each module defines click commands or
groups and lists them in ``COMMANDS``; jobmatch.cli adds them to the main group."""

import importlib

AREAS = ("model", "ops", "rounds", "sms", "web", "workflows", "labour_export", "gigs", "figures")  # modules under jobmatch.commands


def register(main_group) -> None:
    for area in AREAS:
        module = importlib.import_module(f"jobmatch.commands.{area}")
        for command in module.COMMANDS:
            main_group.add_command(command)
