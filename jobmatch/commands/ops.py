"""Operations: `jobmatch doctor`, `jobmatch person export`, `jobmatch person anonymise`.

`doctor` checks the configuration and every service the application needs and prints
one line per check: what is wrong and how to fix it. It exits 1 if anything is wrong.
"""

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from jobmatch.config import Settings, settings_of

MAX_CLOCK_SKEW_SECONDS = 30
LOCAL_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


@dataclass
class Finding:
    check: str
    ok: bool
    message: str  # "what is wrong — how to fix it" when not ok

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.check}: {self.message}"


def _ok(check: str, message: str) -> Finding:
    return Finding(check, True, message)


def _fail(check: str, wrong: str, fix: str) -> Finding:
    return Finding(check, False, f"{wrong} — {fix}")


# -- the checks; each takes the settings (and the engine) and returns one Finding ----------

def check_secret_key(settings: Settings, production: bool) -> Finding:
    """SECRET_KEY comes from the environment and is long enough."""
    if not settings.secret_key:
        if not production:
            return _ok("secret key", "made once and kept in instance/secret_key (fine for development)")
        return _fail("secret key", "SECRET_KEY is not set, so each process makes up its own and sign-ins break",
                     "set SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') "
                     "in /etc/jobmatch/jobmatch.env")
    if len(settings.secret_key) < 32:
        return _fail("secret key", "SECRET_KEY is shorter than 32 characters",
                     "use python3 -c 'import secrets; print(secrets.token_hex(32))'")
    return _ok("secret key", "set from the environment")


def check_public_base_url(settings: Settings, production: bool) -> Finding:
    """PUBLIC_BASE_URL is the https address people and Twilio reach."""
    url = urlsplit(settings.public_base_url)
    if not production:
        return _ok("public URL", f"{url.scheme}://{url.hostname} (not checked in development)")
    if url.scheme != "https":
        return _fail("public URL", f"PUBLIC_BASE_URL is {url.scheme}://, so links in SMS and Twilio signatures "
                     "use plain HTTP", "set PUBLIC_BASE_URL=https://your.domain and terminate TLS in nginx")
    if url.hostname in LOCAL_LOOPBACK_HOSTS:
        return _fail("public URL", "PUBLIC_BASE_URL points at this machine, not at a public name",
                     "set PUBLIC_BASE_URL to the https address workers open on their phones")
    if not settings.session_cookie_secure:
        return _fail("public URL", "sign-in cookies may travel over plain HTTP", "set SESSION_COOKIE_SECURE=1")
    return _ok("public URL", f"https://{url.hostname}")


def check_database(engine, production: bool) -> Finding:
    """The database answers (and is PostgreSQL in production)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        return _fail("database", f"cannot connect ({type(exc).__name__}: {_first_line(exc)})",
                     "check DATABASE_URL and that PostgreSQL is running (pg_isready)")
    if production and engine.dialect.name == "sqlite":
        return _fail("database", "DATABASE_URL is a SQLite file, which one process at a time can write",
                     "create a PostgreSQL database and set DATABASE_URL=postgresql://user:pass@host/db")
    return _ok("database", f"{engine.dialect.name} reachable")


def check_migrations(engine) -> Finding:
    """The schema is at the newest migration."""
    from jobmatch.migrate import current_revision, head_revision

    try:
        current, head = current_revision(engine), head_revision()
    except Exception as exc:  # noqa: BLE001
        return _fail("migrations", f"cannot read the schema revision ({_first_line(exc)})",
                     "fix the database check first, then run `jobmatch db upgrade`")
    if current != head:
        return _fail("migrations", f"the database is at revision {current}, the code needs {head}",
                     "run `jobmatch db upgrade` (after a backup, see docs/OPERATIONS.md)")
    return _ok("migrations", f"at head ({head})")


def check_redis(settings: Settings, production: bool) -> Finding:
    """Redis answers when REDIS_URL is set (and is set in production)."""
    url = settings.redis_url
    if not url:
        if production:
            return _fail("redis", "REDIS_URL is not set, so no SMS worker can run and rate limits are per process",
                         "install Redis and set REDIS_URL=redis://127.0.0.1:6379/0")
        return _ok("redis", "not configured (fine for development)")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return _fail("redis", f"cannot reach Redis ({type(exc).__name__})",
                     "check REDIS_URL and that redis-server is running (redis-cli ping)")
    return _ok("redis", "reachable")


def check_sms(settings: Settings, production: bool, engine=None) -> Finding:
    """The SMS provider is known and has its credentials, and no message kind is stopped."""
    from notifications.providers import ProviderConfigError, make_provider

    name = settings.sms_provider
    try:
        make_provider(name, settings.provider_settings())
    except ProviderConfigError as exc:
        return _fail("sms", str(exc), "set the missing settings in /etc/jobmatch/jobmatch.env")
    if production and name == "console":
        return _fail("sms", "SMS_PROVIDER=console only prints messages, nobody receives them",
                     "set SMS_PROVIDER=aliyun or tencent (or twilio) with its credentials (README: choosing a provider)")
    domestic = {name, settings.sms_fallback_provider} & {"aliyun", "tencent"}
    if domestic and settings.sms_inbound_mode != "pull" and not settings.sms_callback_token:
        return _fail("sms", f"{'/'.join(sorted(domestic))} callbacks need SMS_CALLBACK_TOKEN, so replies and "
                     "receipts would be lost", "set SMS_CALLBACK_TOKEN to a long random string and register the "
                     "callback URLs (README), or set SMS_INBOUND_MODE=pull")
    stops = _stopped_kinds(engine)
    if stops:
        listed = ", ".join(f"{stop.kind} ({stop.provider} {stop.code})" for stop in stops)
        return _fail("sms", f"message kinds stopped because the provider refused their template or signature: "
                     f"{listed}", "fix the template or signature at the provider (or SMS_TEMPLATE_CODES_FILE), "
                     "then `jobmatch sms resume KIND`")
    return _ok("sms", f"provider {name} configured")


def _stopped_kinds(engine) -> list:
    from sqlalchemy.orm import Session

    from jobmatch.services.sms.kind_stops import kind_stops

    if engine is None:
        return []
    try:
        with Session(engine) as session:
            return kind_stops(session)
    except Exception:  # noqa: BLE001 - the database and migrations checks say why
        return []


def check_clock(engine) -> Finding:
    """The system clock is plausible and agrees with the database server's."""
    now = time.time()
    if not datetime(2024, 1, 1).timestamp() < now < datetime(2100, 1, 1).timestamp():
        return _fail("clock", f"the system clock says {datetime.fromtimestamp(now):%Y-%m-%d}",
                     "enable time sync: timedatectl set-ntp true")
    if engine.dialect.name != "postgresql":
        return _ok("clock", "plausible")
    try:
        with engine.connect() as connection:
            db_now = connection.execute(text("SELECT EXTRACT(EPOCH FROM clock_timestamp())")).scalar_one()
    except Exception:  # noqa: BLE001 - the database check reports this
        return _ok("clock", "plausible (database clock not compared)")
    skew = abs(float(db_now) - time.time())
    if skew > MAX_CLOCK_SKEW_SECONDS:
        return _fail("clock", f"this machine and the database server differ by {skew:.0f} s; quiet hours and "
                     "offer expiry would drift", "enable time sync on both: timedatectl set-ntp true")
    return _ok("clock", f"agrees with the database within {skew:.1f} s")


def check_time_zone() -> Finding:
    """Time zone data for Asia/Shanghai is installed."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from jobmatch.config import LOCAL_TIMEZONE

    try:
        offset = datetime.now(ZoneInfo(LOCAL_TIMEZONE)).utcoffset()
    except ZoneInfoNotFoundError:
        return _fail("time zone", f"no time zone data for {LOCAL_TIMEZONE}",
                     "install it: apt-get install tzdata (or pip install tzdata into the virtualenv)")
    if offset != timedelta(hours=8):
        return _fail("time zone", f"{LOCAL_TIMEZONE} has offset {offset}, expected +08:00",
                     "update the tzdata package")
    return _ok("time zone", f"{LOCAL_TIMEZONE} is UTC+08:00")


def check_logging(settings: Settings) -> Finding:
    """JOBMATCH_LOG_FILE, if set, can be written (LOG_LEVEL is checked when the settings are read)."""
    level, log_file = settings.log_level, settings.jobmatch_log_file
    if log_file and not os.access(Path(log_file).parent, os.W_OK):
        return _fail("logging", f"cannot write to the directory of JOBMATCH_LOG_FILE={log_file}",
                     "create it and give the jobmatch user write access")
    return _ok("logging", f"level {level}" + (f", also to {log_file}" if log_file else ""))


def check_metrics_dir(settings: Settings) -> Finding:
    """PROMETHEUS_MULTIPROC_DIR, if set, is a writable directory."""
    directory = settings.prometheus_multiproc_dir
    if not directory:
        return _ok("metrics", "single-process mode (set PROMETHEUS_MULTIPROC_DIR under gunicorn)")
    if not (os.path.isdir(directory) and os.access(directory, os.W_OK)):
        return _fail("metrics", f"PROMETHEUS_MULTIPROC_DIR={directory} is not a writable directory",
                     "create it before starting gunicorn (systemd: RuntimeDirectory=jobmatch)")
    return _ok("metrics", f"multiprocess mode in {directory}")


def check_wechat(settings: Settings) -> Finding:
    """WeChat, when on, has what its server URL and notices need, and wechatpy is installed."""
    if not settings.wechat_app_id and not settings.wechat_app_secret:
        return _ok("wechat", "off (WECHAT_APP_ID unset): everything goes by SMS")
    missing = [name for name, value in (("WECHAT_APP_ID", settings.wechat_app_id),
                                        ("WECHAT_APP_SECRET", settings.wechat_app_secret),
                                        ("WECHAT_TOKEN", settings.wechat_token)) if not value]
    if missing:
        return _fail("wechat", f"{', '.join(missing)} not set", "copy them from the service account's 开发 → 基本配置")
    if settings.wechat_aes_key and len(settings.wechat_aes_key) != 43:
        return _fail("wechat", "WECHAT_AES_KEY is not 43 characters", "copy the EncodingAESKey exactly")
    try:
        from notifications.wechat_account import parse_template_ids

        templates = parse_template_ids(settings.wechat_template_ids)
        import wechatpy  # noqa: F401  (the "wechat" extra)
    except ValueError as exc:
        return _fail("wechat", f"WECHAT_TEMPLATE_IDS: {exc}", "write kind=template_id, comma-separated")
    except ImportError:
        return _fail("wechat", "wechatpy is not installed", 'pip install ".[wechat]" -c constraints.txt')
    if not templates:
        return _fail("wechat", "WECHAT_TEMPLATE_IDS is empty, so no notice can go by WeChat",
                     "set job_offer=…,fair_invitation=… from the account's subscription-notice templates")
    return _ok("wechat", f"on; notices for {', '.join(sorted(templates))}")


def run_checks(settings: Settings, engine, production: bool = True) -> list[Finding]:
    """Every check, in the order an operator would fix them."""
    checks: list[Callable[[], Finding]] = [
        lambda: check_secret_key(settings, production),
        lambda: check_public_base_url(settings, production),
        lambda: check_database(engine, production),
        lambda: check_migrations(engine),
        lambda: check_redis(settings, production),
        lambda: check_sms(settings, production, engine),
        lambda: check_clock(engine),
        check_time_zone,
        lambda: check_logging(settings),
        lambda: check_metrics_dir(settings),
        lambda: check_wechat(settings),
    ]
    return [check() for check in checks]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:160]


@click.command("doctor")
@click.option("--development", is_flag=True,
              help="Skip the production-only checks (secret key, https, PostgreSQL, Redis, real SMS).")
@with_appcontext
def doctor(development):
    """Check the configuration and every service; one line per problem with its fix."""
    findings = run_checks(settings_of(current_app), current_app.extensions["jobmatch.engine"], not development)
    for finding in findings:
        click.echo(finding.line())
    failed = [f for f in findings if not f.ok]
    click.echo(f"{len(failed)} problem(s) found." if failed else "all checks passed.")
    sys.exit(1 if failed else 0)


# -- one person's data --------------------------------------------------------------------

@click.group("person")
def person():
    """One person's data: export on request, anonymise when they leave the programme."""


@person.command("export")
@click.argument("id_number")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="FILE.json")
@with_appcontext
def person_export(id_number, out_path):
    """Write everything held about the person with ID_NUMBER to a JSON file."""
    from jobmatch.db import get_session
    from jobmatch.services.people.privacy_requests import PersonNotFound, export_person

    try:
        data = export_person(get_session(), id_number)
    except PersonNotFound as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    descriptor = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
    with open(descriptor, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    click.echo(f"wrote person {data['profile']['id']} ({len(data['ledger_events'])} ledger events) to {out_path}")


@person.command("anonymise")
@click.argument("id_number")
@click.option("--reason", required=True, help="Why, e.g. 'left the programme, request of 2026-11-20'.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def person_anonymise(id_number, reason, yes):
    """Replace the person's identifying data and redact the ledger events about them."""
    from jobmatch.db import get_session
    from jobmatch.services.people.privacy_requests import AlreadyAnonymised, PersonNotFound, anonymise_person

    if not yes:
        click.confirm("This cannot be undone. Anonymise this person?", abort=True)
    session = get_session()
    try:
        report = anonymise_person(session, id_number, reason=reason, actor="cli:person-anonymise")
    except (PersonNotFound, AlreadyAnonymised) as exc:
        session.rollback()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(f"person {report.person_id} anonymised: {report.redacted_events} ledger events redacted "
               f"(backed by event {report.event_seq}), {report.messages_cleared} messages cleared, "
               f"{report.roster_uploads_deleted} kept roster uploads deleted, {report.other_copies_cleared} other copies "
               "cleared.")


COMMANDS = [doctor, person]
