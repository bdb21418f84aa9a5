"""The deployment's settings: one frozen ``Settings``, read from the environment once.

``create_app`` builds it (``Settings.from_env``) and keeps it in ``app.extensions``; the CLI,
the RQ worker and the dispatcher run inside that app. Code reads it with ``settings_of(app)``
or ``current_settings()`` and passes values on; nothing else reads ``os.environ``. Every
field is an environment variable of the same name in capitals, listed in README.md.
"""

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = REPO_ROOT / "instance"
LOCAL_TIMEZONE = "Asia/Shanghai"
SETTINGS_KEY = "jobmatch.settings"
PROVIDER_CHOICES = ("console", "twilio", "aliyun", "tencent")

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _at_least(minimum, *, above: bool = False) -> dict:
    return {"minimum": minimum, "above": above}


@dataclass(frozen=True)
class Settings:
    """Every deployment setting, typed, with its default written here and nowhere else."""

    database_url: str = f"sqlite:///{INSTANCE_PATH / 'jobmatch.sqlite'}"
    redis_url: str | None = None
    # Seconds between tries to reach Redis again (doubling from 1 s) in the worker and dispatcher.
    redis_retry_max_seconds: float = field(default=30.0, metadata=_at_least(1))
    # Proxies in front of the app that append to X-Forwarded-For (1 behind the documented nginx).
    trusted_proxy_hops: int = field(default=0, metadata=_at_least(0))
    sms_provider: str = field(default="console", metadata={"choices": PROVIDER_CHOICES})
    # A second provider for what the first refused before taking it (failover); empty: none.
    sms_fallback_provider: str = field(default="", metadata={"choices": ("", *PROVIDER_CHOICES)})
    # Seconds per request to any SMS provider (TWILIO_TIMEOUT when unset).
    sms_provider_timeout: float | None = None
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_base: str | None = None
    twilio_timeout: float = field(default=10.0, metadata=_at_least(0, above=True))
    # Aliyun / Tencent Cloud SMS: credentials and endpoints (tests point them at fakes on loopback).
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    aliyun_sms_endpoint: str = ""
    tencent_secret_id: str = ""
    tencent_secret_key: str = ""
    tencent_sms_app_id: str = ""
    tencent_sms_endpoint: str = ""
    tencent_sms_region: str = "ap-guangzhou"
    # The deployment's SMS template table (texts, variable limits, provider template codes);
    # unset: notifications/sms_templates.toml.
    sms_template_codes_file: str | None = None
    # The secret in the callback URLs, the networks callbacks may come from (comma-separated
    # CIDRs; empty: any), and whether replies and receipts arrive by callback or are pulled.
    sms_callback_token: str = ""
    sms_callback_networks: str = ""
    sms_inbound_mode: str = field(default="callback", metadata={"choices": ("callback", "pull")})
    sms_pull_interval: float = field(default=30.0, metadata=_at_least(0, above=True))
    public_base_url: str = "http://127.0.0.1:5000"
    # Empty: a random key per process (development only; `jobmatch doctor` fails it in production).
    secret_key: str = ""
    sms_signature: str = "安置点就业服务"
    sms_daily_cap: int = field(default=3, metadata=_at_least(0))
    # 12333: the national employment and social security hotline.
    sms_contact_phone: str = "12333"
    sms_dispatch_interval: float = field(default=2.0, metadata=_at_least(0, above=True))
    # Messages per queue job; 0: one batch of the provider's (Aliyun 100, Tencent 200), 50 without a batch API.
    sms_batch_size: int = field(default=0, metadata=_at_least(0))
    sms_max_attempts: int = field(default=8, metadata=_at_least(1))
    sms_retry_base_seconds: float = field(default=30.0, metadata=_at_least(0))
    sms_retry_max_seconds: float = field(default=3600.0, metadata=_at_least(0))
    sms_dispatch_lease_seconds: float = field(default=300.0, metadata=_at_least(0, above=True))
    sms_sending_lease_seconds: float = field(default=120.0, metadata=_at_least(0, above=True))
    sms_queue: str = "sms"
    sms_inprocess_dispatcher: bool = True
    offer_expiry_hours: int = field(default=48, metadata=_at_least(1))
    # A declined or expired offer: the same employer's vacancies of the same trade are not offered
    # to that person for this many days (the same vacancy never again), unless staff choose to.
    reoffer_after_days: int = field(default=30, metadata=_at_least(0))
    match_min_score: float = field(default=0.3, metadata=_at_least(0))
    match_model_path: str = str(INSTANCE_PATH / "match-model.pkl")
    # Poverty-relapse monitoring: a monitored household whose yearly income per member falls below
    # this line (yuan; the province's 防返贫监测 line) raises an alert.
    monitoring_income_line: int = field(default=7300, metadata=_at_least(0))
    # Rule 2's "the household no longer needs it": another member earns at least this (yuan a month).
    welfare_need_income_line: int = field(default=3000, metadata=_at_least(0))
    # Rule 7 (seed 001): the one-time start-up subsidy; the seed leaves the figure to the county.
    startup_subsidy_yuan: int = field(default=5000, metadata=_at_least(0))
    log_level: str = field(default="INFO", metadata={"choices": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")})
    jobmatch_log_file: str | None = None
    metrics_token: str | None = None
    prometheus_multiproc_dir: str | None = None
    session_cookie_secure: bool = False
    # The hours (local time, HH:MM-HH:MM) in which the 3-minute and 3-hour clocks of rule 8 (三个三) run.
    problem_working_hours: str = "08:00-21:00"
    # A signed-in session ends this many hours after sign-in (workers': the second), at sign-out on
    # every device, and at a new password or (workers) a new phone number.
    session_lifetime_hours: float = field(default=12.0, metadata=_at_least(0, above=True))
    worker_session_lifetime_hours: float = field(default=720.0, metadata=_at_least(0, above=True))
    roster_xlsx_max_unzipped_mb: int = field(default=200, metadata=_at_least(1))
    roster_xlsx_max_cells: int = field(default=3_000_000, metadata=_at_least(1))
    roster_xlsx_max_ratio: int = field(default=100, metadata=_at_least(1))
    # The RQ queue of the all-counties round's jobs (`jobmatch round propose --all`); `jobmatch worker`
    # takes jobs from it after SMS_QUEUE.
    rounds_queue: str = "rounds"
    # A streaming replica of DATABASE_URL: reports and exports read from it (seconds behind the primary);
    # unset, they read from the primary.
    database_replica_url: str | None = None
    # API writes: an Idempotency-Key and the first response it got are kept this many hours per token.
    api_idempotency_hours: float = field(default=24.0, metadata=_at_least(0, above=True))
    # Employers' workplace photos (resized JPEGs) live here; an upload larger than the limit is refused.
    photo_dir: str = str(INSTANCE_PATH / "photos")
    photo_max_upload_mb: float = field(default=8.0, metadata=_at_least(0, above=True))
    # Rule 5 (seed 002: 培训补贴 and 职业技能鉴定补贴 "按规定"): yuan per person and course, paid for
    # a course finished with the assessment passed (training) or a certificate obtained (certification).
    training_subsidy_yuan: int = field(default=1000, metadata=_at_least(0))
    certification_subsidy_yuan: int = field(default=500, metadata=_at_least(0))
    # WeChat service account (服务号) as a second channel; off while WECHAT_APP_ID is empty. The API
    # and OAuth base URLs point tests at a fake server; WECHAT_TEMPLATE_IDS maps message kinds to
    # subscription-notice template ids ("job_offer=TPL1,fair_invitation=TPL2"); a notice not opened
    # within WECHAT_FALLBACK_MINUTES goes by SMS; WECHAT_LONG_TERM: the account's category allows
    # long-term subscriptions (else one-time subscriptions the worker granted).
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_api_base_url: str = "https://api.weixin.qq.com/"
    wechat_oauth_base_url: str = "https://open.weixin.qq.com/connect/"
    wechat_template_ids: str = ""
    wechat_fallback_minutes: int = field(default=60, metadata=_at_least(1))
    wechat_long_term: bool = False
    # Organised labour export (劳务输出): the local hour on the day before departure when the reminder
    # SMS goes to those holding a seat (quiet hours still hold it), and the hours after departure when
    # the arrival ask ("到了请回1") goes out.
    labour_export_reminder_hour: int = field(default=18, metadata=_at_least(8))
    labour_export_arrival_ask_hours: int = field(default=24, metadata=_at_least(1))
    # The odd-job market (零工市场): hours a worker has to answer a gig offer before it goes to the next one,
    gig_answer_hours: float = field(default=2.0, metadata=_at_least(0, above=True))
    # gig days in one month that count a person as flexibly employed (灵活就业) for household status and reports,
    gig_days_flexible: int = field(default=8, metadata=_at_least(1))
    # and gig offers sent per place at once (first accepted, first placed; later yeses wait on the list).
    gig_offers_per_place: int = field(default=2, metadata=_at_least(1))
    # The HMAC key that signs ledger checkpoints (`jobmatch ledger checkpoint`); empty: derived from
    # SECRET_KEY, so changing SECRET_KEY makes older checkpoints ignored until the next full walk.
    ledger_checkpoint_key: str = ""

    def __post_init__(self):
        object.__setattr__(self, "public_base_url", self.public_base_url.rstrip("/"))
        object.__setattr__(self, "log_level", self.log_level.upper())
        object.__setattr__(self, "sms_provider", self.sms_provider.strip().lower())
        for spec in dataclasses.fields(self):
            _check_value(spec, getattr(self, spec.name))
        _check_wechat_template_ids(self.wechat_template_ids)
        if self.sms_sending_lease_seconds <= 2 * self.twilio_timeout + 1:
            raise SettingsError("SMS_SENDING_LEASE_SECONDS",
                                f"必须大于 2 × TWILIO_TIMEOUT + 1 = {2 * self.twilio_timeout + 1:g} 秒"
                                "，否则发送还没开始租约就过期了")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Parse the environment; SettingsError names the first variable that is wrong and why."""
        values = {}
        for spec in dataclasses.fields(cls):
            raw = environ.get(env_name(spec.name))
            if raw is not None and raw.strip() != "":
                values[spec.name] = _parse(spec, raw.strip())
        return cls(**values)

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (tests, and overrides given to ``create_app``)."""
        return dataclasses.replace(self, **changes)

    def provider_settings(self) -> dict:
        """What ``notifications.providers.make_provider`` reads (it never imports jobmatch)."""
        return {env_name(name): getattr(self, name) for name in _PROVIDER_FIELDS}



def _check_wechat_template_ids(raw: str) -> None:
    from notifications.wechat_account import parse_template_ids

    try:
        parse_template_ids(raw)
    except ValueError as exc:
        raise SettingsError("WECHAT_TEMPLATE_IDS", f"{exc}；请写成 job_offer=模板ID,fair_invitation=模板ID") from None


class SettingsError(ValueError):
    """An environment variable with a value the service cannot use."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"设置 {variable} 有误：{problem}")
        self.variable = variable


def env_name(field_name: str) -> str:
    return field_name.upper()


def setting_names() -> list[str]:
    """Every setting's environment variable, in the order of the dataclass."""
    return [env_name(spec.name) for spec in dataclasses.fields(Settings)]


def _field_type(spec: dataclasses.Field) -> type:
    hint = typing.get_type_hints(Settings)[spec.name]
    return next(arg for arg in typing.get_args(hint) if arg is not type(None)) if typing.get_args(hint) else hint


def _parse(spec: dataclasses.Field, raw: str):
    kind, name = _field_type(spec), env_name(spec.name)
    if kind is bool:
        if raw.lower() not in _TRUE + _FALSE:
            raise SettingsError(name, f"“{raw}”不是开关，请写 1 或 0")
        return raw.lower() in _TRUE
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            wanted = "整数" if kind is int else "数字"
            raise SettingsError(name, f"“{raw}”不是{wanted}") from None
    return raw


def _check_value(spec: dataclasses.Field, value) -> None:
    name, choices, minimum = env_name(spec.name), spec.metadata.get("choices"), spec.metadata.get("minimum")
    if choices and value not in choices:
        raise SettingsError(name, f"“{value}”不是可选的值（{'、'.join(choices)}）")
    if minimum is not None and value is not None:
        above = spec.metadata["above"]
        if value < minimum or (above and value == minimum):
            raise SettingsError(name, f"{value} 太小，必须{'大于' if above else '不小于'} {minimum}")


# -- the running app's settings --------------------------------------------------------------

def settings_of(app) -> Settings:
    """The settings ``app`` was built with."""
    return app.extensions[SETTINGS_KEY]


_process_app = None  # the app this process built last: one per process outside the tests


def current_settings() -> Settings:
    """The settings of the app handling this request, command or job.

    Outside an app context (a thread a job started, a test calling a service), those of the app
    this process built; never the environment's.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        return settings_of(current_app)
    if _process_app is None:
        raise RuntimeError("no app has been created in this process; pass the settings in instead")
    return settings_of(_process_app)


def install_settings(app, settings: Settings) -> None:
    """Give ``app`` its settings; it becomes the process's app for ``current_settings()``."""
    global _process_app
    app.extensions[SETTINGS_KEY] = settings
    _process_app = app


def use_settings(app, settings: Settings) -> None:
    """Make ``app`` run with ``settings`` from now on (tests that change one setting)."""
    app.extensions[SETTINGS_KEY] = settings


_PROVIDER_FIELDS = (
    "twilio_account_sid", "twilio_auth_token", "twilio_from", "twilio_api_base", "twilio_timeout",
    "sms_fallback_provider", "sms_provider_timeout", "aliyun_access_key_id", "aliyun_access_key_secret", "aliyun_sms_endpoint",
    "tencent_secret_id", "tencent_secret_key", "tencent_sms_app_id", "tencent_sms_endpoint", "tencent_sms_region",
    "sms_template_codes_file",
)
