"""A circuit breaker for Redis: after a few consecutive failures, stop calling it for a while.

Requests never probe an open breaker themselves (that would cost some of them the full timeout);
the cache's recovery task does, in the background, and closes the breaker when Redis answers.
"""

from __future__ import annotations

import time
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"


class CircuitBreaker:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.opened_total = 0
        self.opened_at: float | None = None
        self.last_error: str | None = None

    @property
    def is_closed(self) -> bool:
        return self.state is BreakerState.CLOSED

    def record_success(self) -> None:
        self.consecutive_failures = 0

    def record_failure(self, error: str) -> bool:
        """Count a failure; True when this one opened the breaker."""
        self.consecutive_failures += 1
        self.last_error = error
        if self.consecutive_failures >= self.threshold:
            return self.trip(error)
        return False

    def trip(self, error: str) -> bool:
        """Open at once (e.g. an invalidation could not be delivered); True if it was closed."""
        self.last_error = error
        if self.state is BreakerState.OPEN:
            return False
        self.state = BreakerState.OPEN
        self.opened_at = time.monotonic()
        self.opened_total += 1
        return True

    def reset(self) -> None:
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.opened_at = None

    def snapshot(self) -> dict[str, object]:
        open_for = time.monotonic() - self.opened_at if self.opened_at is not None else None
        return {
            "state": str(self.state),
            "consecutive_failures": self.consecutive_failures,
            "threshold": self.threshold,
            "opened_total": self.opened_total,
            "open_for_s": round(open_for, 3) if open_for is not None else None,
            "last_error": self.last_error,
        }
