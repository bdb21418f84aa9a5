"""`jobmatch worker`, `jobmatch dispatch` and `jobmatch sms ...`: the SMS outbox from the shell.

In production run one or more `jobmatch dispatch` processes (several copies are safe:
rows are claimed with SKIP LOCKED) beside any number of `jobmatch worker` processes.
Without REDIS_URL both commands send in their own process.
"""

import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from jobmatch.config import settings_of
from jobmatch.db import get_session
from notifications.phones import mask_phone


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst):
    """Send queued SMS: an RQ worker on REDIS_URL, or the dispatcher in-process without it."""
    from jobmatch.tasks import dispatch_once, run_dispatcher, run_rq_worker

    app = current_app._get_current_object()
    if settings_of(app).redis_url:
        run_rq_worker(app, burst=burst)
    elif burst:
        click.echo(f"sent {dispatch_once(app)} messages in-process (no REDIS_URL)")
    else:
        click.echo("no REDIS_URL: dispatching and sending in this process")
        run_dispatcher(app, _stop_on_signals())


@click.command("dispatch")
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit.")
@with_appcontext
def dispatch(once):
    """Move due SMS from the outbox to the queue (safe to run in several copies)."""
    from jobmatch.tasks import dispatch_once, run_dispatcher

    app = current_app._get_current_object()
    if once:
        click.echo(f"dispatched {dispatch_once(app)} messages")
        return
    run_dispatcher(app, _stop_on_signals())


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@click.group("sms")
def sms():
    """The SMS outbox and the replies staff have to read."""


@sms.command("status")
@with_appcontext
def sms_status():
    """How many messages are in each status."""
    from jobmatch.models import Message
    from jobmatch.vocabulary.staff import MESSAGE_STATUS_LABELS

    counts = get_session().execute(select(Message.status, func.count()).group_by(Message.status)).all()
    for status, count in sorted(counts):
        click.echo(f"{status:<10} {MESSAGE_STATUS_LABELS.get(status, ''):<6} {count}")


@sms.command("unread")
@with_appcontext
def sms_unread():
    """Replies the service could not act on, oldest first."""
    from jobmatch.services.sms.inbound import unread_replies

    for reply in unread_replies(get_session()):
        who = f"person {reply.person_id}" if reply.person_id else "unknown number"
        click.echo(f"#{reply.id} {reply.received_at:%Y-%m-%d %H:%M} {mask_phone(reply.from_phone)} ({who}): {reply.body}")


@sms.command("receive")
@click.option("--from", "from_phone", required=True, help="The sender's number.")
@click.option("--sid", default=None, help="Provider message id (default: a new one).")
@click.argument("body")
@with_appcontext
def sms_receive(from_phone, sid, body):
    """Act on a reply as if it came by SMS (the console provider carries no replies)."""
    import uuid

    from jobmatch.services.sms.inbound import receive_reply

    session = get_session()
    result = receive_reply(session, from_phone=from_phone, body=body, provider_sid=sid or f"CLI{uuid.uuid4().hex}")
    session.commit()
    click.echo(f"reply read as {result.kind}" + (f"; answered message {result.answered_message_id}"
                                                 if result.answered_message_id else "")
               + (f"; sending {result.confirmation}" if result.confirmation else ""))


@sms.command("phones")
@with_appcontext
def sms_phones():
    """Persons no SMS can reach: no number, a malformed one, or one the provider rejected."""
    from jobmatch.models import Person
    from jobmatch.services.sms.messaging import normalised_phone

    bad = 0
    for person in get_session().scalars(select(Person).order_by(Person.household_id, Person.id)):
        e164, problem = normalised_phone(person.phone)
        if person.phone_invalid:
            problem = "provider rejected the number"
        if problem:
            bad += 1
            click.echo(f"person {person.id} {person.name}: {mask_phone(e164) or '(unparsed)'} — {problem}")
    click.echo(f"{bad} persons cannot get SMS")
    sys.exit(1 if bad else 0)


@sms.command("pull")
@with_appcontext
def sms_pull():
    """Pull replies and receipts from the provider once (for SMS_INBOUND_MODE=pull)."""
    from jobmatch.services.sms.pull import pull_inbound
    from jobmatch.tasks import sms_provider

    app = current_app._get_current_object()
    new = pull_inbound(app.extensions["jobmatch.sessionmaker"], sms_provider(app))
    click.echo(f"pulled {new} new replies and receipts")


@sms.command("stops")
@with_appcontext
def sms_stops():
    """Message kinds stopped by a template or signature problem at the provider."""
    from jobmatch.services.sms.kind_stops import kind_stops

    stops = kind_stops(get_session())
    for stop in stops:
        click.echo(f"{stop.kind}: stopped {stop.stopped_at:%Y-%m-%d %H:%M} by {stop.provider} {stop.code} ({stop.reason})")
    sys.exit(1 if stops else 0)


@sms.command("resume")
@click.argument("kind")
@with_appcontext
def sms_resume(kind):
    """Let a stopped kind go again, once its template is approved at the provider."""
    from jobmatch.services.errors import UserError
    from jobmatch.services.sms.kind_stops import resume_kind

    session = get_session()
    try:
        released = resume_kind(session, kind, actor="cli:sms resume")
    except UserError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    session.commit()
    click.echo(f"{kind}: resumed, {released} waiting messages due now")


@sms.command("templates")
@with_appcontext
def sms_templates():
    """Every template's exact text, variables and limits, ready to file for approval."""
    from jobmatch.services.sms.messaging import template_table
    from notifications.template_table import PROVIDER_VARIABLE_LIMITS
    from notifications.templates import filing_text

    settings = settings_of(current_app)
    table, site = template_table(settings), settings.public_base_url
    click.echo(f"# template table: {table.path}")
    click.echo(f"# signature: 【{settings.sms_signature}】 (a county may register its own); links: {site}/s/<code>")
    for kind, template in table.templates.items():
        click.echo(f"\n[{kind.value}]")
        for provider in ("aliyun", "tencent"):
            click.echo(f"  {provider:<8} code {template.codes.get(provider, '(none)')}: "
                       f"{filing_text(template, provider, site=site)}")
        click.echo(f"  english  {filing_text(template, 'plain', site=site, locale='en')}")
        for number, variable in enumerate(template.variables, start=1):
            limits = ", ".join(f"{p} {min(variable.max_chars, limit)}" for p, limit in PROVIDER_VARIABLE_LIMITS.items())
            click.echo(f"  {{{number}}} {variable.name}: at most {variable.max_chars} characters ({limits}); "
                       f"longer values: {variable.fit}")


COMMANDS = [worker, dispatch, sms]
