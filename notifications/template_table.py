"""The SMS template table (notifications/sms_templates.toml): texts, variables and provider codes.

A deployment names its own copy with SMS_TEMPLATE_CODES_FILE (its approved template codes,
maybe its own wording); the repository's file is the default. The table is checked when
loaded: every message kind has a template, every {variable} of its texts is listed with
a length and a fitting rule, in the order the Chinese text uses them.
"""

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from notifications.kinds import MessageKind

DEFAULT_TABLE_PATH = Path(__file__).with_name("sms_templates.toml")
SITE = "site"  # {site}: the fixed PUBLIC_BASE_URL, part of the approved text, not a variable
FIT_RULES = ("cut", "words", "range", "phone", "keep")
PROVIDERS_WITH_CODES = ("aliyun", "tencent")
LOCALES = ("zh", "en")

# Documented per-variable length limits (characters; a Chinese character counts one):
# - Aliyun: a notification template's variable takes 1-35 characters by default
#   (help.aliyun.com/zh/document_detail/3041859.html, "默认的 35 字符上限"), a verification
#   code 4-6 digits (help.aliyun.com/document_detail/2806243.html, 仅数字 "变量长度限制为4~6位").
# - Tencent Cloud: "验证码短信：每个变量取值最多支持6位纯数字。非验证码短信：每个变量取值最多支持
#   6个字符" (cloud.tencent.com/document/product/382/13301); longer values are refused with
#   InvalidParameterValue.TemplateParameterLengthLimit (cloud.tencent.com/document/product/382/52075).
PROVIDER_VARIABLE_LIMITS: Mapping[str, int] = {"aliyun": 35, "tencent": 6}


class TemplateTableError(ValueError):
    """The template table file is missing a kind, a variable, or holds a wrong value."""


@dataclass(frozen=True)
class Variable:
    name: str
    max_chars: int
    fit: str  # one of FIT_RULES


@dataclass(frozen=True)
class Template:
    kind: MessageKind
    texts: Mapping[str, str]  # locale -> text without the signature
    variables: tuple[Variable, ...]  # in the order of the Chinese text
    codes: Mapping[str, str]  # provider -> template code

    def variable(self, name: str) -> Variable:
        """The variable called ``name``."""
        return next(v for v in self.variables if v.name == name)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]


@dataclass(frozen=True)
class TemplateTable:
    path: str
    templates: Mapping[MessageKind, Template]

    def __getitem__(self, kind: MessageKind) -> Template:
        return self.templates[kind]

    def codes_for(self, provider: str) -> dict[str, str]:
        """kind -> template code for one provider (what the provider is built with)."""
        return {kind.value: t.codes[provider] for kind, t in self.templates.items() if provider in t.codes}


def load_table(path: str | Path | None = None) -> TemplateTable:
    """The table in ``path`` (the repository's default when None), checked; cached per path."""
    return _load(str(Path(path).resolve()) if path else str(DEFAULT_TABLE_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> TemplateTable:
    try:
        with open(path, "rb") as file:
            raw = tomllib.load(file)
    except FileNotFoundError:
        raise TemplateTableError(f"SMS template table {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateTableError(f"SMS template table {path} is not valid TOML: {exc}") from None
    missing = [kind.value for kind in MessageKind if kind.value not in raw]
    if missing:
        raise TemplateTableError(f"SMS template table {path} has no template for: {', '.join(missing)}")
    return TemplateTable(path, {kind: _template(path, kind, raw[kind.value]) for kind in MessageKind})


def placeholders(text: str) -> list[str]:
    """The {names} of ``text`` in order of appearance, each once, {site} left out."""
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    return [name for name in dict.fromkeys(names) if name != SITE]


def _template(path: str, kind: MessageKind, raw: dict) -> Template:
    where = f"{path} [{kind.value}]"
    given = {locale: raw.get(locale) for locale in LOCALES}
    if not all(isinstance(text, str) and text.strip() for text in given.values()):
        raise TemplateTableError(f"{where}: needs a text for each of {', '.join(LOCALES)}")
    texts = {locale: text for locale, text in given.items() if isinstance(text, str)}  # all of them, checked above
    if any("【" in text or "】" in text for text in texts.values()):
        raise TemplateTableError(f"{where}: a text must not hold 【】 (carriers read it as a second signature)")
    variables = tuple(_variable(where, name, spec) for name, spec in (raw.get("variables") or {}).items())
    listed = [v.name for v in variables]
    if placeholders(texts["zh"]) != listed:
        raise TemplateTableError(f"{where}: variables must be {placeholders(texts['zh'])} in this order, "
                                 f"the table lists {listed}")
    if sorted(placeholders(texts["en"])) != sorted(listed):
        raise TemplateTableError(f"{where}: the English text must use the same variables {listed}")
    codes = {p: str(raw[p]) for p in PROVIDERS_WITH_CODES if raw.get(p)}
    return Template(kind, texts, variables, codes)


def _variable(where: str, name: str, spec) -> Variable:
    if not isinstance(spec, dict) or not isinstance(spec.get("max"), int) or spec["max"] < 1:
        raise TemplateTableError(f"{where}: variable {name} needs max = a positive number of characters")
    if spec.get("fit") not in FIT_RULES:
        raise TemplateTableError(f"{where}: variable {name} needs fit = one of {', '.join(FIT_RULES)}")
    return Variable(name, spec["max"], spec["fit"])
