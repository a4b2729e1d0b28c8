"""The fault catalogue: one contract violation each, injected with `--fault NAME` to prove the contract suite.

Each fault names the contract rule id it violates. Body faults edit every fixture job that has the field
(applied once, when the bodies are precomputed); behaviour faults switch off one thing the server does right.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from spec_tools.spec import load_spec

__all__ = [
    "FAULTS",
    "FAULT_JOB_PREFIX",
    "RULES",
    "ErrorStyle",
    "Fault",
    "FaultJob",
    "apply_fault",
    "fault_job_id",
    "fault_jobs",
]

RULES = ("schema", "dataset", "enums", "money", "progress", "mask", "name", "errors", "auth", "content-type")

# "status": a correct google.rpc.Status; "not-status": some other JSON; "code-mismatch": a Status whose code
# maps to another HTTP status than the one sent.
ErrorStyle = Literal["status", "not-status", "code-mismatch"]

_Patch = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Fault:
    """One injectable contract violation."""

    name: str
    rule: str
    description: str
    patch: _Patch | None = None
    honour_read_mask: bool = True
    check_auth: bool = True
    error_style: ErrorStyle = "status"
    json_content_type: str = "application/json"


def apply_fault(fault: Fault | None, fixtures: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Copies of the fixture jobs with the fault's body edit applied wherever it applies."""
    jobs = copy.deepcopy(fixtures)
    if fault is not None and fault.patch is not None:
        for job in jobs.values():
            fault.patch(job)
    return jobs


FAULT_JOB_PREFIX = "fault-"


def fault_job_id(name: str) -> str:
    """The job id under which `--all-faults` serves one fault: `fault-<name>`."""
    return FAULT_JOB_PREFIX + name


@dataclass(frozen=True)
class FaultJob:
    """A job serving one fault: the fault, the fixture job it was made from, and its clean renamed body."""

    fault: Fault
    base: str
    body: dict[str, Any]


def fault_jobs(
    fixtures: dict[str, dict[str, Any]],
    rename: Callable[[str], str],
    marshal: Callable[[dict[str, Any]], dict[str, Any]] = copy.deepcopy,
    faults: dict[str, Fault] | None = None,
) -> dict[str, FaultJob]:
    """`fault-<name>` -> its FaultJob, for every fault that applies to the fixtures of the vendored spec.

    The body is the first fixture job the fault's edit applies to once marshaled (`marshal`), renamed to its own
    id (`rename` gives the `name` field), clean: the server applies the edit to what it sends, after the rename,
    so `name-mismatch` still shows. A fault whose target the spec no longer has
    (say, a progress fault once `jobProgress` is gone) gets no job: it is not applicable, not failed.
    """
    found: dict[str, FaultJob] = {}
    for fault in (FAULTS if faults is None else faults).values():
        job_id = fault_job_id(fault.name)
        for base_id, base in fixtures.items():
            job = copy.deepcopy(base)
            if "name" in job:
                job["name"] = rename(job_id)
            if fault.patch is None or fault.patch(copy.deepcopy(marshal(job))):
                found[job_id] = FaultJob(fault, base_id, job)
                break
    return found


def _set(path: str, value: Any) -> _Patch:
    """Replace the field at a dotted path in jobs that have it; `value` may be a function of the old value."""
    *parents, leaf = path.split(".")

    def patch(job: dict[str, Any]) -> bool:
        target: Any = job
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict) or leaf not in target:
            return False
        target[leaf] = value(target[leaf]) if callable(value) else value
        return True

    return patch


def _delete(field: str) -> _Patch:
    def patch(job: dict[str, Any]) -> bool:
        return job.pop(field, None) is not None

    return patch


def _catalogue(*faults: Fault) -> dict[str, Fault]:
    unknown = [fault.name for fault in faults if fault.rule not in RULES]
    if unknown:
        raise ValueError(f"faults with an unknown rule id: {unknown}")
    return {fault.name: fault for fault in faults}


def _unknown_job_state() -> str:
    """A state seen in the wild that the vendored spec does not list (a bump may add one; then the next)."""
    known = set(load_spec().enum_values(JOB_STATE_SCHEMA))
    seen_in_the_wild = ("JOB_STATE_ROLLOUT", "JOB_STATE_EVALUATION", "JOB_STATE_POLICY_UPDATE")
    return next((state for state in seen_in_the_wild if state not in known), "JOB_STATE_NOT_IN_THIS_SPEC")


JOB_STATE_SCHEMA = "gatewayJobState"
UNKNOWN_JOB_STATE = _unknown_job_state()

FAULTS: dict[str, Fault] = _catalogue(
    Fault("dataset-missing", "dataset", "the required `dataset` field is left out", patch=_delete("dataset")),
    Fault(
        "unknown-enum",
        "enums",
        f"`state` is {UNKNOWN_JOB_STATE}, not a JobState value",
        patch=_set("state", UNKNOWN_JOB_STATE),
    ),
    Fault(
        "money-sign-mismatch",
        "money",
        'estimatedCost has positive units and negative nanos ("2", -250000000)',
        patch=_set("estimatedCost", {"currencyCode": "USD", "units": "2", "nanos": -250000000}),
    ),
    Fault(
        "nanos-out-of-range",
        "money",
        "estimatedCost.nanos is 1000000000, beyond +-999,999,999",
        patch=_set("estimatedCost", {"currencyCode": "USD", "units": "1", "nanos": 1000000000}),
    ),
    Fault(
        "units-not-int64-string",
        "money",
        'estimatedCost.units is "1.5", not an int64 decimal string',
        patch=_set("estimatedCost.units", "1.5"),
    ),
    Fault(
        "bad-currency",
        "money",
        'estimatedCost.currencyCode is "XYZ", not an ISO 4217 code',
        patch=_set("estimatedCost.currencyCode", "XYZ"),
    ),
    Fault(
        "int32-overflow",
        "schema",
        "`epochs` (int32) is 2147483648",
        patch=_set("epochs", 2147483648),
    ),
    Fault(
        "bad-timestamp",
        "schema",
        "`createTime` has no time zone offset (2026-01-05T08:00:00.123456789), not RFC 3339",
        patch=_set("createTime", "2026-01-05T08:00:00.123456789"),
    ),
    Fault(
        "progress-out-of-range",
        "progress",
        "jobProgress.percent is 101, outside 0..100",
        patch=_set("jobProgress.percent", 101),
    ),
    Fault(
        "name-mismatch",
        "name",
        "`name` ends in another job id than the one requested (`<id>-other`)",
        patch=_set("name", lambda name: f"{name}-other"),
    ),
    Fault("readmask-ignored", "mask", "readMask is ignored: every response carries all fields", honour_read_mask=False),
    Fault("auth-ignored", "auth", "any bearer token, or none, is accepted", check_auth=False),
    Fault(
        "error-not-status",
        "errors",
        'error bodies are {"error": "..."}, not a google.rpc.Status',
        error_style="not-status",
    ),
    Fault(
        "status-code-mismatch",
        "errors",
        "error bodies carry a code whose HTTP mapping differs from the status sent (a 404 with code 3)",
        error_style="code-mismatch",
    ),
    Fault(
        "wrong-content-type",
        "content-type",
        "JSON bodies are sent as text/plain; charset=utf-8",
        json_content_type="text/plain; charset=utf-8",
    ),
)
