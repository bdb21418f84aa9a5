"""The one clock of the application. Tests replace it with ``use_clock(FixedClock(...))``."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from jobmatch.config import LOCAL_TIMEZONE
from notifications.clock import FixedClock, SystemClock  # noqa: F401  (FixedClock: for tests)

LOCAL_TZ = ZoneInfo(LOCAL_TIMEZONE)

_clock = SystemClock()


def use_clock(clock) -> None:
    """Replace the clock (anything with ``now() -> aware datetime``)."""
    global _clock
    _clock = clock


def utcnow() -> datetime:
    return _clock.now().astimezone(timezone.utc)


def local_now() -> datetime:
    return utcnow().astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today in Asia/Shanghai: the day staff and workers live in."""
    return local_now().date()
