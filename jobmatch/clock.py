"""The one clock of the application, and month arithmetic on local dates.

Tests replace the clock with ``use_clock(FixedClock(...))``. ``Month`` is the one way to
parse "2026-11" and to step between months.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from jobmatch.config import LOCAL_TIMEZONE
from jobmatch.services.errors import UserError
from notifications.clock import FixedClock, SystemClock  # noqa: F401  (FixedClock: for tests)

LOCAL_TZ = ZoneInfo(LOCAL_TIMEZONE)

_clock = SystemClock()


def use_clock(clock) -> None:
    """Replace the clock (anything with ``now() -> aware datetime``)."""
    global _clock
    _clock = clock


def utcnow() -> datetime:
    return _clock.now().astimezone(UTC)


def local_now() -> datetime:
    return utcnow().astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today in Asia/Shanghai: the day staff and workers live in."""
    return local_now().date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = Month.of(day).plus(months)
    return month.first_day.replace(day=min(day.day, month.last_day.day))


_MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})")


class MonthError(UserError):
    """A month typed wrongly; ``field`` names the input, ``message`` says how to write it."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. ``Month(2026, 11)``; ``str()`` gives "2026-11"."""

    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.number <= 12:
            raise ValueError(f"month number {self.number} is not 1-12")

    @classmethod
    def parse(cls, text: str | None, field: str = "month") -> "Month":
        """``"2026-11"`` -> Month(2026, 11); MonthError naming ``field`` for anything else."""
        match = _MONTH_TEXT.fullmatch((text or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise MonthError(field, f"月份应写成 2026-11 这样，不是「{text or ''}」")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def current(cls) -> "Month":
        """This month in Asia/Shanghai."""
        return cls.of(local_today())

    @property
    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])

    def plus(self, months: int) -> "Month":
        """The month ``months`` later (earlier when negative)."""
        year, index = divmod(self.year * 12 + self.number - 1 + months, 12)
        return Month(year, index + 1)

    def next(self) -> "Month":
        return self.plus(1)

    def previous(self) -> "Month":
        return self.plus(-1)

    def local_range(self) -> tuple[datetime, datetime]:
        """[first moment, first moment of the next month) in local time, as aware datetimes."""
        return (datetime.combine(self.first_day, time(0), tzinfo=LOCAL_TZ),
                datetime.combine(self.next().first_day, time(0), tzinfo=LOCAL_TZ))

    def __str__(self) -> str:
        return f"{self.year}-{self.number:02d}"
