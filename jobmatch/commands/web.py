"""`jobmatch token create USERNAME`: an API token, printed once. `jobmatch staff set-phone USERNAME PHONE`:
a staff member's mobile for problem alerts (rule 8)."""

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


@click.group("staff")
def staff_group():
    """Staff accounts."""


@staff_group.command("set-phone")
@click.argument("username")
@click.argument("phone", default="")
@with_appcontext
def staff_set_phone(username, phone):
    """Set the mobile USERNAME gets problem alerts on (an empty PHONE clears it); printed masked."""
    from sqlalchemy import select

    from jobmatch.db import get_session
    from jobmatch.models import User
    from jobmatch.services.accounts.staff_phone import set_staff_phone
    from jobmatch.services.errors import UserError
    from notifications.phones import mask_phone

    session = get_session()
    user_id = session.scalar(select(User.id).where(User.username == username))
    try:
        if user_id is None:
            raise UserError(f"找不到用户 {username}", "username")
        user = set_staff_phone(session, user_id, phone, actor="cli:staff-set-phone")
    except UserError as exc:
        session.rollback()
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(f"{username}: {mask_phone(user.phone) or '（无）'}")


COMMANDS = [token, staff_group]
