"""Shared by the test_sms_* files: people to text, a fake Twilio, an app that sends through it.

Imported as ``tests.sms.test_sms_support``; it holds no tests of its own.
"""

import itertools
import sys
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobmatch.clock import FixedClock, use_clock
from jobmatch.models import County, Household, Person, Settlement
from notifications.clock import SystemClock
from tests.conftest import make_test_app
from tests.support.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilio

SHANGHAI = ZoneInfo("Asia/Shanghai")
TWILIO_FROM = "+15005550006"
_numbers = itertools.count(1)

OFFER_DATA = {"employer": "鑫达电子", "title": "普工", "wage": "4000元", "deadline": "12月3日 周四 中午12点",
              "link": "offer:1"}


def shanghai(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def fixed_clock(at: datetime):
    """Freeze jobmatch's clock at ``at`` for the block; the real clock afterwards."""
    clock = FixedClock(at)
    use_clock(clock)
    try:
        yield clock
    finally:
        use_clock(SystemClock())


class ShiftedClock:
    """The real clock moved by a fixed offset: time passes, but it is day in Shanghai."""

    def __init__(self, offset_seconds: float):
        self.offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def office_hours_offset() -> float:
    """Seconds to add to the real time to make it the last 10:00 in Shanghai (quiet hours hold real sends).

    Never ahead of the real time: the fake Twilio stamps messages with the real clock,
    and a lookup for an earlier send asks for messages since the outbox row was queued.
    """
    now = datetime.now(SHANGHAI)
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if ten > now:
        ten -= timedelta(days=1)
    return (ten - now).total_seconds()


@contextmanager
def office_hours():
    """jobmatch's clock running from 10:00 Shanghai time for the block; yields the offset."""
    offset = office_hours_offset()
    use_clock(ShiftedClock(offset))
    try:
        yield offset
    finally:
        use_clock(SystemClock())


# `jobmatch worker` as the console script runs it, with the clock shifted like the test's.
WORKER_COMMAND = [sys.executable, "-c", (
    "import os, sys; from jobmatch.clock import use_clock; "
    "from tests.sms.test_sms_support import ShiftedClock; "
    "use_clock(ShiftedClock(float(os.environ['SMS_TEST_CLOCK_OFFSET']))); "
    "from jobmatch.cli import main; sys.exit(main(['worker']))")]


def phone_number(seq: int | None = None) -> str:
    """A distinct valid Chinese mobile number, spelled as staff type it."""
    return f"139{(seq if seq is not None else next(_numbers)) % 10**8:08d}"


def make_household(session) -> Household:
    county = session.query(County).first() or County(name="威宁县", province="贵州省")
    settlement = session.query(Settlement).first() or Settlement(county=county, name="五里岗安置点")
    household = Household(county=county, settlement=settlement, household_no=f"H{next(_numbers)}")
    session.add(household)
    session.flush()
    return household


def make_person(session, household: Household | None = None, **overrides) -> Person:
    """A person with a valid phone; ``overrides`` set any column."""
    seq = next(_numbers)
    values = {"id_number": f"52052{seq:013d}", "name": f"工人{seq}", "gender": "男",
              "birth_date": date(1980, 1, 1), "relation": "户主", "phone": phone_number(seq),
              "capacity": "full", "wants_work": True}
    values.update(overrides)
    person = Person(household=household or make_household(session), **values)
    session.add(person)
    session.flush()
    return person


def make_people(session, count: int) -> list[int]:
    """``count`` persons (one household each, bulk inserted); returns their ids."""
    from sqlalchemy import insert, select
    household = make_household(session)
    start = next(_numbers) * 100_000
    rows = [{"household_id": household.id, "id_number": f"53{start + i:016d}", "name": f"工人{i}",
             "gender": "女", "birth_date": date(1985, 1, 1), "relation": "户主",
             "phone": phone_number(start + i), "capacity": "full", "phone_invalid": False,
             "sms_opt_out": False, "skills": [], "certificates": [], "training_wishes": [],
             "disability": "none", "monitoring": "none", "notes": "", "cannot_leave_site": False}
            for i in range(count)]
    session.execute(insert(Person), rows)
    return list(session.scalars(select(Person.id).where(Person.household_id == household.id).order_by(Person.id)))


def twilio_config(fake: FakeTwilio, **overrides) -> dict:
    """App settings that send through ``fake``."""
    config = {"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": DEFAULT_ACCOUNT_SID,
              "TWILIO_AUTH_TOKEN": DEFAULT_AUTH_TOKEN, "TWILIO_FROM": TWILIO_FROM,
              "TWILIO_API_BASE": fake.url, "TWILIO_TIMEOUT": 2.0, "SMS_RETRY_BASE_SECONDS": 0.0,
              "SMS_RETRY_MAX_SECONDS": 0.0}
    config.update(overrides)
    return config


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def twilio_app(database_url, fake_twilio):
    """The app on each backend, sending through the fake Twilio."""
    app = make_test_app(database_url, **twilio_config(fake_twilio))
    yield app
    app.extensions["jobmatch.engine"].dispose()
