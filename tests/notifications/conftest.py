"""Fixtures for the SMS package tests: no database, no Redis, loopback only."""

import pytest

from tests.support.fake_twilio import FakeTwilio


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch):
    # A proxy configured in the environment must not intercept calls to the fake server.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake
