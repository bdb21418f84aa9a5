"""Tell the outbox that queued SMS went out, the way the sending worker records it."""

from sqlalchemy import select

from jobmatch.models import Message, Person
from jobmatch.services.sms.delivery import record_sent
from jobmatch.services.sms.inbound import record_status
from notifications.providers import SendResult


def deliver_queued_sms(session, *, receipt: bool = False) -> list[Message]:
    """Mark every queued message sent (and delivered, with ``receipt``) as the provider would."""
    messages = session.scalars(select(Message).where(Message.status.in_(("queued", "held")))
                               .order_by(Message.id)).all()
    for message in messages:
        record_sent(session, message, session.get(Person, message.person_id), SendResult(f"SM{message.id}", "sent"))
        if receipt:
            record_status(session, provider_message_id=f"SM{message.id}", status="delivered")
    return messages
