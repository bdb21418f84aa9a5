"""Provider callbacks (replies and receipts) turned into the one inbound shape.

Aliyun and Tencent Cloud sign nothing: the view accepts them only on the secret-token URL
(and from SMS_CALLBACK_NETWORKS when set); here each provider's own parser reads its body.
"""

import json
from collections.abc import Callable, Sequence
from typing import Any

from notifications.inbound import CallbackRejected, InboundEvent

# A provider's parser: the decoded JSON body -> its replies or delivery receipts.
Parser = Callable[[Any], Sequence[InboundEvent]]


def _aliyun(kind: str) -> tuple[Parser, dict[str, object]]:
    from notifications.providers import aliyun_provider as aliyun

    parsers: dict[str, Parser] = {"report": aliyun.parse_report_callback, "reply": aliyun.parse_reply_callback}
    return parsers[kind], aliyun.CALLBACK_ANSWER


def _tencent(kind: str) -> tuple[Parser, dict[str, object]]:
    from notifications.providers import tencent_provider as tencent

    parsers: dict[str, Parser] = {"status": tencent.parse_status_callback, "reply": tencent.parse_reply_callback}
    return parsers[kind], tencent.CALLBACK_ANSWER


CALLBACK_KINDS = {"aliyun": ("report", "reply"), "tencent": ("status", "reply")}
_PROVIDERS = {"aliyun": _aliyun, "tencent": _tencent}


def parse_callback(provider: str, kind: str, body: bytes) -> tuple[list[InboundEvent], dict]:
    """The events in a callback body and the JSON answer the provider expects.

    Raises LookupError for an unknown provider or kind, CallbackRejected for a body the
    provider would not send.
    """
    if kind not in CALLBACK_KINDS.get(provider, ()):
        raise LookupError(f"no {provider} callback {kind!r}")
    parser, answer = _PROVIDERS[provider](kind)
    try:
        payload = json.loads(body.decode("utf-8"))
        return list(parser(payload)), answer
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CallbackRejected(f"{provider} {kind} callback not understood ({type(exc).__name__})") from None
