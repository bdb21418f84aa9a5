"""Masking of personal data. Every page, export and log line that shows an ID number
or a phone to a role that does not need it goes through here."""

from notifications.phones import mask_phone  # noqa: F401  (re-exported: one masking for both packages)


def mask_id_number(id_number: str | None) -> str:
    """``520526198102276809`` -> ``520526********6809``: region kept, birth date hidden."""
    if not id_number:
        return ""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
