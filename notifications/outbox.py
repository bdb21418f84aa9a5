"""Delivery decisions for one outbox message, free of any database: send, hold, cancel or fail.

The outbox (jobmatch.services.sms.outbox) gathers the facts at the moment of sending and
asks ``decide``; it also asks ``retry_delay`` how long to wait after a temporary error.

Decisions:
- A push to a person who opted out is cancelled; answers to the person's own texts
  (confirmations, help, the opt-out confirmation itself) still go.
- A message without a usable number fails and is never sent.
- Quiet hours (21:00-08:00 Asia/Shanghai) hold everything but sign-in codes until 08:00.
- A push beyond the daily cap is held until 08:00 of the next local day, not dropped:
  offers and invitations stay worth reading tomorrow, and the cap counts again there.
- The same text to the same number a third time within 24 h is held until the oldest
  of the two earlier sends leaves the 24 h window.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from notifications.kinds import MessageKind
from notifications.rules import (
    DUPLICATE_WINDOW,
    cap_allows,
    duplicate_text_allowed,
    in_quiet_hours,
    is_push,
    local_day_window,
    next_send_time,
    send_time_for,
)


class Action(StrEnum):
    SEND = "send"
    HOLD = "hold"
    CANCEL = "cancel"
    FAIL = "fail"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str = ""  # quiet_hours | daily_cap | duplicate_text | opted_out | invalid_phone
    until: datetime | None = None  # for HOLD: when to try again (aware UTC)


@dataclass(frozen=True)
class SendingFacts:
    """What is true about one message and its recipient right now."""

    kind: "MessageKind | str"
    now: datetime
    has_phone: bool
    phone_invalid: bool
    opted_out: bool
    pushes_today: int  # pushes already sent (or being sent) to the person this local day
    daily_cap: int
    identical_sends_24h: list[datetime]  # when this text went to this number in the last 24 h


SEND = Decision(Action.SEND)


def decide(facts: SendingFacts) -> Decision:
    """Whether the message may go now, and if not what becomes of it."""
    push = is_push(facts.kind)
    if push and facts.opted_out:
        return Decision(Action.CANCEL, "opted_out")
    if not facts.has_phone or facts.phone_invalid:
        return Decision(Action.FAIL, "invalid_phone")
    allowed_at = send_time_for(facts.kind, facts.now)
    if allowed_at > facts.now:
        return Decision(Action.HOLD, "quiet_hours", allowed_at)
    if push and not cap_allows(facts.pushes_today, facts.daily_cap):
        return Decision(Action.HOLD, "daily_cap", next_local_morning(facts.now))
    if not duplicate_text_allowed(len(facts.identical_sends_24h)):
        return Decision(Action.HOLD, "duplicate_text", _after_duplicate_window(facts))
    return SEND


def next_local_morning(now: datetime) -> datetime:
    """08:00 Asia/Shanghai on the local day after ``now`` (aware UTC)."""
    _, next_day_start = local_day_window(now)
    return next_send_time(next_day_start)


def _after_duplicate_window(facts: SendingFacts) -> datetime:
    oldest_in_window = sorted(facts.identical_sends_24h)[-2]  # the send that must age out
    free_at = oldest_in_window + DUPLICATE_WINDOW + timedelta(seconds=1)
    return next_send_time(free_at) if in_quiet_hours(free_at) else free_at


def retry_delay(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Exponential backoff after ``attempts`` tries: base, 2*base, 4*base ... up to the maximum."""
    exponent = max(0, attempts - 1)
    return timedelta(seconds=min(max_seconds, base_seconds * (2 ** min(exponent, 20))))
