"""C0 control characters in text people send: PostgreSQL refuses NUL in text, and none of
them belongs in a name, a search or a reply. Tab, newline and carriage return are kept."""

import re

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def without_control_chars(text: str) -> str:
    return CONTROL_CHARS.sub("", text)
