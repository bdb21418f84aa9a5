"""SMS texts for every message kind, rendered from the template table, Chinese first.

Every text starts with the carrier-registered signature 【...】 (Chinese carriers put it
first; Aliyun and Tencent add it themselves from the approved signature), says how to
reply where a reply is asked, and gives a short link (PUBLIC_BASE_URL/s/<code>) to the
worker's page, where the same reply can be given when the provider does not carry
replies back. Pushes also say how to unsubscribe (回TD退订).

``render`` fits each variable to its length in the table and to the documented limit
of every provider in use (notifications.template_table), and returns the fitted
variables with the text: what Aliyun and Tencent fill into the approved template is
exactly what console and Twilio send as text.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from notifications.kinds import MessageKind, as_kind
from notifications.segments import SegmentCount, count_segments
from notifications.template_table import (
    LOCALES,
    PROVIDER_VARIABLE_LIMITS,
    SITE,
    Template,
    TemplateTable,
    Variable,
    load_table,
)

DEFAULT_LOCALE = "zh"
FALLBACK_CONTACT_PHONE = "12333"  # the national employment and social-security hotline
SHORT_CODE = "short_code"  # the variable after /s/ in every link
ELLIPSIS = "…"

# With the longest realistic data a Chinese text stays within two parts (134 UCS-2 units).
# The 【】 signature makes every text UCS-2, English words are long, and the English
# variant is read by few workers, so it is allowed one more part.
MAX_PARTS = {"zh": 2, "en": 3}


class MissingTemplateData(ValueError):
    """A template was rendered without data it needs."""

    def __init__(self, kind: MessageKind, locale: str, missing: list[str]):
        self.kind, self.locale, self.missing = kind, locale, missing
        super().__init__(f"message {kind.value!r} ({locale}) needs data: {', '.join(missing)}")


class ValueDoesNotFit(ValueError):
    """A value that must not be shortened (a code, a count) is longer than its limit."""


@dataclass(frozen=True)
class RenderedMessage:
    kind: MessageKind
    body: str
    segments: SegmentCount
    locale: str = DEFAULT_LOCALE
    # The fitted values that went into ``body``: a domestic provider fills exactly these
    # into the approved template.
    variables: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body


def template_fields(kind: "MessageKind | str", locale: str = DEFAULT_LOCALE,
                    table: TemplateTable | None = None) -> list[str]:
    """Names of the variables a kind's template needs, in the order they appear."""
    _check_locale(locale)
    return (table or load_table())[as_kind(kind)].names


def render(kind: "MessageKind | str", signature: str, *, locale: str = DEFAULT_LOCALE, site: str = "",
           providers: Iterable[str] = (), table: TemplateTable | None = None, **data: Any) -> RenderedMessage:
    """Fill the template of ``kind``; values too long are shortened by their rule.

    ``site`` is PUBLIC_BASE_URL (fixed in the approved text), ``providers`` the providers
    that may send it (their documented limits apply). Raises MissingTemplateData naming
    what is missing.
    """
    template = (table or load_table())[as_kind(kind)]
    _check_locale(locale)
    values = {name: _clean(value) for name, value in data.items() if not _blank(value)}
    missing = [name for name in template.names if name not in values]
    if missing:
        raise MissingTemplateData(template.kind, locale, missing)
    limits = _provider_limits(providers)
    variables = {v.name: fit_value(v, values[v.name], limits) for v in template.variables}
    body = f"【{clean_signature(signature)}】" + template.texts[locale].format(**variables, **{SITE: site.rstrip("/")})
    return RenderedMessage(template.kind, body, count_segments(body), locale, variables)


render_template = render


def fit_value(variable: Variable, value: str, limit: int | None = None) -> str:
    """``value`` shortened by ``variable``'s rule to its length (and ``limit``, when smaller)."""
    most = min(variable.max_chars, limit) if limit else variable.max_chars
    if len(value) <= most:
        return value
    if variable.fit == "keep":
        raise ValueDoesNotFit(f"variable {variable.name} may hold {most} characters, got {len(value)}")
    if variable.fit == "phone":
        return FALLBACK_CONTACT_PHONE
    if variable.fit == "range":
        return _cut(_lower_bound(value, most), most)
    if variable.fit == "words":
        return _fewer_words(value, most)
    return _cut(value, most)


def filing_text(template: Template, provider: str, *, site: str, locale: str = DEFAULT_LOCALE) -> str:
    """The text to file for approval: Aliyun writes ${name}, Tencent {1} {2} … in order."""
    text = template.texts[locale].replace("{" + SITE + "}", site.rstrip("/"))
    for number, name in enumerate(template.names, start=1):
        placeholder = {"aliyun": f"${{{name}}}", "tencent": f"{{{number}}}"}.get(provider, f"{{{name}}}")
        text = text.replace("{" + name + "}", placeholder)
    return text


def body_signature(body: str) -> str:
    """The signature a rendered body starts with (what a provider is given as its sign name)."""
    match = re.match(r"【([^】]+)】", body or "")
    return match.group(1) if match else ""


def clean_signature(signature: str) -> str:
    """The signature without 【】 and spaces; ValueError when nothing is left."""
    cleaned = (signature or "").strip().strip("【】").strip()
    if not cleaned:
        raise ValueError("the SMS signature is empty; configure the registered signature")
    return cleaned


def _provider_limits(providers: Iterable[str]) -> int | None:
    limits = [PROVIDER_VARIABLE_LIMITS[p] for p in providers if p in PROVIDER_VARIABLE_LIMITS]
    return min(limits) if limits else None


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; valid locales: {', '.join(LOCALES)}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> str:
    if isinstance(value, float):
        value = f"{value:g}"
    text = re.sub(r"\s+", " ", str(value)).strip()
    # A second 【】 in the text looks like a second signature to carriers.
    return text.replace("【", "（").replace("】", "）")


def _cut(value: str, most: int) -> str:
    return value if len(value) <= most else value[: most - 1] + ELLIPSIS


def _lower_bound(value: str, most: int) -> str:
    match = re.fullmatch(r"(\d+)\s*[-~至到]\s*\d+\s*元", value)
    if not match:
        return value
    lower = int(match.group(1))
    text = f"{lower}元起"
    return f"{lower / 10000:g}万元起" if len(text) > most and lower >= 10000 else text


def _fewer_words(value: str, most: int) -> str:
    words = value.split(" ")
    while len(words) > 1 and len(" ".join(words)) > most:
        words.pop()
    return _cut(" ".join(words), most)
