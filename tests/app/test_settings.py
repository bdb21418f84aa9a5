"""One way to read settings: a frozen Settings from the environment, documented in README.md."""

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.config import Settings, SettingsError, setting_names

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_settings() -> set[str]:
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])}


def test_the_readme_table_lists_every_setting_and_nothing_else():
    assert _readme_settings() == set(setting_names())


def test_values_are_parsed_typed_and_frozen():
    settings = Settings.from_env({"SMS_DAILY_CAP": "5", "SESSION_COOKIE_SECURE": "yes", "LOG_LEVEL": "debug",
                                  "PUBLIC_BASE_URL": "https://jobs.example.cn/", "TRUSTED_PROXY_HOPS": "1"})
    assert (settings.sms_daily_cap, settings.session_cookie_secure, settings.log_level) == (5, True, "DEBUG")
    assert settings.public_base_url == "https://jobs.example.cn" and settings.trusted_proxy_hops == 1
    assert Settings.from_env({}) == Settings()  # the defaults are the dataclass's, written once
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.sms_daily_cap = 9


@pytest.mark.parametrize("environ, variable, problem", [
    ({"SMS_DAILY_CAP": "three"}, "SMS_DAILY_CAP", "不是整数"),
    ({"TRUSTED_PROXY_HOPS": "-1"}, "TRUSTED_PROXY_HOPS", "太小"),
    ({"SMS_PROVIDER": "smsbao"}, "SMS_PROVIDER", "console、twilio、aliyun、tencent"),
    ({"SMS_INBOUND_MODE": "push"}, "SMS_INBOUND_MODE", "callback、pull"),
    ({"SESSION_COOKIE_SECURE": "maybe"}, "SESSION_COOKIE_SECURE", "请写 1 或 0"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "不是可选的值"),
    ({"TWILIO_TIMEOUT": "100"}, "SMS_SENDING_LEASE_SECONDS", "2 × TWILIO_TIMEOUT + 1"),
])
def test_a_wrong_value_names_the_variable_and_what_is_wrong(environ, variable, problem):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert caught.value.variable == variable and variable in str(caught.value) and problem in str(caught.value)


def test_the_cli_exits_non_zero_naming_a_wrong_setting(monkeypatch):
    from jobmatch.cli import main

    monkeypatch.setenv("REDIS_RETRY_MAX_SECONDS", "soon")
    result = CliRunner().invoke(main, ["doctor", "--development"])
    assert result.exit_code == 2 and "REDIS_RETRY_MAX_SECONDS" in result.output and "不是数字" in result.output
