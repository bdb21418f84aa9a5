from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications.kinds import MessageKind
from notifications.rules import (
    DEFAULT_DAILY_PUSH_CAP,
    FixedClock,
    SystemClock,
    cap_allows,
    duplicate_text_allowed,
    duplicate_window_start,
    in_quiet_hours,
    is_push,
    local_day_window,
    next_send_time,
    send_time_for,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(year, month, day, hour, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def utc(moment):
    return moment.astimezone(UTC)


@pytest.mark.parametrize(
    ("local_now", "expected_local"),
    [
        (shanghai(2025, 3, 10, 8, 0), shanghai(2025, 3, 10, 8, 0)),
        (shanghai(2025, 3, 10, 12, 30), shanghai(2025, 3, 10, 12, 30)),
        (shanghai(2025, 3, 10, 20, 59, 59), shanghai(2025, 3, 10, 20, 59, 59)),
        (shanghai(2025, 3, 10, 21, 0), shanghai(2025, 3, 11, 8, 0)),
        (shanghai(2025, 3, 10, 23, 59), shanghai(2025, 3, 11, 8, 0)),
        (shanghai(2025, 3, 11, 0, 0), shanghai(2025, 3, 11, 8, 0)),
        (shanghai(2025, 3, 11, 7, 59, 59), shanghai(2025, 3, 11, 8, 0)),
        # across a month and a year end
        (shanghai(2025, 12, 31, 22, 15), shanghai(2026, 1, 1, 8, 0)),
    ],
)
def test_next_send_time_at_quiet_hour_boundaries(local_now, expected_local):
    result = next_send_time(utc(local_now))
    assert result == expected_local
    assert result.utcoffset() == timedelta(0)


def test_next_send_time_returns_now_itself_when_allowed():
    now = utc(shanghai(2025, 3, 10, 9, 0))
    assert next_send_time(now) == now


def test_quiet_hours_are_shanghai_time_whatever_the_input_zone():
    # 14:00 UTC is 22:00 in Shanghai.
    assert in_quiet_hours(datetime(2025, 3, 10, 14, 0, tzinfo=UTC))
    assert not in_quiet_hours(datetime(2025, 3, 10, 0, 0, tzinfo=UTC))  # 08:00


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        next_send_time(datetime(2025, 3, 10, 12, 0))


def test_sign_in_codes_are_not_held_back_by_quiet_hours():
    late = utc(shanghai(2025, 3, 10, 23, 0))
    assert send_time_for(MessageKind.SIGN_IN_CODE, late) == late
    assert send_time_for(MessageKind.JOB_OFFER, late) == shanghai(2025, 3, 11, 8, 0)
    assert send_time_for(MessageKind.CONFIRM_ACCEPTED, late) == shanghai(2025, 3, 11, 8, 0)


@pytest.mark.parametrize(
    "moment",
    [
        shanghai(2025, 3, 10, 0, 0),
        shanghai(2025, 3, 10, 7, 30),  # still 9 March in UTC
        shanghai(2025, 3, 10, 23, 59, 59),
    ],
)
def test_local_day_window_is_the_shanghai_calendar_day(moment):
    start, end = local_day_window(utc(moment))
    assert start == shanghai(2025, 3, 10, 0, 0)
    assert end == shanghai(2025, 3, 11, 0, 0)
    assert start.tzinfo == UTC and end.tzinfo == UTC
    assert start == datetime(2025, 3, 9, 16, 0, tzinfo=UTC)


def test_local_day_window_is_half_open():
    start, end = local_day_window(utc(shanghai(2025, 3, 10, 12, 0)))
    next_start, _ = local_day_window(end)
    assert next_start == end


@pytest.mark.parametrize(("sent", "cap", "allowed"), [
    (0, 3, True), (2, 3, True), (3, 3, False), (4, 3, False), (0, 0, False), (0, 1, True),
])
def test_daily_cap(sent, cap, allowed):
    assert cap_allows(sent, cap) is allowed


def test_default_cap_is_three():
    assert DEFAULT_DAILY_PUSH_CAP == 3
    assert cap_allows(2) and not cap_allows(3)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        cap_allows(-1, 3)
    with pytest.raises(ValueError):
        duplicate_text_allowed(-1)


@pytest.mark.parametrize("kind", [
    MessageKind.JOB_OFFER, MessageKind.WELFARE_POST, MessageKind.FAIR_INVITATION,
    MessageKind.FAIR_REMINDER, MessageKind.FOLLOW_UP,
])
def test_pushes(kind):
    assert is_push(kind)
    assert is_push(kind.value)


@pytest.mark.parametrize("kind", [
    MessageKind.HELP, MessageKind.CONFIRM_ACCEPTED, MessageKind.CONFIRM_DECLINED,
    MessageKind.CONFIRM_WAITLISTED, MessageKind.OPT_OUT_CONFIRMATION,
    MessageKind.OPT_IN_CONFIRMATION, MessageKind.SIGN_IN_CODE, MessageKind.HIRE_NOTICE,
])
def test_answers_and_notices_are_not_pushes(kind):
    assert not is_push(kind)


@pytest.mark.parametrize(("previous", "allowed"), [(0, True), (1, True), (2, False), (5, False)])
def test_same_text_at_most_twice_in_24_hours(previous, allowed):
    assert duplicate_text_allowed(previous) is allowed


def test_duplicate_window_is_the_last_24_hours():
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert duplicate_window_start(now) == now - timedelta(hours=24)


def test_fixed_clock_can_be_set_and_advanced():
    clock = FixedClock(utc(shanghai(2025, 3, 10, 20, 59)))
    assert not in_quiet_hours(clock.now())
    clock.advance(minutes=1)
    assert in_quiet_hours(clock.now())
    clock.advance(timedelta(hours=11))
    assert clock.now() == shanghai(2025, 3, 11, 8, 0)
    clock.set(utc(shanghai(2025, 1, 1, 9, 0)))
    assert clock.now() == shanghai(2025, 1, 1, 9, 0)
    with pytest.raises(ValueError):
        FixedClock(datetime(2025, 1, 1))


def test_system_clock_is_aware_utc():
    assert SystemClock().now().utcoffset() == timedelta(0)
