"""The one clock of the application, and month arithmetic on local dates.

Tests replace the clock with ``use_clock(FixedClock(...))``.
"""

import calendar

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


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
