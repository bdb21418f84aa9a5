"""Times in plain words, as a worker reads them: "12月3日 周四 中午12点前", never "2026-12-03 04:02".

One function for the SMS and the worker's page, so both say the same thing.
"""

from datetime import date, datetime

from notifications.clock import require_aware
from notifications.rules import LOCAL_ZONE

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def moment_text(moment: datetime, locale: str = "zh") -> str:
    """``moment`` in local time as words: "12月3日 周四 中午12点" / "Thu 3 Dec, 12 noon"."""
    local = require_aware(moment).astimezone(LOCAL_ZONE)
    if locale == "en":
        return f"{_WEEKDAYS_EN[local.weekday()]} {local.day} {_MONTHS_EN[local.month - 1]}, {_clock_en(local)}"
    return f"{local.month}月{local.day}日 {_WEEKDAYS_ZH[local.weekday()]} {_clock_zh(local)}"


def deadline_text(moment: datetime, locale: str = "zh") -> str:
    """The last moment to answer, as words: "12月3日 周四 中午12点前" / "by Thu 3 Dec, 12 noon"."""
    return f"by {moment_text(moment, 'en')}" if locale == "en" else f"{moment_text(moment)}前"


def day_text(day: date, locale: str = "zh") -> str:
    """A calendar day as words: "12月3日 周四" / "Thu 3 Dec"."""
    if locale == "en":
        return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}"
    return f"{day.month}月{day.day}日 {_WEEKDAYS_ZH[day.weekday()]}"


def _clock_zh(local: datetime) -> str:
    hour, minute = local.hour, local.minute
    if hour == 12:
        words = "中午12点"
    else:
        period = "凌晨" if hour < 6 else "上午" if hour < 12 else "下午" if hour < 18 else "晚上"
        words = f"{period}{hour if hour <= 12 else hour - 12}点"
    return words + (f"{minute}分" if minute else "")


def _clock_en(local: datetime) -> str:
    hour, minute = local.hour, local.minute
    if hour == 12 and minute == 0:
        return "12 noon"
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d}{suffix}" if minute else f"{shown}{suffix}"
