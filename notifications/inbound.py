"""One shape for everything a provider tells us after a send: replies and delivery receipts.

Each provider verifies and parses its own callbacks (and pulls) into these, so the views
and services of jobmatch never see a provider's field names.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class ReceiptStatus(StrEnum):
    SENT = "sent"  # the provider has it; the carrier has not said more yet
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class InboundReply:
    """A text a worker sent back. ``event_id`` is unique per reply, so a repeat changes nothing."""

    event_id: str
    from_phone: str
    body: str
    to_phone: str = ""


@dataclass(frozen=True)
class DeliveryReceipt:
    """What became of one sent message, found by the provider's id or our idempotency key."""

    provider_message_id: str
    status: ReceiptStatus
    error_code: str = ""
    invalid_number: bool = False
    idempotency_key: str = ""


InboundEvent = InboundReply | DeliveryReceipt


class CallbackRejected(ValueError):
    """A callback body that is not what the provider sends (the caller answers 400)."""


def event_id(provider: str, *parts: object) -> str:
    """A stable id for a reply whose provider gives none: the provider's name and a digest of its fields."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f"{provider}:{digest[:40]}"
