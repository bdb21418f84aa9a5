"""Prometheus metrics at /metrics: request latency, SMS, outbox, RQ, rounds, zero-employment.

Counters and histograms live in the process (in PROMETHEUS_MULTIPROC_DIR under gunicorn,
so every worker's share is added up at scrape time); the SMS, outbox, queue and
household gauges are read from the database and Redis by ``StateCollector`` when
Prometheus scrapes, so they are right whichever process answers.

Only loopback callers that did not come through the proxy, or callers with
``Authorization: Bearer $METRICS_TOKEN``, may read /metrics.
"""

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.engine import Engine

from jobmatch.clock import utcnow
from jobmatch.config import settings_of
from jobmatch.models.messages import WAITING_STATUSES
from jobmatch.models.types import as_utc

log = logging.getLogger(__name__)

_WAITING_SQL = ", ".join(f"'{status}'" for status in WAITING_STATUSES)  # constants, not input

REQUEST_LATENCY = Histogram(
    "jobmatch_http_request_duration_seconds", "Time to answer an HTTP request, by endpoint and status.",
    ["endpoint", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# The rounds service observes this: ``with ROUND_DURATION.time(): run the round``.
ROUND_DURATION = Histogram(
    "jobmatch_matching_round_duration_seconds", "Time to run one matching round.",
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600),
)

bp = Blueprint("metrics", __name__)


def _registry(app: Flask) -> CollectorRegistry:
    """A registry for one scrape: this process's (or all workers') metrics plus live state."""
    registry = CollectorRegistry()
    settings = settings_of(app)
    if settings.prometheus_multiproc_dir:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(StateCollector(app.extensions["jobmatch.engine"], settings.redis_url))
    return registry


class _ProcessMetrics(Collector):
    """Forwards the default registry (this process's histograms and process stats)."""

    def collect(self):
        return REGISTRY.collect()

    def describe(self):
        return []


class StateCollector(Collector):
    """Gauges read at scrape time; a missing table or a stopped Redis only drops its gauges."""

    def __init__(self, engine: Engine, redis_url: str | None):
        self.engine = engine
        self.redis_url = redis_url

    def describe(self):
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for reader in (self._sms_by_status, self._outbox, self._zero_employment):
            yield from self._safely(reader)
        if self.redis_url:
            yield from self._safely(self._rq_queues)

    def _safely(self, reader) -> list[GaugeMetricFamily]:
        try:
            return list(reader())
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail for one source
            log.warning("metrics source unavailable", extra={"source": reader.__name__, "error": type(exc).__name__})
            return []

    def _query(self, sql: str) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql)))

    def _sms_by_status(self):
        family = GaugeMetricFamily("jobmatch_sms_messages", "Outbox messages by status "
                                   "(queued, held for quiet hours or caps, sent, failed, ...).", labels=["status"])
        for status, count in self._query("SELECT status, COUNT(*) FROM messages GROUP BY status"):
            family.add_metric([status], count)
        yield family

    def _outbox(self):
        count, oldest = self._query(
            f"SELECT COUNT(*), MIN(created_at) FROM messages WHERE status IN ({_WAITING_SQL})")[0]
        yield GaugeMetricFamily("jobmatch_outbox_depth", "Messages waiting to be sent (queued or held).",
                                value=count)
        yield GaugeMetricFamily("jobmatch_outbox_oldest_age_seconds", "Age of the oldest waiting message.",
                                value=_age_seconds(oldest))

    def _zero_employment(self):
        family = GaugeMetricFamily("jobmatch_zero_employment_households",
                                   "Zero-employment households (零就业家庭) by settlement.",
                                   labels=["county", "settlement"])
        rows = self._query(
            "SELECT c.name, s.name, COUNT(h.id) FROM settlements s JOIN counties c ON c.id = s.county_id "
            "LEFT JOIN households h ON h.settlement_id = s.id AND h.zero_employment "
            "GROUP BY c.name, s.name ORDER BY c.name, s.name")
        for county, settlement, count in rows:
            family.add_metric([county, settlement], count)
        yield family

    def _rq_queues(self):
        import redis
        from rq import Queue

        connection = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=2)
        length = GaugeMetricFamily("jobmatch_rq_queue_length", "Jobs waiting in an RQ queue.", labels=["queue"])
        failed = GaugeMetricFamily("jobmatch_rq_failed_jobs", "Jobs in an RQ queue's failed registry.",
                                   labels=["queue"])
        for queue in Queue.all(connection=connection):
            length.add_metric([queue.name], queue.count)
            failed.add_metric([queue.name], queue.failed_job_registry.count)
        yield length
        yield failed


def _age_seconds(oldest) -> float:
    if oldest is None:
        return 0.0
    return max(0.0, (utcnow() - as_utc(oldest)).total_seconds())


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _may_read_metrics() -> bool:
    token = settings_of(current_app).metrics_token
    supplied = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
        return True
    # Behind nginx every caller is 127.0.0.1: a forwarded request is never "local".
    forwarded = request.headers.get("X-Forwarded-For") or request.headers.get("X-Real-IP")
    return _is_loopback(request.remote_addr) and not forwarded


@bp.get("/metrics")
def metrics_endpoint():
    """The Prometheus text format, for loopback or the bearer token."""
    if not _may_read_metrics():
        abort(403)
    output = generate_latest(_registry(current_app._get_current_object()))
    return Response(output, content_type=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe_latency(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        endpoint = request.endpoint or "unmatched"  # unknown URLs share one label
        REQUEST_LATENCY.labels(endpoint, request.method, str(response.status_code)).observe(
            time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Time every request and serve /metrics."""
    app.before_request(_start_timer)
    app.after_request(_observe_latency)
    app.register_blueprint(bp)
