"""Structured JSON logs with a request or job ID, scrubbed of ID numbers, phones and SMS bodies.

The application's handlers sit on the root logger (stderr, and the file named by
JOBMATCH_LOG_FILE) and carry ``PersonalDataFilter``; ``init_app`` also adds the filter
to the handlers gunicorn and rq put on their own loggers, and scrubs each record's
message when it is made, so no line leaves the process with a full ID number (身份证号),
a mobile number or a message text in it.
"""

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from jobmatch.config import settings_of
from jobmatch.privacy import mask_id_number

# Our own packages: they log at LOG_LEVEL, everything else at INFO or above.
APP_LOGGERS = ("jobmatch", "notifications", "matching")
# Loggers of the servers around us whose handlers get the scrubbing filter too.
FOREIGN_LOGGERS = ("", "gunicorn.error", "gunicorn.access", "rq.worker", "rq.scheduler", "werkzeug")

# 17 digits and a check character (digit or X), not part of a longer run of digits/letters.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# A Chinese mobile: optional +86/86/0086, then 1[3-9] and 9 digits, spaces or dashes allowed.
# Letters around it mean a hex string or a token, not a phone (request IDs are hex).
PHONE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?![0-9A-Za-z])")
REDACTED = "[redacted]"
# Database errors quote the values they failed on: a row (which may hold an SMS text), a
# key, or a bound parameter. Only the values go; the rest of the message helps debugging.
DATABASE_VALUES_RES = (
    re.compile(r"(Failing row contains ).*"),
    re.compile(r"(Key \([^)]*\)=).*"),
    re.compile(r"((?:portal|statement) parameter \$\d+ = ).*"),
    re.compile(r"(invalid input syntax for type [\w ]+: ).*"),
)
BODY_FIELDS = frozenset({"body", "sms_body", "message_body"})
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_MARK = "_jobmatch_handler"

# The attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _mask_phone_match(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))[-11:]
    return digits[:3] + "****" + digits[-4:]


def scrub_text(text: str) -> str:
    """``text`` with ID numbers and mobile numbers masked (region/prefix and last 4 kept), and the
    values a database error quotes removed."""
    for values in DATABASE_VALUES_RES:
        text = values.sub(lambda m: m.group(1) + REDACTED, text)
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(_mask_phone_match, text)


def scrub_value(value: Any, key: str = "") -> Any:
    """A copy of ``value`` (str, dict, list...) scrubbed; anything under a body key is dropped."""
    if key.lower() in BODY_FIELDS and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [scrub_value(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 11:
        return scrub_text(str(value))
    return value


def find_personal_data(text: str) -> list[str]:
    """The full ID numbers and mobile numbers in ``text`` (for the log scan)."""
    return ID_NUMBER_RE.findall(text) + [m.group(0) for m in PHONE_RE.finditer(text)]


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and phones in the message, arguments, extras and traceback; drops bodies."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format
            message = f"{record.msg} {record.args}"
        record.msg = scrub_text(message)
        record.args = None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRS:
                setattr(record, name, scrub_value(value, name))
        if record.exc_info:
            record.exc_text = scrub_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds ``request_id`` inside a request and ``job_id`` inside an RQ job."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g and not hasattr(record, "request_id"):
            record.request_id = g.request_id
        job_id = _current_job_id()
        if job_id and not hasattr(record, "job_id"):
            record.job_id = job_id
        return True


def _current_job_id() -> str | None:
    try:
        from rq import get_current_job
        job = get_current_job()
    except Exception:  # noqa: BLE001 - no rq, or not inside a job
        return None
    return job.id if job is not None else None


def json_formatter() -> logging.Formatter:
    """The one JSON line format: time, level, logger, message and any extra fields."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        reserved_attrs=list(_STANDARD_ATTRS - {"message", "asctime"}),
        json_ensure_ascii=False,
    )


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it per test)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def make_handlers(log_file: str | None) -> list[logging.Handler]:
    """stderr, and ``log_file`` when given; each with the JSON format and both filters."""
    handlers: list[logging.Handler] = [StderrHandler()]
    if log_file:
        try:
            handlers.append(logging.FileHandler(log_file, mode="a", encoding="utf-8"))
        except OSError:
            pass  # start anyway, on stderr; `jobmatch doctor` names the bad setting
    for handler in handlers:
        handler.setFormatter(json_formatter())
        handler.addFilter(ContextFilter())
        handler.addFilter(PersonalDataFilter())
        setattr(handler, _MARK, True)
    return handlers


def configure(level: str = "INFO", log_file: str | None = None) -> None:
    """(Re)install the JSON handlers on the root logger; our packages log at ``level``."""
    level = str(level).upper()
    unknown_level = not isinstance(logging.getLevelName(level), int)
    if unknown_level:
        level = "INFO"  # start anyway; `jobmatch doctor` names the bad setting
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    for handler in make_handlers(log_file):
        root.addHandler(handler)
    # DEBUG is for our own packages; libraries stay at INFO (SQLAlchemy at WARNING:
    # at INFO it logs every statement with its parameters).
    root.setLevel("INFO" if level == "DEBUG" else level)
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(level)
    sqlalchemy_logger = logging.getLogger("sqlalchemy")
    if sqlalchemy_logger.level == logging.NOTSET:
        sqlalchemy_logger.setLevel(logging.WARNING)
    scrub_foreign_handlers()
    _scrub_at_creation()
    if unknown_level:
        logging.getLogger(__name__).warning("LOG_LEVEL is not a level name; logging at INFO")


def scrub_foreign_handlers(logger_names: Iterable[str] = FOREIGN_LOGGERS) -> None:
    """Add the scrubbing filter to handlers that gunicorn, rq or others put on these loggers.

    Call it again after a library installs its own handlers (rq's worker does at start).
    """
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())


def _scrub_at_creation() -> None:
    """Scrub every record's message when it is made, whatever handler later writes it."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def scrubbing_factory(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if record.args or ID_NUMBER_RE.search(str(record.msg)) or PHONE_RE.search(str(record.msg)):
            try:
                record.msg, record.args = scrub_text(record.getMessage()), None
            except (TypeError, ValueError):
                pass  # left for PersonalDataFilter, which copes with mismatched arguments
        return record

    setattr(scrubbing_factory, _MARK, True)
    logging.setLogRecordFactory(scrubbing_factory)


def _incoming_request_id() -> str:
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if _REQUEST_ID_RE.match(supplied) else uuid.uuid4().hex


def _start_request() -> None:
    g.request_id = _incoming_request_id()
    g.request_started = time.perf_counter()


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    elapsed_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
    logging.getLogger("jobmatch.request").debug(
        "request", extra={"method": request.method, "path": _loggable_path(),
                          "status": response.status_code, "duration_ms": elapsed_ms})
    return response


def _loggable_path() -> str:
    # A secret in the URL (the SMS callback token) never reaches the logs.
    token = (request.view_args or {}).get("token")
    return request.path.replace(token, "***") if token else request.path


def init_app(app: Flask) -> None:
    """JSON logs at LOG_LEVEL (to stderr and JOBMATCH_LOG_FILE); a request ID on every request."""
    settings = settings_of(app)
    configure(settings.log_level, settings.jobmatch_log_file)
    app.before_request(_start_request)
    app.after_request(_finish_request)
