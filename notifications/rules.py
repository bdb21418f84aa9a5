"""When an SMS may go out: quiet hours, the daily push cap and the carriers' duplicate rule.

All functions are pure; the outbox supplies the counts and the current time.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifications.clock import Clock, FixedClock, SystemClock, require_aware
from notifications.kinds import PUSH_KINDS, URGENT_KINDS, MessageKind, as_kind

__all__ = [
    "Clock", "FixedClock", "SystemClock", "LOCAL_ZONE", "QUIET_START", "QUIET_END",
    "DEFAULT_DAILY_PUSH_CAP", "MAX_IDENTICAL_SENDS_PER_WINDOW", "DUPLICATE_WINDOW",
    "in_quiet_hours", "next_send_time", "send_time_for", "local_day_window",
    "cap_allows", "is_push", "duplicate_text_allowed", "duplicate_window_start",
]

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
QUIET_START = time(21, 0)  # nothing is sent from 21:00 ...
QUIET_END = time(8, 0)  # ... until 08:00, local time
DEFAULT_DAILY_PUSH_CAP = 3
# Carriers refuse the same text to one number a third time within 24 hours.
MAX_IDENTICAL_SENDS_PER_WINDOW = 2
DUPLICATE_WINDOW = timedelta(hours=24)


def in_quiet_hours(moment: datetime) -> bool:
    """True when ``moment`` falls in 21:00–08:00 Asia/Shanghai."""
    local_time = require_aware(moment).astimezone(LOCAL_ZONE).time()
    return local_time >= QUIET_START or local_time < QUIET_END


def next_send_time(now_utc: datetime) -> datetime:
    """``now_utc`` if sending is allowed now, else the next 08:00 Asia/Shanghai (aware UTC)."""
    if not in_quiet_hours(now_utc):
        return now_utc.astimezone(UTC)
    local = now_utc.astimezone(LOCAL_ZONE)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=LOCAL_ZONE).astimezone(UTC)


def send_time_for(kind: "MessageKind | str", now_utc: datetime) -> datetime:
    """When ``kind`` may go: sign-in codes at once, everything else after quiet hours."""
    if as_kind(kind) in URGENT_KINDS:
        return require_aware(now_utc).astimezone(UTC)
    return next_send_time(now_utc)


def local_day_window(moment: datetime) -> tuple[datetime, datetime]:
    """The Asia/Shanghai calendar day holding ``moment``, as [start, end) in aware UTC."""
    local_day = require_aware(moment).astimezone(LOCAL_ZONE).date()
    start = datetime.combine(local_day, time(0, 0), tzinfo=LOCAL_ZONE)
    end = datetime.combine(local_day + timedelta(days=1), time(0, 0), tzinfo=LOCAL_ZONE)
    return start.astimezone(UTC), end.astimezone(UTC)


def cap_allows(pushes_sent_today: int, cap: int = DEFAULT_DAILY_PUSH_CAP) -> bool:
    """True when one more push keeps the person within ``cap`` pushes this local day."""
    if cap < 0 or pushes_sent_today < 0:
        raise ValueError("cap and pushes_sent_today must not be negative")
    return pushes_sent_today < cap


def is_push(kind: "MessageKind | str") -> bool:
    """True for messages the service starts (they count against the cap and need 回TD退订)."""
    return as_kind(kind) in PUSH_KINDS


def duplicate_text_allowed(previous_identical_sends_24h: int) -> bool:
    """True when the carriers will still accept this exact text to this number today."""
    if previous_identical_sends_24h < 0:
        raise ValueError("previous_identical_sends_24h must not be negative")
    return previous_identical_sends_24h < MAX_IDENTICAL_SENDS_PER_WINDOW


def duplicate_window_start(now_utc: datetime) -> datetime:
    """Start of the rolling 24 h window in which identical sends are counted (aware UTC)."""
    return require_aware(now_utc).astimezone(UTC) - DUPLICATE_WINDOW
