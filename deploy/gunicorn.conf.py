"""Gunicorn settings for jobmatch: `gunicorn -c deploy/gunicorn.conf.py`.

Everything comes from the environment (see docs/OPERATIONS.md):
  JOBMATCH_BIND          address to listen on (default 127.0.0.1:8000; nginx in front)
  WEB_CONCURRENCY        worker processes (default 2 x CPUs + 1)
  WEB_THREADS            threads per worker (default 1: sync workers; more: gthread workers)
  FORWARDED_ALLOW_IPS    proxies whose X-Forwarded-Proto is believed (default loopback)
  PROMETHEUS_MULTIPROC_DIR  a directory for the workers' metrics (set it in the unit or
                         the shell that starts gunicorn, not here: the workers inherit it)

Gunicorn reads this module's globals as settings: names that are not settings are
ignored, so helpers carry a leading underscore.
"""

import logging as _logging
import os as _os

from gunicorn import glogging as _glogging

wsgi_app = "jobmatch:create_app()"
bind = [_os.environ.get("JOBMATCH_BIND", "127.0.0.1:8000")]
workers = int(_os.environ.get("WEB_CONCURRENCY") or 2 * (_os.cpu_count() or 1) + 1)
threads = int(_os.environ.get("WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = 60  # an xlsx roster import of a whole county takes a while
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 200
preload_app = False  # each worker opens its own database pool after the fork
control_socket_disable = True  # not used; avoids writing under $HOME
# Only the local proxy may say a request came over https (X-Forwarded-Proto). The app
# does not build absolute URLs from headers anyway: Twilio signatures use PUBLIC_BASE_URL.
forwarded_allow_ips = _os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = _os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(_glogging.Logger):
    """Access log lines as JSON fields; the path only, never the query string or referrer
    (worker links and form GETs can carry phone numbers or ID numbers there)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict(resp.headers or [])
        self.access_log.info("access", extra={
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("X-Request-ID", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200],
        })


logger_class = JsonAccessLogger

_JSON = {"()": "jobmatch.logs.json_formatter"}
_SCRUB = {"()": "jobmatch.logs.PersonalDataFilter"}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": []},  # the app adds its JSON handler (jobmatch.logs)
    "filters": {"scrub": _SCRUB},
    "formatters": {"json": _JSON},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["scrub"],
                   "stream": "ext://sys.stdout"},
        "error": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["scrub"],
                  "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
    },
}


def on_starting(server):
    """Empty the metrics directory: files of a previous run would be added to this one's."""
    directory = _os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        _os.makedirs(directory, exist_ok=True)
        for name in _os.listdir(directory):
            if name.endswith(".db"):
                _os.remove(_os.path.join(directory, name))


def child_exit(server, worker):
    """A worker that exits hands back its live gauges (prometheus_client multiprocess mode)."""
    if _os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


_logging.captureWarnings(True)
