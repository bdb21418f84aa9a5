"""Where the current time comes from, so rules and senders can be tested at any instant."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware datetime."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move: for tests."""

    def __init__(self, at: datetime):
        self._lock = threading.Lock()
        self._at = require_aware(at)

    def now(self) -> datetime:
        """The instant the clock is set to."""
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        """Move the clock to ``at``."""
        with self._lock:
            self._at = require_aware(at)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the clock forward by ``delta`` or ``timedelta(**kwargs)``; returns the new time."""
        step = delta if delta is not None else timedelta(**kwargs)
        with self._lock:
            self._at = self._at + step
            return self._at


def require_aware(moment: datetime) -> datetime:
    """``moment`` unchanged; raises ValueError if it carries no time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware datetime")
    return moment
