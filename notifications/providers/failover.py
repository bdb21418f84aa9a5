"""Two providers as one: what the first refused before taking it goes out through the second.

Only a refusal that proves the first provider does not have the message (an HTTP error
answer, a connection never made, or a timeout that its receipt look-up shows unsent)
moves a message to the second, so no message is ever sent by both. A per-number
frequency limit is the number's, not the provider's: the message waits instead.
"""

from collections.abc import Sequence
from datetime import datetime

from notifications.providers.base import (
    AwaitingReceipt,
    BatchItem,
    ProviderError,
    SendResult,
    SmsProvider,
    TemplateMessage,
    TemporaryProviderError,
)


class FailoverProvider(SmsProvider):
    """``primary`` first; ``fallback`` for messages ``primary`` provably did not take."""

    def __init__(self, primary: SmsProvider, fallback: SmsProvider):
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"
        self.carries_replies = primary.carries_replies and fallback.carries_replies
        self.max_batch = primary.max_batch
        # Keys whose look-up at the primary found nothing: their resend goes to the fallback.
        self._unsent_at_primary: set[str] = set()

    def send(self, to_e164: str, body: str, *, idempotency_key: str, status_callback_url: str | None = None,
             template: TemplateMessage | None = None) -> SendResult:
        """Send through the primary, or the fallback when the primary provably did not take it."""
        [outcome] = self.send_batch([BatchItem(to_e164, body, idempotency_key, template, status_callback_url)])
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome

    def send_batch(self, items: Sequence[BatchItem]) -> list[SendResult | ProviderError]:
        """The primary's batch, then the fallback's for the items the primary refused."""
        outcomes: list[SendResult | ProviderError | None] = [None] * len(items)
        first = [i for i, item in enumerate(items) if item.idempotency_key not in self._unsent_at_primary]
        for index, outcome in zip(first, self.primary.send_batch([items[i] for i in first]) if first else []):
            outcomes[index] = outcome
        second = [i for i, outcome in enumerate(outcomes) if outcome is None or _refused_unsent(outcome)]
        for index, outcome in zip(second, self.fallback.send_batch([items[i] for i in second]) if second else []):
            outcomes[index] = outcome
            self._unsent_at_primary.discard(items[index].idempotency_key)
        return outcomes  # type: ignore[return-value]

    def find_sent(self, idempotency_key: str, *, to_e164: str, body: str, since: datetime,
                  exclude_ids: frozenset[str] = frozenset(), template: TemplateMessage | None = None,
                  ) -> SendResult | None:
        """Ask both providers; when neither has it, the resend goes through the fallback."""
        for provider in (self.primary, self.fallback):
            found = provider.find_sent(idempotency_key, to_e164=to_e164, body=body, since=since,
                                       exclude_ids=exclude_ids, template=template)
            if found is not None:
                return found
        self._unsent_at_primary.add(idempotency_key)
        return None

    def pull_inbound(self, awaiting: Sequence[AwaitingReceipt] = ()) -> list:
        """What both providers hold."""
        return self.primary.pull_inbound(awaiting) + self.fallback.pull_inbound(awaiting)


def _refused_unsent(outcome: SendResult | ProviderError) -> bool:
    return (isinstance(outcome, TemporaryProviderError) and not outcome.maybe_sent
            and outcome.retry_after_seconds is None)
