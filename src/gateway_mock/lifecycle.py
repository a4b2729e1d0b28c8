"""Every "mock's choice" of LIFECYCLE.md, in one place: what the mock does where the spec and the AIPs are silent.

- A new job starts in `JOB_STATE_CREATING` and walks CREATING (1 s) -> VALIDATING (1 s) -> PENDING (1 s) ->
  RUNNING (6 s, `jobProgress` updated 12 times: percent 0 -> 100, epoch 0 -> epochs - 1) -> WRITING_RESULTS (1 s)
  -> COMPLETED (`completedTime` set): 10 s at clock speed 1. Every step moves `updateTime`; progress never goes down.
- Job ids follow AIP-122, `[a-z]([a-z0-9-]{0,61}[a-z0-9])?`, else 400 (code 3); with none asked for, a random UUID
  (the spec's words).
- Cancel: a job that is not terminal goes to CANCELLING, then 1 s later to CANCELLED (`status.code` CANCELLED); a
  terminal or deleted job answers 400, code 9 (FAILED_PRECONDITION).
- Resume: PAUSED, FAILED and CANCELLED resume into PENDING and walk on from there (progress kept); any other state
  answers 400, code 9.
- Delete is soft: DELETING, 1 s later DELETED (then out of List unless the filter names that state), 5 s later gone
  from Get too (404). A second delete answers 404.
- Estimate cost, in USD, deterministic: epochs x (2.00 + 0.05 x loraRank) x ceil(maxContextLength / 8192) x (2 if
  isTurbo), with the defaults epochs 1, loraRank 8, maxContextLength 8192; never negative, more epochs never cheaper.
- Filters: the AIP-160 subset of `gateway_mock.filtering`, on `FILTER_FIELDS`.

State names are checked against the spec's enum when the mock starts: a state the spec no longer has is skipped (a walk
without it, a delete without DELETED), and the mock refuses to start, naming it, only without COMPLETED or CANCELLED.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CANCELLED",
    "CANCELLING",
    "CANCELLING_S",
    "CANCEL_REFUSED_CODE",
    "COMPLETED",
    "CREATED_BY",
    "DELETED",
    "DELETED_KEPT_S",
    "DELETING",
    "DELETING_S",
    "FILTER_FIELDS",
    "FIRST_STATE",
    "ID_PATTERN",
    "PROGRESS_TICKS",
    "RESUMABLE",
    "RESUME_STATE",
    "RUNNING",
    "WALK",
    "Step",
    "check_states",
    "estimate_nanos",
    "walk_seconds",
]


@dataclass(frozen=True)
class Step:
    state: str
    seconds: float  # how long the job stays in it (virtual seconds at speed 1); 0 for the last


FIRST_STATE = "JOB_STATE_CREATING"
RUNNING = "JOB_STATE_RUNNING"
COMPLETED = "JOB_STATE_COMPLETED"
CANCELLING = "JOB_STATE_CANCELLING"
CANCELLED = "JOB_STATE_CANCELLED"
DELETING = "JOB_STATE_DELETING"
DELETED = "JOB_STATE_DELETED"
RESUME_STATE = "JOB_STATE_PENDING"

WALK: tuple[Step, ...] = (
    Step(FIRST_STATE, 1.0),
    Step("JOB_STATE_VALIDATING", 1.0),
    Step("JOB_STATE_PENDING", 1.0),
    Step(RUNNING, 6.0),
    Step("JOB_STATE_WRITING_RESULTS", 1.0),
    Step(COMPLETED, 0.0),
)
PROGRESS_TICKS = 12  # jobProgress updates while RUNNING, evenly spread over its step
CANCELLING_S = 1.0
RESUMABLE = frozenset({"JOB_STATE_PAUSED", "JOB_STATE_FAILED", CANCELLED})
CANCEL_REFUSED_CODE = "FAILED_PRECONDITION"
DELETING_S = 1.0
DELETED_KEPT_S = 5.0
CREATED_BY = "mock-user@example.com"

# AIP-122 resource ids; LIFECYCLE.md lets the mock refuse others with 400.
ID_PATTERN = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")

# The fields `filter` may name (JSON names; their proto names work too): LIFECYCLE.md's list. Their types, and so
# which operators apply, come from the job schema.
FILTER_FIELDS = ("state", "createTime", "updateTime", "displayName", "name", "dataset", "baseModel")

_NS = 1_000_000_000
_EPOCH_NANOS = 2 * _NS
_PER_LORA_RANK_NANOS = 50_000_000
_CONTEXT_UNIT = 8192
_INT64_MAX = 2**63 - 1


def walk_seconds() -> float:
    return sum(step.seconds for step in WALK)


def check_states(states: tuple[str, ...]) -> None:
    """LookupError naming a state the mock cannot do without (COMPLETED and CANCELLED end its walks); the other
    states of its choices are skipped when the spec lacks them (a walk without VALIDATING, a delete without
    DELETED goes from DELETING straight to gone, one without either is a hard delete)."""
    missing = sorted({state for state in (COMPLETED, CANCELLED) if state not in states})
    if missing:
        raise LookupError(f"the spec's job state enum lacks {', '.join(missing)}, which the mock's lifecycle needs")


def _setting(job: dict[str, Any], name: str, default: int, low: int) -> int:
    value = job.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return max(number, low) if number else default


def estimate_nanos(job: dict[str, Any]) -> int:
    """The price of a job's settings in nano-USD: deterministic, never negative, non-decreasing in epochs."""
    epochs = _setting(job, "epochs", 1, 1)
    lora_rank = _setting(job, "loraRank", 8, 0)
    context = _setting(job, "maxContextLength", _CONTEXT_UNIT, 1)
    turbo = 2 if job.get("isTurbo") is True else 1
    price = epochs * (_EPOCH_NANOS + lora_rank * _PER_LORA_RANK_NANOS) * math.ceil(context / _CONTEXT_UNIT) * turbo
    return min(price, _INT64_MAX)  # int64 units: a price past them is capped, not wrapped
