"""google.rpc.Code (names, numbers, the standard HTTP mapping), Retry-After, and backoff with jitter.

The code table is google/rpc/code.proto's: numbers 0..16 in order, each with the HTTP status its comment maps it
to. The spec lists the same names (its `Code` enum, not in numeric order) with an "HTTP Mapping: NNN" line each;
`spec_codes` reads those lines, and this table is what the spec is checked against.

Retry-After (RFC 9110, section 10.2.3) is `delay-seconds` (one or more digits) or an `HTTP-date` (IMF-fixdate,
or the obsolete RFC 850 and asctime forms a recipient must still accept). A fraction ("1.5") is neither: it is
refused like any other unreadable value, and the caller backs off as if the header were absent.
"""

from __future__ import annotations

import datetime
import email.utils
import random
import time
from collections.abc import Callable, Mapping

__all__ = [
    "CODE_NAMES",
    "CODE_NUMBERS",
    "STANDARD_HTTP_STATUS",
    "backoff_delay",
    "code_name",
    "parse_retry_after",
]

CODE_NAMES: tuple[str, ...] = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
"""google.rpc.Code names, indexed by their wire number."""
CODE_NUMBERS: Mapping[str, int] = {name: number for number, name in enumerate(CODE_NAMES)}
STANDARD_HTTP_STATUS: Mapping[str, int] = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}
"""Each code's HTTP status as google/rpc/code.proto maps it (grpc-gateway's mapping too)."""

_MAX_RETRY_AFTER = 64  # characters: an HTTP-date has 29, a sane delay far fewer
_MAX_DELAY_DIGITS = 9  # about 31 years of seconds: more is not a delay anyone means


def code_name(code: object) -> str | None:
    """The name of a google.rpc code given as its number or its name; None for anything else (bools included)."""
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return CODE_NAMES[code] if 0 <= code < len(CODE_NAMES) else None
    return code if isinstance(code, str) and code in CODE_NUMBERS else None


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (a past date is no wait).

    None when absent or unreadable, fractions, signs and dates with no sense included: the caller backs off.
    """
    if value is None or len(value) > _MAX_RETRY_AFTER:
        return None
    value = value.strip(" \t")
    if value.isascii() and value.isdigit():
        return float(int(value)) if len(value) <= _MAX_DELAY_DIGITS else None
    if not value or (value[0].isdigit() and ":" not in value):
        return None  # "1.5", "10s": not delay-seconds, and no date either
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # the asctime form carries no zone: HTTP dates are GMT
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, moment.timestamp() - now())


def backoff_delay(
    attempt: int, first: float, cap: float, uniform: Callable[[float, float], float] = random.uniform
) -> float:
    """Exponential backoff with jitter: `first * 2**attempt`, capped at `cap`, then 50 % to 100 % of it."""
    delay = min(cap, first * 2.0 ** min(attempt, 64))
    return delay * uniform(0.5, 1.0)
