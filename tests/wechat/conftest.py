"""A test app whose WeChat settings point at the fake WeChat server on loopback."""

import pytest

from tests.conftest import make_test_app
from tests.support.fake_wechat import FakeWeChat, wechat_settings


@pytest.fixture
def fake_wechat():
    with FakeWeChat() as fake:
        yield fake


@pytest.fixture
def wechat_app(database_url, fake_wechat):
    app = make_test_app(database_url, **wechat_settings(fake_wechat))
    yield app
    app.extensions["jobmatch.engine"].dispose()
