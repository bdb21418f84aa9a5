"""`jobmatch token create USERNAME`: an API token, printed once."""

import sys

import click
from flask.cli import with_appcontext


@click.group("token")
def token():
    """API tokens for /api/v1."""


@token.command("create")
@click.argument("username")
@with_appcontext
def create(username):
    """Create a token for USERNAME and print it (only its digest is stored)."""
    from jobmatch.db import get_session
    from jobmatch.services.accounts.api_tokens import TokenError, create_token

    session = get_session()
    try:
        value = create_token(session, username, actor="cli:token-create")
    except TokenError as exc:
        session.rollback()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(value)


COMMANDS = [token]
