"""Queue jobs and the SMS dispatcher that feeds them.

Jobs are plain functions taking message ids. In a worker process the app is built once,
on the first job, never at import. With REDIS_URL the dispatcher enqueues jobs on RQ and
``jobmatch worker`` runs them; without it the same job function runs in the dispatcher's
own process (``InProcessQueue``): ``jobmatch worker``/``jobmatch dispatch`` then send
themselves, and the web process sends from a background thread (``start_background_sender``)
that wakes when a transaction that queued messages commits. So ``make run`` needs no Redis.

When Redis goes away, the RQ worker and the dispatcher stay up and try again after 1, 2, 4 ...
seconds, at most REDIS_RETRY_MAX_SECONDS apart; the messages wait in the outbox meanwhile.
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.backoff import Backoff
from jobmatch.config import settings_of
from jobmatch.services.sms.delivery import deliver_batch
from jobmatch.services.sms.messaging import QUEUED_FLAG
from jobmatch.services.sms.outbox import OutboxSettings, claim_due, release
from notifications.providers import SmsProvider, make_provider

log = logging.getLogger(__name__)

_worker_app: Flask | None = None
_app_lock = threading.Lock()
_PROVIDER_KEY = "jobmatch.sms_provider"
_SENDER_KEY = "jobmatch.sms_sender"
# How many batches one dispatcher pass claims per transaction.
_BATCHES_PER_CLAIM = 20


class QueueUnavailable(Exception):
    """The queue (Redis) cannot take jobs right now; the messages stay in the outbox."""


class JobQueue(Protocol):
    def enqueue_delivery(self, message_ids: list[int]) -> None: ...


# -- the job -------------------------------------------------------------------------------

def worker_app() -> Flask:
    """The app of this worker process, built from the environment on first use."""
    global _worker_app
    with _app_lock:
        if _worker_app is None:
            from jobmatch import create_app
            _worker_app = create_app()
        return _worker_app


def use_worker_app(app: Flask | None) -> None:
    """Make jobs in this process use ``app`` (the in-process queue, tests)."""
    global _worker_app
    _worker_app = app


class DeliveryJobFailed(RuntimeError):
    """A delivery job stopped; the outbox keeps its messages for the next dispatch."""


def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Job: send these outbox messages (each only if still dispatched); returns counts by outcome."""
    try:
        return deliver_with(worker_app(), message_ids)
    except SQLAlchemyError as exc:
        # RQ logs a failed job's exception, and a database error quotes its parameters:
        # phone numbers and bodies. Only the error's class goes on.
        raise DeliveryJobFailed(f"database error ({type(exc).__name__})") from None


def deliver_with(app: Flask, message_ids: list[int]) -> dict[str, int]:
    """Send these outbox messages with ``app``'s database and provider."""
    return deliver_batch(app.extensions["jobmatch.sessionmaker"], sms_provider(app),
                         OutboxSettings.from_settings(settings_of(app)), message_ids)


def sms_provider(app: Flask) -> SmsProvider:
    """The app's SMS provider, made once (SMS_PROVIDER and its settings)."""
    provider = app.extensions.get(_PROVIDER_KEY)
    if provider is None:
        settings = settings_of(app)
        provider = app.extensions[_PROVIDER_KEY] = make_provider(settings.sms_provider, settings.provider_settings())
    return provider


def _provider_batch(app: Flask) -> int:
    """How many messages one request of the app's provider takes (queue jobs are sized to it)."""
    return getattr(sms_provider(app), "max_batch", 1)


# -- queues ----------------------------------------------------------------------------------

class RQQueue:
    """Delivery jobs on RQ (REDIS_URL, queue SMS_QUEUE)."""

    def __init__(self, app: Flask):
        import redis
        from rq import Queue

        settings = settings_of(app)
        assert settings.redis_url is not None  # made only when REDIS_URL is set (see task_queue)
        connection = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
        self.queue = Queue(settings.sms_queue, connection=connection)
        job = OutboxSettings.from_settings(settings, _provider_batch(app)).batch_size
        self.job_timeout = int(job * (settings.twilio_timeout + 1) + 60)

    def enqueue_delivery(self, message_ids: list[int]) -> None:
        """Put one delivery job on the queue; QueueUnavailable if Redis does not answer."""
        import redis
        try:
            self.queue.enqueue(deliver_messages, message_ids, job_timeout=self.job_timeout,
                               result_ttl=300, failure_ttl=86400)
        except redis.exceptions.RedisError as exc:
            raise QueueUnavailable(f"Redis: {type(exc).__name__}") from None


class InProcessQueue:
    """No Redis: run the delivery job right here, synchronously."""

    def __init__(self, app: Flask):
        self.app = app

    def enqueue_delivery(self, message_ids: list[int]) -> None:
        """Send the messages now, in this process."""
        deliver_with(self.app, message_ids)


def make_queue(app: Flask) -> JobQueue:
    """RQ when REDIS_URL is set, else the in-process queue."""
    return RQQueue(app) if settings_of(app).redis_url else InProcessQueue(app)


# -- the dispatcher --------------------------------------------------------------------------

@dataclass(frozen=True)
class DispatchPass:
    handed_over: int
    queue_available: bool = True


def dispatch_once(app: Flask, queue: JobQueue | None = None) -> int:
    """Hand every due message to the queue, in batches; returns how many were handed over."""
    return _dispatch_pass(app, queue or make_queue(app)).handed_over


def _dispatch_pass(app: Flask, queue: JobQueue) -> DispatchPass:
    settings = OutboxSettings.from_settings(settings_of(app), _provider_batch(app))
    sessions = app.extensions["jobmatch.sessionmaker"]
    limit, handed_over = settings.batch_size * _BATCHES_PER_CLAIM, 0
    if settings.wechat is not None:  # unopened WeChat notices past their time go back as SMS
        from jobmatch.services.wechat.notices import fall_back_unopened

        with sessions.begin() as session:
            fall_back_unopened(session)
    while True:
        with sessions.begin() as session:
            message_ids = claim_due(session, settings, limit)
        for start in range(0, len(message_ids), settings.batch_size):
            batch = message_ids[start:start + settings.batch_size]
            try:
                queue.enqueue_delivery(batch)
            except QueueUnavailable as exc:
                with sessions.begin() as session:
                    release(session, message_ids[start:])
                log.warning("SMS queue unavailable (%s); %d messages wait in the outbox",
                            exc, len(message_ids) - start)
                return DispatchPass(handed_over, queue_available=False)
            handed_over += len(batch)
        if len(message_ids) < limit:
            return DispatchPass(handed_over)


def run_dispatcher(app: Flask, stop: threading.Event, wake: threading.Event | None = None) -> None:
    """Dispatch every SMS_DISPATCH_INTERVAL seconds (or when woken) until ``stop`` is set; each pass
    also seals the ledger events a writer left unsealed (see jobmatch.ledger).

    While the queue (Redis) is unavailable, the passes back off up to REDIS_RETRY_MAX_SECONDS apart.
    """
    settings = settings_of(app)
    interval, backoff = settings.sms_dispatch_interval, Backoff(settings.redis_retry_max_seconds)
    queue = make_queue(app)
    next_pull = 0.0
    while not stop.is_set():
        wait = interval
        try:
            if _dispatch_pass(app, queue).queue_available:
                backoff.reset()
            else:
                wait = max(interval, backoff.next_delay())
        except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the loop
            # Not log.exception: a database error quotes its parameters (phones, bodies).
            log.error("SMS dispatch pass failed (%s); trying again in %.0f s", type(exc).__name__, interval)
        seal_ledger(app)
        if settings.sms_inbound_mode == "pull" and time.monotonic() >= next_pull:
            next_pull = time.monotonic() + settings.sms_pull_interval
            pull_once(app)
        if wake is None:
            stop.wait(wait)
        else:
            wake.wait(wait)
            wake.clear()


def seal_ledger(app: Flask) -> int:
    """Chain ledger events committed but not sealed (a writer killed before its own seal); errors are logged."""
    try:
        return ledger.seal_pending(app.extensions["jobmatch.engine"])
    except Exception as exc:  # noqa: BLE001 - the database may be away for a while
        log.error("ledger seal failed (%s); trying again on the next pass", type(exc).__name__)
        return 0


def pull_once(app: Flask) -> int:
    """Pull replies and receipts from the provider (SMS_INBOUND_MODE=pull); errors are logged, not raised."""
    from jobmatch.services.sms.pull import pull_inbound

    try:
        return pull_inbound(app.extensions["jobmatch.sessionmaker"], sms_provider(app))
    except Exception as exc:  # noqa: BLE001 - the provider or the database may be away for a while
        log.error("SMS pull failed (%s); trying again later", type(exc).__name__)
        return 0


# -- the web process's background sender (no Redis) ------------------------------------------

_wake_senders = threading.Event()


@event.listens_for(Session, "after_commit")
def _wake_after_queuing(session: Session) -> None:
    if session.info.pop(QUEUED_FLAG, False):
        _wake_senders.set()


@event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def start_background_sender(app: Flask) -> threading.Thread | None:
    """Start the in-process dispatcher thread once per app (no REDIS_URL, not testing)."""
    settings = settings_of(app)
    if settings.redis_url or app.testing or not settings.sms_inprocess_dispatcher:
        return None
    with _app_lock:
        running = app.extensions.get(_SENDER_KEY)
        if running is None:
            stop = threading.Event()
            thread = threading.Thread(target=run_dispatcher, args=(app, stop, _wake_senders),
                                      name="sms-sender", daemon=True)
            running = app.extensions[_SENDER_KEY] = (thread, stop)
            thread.start()
    return running[0]


def stop_background_sender(app: Flask) -> None:
    """Stop the app's in-process sender thread, if it runs."""
    running = app.extensions.pop(_SENDER_KEY, None)
    if running is not None:
        thread, stop = running
        stop.set()
        _wake_senders.set()
        thread.join(timeout=10)


def run_rq_worker(app: Flask, burst: bool = False) -> None:
    """Run an RQ worker on SMS_QUEUE until SIGTERM/SIGINT (or, with ``burst``, an empty queue).

    RQ's own loop ends when Redis goes away; this one starts it again with backoff.
    """
    import redis

    use_worker_app(app)
    settings = settings_of(app)
    backoff, stop = Backoff(settings.redis_retry_max_seconds), threading.Event()
    while not stop.is_set():
        started = time.monotonic()
        try:
            _work(settings, burst, stop)
            if burst:
                return
            problem = "the worker loop ended"
        except redis.exceptions.RedisError as exc:
            problem = type(exc).__name__
        if stop.is_set():
            return
        if time.monotonic() - started > settings.redis_retry_max_seconds:
            backoff.reset()  # it ran a good while: this is a new outage
        delay = backoff.next_delay()
        log.warning("SMS worker lost Redis (%s); connecting again in %.0f s", problem, delay)
        stop.wait(delay)


def _work(settings, burst: bool, stop: threading.Event) -> None:
    import redis
    from rq import Queue, SimpleWorker

    class SmsWorker(SimpleWorker):
        """Remembers a stop request (SIGTERM/SIGINT) beyond its own loop."""

        def request_stop(self, signum, frame):
            stop.set()
            super().request_stop(signum, frame)

    connection = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    try:
        queues = [Queue(name, connection=connection) for name in (settings.sms_queue, settings.rounds_queue)]
        # SimpleWorker runs jobs in this process, so the app and its connection pool are
        # built once rather than in a forked child per job. SMS first: a county round can wait.
        SmsWorker(queues, connection=connection).work(burst=burst, logging_level="WARNING")
    finally:
        connection.close()

