"""Masking of personal data. Every page, export and log line that shows an ID number
or a phone to a role that does not need it goes through here."""

from notifications.phones import national_digits


def mask_phone(e164: str | None) -> str:
    """``+8613912345678`` -> ``139****5678``."""
    if not e164:
        return ""
    digits = national_digits(e164)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str | None) -> str:
    """``520526198102276809`` -> ``520526********6809``: region kept, birth date hidden."""
    if not id_number:
        return ""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
