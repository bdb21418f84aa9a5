"""`jobmatch doctor`: a clean bill of health, and one line per broken setting with its fix."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from jobmatch.commands import ops
from jobmatch.config import Settings
from tests import services
from tests.app.test_health import closed_port
from tests.conftest import make_test_app

GOOD = {
    "SECRET_KEY": "k" * 64, "PUBLIC_BASE_URL": "https://jobs.weining.example.cn",
    "SESSION_COOKIE_SECURE": True, "SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "t" * 32, "TWILIO_FROM": "+15005550006", "LOG_LEVEL": "INFO",
}


@pytest.fixture
def doctor():
    apps = []

    def run(database_url, *args, **overrides):
        app = make_test_app(database_url, **{**GOOD, **overrides})
        apps.append(app)
        from jobmatch.cli import main
        result = CliRunner().invoke(main, ["doctor", *args], obj=ScriptInfo(create_app=lambda: app))
        lines = [line for line in result.stdout.strip().splitlines() if not line.startswith("{")]  # not log lines
        return result.exit_code, {line.split(":")[0].split("  ")[-1]: line for line in lines[:-1]}, lines[-1]

    yield run
    for app in apps:
        app.extensions["jobmatch.engine"].dispose()


@pytest.fixture
def redis_url():
    try:
        services.redis_client().close()
    except Exception as exc:  # noqa: BLE001
        services.missing("Redis", exc)
    return services.REDIS_URL


def test_production_setup_passes(doctor, pg_url, redis_url):
    code, lines, summary = doctor(pg_url, REDIS_URL=redis_url)
    assert code == 0, lines
    assert summary == "all checks passed." and all(line.startswith("ok") for line in lines.values())
    assert set(lines) == {"secret key", "public URL", "database", "migrations", "redis", "sms", "clock",
                          "time zone", "logging", "metrics", "wechat"}


def test_broken_settings_each_get_one_line_with_a_fix(doctor, tmp_path):
    code, lines, summary = doctor(
        f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/jobmatch",
        SECRET_KEY="", PUBLIC_BASE_URL="http://127.0.0.1:5000",
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", TWILIO_AUTH_TOKEN="",
        JOBMATCH_LOG_FILE=str(tmp_path / "missing-dir" / "x.log"),
    )
    assert code == 1
    failed = {name for name, line in lines.items() if line.startswith("FAIL")}
    assert failed == {"secret key", "public URL", "database", "migrations", "redis", "sms", "logging"}
    assert summary == "7 problem(s) found."
    for name in failed:
        assert " — " in lines[name], lines[name]  # what is wrong — how to fix it
    assert "SECRET_KEY" in lines["secret key"] and "https" in lines["public URL"]
    assert "TWILIO_AUTH_TOKEN" in lines["sms"] and "DATABASE_URL" in lines["database"]
    assert "redis-cli ping" in lines["redis"] and "JOBMATCH_LOG_FILE" in lines["logging"]


def test_unmigrated_database_and_development_mode(doctor, tmp_path):
    code, lines, _ = doctor(f"sqlite:///{tmp_path / 'new.sqlite'}", "--development",
                            SECRET_KEY="", SMS_PROVIDER="console", PUBLIC_BASE_URL="http://127.0.0.1")
    assert code == 1 and [n for n, line in lines.items() if line.startswith("FAIL")] == ["migrations"]
    assert "jobmatch db upgrade" in lines["migrations"]


def test_sqlite_and_console_sms_fail_in_production(doctor, sqlite_url):
    code, lines, _ = doctor(sqlite_url, SMS_PROVIDER="console")
    assert code == 1
    assert lines["database"].startswith("FAIL") and "PostgreSQL" in lines["database"]
    assert lines["sms"].startswith("FAIL") and lines["redis"].startswith("FAIL")


def test_clock_skew_and_missing_time_zone_data(pg_url, monkeypatch):
    import time
    from zoneinfo import ZoneInfoNotFoundError
    app = make_test_app(pg_url)
    engine = app.extensions["jobmatch.engine"]
    assert ops.check_clock(engine).ok
    real_time = time.time
    monkeypatch.setattr(ops.time, "time", lambda: real_time() + timedelta(minutes=5).total_seconds())
    finding = ops.check_clock(engine)
    assert not finding.ok and "differ by 300 s" in finding.message and "timedatectl" in finding.message
    monkeypatch.setattr(ops.time, "time", lambda: 0.0)
    assert "1970" in ops.check_clock(engine).message

    def no_zone(_name):
        raise ZoneInfoNotFoundError("Asia/Shanghai")
    monkeypatch.setattr("zoneinfo.ZoneInfo", no_zone)
    finding = ops.check_time_zone()
    assert not finding.ok and "tzdata" in finding.message
    engine.dispose()


def test_metrics_dir_must_be_writable(tmp_path):
    assert not ops.check_metrics_dir(Settings(prometheus_multiproc_dir=str(tmp_path / "absent"))).ok
    assert ops.check_metrics_dir(Settings(prometheus_multiproc_dir=str(tmp_path))).ok
