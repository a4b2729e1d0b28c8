"""Reserved job ids that make the mock misbehave on purpose, for client tests, with no restart.

Request them like any job: `GET /v1/accounts/mock-account/supervisedFineTuningJobs/<id>` with the bearer key.
Auth, the account check and readMask apply as usual; a scenario that ends in success serves a copy of the
`sft-running` fixture whose `name` carries the requested id.

| id | response |
|---|---|
| `scenario-rate-limited` | 429, `Retry-After: 1`, Status code 8 (RESOURCE_EXHAUSTED) |
| `scenario-unavailable` | 503, Status code 14 (UNAVAILABLE) |
| `scenario-bad-gateway` | 502 with a `text/html` body, as a proxy in front of the gateway sends it |
| `scenario-slow` | 200 after a delay: `?delayMs=N` (default 1000, capped at 10000; not an integer -> 400) |
| `scenario-flaky-<status>-<n>[-<token>]` | the first `<n>` (0-100) requests for this id get `<status>`, then 200 |

`<status>` is 429, 503 or 502, each answered as by the scenarios above. The flaky counter is kept per id
in the server process: put a fresh `<token>` (letters, digits, `_`, `-`, up to 64) in each test,
e.g. `scenario-flaky-429-2-test-retry-1`, so tests do not share counters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_SLOW_DELAY_MS",
    "MAX_SLOW_DELAY_MS",
    "SCENARIO_PREFIX",
    "Outcome",
    "Scenarios",
]

SCENARIO_PREFIX = "scenario-"
DEFAULT_SLOW_DELAY_MS = 1000
MAX_SLOW_DELAY_MS = 10_000
_MAX_FLAKY_FAILURES = 100
_MAX_TRACKED_IDS = 10_000

OutcomeKind = Literal["serve", "rate-limited", "unavailable", "bad-gateway", "invalid"]

_FIXED: dict[str, OutcomeKind] = {
    "scenario-rate-limited": "rate-limited",
    "scenario-unavailable": "unavailable",
    "scenario-bad-gateway": "bad-gateway",
}
_FLAKY_KINDS: dict[str, OutcomeKind] = {"429": "rate-limited", "503": "unavailable", "502": "bad-gateway"}
_FLAKY = re.compile(r"scenario-flaky-(429|503|502)-(\d{1,3})(?:-[A-Za-z0-9_-]{1,64})?")


@dataclass(frozen=True)
class Outcome:
    """What to answer: an error kind, or `serve` after `delay` seconds; `message` explains `invalid`."""

    kind: OutcomeKind
    delay: float = 0.0
    message: str = ""


class Scenarios:
    """Resolves scenario ids; holds the per-id request counters of the flaky scenario."""

    def __init__(self) -> None:
        self._flaky_requests: dict[str, int] = {}

    def resolve(self, job_id: str, delay_ms: str | None) -> Outcome | None:
        """The outcome for a scenario id, or None when the id is no scenario (the caller answers 404)."""
        fixed = _FIXED.get(job_id)
        if fixed is not None:
            return Outcome(fixed)
        if job_id == "scenario-slow":
            return _slow(delay_ms)
        flaky = _FLAKY.fullmatch(job_id)
        if flaky is None:
            return None
        failures = int(flaky.group(2))
        if failures > _MAX_FLAKY_FAILURES:
            return None
        seen = self._count(job_id)
        return Outcome(_FLAKY_KINDS[flaky.group(1)]) if seen <= failures else Outcome("serve")

    def _count(self, job_id: str) -> int:
        if job_id not in self._flaky_requests and len(self._flaky_requests) >= _MAX_TRACKED_IDS:
            # Bounded memory under fuzzing: forget the oldest id (dicts keep insertion order).
            del self._flaky_requests[next(iter(self._flaky_requests))]
        seen = self._flaky_requests.get(job_id, 0) + 1
        self._flaky_requests[job_id] = seen
        return seen


def _slow(delay_ms: str | None) -> Outcome:
    if delay_ms is None or delay_ms == "":
        return Outcome("serve", DEFAULT_SLOW_DELAY_MS / 1000)
    if not delay_ms.isascii() or not delay_ms.isdigit():
        return Outcome("invalid", message=f'invalid delayMs "{delay_ms}": want milliseconds, 0 to {MAX_SLOW_DELAY_MS}')
    return Outcome("serve", min(int(delay_ms), MAX_SLOW_DELAY_MS) / 1000)
