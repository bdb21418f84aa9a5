"""Configuration, read from environment variables (all documented in README.md)."""

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_TIMEZONE = "Asia/Shanghai"


def _int(env, name, default):
    value = env.get(name)
    return int(value) if value not in (None, "") else default


def _float(env, name, default):
    value = env.get(name)
    return float(value) if value not in (None, "") else default


def config_from_env(env=None, instance_path: Path | None = None) -> dict:
    """Return the Flask config mapping for the given environment."""
    env = os.environ if env is None else env
    instance_path = instance_path or REPO_ROOT / "instance"
    default_db = f"sqlite:///{instance_path / 'jobmatch.sqlite'}"
    return {
        "DATABASE_URL": env.get("DATABASE_URL") or default_db,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SMS_PROVIDER": env.get("SMS_PROVIDER", "console"),
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM": env.get("TWILIO_FROM", ""),
        "TWILIO_API_BASE": env.get("TWILIO_API_BASE") or None,
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        # A random key keeps a fresh checkout working; production must set its own
        # (sessions would not survive a restart or be shared between processes).
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_hex(32),
        "SECRET_KEY_FROM_ENV": bool(env.get("SECRET_KEY")),
        "SMS_SIGNATURE": env.get("SMS_SIGNATURE", "安置点就业服务"),
        "SMS_DAILY_CAP": _int(env, "SMS_DAILY_CAP", 3),
        # The number the help reply gives (12333: the national employment and social security hotline).
        "SMS_CONTACT_PHONE": env.get("SMS_CONTACT_PHONE") or "12333",
        # The deployment's SMS template table (texts, variable limits, provider template codes);
        # unset: notifications/sms_templates.toml.
        "SMS_TEMPLATE_CODES_FILE": env.get("SMS_TEMPLATE_CODES_FILE") or None,
        # The SMS outbox (jobmatch.services.sms.outbox): how often the dispatcher looks for
        # due messages, how many message ids one queue job sends, how often a message is
        # tried, the first retry delay (doubling up to SMS_RETRY_MAX_SECONDS), how long a
        # dispatched message may wait in the queue and a send may take before another
        # process takes it over (must exceed TWILIO_TIMEOUT), and the RQ queue's name.
        "SMS_DISPATCH_INTERVAL": _float(env, "SMS_DISPATCH_INTERVAL", 2.0),
        "SMS_BATCH_SIZE": _int(env, "SMS_BATCH_SIZE", 50),
        "SMS_MAX_ATTEMPTS": _int(env, "SMS_MAX_ATTEMPTS", 8),
        "SMS_RETRY_BASE_SECONDS": _float(env, "SMS_RETRY_BASE_SECONDS", 30.0),
        "SMS_RETRY_MAX_SECONDS": _float(env, "SMS_RETRY_MAX_SECONDS", 3600.0),
        "SMS_DISPATCH_LEASE_SECONDS": _float(env, "SMS_DISPATCH_LEASE_SECONDS", 300.0),
        "SMS_SENDING_LEASE_SECONDS": _float(env, "SMS_SENDING_LEASE_SECONDS", 120.0),
        "SMS_QUEUE": env.get("SMS_QUEUE") or "sms",
        # Without REDIS_URL the web process sends in a background thread (off for tests).
        "SMS_INPROCESS_DISPATCHER": env.get("SMS_INPROCESS_DISPATCHER", "1").lower() in ("1", "true", "yes"),
        "TWILIO_TIMEOUT": _float(env, "TWILIO_TIMEOUT", 10.0),
        # Seconds per request to any SMS provider (TWILIO_TIMEOUT when unset).
        "SMS_PROVIDER_TIMEOUT": _float(env, "SMS_PROVIDER_TIMEOUT", None),
        # Aliyun / Tencent Cloud SMS (notifications/providers/): credentials, endpoints
        # (tests point them at fakes on loopback), the template table, a second provider
        # for failover, the secret in the callback URLs and the networks callbacks may
        # come from, and whether replies and receipts come by callback or are pulled.
        "SMS_FALLBACK_PROVIDER": env.get("SMS_FALLBACK_PROVIDER", ""),
        "ALIYUN_ACCESS_KEY_ID": env.get("ALIYUN_ACCESS_KEY_ID", ""),
        "ALIYUN_ACCESS_KEY_SECRET": env.get("ALIYUN_ACCESS_KEY_SECRET", ""),
        "ALIYUN_SMS_ENDPOINT": env.get("ALIYUN_SMS_ENDPOINT", ""),
        "TENCENT_SECRET_ID": env.get("TENCENT_SECRET_ID", ""),
        "TENCENT_SECRET_KEY": env.get("TENCENT_SECRET_KEY", ""),
        "TENCENT_SMS_APP_ID": env.get("TENCENT_SMS_APP_ID", ""),
        "TENCENT_SMS_ENDPOINT": env.get("TENCENT_SMS_ENDPOINT", ""),
        "TENCENT_SMS_REGION": env.get("TENCENT_SMS_REGION", "ap-guangzhou"),
        "SMS_TEMPLATE_CODES_FILE": env.get("SMS_TEMPLATE_CODES_FILE", ""),
        "SMS_CALLBACK_TOKEN": env.get("SMS_CALLBACK_TOKEN", ""),
        "SMS_CALLBACK_NETWORKS": env.get("SMS_CALLBACK_NETWORKS", ""),
        "SMS_INBOUND_MODE": (env.get("SMS_INBOUND_MODE") or "callback").strip().lower(),
        "SMS_PULL_INTERVAL": _float(env, "SMS_PULL_INTERVAL", 30.0),
        "OFFER_EXPIRY_HOURS": _int(env, "OFFER_EXPIRY_HOURS", 48),
        "MATCH_MIN_SCORE": _float(env, "MATCH_MIN_SCORE", 0.3),
        # A worker who declined (or let lapse) an offer is not offered that vacancy again, nor
        # another of the same employer and trade for this many days (unless staff choose to).
        "REOFFER_AFTER_DAYS": _int(env, "REOFFER_AFTER_DAYS", 30),
        # Poverty-relapse monitoring: a monitored household whose yearly income per member (its
        # current jobs' monthly income x 12 / members) falls below this line raises an alert.
        # Set it to the province's yearly monitoring line (防返贫监测范围) in yuan.
        "MONITORING_INCOME_LINE": _int(env, "MONITORING_INCOME_LINE", 7300),
        "MATCH_MODEL_PATH": env.get("MATCH_MODEL_PATH") or str(instance_path / "match-model.pkl"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Also write the JSON log lines to this file (the test run scans it for personal data).
        "JOBMATCH_LOG_FILE": env.get("JOBMATCH_LOG_FILE") or None,
        # /metrics answers loopback callers not behind the proxy, or this bearer token.
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        # A signed-in session ends after this many hours (workers': WORKER_SESSION_LIFETIME_HOURS), at
        # sign-out on every device, and at a new password or (workers) a new phone number.
        "SESSION_LIFETIME_HOURS": _float(env, "SESSION_LIFETIME_HOURS", 12.0),
        "WORKER_SESSION_LIFETIME_HOURS": _float(env, "WORKER_SESSION_LIFETIME_HOURS", 30 * 24.0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "zh",
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        # An uploaded .xlsx roster is refused before it is parsed when it would unzip to more
        # than this many MB, hold more cells, or any part compresses more than this ratio (a zip
        # bomb). A 50,000-person roster exported here unzips to about 60 MB and 1.2 million cells.
        "ROSTER_XLSX_MAX_UNZIPPED_MB": _int(env, "ROSTER_XLSX_MAX_UNZIPPED_MB", 200),
        "ROSTER_XLSX_MAX_CELLS": _int(env, "ROSTER_XLSX_MAX_CELLS", 3_000_000),
        "ROSTER_XLSX_MAX_RATIO": _int(env, "ROSTER_XLSX_MAX_RATIO", 100),
    }


def current_config():
    """The running app's settings; outside an app (a script, a bare service call), the environment's."""
    from flask import current_app, has_app_context

    return current_app.config if has_app_context() else config_from_env()
