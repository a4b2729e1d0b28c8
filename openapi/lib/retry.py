"""The retry policy, one definition for the sync and async transports: what to retry and how long to wait."""

from __future__ import annotations

import random  # the jitter's source: tests may seed or patch it
from dataclasses import dataclass
from enum import StrEnum

import httpx

from .protocol.rpc import backoff_delay, parse_retry_after

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRIES_EXTENSION",
    "RETRYABLE_ERRORS",
    "RETRYABLE_STATUSES",
    "RETRY_EXTENSION",
    "UNSENT_ERRORS",
    "RetryMode",
    "RetryPolicy",
    "retry_mode",
]

# Throttling, gateway hiccups, and transport failures before a usable response; never other 4xx, 500 or 501.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Failures that prove the request never reached the server: no connection was ever made for it.
UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

RETRY_EXTENSION = "fireworks_gateway.retry"
"""Request extension (an httpx ``extensions`` key) holding the request's RetryMode; without it, by method."""
RETRIES_EXTENSION = "fireworks_gateway.retries"
"""Response extension set by the transports: how many retries came before this response (0: the first attempt)."""


class RetryMode(StrEnum):
    """How a request may be retried: an operation's facade method says it per request (RETRY_EXTENSION)."""

    SAFE = "safe"
    """Like a GET: on every retryable status and error (idempotent, or a create that carries its own id)."""
    UNSENT = "unsent"
    """Only when the request never reached the server (connect errors): a custom method such as `:cancel`."""
    NEVER = "never"
    """Not at all (a POST the facade does not know)."""


def retry_mode(request: httpx.Request) -> RetryMode:
    """The request's mode: its RETRY_EXTENSION, else SAFE for idempotent methods and NEVER for others."""
    mode = request.extensions.get(RETRY_EXTENSION)
    if type(mode) is RetryMode:  # what the facade sets: no lookup
        return mode
    if mode is not None:
        return RetryMode(mode)
    return RetryMode.SAFE if request.method.upper() in IDEMPOTENT_METHODS else RetryMode.NEVER


@dataclass(frozen=True)
class RetryPolicy:
    """Retries after the first attempt, exponential backoff with jitter, Retry-After honoured up to a bound."""

    max_retries: int = 2
    backoff: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0

    def retries_for(self, method: str, mode: RetryMode | None = None) -> int:
        """How many retries a request may get: none in mode NEVER (by default, a method that is not idempotent)."""
        if mode is None:
            mode = RetryMode.SAFE if method.upper() in IDEMPOTENT_METHODS else RetryMode.NEVER
        return 0 if mode is RetryMode.NEVER else max(0, self.max_retries)

    def backoff_delay(self, attempt: int) -> float:
        """initial * 2**attempt, capped, with jitter in [50 %, 100 %] of it."""
        return backoff_delay(attempt, self.backoff, self.backoff_max, random.uniform)

    def delay_after(
        self,
        attempt: int,
        response: httpx.Response | None,
        error: Exception | None,
        mode: RetryMode = RetryMode.SAFE,
    ) -> float | None:
        """Seconds to wait before retry `attempt + 1`, or None when this outcome is final (not retryable).

        In mode UNSENT only a connect error is retried: any answer, or a failure after the request may have been
        sent, is final.
        """
        if mode is RetryMode.NEVER:
            return None
        if mode is RetryMode.UNSENT:
            return self.backoff_delay(attempt) if isinstance(error, UNSENT_ERRORS) else None
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
