"""The retry policy, one definition for the sync and async transports: what to retry and how long to wait."""

from __future__ import annotations

import random  # the jitter's source: tests may seed or patch it
from dataclasses import dataclass

import httpx

from .protocol.rpc import backoff_delay, parse_retry_after

__all__ = ["IDEMPOTENT_METHODS", "RETRYABLE_ERRORS", "RETRYABLE_STATUSES", "RetryPolicy"]

# Throttling, gateway hiccups, and transport failures before a usable response; never other 4xx, 500 or 501.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """Retries after the first attempt, exponential backoff with jitter, Retry-After honoured up to a bound."""

    max_retries: int = 2
    backoff: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0

    def retries_for(self, method: str) -> int:
        """How many retries a request may get: only idempotent methods are retried."""
        return max(0, self.max_retries) if method.upper() in IDEMPOTENT_METHODS else 0

    def backoff_delay(self, attempt: int) -> float:
        """initial * 2**attempt, capped, with jitter in [50 %, 100 %] of it."""
        return backoff_delay(attempt, self.backoff, self.backoff_max, random.uniform)

    def delay_after(self, attempt: int, response: httpx.Response | None, error: Exception | None) -> float | None:
        """Seconds to wait before retry `attempt + 1`, or None when this outcome is final (not retryable)."""
        if error is not None:
            return self.backoff_delay(attempt) if isinstance(error, RETRYABLE_ERRORS) else None
        if response is None or response.status_code not in RETRYABLE_STATUSES:
            return None
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            seconds = parse_retry_after(retry_after)
            if seconds is not None:
                return min(seconds, self.retry_after_max)
        return self.backoff_delay(attempt)
