"""SMS texts for every message kind, in plain words, Chinese first.

Every text starts with the carrier-registered signature 【...】 (Chinese carriers put it
first), says how to reply where a reply is asked, and gives the link to the worker's
page, where the same reply can be given when the provider does not carry replies back.
Pushes also say how to unsubscribe (回TD退订).
"""

import re
import string
from dataclasses import dataclass
from typing import Any

from notifications.kinds import MessageKind, as_kind
from notifications.segments import SegmentCount, count_segments

LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"

# With realistic data a Chinese text must stay within two parts (134 UCS-2 units).
# The 【】 signature makes every text UCS-2, English words are long, and the English
# variant is read by few workers, so it is allowed one more part.
MAX_PARTS = {"zh": 2, "en": 3}

K = MessageKind

_ZH: dict[MessageKind, str] = {
    K.JOB_OFFER: "【{signature}】{employer}招{title}，{wage}，{place}{distance}。"
    "{reason}。回1接受 回2不要 回0帮助 或点 {url} 回TD退订",
    K.WELFARE_POST: "【{signature}】公益性岗位：{title}，{place}，{wage}。"
    "{reason}。回1接受 回2不要 回0帮助 或点 {url} 回TD退订",
    K.WELFARE_TERM_END: "【{signature}】您的公益性岗位{title}任期到{end_date}届满，补贴发到届满前一天。"
    "有合适的工作会再告诉您。详情：{url}",
    K.FAIR_INVITATION: "【{signature}】请来参加{fair_name}：{when}，在{venue}，"
    "{employer_count}家单位招人。回1参加 回2不去 回0帮助 或点 {url} 回TD退订",
    K.FAIR_REMINDER: "【{signature}】提醒：{fair_name}{when}在{venue}举行，请带身份证。"
    "不能来请回2，或点 {url} 回TD退订",
    K.CONFIRM_ACCEPTED: "【{signature}】收到，您接受了{employer}的{title}。"
    "工作人员会打电话给您，请保持手机开机。详情：{url}",
    K.CONFIRM_DECLINED: "【{signature}】收到，您不要{title}这份工作。"
    "有合适的工作再告诉您。详情：{url}",
    K.CONFIRM_WAITLISTED: "【{signature}】收到。{employer}的{title}已招满，"
    "您已排进候补名单，有空位马上告诉您。详情：{url}",
    K.HIRE_NOTICE: "【{signature}】恭喜！{employer}录用您做{title}，{start_date}上班。"
    "有问题请打{contact_phone}。详情：{url}",
    K.FOLLOW_UP: "【{signature}】每月回访：您现在有工作吗？"
    "回1有 回2没有 回0帮助 或点 {url} 回TD退订",
    K.HELP: "【{signature}】就业服务短信。回1接受 回2不要 回TD退订 回订阅恢复。"
    "有问题请打{contact_phone}，或点 {url}",
    K.OPT_OUT_CONFIRMATION: "【{signature}】您已退订，不会再收到工作推荐。"
    "想再收到，请回订阅或点 {url}",
    K.OPT_IN_CONFIRMATION: "【{signature}】您已恢复接收工作推荐短信。不想收请回TD。",
    K.SIGN_IN_CODE: "【{signature}】您的登录验证码：{code}，{minutes}分钟内有效。不要告诉别人。",
}

_EN: dict[MessageKind, str] = {
    K.JOB_OFFER: "【{signature}】{title} at {employer}, {wage}, {place}{distance}. "
    "{reason}. Reply 1 yes, 2 no, 0 help, TD to stop, or {url}",
    K.WELFARE_POST: "【{signature}】Public post: {title}, {place}, {wage}. "
    "{reason}. Reply 1 yes, 2 no, 0 help, TD to stop, or open {url}",
    K.WELFARE_TERM_END: "【{signature}】Your public post {title} ends on {end_date}; "
    "the subsidy is paid up to the day before. We will tell you about other jobs. {url}",
    K.FAIR_INVITATION: "【{signature}】Job fair: {fair_name}, {when}, at {venue}, "
    "{employer_count} employers. Reply 1 to come, 2 not, 0 help, TD to stop, "
    "or open {url}",
    K.FAIR_REMINDER: "【{signature}】Reminder: {fair_name}, {when}, at {venue}. "
    "Bring your ID card. Can't come? Reply 2 or open {url} Reply TD to stop",
    K.CONFIRM_ACCEPTED: "【{signature}】Got it: you accepted {title} at {employer}. "
    "Staff will call you; keep your phone on. Details: {url}",
    K.CONFIRM_DECLINED: "【{signature}】Got it: you said no to {title}. "
    "We will tell you about other jobs. Details: {url}",
    K.CONFIRM_WAITLISTED: "【{signature}】Got it. {title} at {employer} is full. "
    "You are on the waiting list; we will tell you if a place opens. {url}",
    K.HIRE_NOTICE: "【{signature}】Congratulations! {employer} hired you as {title}, "
    "starting {start_date}. Questions: call {contact_phone}. Details: {url}",
    K.FOLLOW_UP: "【{signature}】Monthly check: do you have work now? "
    "Reply 1 yes, 2 no, 0 help, TD to stop, or open {url}",
    K.HELP: "【{signature}】Job service texts. Reply 1 yes, 2 no, TD to stop, START to "
    "resume. Questions: call {contact_phone} or open {url}",
    K.OPT_OUT_CONFIRMATION: "【{signature}】You are unsubscribed: no more job texts. "
    "To resume, reply START or open {url}",
    K.OPT_IN_CONFIRMATION: "【{signature}】You will get job texts again. Reply TD to stop.",
    K.SIGN_IN_CODE: "【{signature}】Your sign-in code is {code}, valid for {minutes} "
    "minutes. Do not share it.",
}

TEMPLATES: dict[str, dict[MessageKind, str]] = {"zh": _ZH, "en": _EN}

# Optional pieces: rendered only when their data is given, else left out.
_OPTIONAL_FRAGMENTS: dict[str, dict[str, str]] = {
    "zh": {"distance": "，离家{distance_km}公里"},
    "en": {"distance": ", {distance_km} km away"},
}
_FIELDS_NOT_FROM_DATA = {"signature", "distance"}


class MissingTemplateData(ValueError):
    """A template was rendered without data it needs."""

    def __init__(self, kind: MessageKind, locale: str, missing: list[str]):
        self.kind, self.locale, self.missing = kind, locale, missing
        super().__init__(f"message {kind.value!r} ({locale}) needs data: {', '.join(missing)}")


@dataclass(frozen=True)
class RenderedMessage:
    kind: MessageKind
    body: str
    segments: SegmentCount
    locale: str = DEFAULT_LOCALE


def template_fields(kind: "MessageKind | str", locale: str = DEFAULT_LOCALE) -> list[str]:
    """Names of the data a kind's template needs, in the order they appear."""
    template = _template(as_kind(kind), locale)
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    return [name for name in dict.fromkeys(names) if name not in _FIELDS_NOT_FROM_DATA]


def render(
    kind: "MessageKind | str", signature: str, *, locale: str = DEFAULT_LOCALE, **data: Any
) -> RenderedMessage:
    """Fill the template for ``kind``; raises MissingTemplateData naming what is missing."""
    message_kind = as_kind(kind)
    template = _template(message_kind, locale)
    values = {name: _clean(value) for name, value in data.items() if not _blank(value)}
    missing = [name for name in template_fields(message_kind, locale) if name not in values]
    if missing:
        raise MissingTemplateData(message_kind, locale, missing)
    values["signature"] = _clean_signature(signature)
    values["distance"] = _distance(locale, values.get("distance_km"))
    body = template.format(**values)
    return RenderedMessage(message_kind, body, count_segments(body), locale)


def _template(kind: MessageKind, locale: str) -> str:
    if locale not in TEMPLATES:
        raise ValueError(f"unknown locale {locale!r}; valid locales: {', '.join(LOCALES)}")
    return TEMPLATES[locale][kind]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> str:
    if isinstance(value, float):
        value = f"{value:g}"
    text = re.sub(r"\s+", " ", str(value)).strip()
    # A second 【】 in the text looks like a second signature to carriers.
    return text.replace("【", "（").replace("】", "）")


def _clean_signature(signature: str) -> str:
    cleaned = (signature or "").strip().strip("【】").strip()
    if not cleaned:
        raise ValueError("the SMS signature is empty; configure the registered signature")
    return cleaned


def _distance(locale: str, distance_km: str | None) -> str:
    if distance_km is None:
        return ""
    return _OPTIONAL_FRAGMENTS[locale]["distance"].format(distance_km=distance_km)

