"""Phone numbers: the one place they are parsed, normalised to E.164 and validated."""

import re
import unicodedata
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "CN"
_PLAIN_CN_MOBILE = re.compile(r"1[0-9]{10}")


class InvalidPhone(ValueError):
    """A number that no carrier would deliver to."""


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """Return ``raw`` as E.164 (``+8613912345678``), or raise InvalidPhone saying why.

    Accepts the spellings staff type: spaces, dashes, a leading ``+86`` or ``86``, full-width
    digits (an input method's ０-９, read as 0-9). Chinese numbers must be mobile numbers, since
    only those receive SMS.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidPhone("号码为空")
    if region == DEFAULT_REGION and _PLAIN_CN_MOBILE.fullmatch(text):
        return _plain_cn_mobile(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and len(digits) == 13 and digits.startswith("86"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"无法识别的号码（{exc._msg}）") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("号码位数或号段不对")
    if number.country_code == 86 and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone("不是手机号，收不到短信")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _plain_cn_mobile(digits: str) -> str:
    """The common case, 11 bare digits, checked per 7-digit carrier block (号段).

    A roster holds tens of thousands of numbers from a few hundred blocks; China's mobile
    numbering plan assigns whole blocks, so the block decides validity.
    """
    problem = _block_problem(digits[:7])
    if problem:
        raise InvalidPhone(problem)
    return "+86" + digits


@lru_cache(maxsize=65536)
def _block_problem(block: str) -> str | None:
    try:
        normalise_phone("+86" + block + "0000")
    except InvalidPhone as exc:
        return str(exc)
    return None


def national_digits(e164: str) -> str:
    """The number as a Chinese user writes it: ``+8613912345678`` -> ``13912345678``."""
    return e164[3:] if e164.startswith("+86") else e164.lstrip("+")


def mask_phone(e164: str | None) -> str:
    """``+8613912345678`` -> ``139****5678``: enough to tell numbers apart on screen."""
    if not e164:
        return ""
    digits = national_digits(e164)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
