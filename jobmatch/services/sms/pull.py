"""Pulling replies and receipts from the provider, for deployments that cannot take callbacks.

`jobmatch sms pull` runs it once; the dispatcher runs it every SMS_PULL_INTERVAL seconds
when SMS_INBOUND_MODE=pull. What is pulled goes through the same handling as a callback
(jobmatch.services.sms.inbound.apply_inbound), so pulling something twice changes nothing.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from jobmatch.clock import utcnow
from jobmatch.models import Message
from jobmatch.models.messages import MessageStatus
from jobmatch.services.sms.inbound import apply_inbound
from notifications.providers import AwaitingReceipt, SmsProvider

# Receipts come within minutes; a message sent longer ago than this is not asked about again.
RECEIPT_WINDOW = timedelta(days=2)
AWAITING_LIMIT = 1000


def pull_inbound(sessions: sessionmaker, provider: SmsProvider) -> int:
    """Pull what the provider holds and act on it; returns how many replies and receipts were new."""
    with sessions() as session:
        awaiting = [AwaitingReceipt(row.provider_message_id, row.to_phone, row.sent_at) for row in session.execute(
            select(Message.provider_message_id, Message.to_phone, Message.sent_at)
            .where(Message.status == MessageStatus.SENT, Message.provider_message_id.is_not(None),
                   Message.sent_at >= utcnow() - RECEIPT_WINDOW)
            .order_by(Message.sent_at).limit(AWAITING_LIMIT))]
    events = provider.pull_inbound(awaiting)
    if not events:
        return 0
    with sessions.begin() as session:
        return apply_inbound(session, events)
