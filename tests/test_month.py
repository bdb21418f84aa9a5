"""The one Month type: how staff type a month, and stepping between months."""

from datetime import date, datetime

import pytest

from jobmatch.clock import LOCAL_TZ, Month, MonthError, add_months


def test_a_typed_month_reads_back_as_typed():
    assert Month.parse(" 2026-11 ") == Month(2026, 11)
    assert str(Month.parse("2026-01")) == "2026-01"


@pytest.mark.parametrize("typed", ["2026-13", "2026-00", "2026/11", "26-11", "2026-1", "", None, "1999-12"])
def test_a_mistyped_month_is_refused_in_chinese_naming_the_field(typed):
    with pytest.raises(MonthError) as refused:
        Month.parse(typed, field="roll_month")
    assert refused.value.field == "roll_month"
    assert "2026-11" in refused.value.message


def test_first_and_last_day_follow_the_calendar():
    assert Month(2028, 2).first_day == date(2028, 2, 1)
    assert Month(2028, 2).last_day == date(2028, 2, 29)
    assert Month(2026, 2).last_day == date(2026, 2, 28)


def test_stepping_crosses_year_ends():
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2026, 11).plus(-23) == Month(2024, 12)
    assert Month(2026, 11).plus(14) == Month(2028, 1)


def test_local_range_is_the_month_in_shanghai_time():
    start, end = Month(2026, 12).local_range()
    assert start == datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    assert end == datetime(2027, 1, 1, tzinfo=LOCAL_TZ)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
