"""Waiting for a resource to finish: when to poll next, and when what was read counts as progress.

`Poll` is the schedule of one wait: the first pause is the poll interval, and each answer that shows no change
makes the next pause 1.5 times longer (up to a ceiling), while a change brings it back to the interval. A
Retry-After from the server lengthens a pause to what it asked, and no pause runs past the deadline. `Watch`
says whether a read changed the state or the progress, and whether the state is terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import GatewayClientError

__all__ = ["Poll", "WaitTimeoutError", "Watch"]

_GROWTH = 1.5
_CEILING = 30.0  # seconds between polls at most, unless the poll interval itself is longer


class WaitTimeoutError(GatewayClientError, TimeoutError):
    """The resource did not reach a terminal state within the wait's timeout; ``last`` is the last one read."""

    def __init__(self, message: str, *, last: Any, timeout: float) -> None:
        super().__init__(message)
        self.last = last
        self.timeout = timeout


class Poll:
    """The pauses of one wait, on an injectable clock (monotonic seconds)."""

    def __init__(self, timeout: float | None, interval: float, clock: Callable[[], float], cap: float) -> None:
        if not interval > 0:
            raise ValueError(f"poll_interval must be a positive number of seconds, got {interval!r}")
        if timeout is not None and not timeout >= 0:
            raise ValueError(f"timeout must be None or a number of seconds >= 0, got {timeout!r}")
        self.timeout = timeout
        self._interval = interval
        self._ceiling = max(interval, _CEILING)
        self._cap = cap
        self._clock = clock
        self._started = clock()
        self._pause = interval

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def next_pause(self, changed: bool, retry_after: float | None) -> float | None:
        """Seconds to wait before the next poll; None when the deadline has passed (no poll is left)."""
        elapsed = self.elapsed
        if self.timeout is not None and elapsed >= self.timeout:
            return None
        if changed:
            self._pause = self._interval
        pause = self._pause
        self._pause = min(self._pause * _GROWTH, self._ceiling)
        if retry_after is not None:
            pause = max(pause, min(retry_after, self._cap))
        if self.timeout is not None:
            pause = min(pause, self.timeout - elapsed)  # a last poll exactly at the deadline
        return pause


class Watch:
    """What changed between two reads of a resource: its state, or its progress; whether the state is final."""

    def __init__(self, state: str, progress: str | None, is_terminal: Callable[[object], bool]) -> None:
        self._state = state
        self._progress = progress
        self._is_terminal = is_terminal
        self._last: tuple[Any, Any] | None = None

    def changed(self, resource: Any) -> bool:
        """True on the first read, and whenever the state or the progress differs from the previous read."""
        seen = (
            getattr(resource, self._state, None),
            getattr(resource, self._progress, None) if self._progress else None,
        )
        changed = seen != self._last
        self._last = seen
        return changed

    def finished(self, resource: Any) -> bool:
        return self._is_terminal(getattr(resource, self._state, None))

    def state(self, resource: Any) -> str:
        return str(getattr(resource, self._state, None))
