"""What the MessageStatus of a Twilio status callback means for the outbox."""

# The provider has the message (it may still be on its way to the carrier).
SENT = frozenset({"accepted", "scheduled", "queued", "sending", "sent"})
DELIVERED = frozenset({"delivered", "read"})
FAILED = frozenset({"undelivered", "failed"})
# Carrier error codes of a failed delivery that mean the number itself is bad
# (30005 unknown destination, 30006 landline or unreachable carrier).
INVALID_NUMBER_ERRORS = frozenset({"30005", "30006"})
