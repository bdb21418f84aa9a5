"""The template table: each message kind's approved template code at each provider.

A TOML or JSON file (SMS_TEMPLATE_CODES_FILE, default notifications/sms_templates.toml)
of ``kind -> {aliyun = "SMS_...", tencent = "123456", ...}``; a top-level ``templates``
table may hold them instead. Other keys of a kind (its text, limits) are the content's
business and ignored here.
"""

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path

from notifications.providers.base import ProviderConfigError

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "sms_templates.toml"


def load_template_codes(path: str | Path | None, provider: str) -> dict[str, str]:
    """kind -> template code for ``provider``, read from ``path`` (the default file when empty)."""
    file = Path(path) if path else DEFAULT_FILE
    try:
        raw = file.read_text(encoding="utf-8")
        table = json.loads(raw) if file.suffix == ".json" else tomllib.loads(raw)
    except OSError as exc:
        raise ProviderConfigError(f"SMS_TEMPLATE_CODES_FILE {file}: cannot read ({exc.strerror})") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ProviderConfigError(f"SMS_TEMPLATE_CODES_FILE {file}: not valid TOML/JSON ({exc})") from None
    kinds = table.get("templates", table) if isinstance(table.get("templates"), Mapping) else table
    codes = {}
    for kind, entry in kinds.items():
        if isinstance(entry, Mapping) and str(entry.get(provider) or "").strip():
            codes[kind] = str(entry[provider]).strip()
    return codes


def template_code(codes: Mapping[str, str], provider: str, kind: str) -> str:
    """The code of ``kind``'s template; a PermanentProviderError stopping the kind when there is none."""
    from notifications.providers.base import PermanentProviderError

    code = codes.get(kind)
    if not code:
        raise PermanentProviderError(f"no {provider} template code for message kind {kind!r} in the template table",
                                     code="template_missing", template_problem=True)
    return code
