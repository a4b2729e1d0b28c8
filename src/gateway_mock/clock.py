"""The mock's clock: virtual time that job walks run on, under the control of tests.

Three modes, switched at any time:
- `realtime` (the default of `make mock`): virtual time follows the wall clock at `speed` (1.0: a new job
  completes in about 10 s; 10.0: in about 1 s).
- `manual`: virtual time stands still; `advance(seconds)` steps it, deterministically. What falls due is applied
  at the next request (or by `advance` itself, through the store that owns the clock).
- `instant`: virtual time stands still, but before every request the store runs every scheduled step, moving time
  to each step's own moment: whatever was scheduled has happened by the next request, with realistic timestamps.

Time is kept in integer nanoseconds since the Unix epoch, so timestamps print with 9 fractional digits and steps
land on exact values. The clock starts at the wall time when it is built unless a start is given.
"""

from __future__ import annotations

import calendar
import datetime
import re
import threading
import time
from dataclasses import dataclass
from typing import Literal

__all__ = ["CLOCK_MODES", "Clock", "ClockMode", "ClockState", "format_timestamp", "parse_timestamp"]

ClockMode = Literal["realtime", "manual", "instant"]
CLOCK_MODES: tuple[ClockMode, ...] = ("realtime", "manual", "instant")
_NS = 1_000_000_000
_MAX_SPEED = 1_000_000.0
_MAX_STEP_S = 10 * 365 * 24 * 3600  # one advance moves at most ten years


@dataclass(frozen=True)
class ClockState:
    mode: ClockMode
    speed: float
    now_ns: int

    def to_json(self) -> dict[str, object]:
        return {"mode": self.mode, "speed": self.speed, "now": format_timestamp(self.now_ns)}


class Clock:
    """Virtual nanoseconds; thread-safe (a test may drive it while the server answers in another thread)."""

    def __init__(self, mode: ClockMode = "realtime", *, speed: float = 1.0, start_ns: int | None = None) -> None:
        self._lock = threading.Lock()
        self._anchor_virtual = time.time_ns() if start_ns is None else start_ns
        self._anchor_real = time.monotonic_ns()
        self._mode: ClockMode = "manual"
        self._speed = 1.0
        self.configure(mode, speed)

    def now_ns(self) -> int:
        with self._lock:
            return self._now()

    def _now(self) -> int:
        if self._mode != "realtime":
            return self._anchor_virtual
        return self._anchor_virtual + int((time.monotonic_ns() - self._anchor_real) * self._speed)

    @property
    def mode(self) -> ClockMode:
        return self._mode

    def state(self) -> ClockState:
        with self._lock:
            return ClockState(self._mode, self._speed, self._now())

    def configure(self, mode: ClockMode, speed: float | None = None) -> None:
        """Switch mode (and, for realtime, speed) without a jump: virtual time goes on from where it is."""
        if mode not in CLOCK_MODES:
            raise ValueError(f"unknown clock mode {mode!r}; valid: {', '.join(CLOCK_MODES)}")
        if speed is not None and not (0 < speed <= _MAX_SPEED):
            raise ValueError(f"clock speed must be above 0 and at most {_MAX_SPEED:g}, not {speed}")
        with self._lock:
            self._anchor_virtual = self._now()
            self._anchor_real = time.monotonic_ns()
            self._mode = mode
            if speed is not None:
                self._speed = float(speed)

    def advance(self, seconds: float) -> int:
        """Move virtual time forward (any mode); returns the new time. Negative steps are refused: time never
        goes backwards, so `updateTime` never does either."""
        if not (0 <= seconds <= _MAX_STEP_S):
            raise ValueError(f"advance takes 0 to {_MAX_STEP_S} seconds, not {seconds}")
        with self._lock:
            self._anchor_virtual = self._now() + round(seconds * _NS)
            self._anchor_real = time.monotonic_ns()
            return self._anchor_virtual

    def move_to(self, moment_ns: int) -> None:
        """Move virtual time forward to `moment_ns` if it is later (the instant mode's steps)."""
        with self._lock:
            now = self._now()
            if moment_ns > now:
                self._anchor_virtual = moment_ns
                self._anchor_real = time.monotonic_ns()


def format_timestamp(ns: int) -> str:
    """RFC 3339 in UTC with 9 fractional digits, as grpc-gateway prints a Timestamp."""
    seconds, nanos = divmod(ns, _NS)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{nanos:09d}Z"


_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})")


def parse_timestamp(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 timestamp (any fraction up to 9 digits, `Z` or an offset);
    ValueError naming what is wrong."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        raise ValueError("not an RFC 3339 timestamp (like 2026-01-05T08:00:00Z)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError as exc:
        raise ValueError(f"not a valid date or time ({exc})") from None
    offset = 0
    if zone not in ("Z", "z"):
        offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * 60 * (1 if zone[0] == "+" else -1)
    seconds = calendar.timegm(moment.timetuple()) - offset
    return seconds * _NS + int((fraction or "0").ljust(9, "0"))
