"""SMS messages: the outbox of texts to send and the inbox of texts received.

An outbox row is written in the same transaction as the offer, post or invitation it
announces (jobmatch.services.sms.messaging.queue_message); jobmatch.services.sms.outbox moves
it through its statuses. The body lives here and only here: never in the ledger or logs.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class MessageStatus(StrEnum):
    QUEUED = "queued"          # waiting for due_at
    HELD = "held"              # deferred by a rule (quiet hours, cap, duplicate text) until due_at
    DISPATCHED = "dispatched"  # handed to the queue
    SENDING = "sending"        # the provider is being called
    SENT = "sent"              # the provider accepted it
    DELIVERED = "delivered"    # the carrier confirmed it
    FAILED = "failed"          # it will not be sent (bad number, provider refusal, attempts used up)
    CANCELLED = "cancelled"    # no longer wanted (the person opted out before it went)


class AskAnswer(StrEnum):
    """How a person answered a message that asked them something."""

    ACCEPT = "accept"
    DECLINE = "decline"


MESSAGE_STATUSES = tuple(MessageStatus)
# Not yet handed to anyone: these may still be held, cancelled or answered before sending.
WAITING_STATUSES = (MessageStatus.QUEUED, MessageStatus.HELD)
# With the queue or the provider, under a lease.
IN_FLIGHT_STATUSES = (MessageStatus.DISPATCHED, MessageStatus.SENDING)
# The provider took it.
GONE_OUT_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED)
# It will never go out.
NEVER_SENT_STATUSES = (MessageStatus.FAILED, MessageStatus.CANCELLED)
FINAL_STATUSES = GONE_OUT_STATUSES + NEVER_SENT_STATUSES


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_status_due_at", "status", "due_at"),
        Index("ix_messages_person_id_created_at", "person_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The worker it goes to; None for a text to a staff member (user_id), such as a problem alert.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(24))  # a notifications.kinds.MessageKind value
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    # E.164 at queue time; None when the person's phone could not be normalised.
    to_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(String(40), default="", index=True)  # e.g. "offer:12"
    expects_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(String(10), default="")  # an AskAnswer once answered
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.QUEUED)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Until when the current holder (queue or sender) owns a dispatched/sending row.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The provider may already have accepted it: look it up before sending again.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The variables that went into the body: template providers send these, not the text.
    template_variables: Mapped[dict | None] = mapped_column(JSON)
    # The staff member a text to staff goes to (person_id is then None).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class SmsKindStop(Base):
    """A message kind the provider refused for its template or signature: none of it goes until resumed."""

    __tablename__ = "sms_kind_stops"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(200))
    stopped_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str] = mapped_column(String(20), index=True)  # E.164 when it parses
    to_phone: Mapped[str] = mapped_column(String(20), default="")
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # a notifications.replies.ReplyKind value
    # The outbox message this reply answered, if it answered one.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    # Texts the service could not act on wait here for staff to read.
    unread: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The problem a text in the worker's own words opened, or was attached to as a follow-up message.
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
