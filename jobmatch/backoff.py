"""Capped exponential waits between tries to reach a service (Redis) that went away."""

from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Waits of 1, 2, 4 ... seconds, never more than ``max_seconds``; ``reset()`` starts again at 1."""

    max_seconds: float
    first_seconds: float = 1.0
    _next_seconds: float = field(init=False, repr=False)

    def __post_init__(self):
        self.reset()

    def next_delay(self) -> float:
        delay = min(self._next_seconds, self.max_seconds)
        self._next_seconds = min(self._next_seconds * 2, self.max_seconds)
        return delay

    def reset(self) -> None:
        self._next_seconds = self.first_seconds
