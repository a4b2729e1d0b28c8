"""The fault catalogue: one contract violation each, injected with `--fault NAME` to prove the contract suite.

Each fault names the contract rule id it violates. Body faults edit every fixture job that has the field
(applied once, when the bodies are precomputed); behaviour faults switch off one thing the server does right.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from gateway_protocol.spec_view import Spec

from .spec_source import served_spec

__all__ = [
    "ALL_FAULTS",
    "FAULTS",
    "FAULT_JOB_PREFIX",
    "LIFECYCLE_FAULTS",
    "LIFECYCLE_RULES",
    "RULES",
    "UNKNOWN_JOB_STATE",
    "ErrorStyle",
    "Fault",
    "FaultJob",
    "apply_fault",
    "build_faults",
    "fault_account",
    "fault_job_id",
    "fault_jobs",
    "unknown_job_state",
]

RULES = ("schema", "dataset", "enums", "money", "progress", "mask", "name", "errors", "auth", "content-type")
# The rules of LIFECYCLE.md that the lifecycle faults break, by the ids of the contract suite's lifecycle catalogue
# (`contract_tests.lifecycle_rules`; the mock does not import the suite, a test checks they are its ids).
LIFECYCLE_RULES = (
    "list-no-repeats",
    "list-token-loop",
    "list-page-size",
    "list-filter",
    "list-order",
    "list-matches-get",
    "create-name",
    "create-first-state",
    "create-duplicate",
    "required-field",
    "delete-after",
    "cancel-reaches-terminal",
    "estimate-cost",
    "estimate-creates-nothing",
)

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
    target: str | None = None  # the property path a body fault edits, when the spec has one
    # False when the vendored spec lacks what the fault would break (say, no Money-shaped property): it is
    # kept in the catalogue and reported as not applicable, never counted as a fault the suite missed.
    applicable: bool = True
    # A lifecycle fault: a behaviour of an operation (list, create, delete, cancel, estimate cost) that breaks one
    # rule of LIFECYCLE.md. `--all-faults` serves it in its own account `fault-<name>`, seeded with the fixtures.
    lifecycle: bool = False


def apply_fault(fault: Fault | None, fixtures: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Copies of the fixture jobs with the fault's body edit applied wherever it applies."""
    jobs = copy.deepcopy(fixtures)
    if fault is not None and fault.patch is not None:
        for job in jobs.values():
            fault.patch(job)
    return jobs


FAULT_JOB_PREFIX = "fault-"


def fault_account(name: str) -> str:
    """The account under which `--all-faults` serves a lifecycle fault: `fault-<name>`."""
    return FAULT_JOB_PREFIX + name


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
    unknown = [fault.name for fault in faults if fault.rule not in (LIFECYCLE_RULES if fault.lifecycle else RULES)]
    if unknown:
        raise ValueError(f"faults with an unknown rule id: {unknown}")
    return {fault.name: fault for fault in faults}


# States seen on real gateways that older specs lacked; the unknown-enum fault picks the first the spec does not
# list (a bump may add one; then the next), or a name no spec would hold.
_STATES_SEEN_IN_THE_WILD = ("JOB_STATE_ROLLOUT", "JOB_STATE_EVALUATION", "JOB_STATE_POLICY_UPDATE")
_NOT_IN_ANY_SPEC = "JOB_STATE_NOT_IN_THIS_SPEC"


def unknown_job_state(spec: Spec) -> str:
    """A state name the spec's job state enum does not list (what the unknown-enum fault serves)."""
    state = spec.job_schema().get("properties", {}).get("state")
    states = set(spec.resolve(state).get("enum", ())) if state is not None else set()
    return next((s for s in _STATES_SEEN_IN_THE_WILD if s not in states), _NOT_IN_ANY_SPEC)


def _properties(spec: Spec, schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: spec.resolve(node) for name, node in schema.get("properties", {}).items()}


def _first(spec: Spec, fits: Callable[[dict[str, Any]], bool]) -> str | None:
    """The first job property (top level, then one nested level) whose schema fits: a fault's target."""
    top = _properties(spec, spec.job_schema())
    for name, schema in top.items():
        if fits(schema):
            return name
    for name, schema in top.items():
        for inner, inner_schema in _properties(spec, schema).items():
            if fits(inner_schema):
                return f"{name}.{inner}"
    return None


def _is_money(schema: dict[str, Any]) -> bool:
    props = schema.get("properties", {})
    return {"currencyCode", "units", "nanos"} <= set(props)


# The progress rule's field, found as the suite finds it (the mock may not import the suite): an integer the
# spec describes as a percent within 0..100 ("Progress percent, within the range from 0 to 100.").
_PERCENT = re.compile(r"(?is)\bpercent\b.*\b0 (?:to|and|-|\.\.) ?100\b")


def _is_percent(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" and bool(_PERCENT.search(str(schema.get("description", ""))))


def _is_int32(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" and schema.get("format") == "int32"


def _is_timestamp(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and schema.get("format") == "date-time"


def _with_target(
    name: str, rule: str, target: str | None, describe: Callable[[str], str], patch: Callable[[str], _Patch]
) -> Fault:
    """A body fault aimed at a property the spec has; without one it is kept, not applicable (no patch applies)."""
    if target is None:
        description = f"not applicable: the spec has no property for it ({describe('<none>')})"
        return Fault(name, rule, description, _never, applicable=False)
    return Fault(name, rule, describe(target), patch(target), target=target)


def _never(job: dict[str, Any]) -> bool:
    return False


def build_faults(spec: Spec) -> dict[str, Fault]:
    """The catalogue for a spec: body faults aim at properties found by their schema (the first Money, int32,
    Timestamp, required field...), so a bump that moves or removes them re-aims or retires the fault."""
    job = spec.job_schema()
    state = job.get("properties", {}).get("state")
    unknown_state = unknown_job_state(spec)
    required = next((r for r in job.get("required", ()) if r != "name"), None)
    money = _first(spec, _is_money)
    int32 = _first(spec, _is_int32)
    stamp = _first(spec, _is_timestamp)
    percent = _first(spec, _is_percent)
    has = set(job.get("properties", {}))
    return _catalogue(
        _with_target(
            "dataset-missing", "dataset", required, lambda t: f"the required `{t}` field is left out", _delete
        ),
        _with_target(
            "unknown-enum",
            "enums",
            "state" if state is not None else None,
            lambda t: f"`{t}` is {unknown_state}, not a value of its enum",
            lambda t: _set(t, unknown_state),
        ),
        _with_target(
            "money-sign-mismatch",
            "money",
            money,
            lambda t: f'{t} has positive units and negative nanos ("2", -250000000)',
            lambda t: _set(t, {"currencyCode": "USD", "units": "2", "nanos": -250000000}),
        ),
        _with_target(
            "nanos-out-of-range",
            "money",
            money,
            lambda t: f"{t}.nanos is 1000000000, beyond +-999,999,999",
            lambda t: _set(t, {"currencyCode": "USD", "units": "1", "nanos": 1000000000}),
        ),
        _with_target(
            "units-not-int64-string",
            "money",
            money,
            lambda t: f'{t}.units is "1.5", not an int64 decimal string',
            lambda t: _set(f"{t}.units", "1.5"),
        ),
        _with_target(
            "bad-currency",
            "money",
            money,
            lambda t: f'{t}.currencyCode is "XYZ", not an ISO 4217 code',
            lambda t: _set(f"{t}.currencyCode", "XYZ"),
        ),
        _with_target(
            "int32-overflow", "schema", int32, lambda t: f"`{t}` (int32) is 2147483648", lambda t: _set(t, 2147483648)
        ),
        _with_target(
            "bad-timestamp",
            "schema",
            stamp,
            lambda t: f"`{t}` has no time zone offset (2026-01-05T08:00:00.123456789), not RFC 3339",
            lambda t: _set(t, "2026-01-05T08:00:00.123456789"),
        ),
        _with_target(
            # Once the spec drops its percent (say, with `jobProgress`), the fault has nothing to break.
            "progress-out-of-range",
            "progress",
            percent,
            lambda t: f"{t} is 101, outside 0..100",
            lambda t: _set(t, 101),
        ),
        _with_target(
            "name-mismatch",
            "name",
            "name" if "name" in has else None,
            lambda t: "`name` ends in another job id than the one requested (`<id>-other`)",
            lambda t: _set(t, lambda name: f"{name}-other"),
        ),
        Fault(
            "readmask-ignored", "mask", "readMask is ignored: every response carries all fields", honour_read_mask=False
        ),
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


def _lifecycle(name: str, rule: str, description: str) -> Fault:
    return Fault(name, rule, description, lifecycle=True)


# Each breaks one rule of LIFECYCLE.md and nothing else; `gateway_mock.app` reads the names.
LIFECYCLE_FAULTS: dict[str, Fault] = _catalogue(
    _lifecycle(
        "list-repeats-jobs",
        "list-no-repeats",
        "each page after the first starts with the last job of the page before (walk with pageSize >= 2)",
    ),
    _lifecycle(
        "list-token-loops",
        "list-token-loop",
        "the last page's nextPageToken is the token that fetched it, not absent (a walk of >= 2 pages)",
    ),
    _lifecycle(
        "list-page-size-ignored", "list-page-size", "pageSize is ignored: every page holds up to the default 50 jobs"
    ),
    _lifecycle("list-filter-ignored", "list-filter", "filter is checked but not applied: every job is listed"),
    _lifecycle("list-order-ignored", "list-order", "orderBy is checked but not applied: jobs come by name"),
    _lifecycle(
        "list-differs-from-get",
        "list-matches-get",
        "a listed job's first writable string field (displayName) differs from its GET: ' (listed)' is appended",
    ),
    _lifecycle(
        "create-ignores-id",
        "create-name",
        "create ignores ?supervisedFineTuningJobId= and names the job with a random UUID",
    ),
    _lifecycle(
        "create-keeps-output-only",
        "create-first-state",
        "create keeps an output-only `state` sent in the body (a job created COMPLETED stays so)",
    ),
    _lifecycle(
        "create-duplicate-accepted",
        "create-duplicate",
        "a create with the id of an existing job answers 200 with that job (unchanged), not 409",
    ),
    _lifecycle(
        "create-without-dataset",
        "required-field",
        "a create without the required `dataset` is accepted (the job gets a default dataset)",
    ),
    _lifecycle(
        "delete-resurrects",
        "delete-after",
        "after a delete (200 {}), the job shows DELETING, then RUNNING again and walks on to COMPLETED",
    ),
    _lifecycle(
        "cancel-ignored",
        "cancel-reaches-terminal",
        "cancel answers 200 {} and changes nothing: the job stays in its state and never ends",
    ),
    _lifecycle(
        "estimate-negative",
        "estimate-cost",
        "estimate cost answers a valid but negative Money (the price, negated)",
    ),
    _lifecycle(
        "estimate-creates-job",
        "estimate-creates-nothing",
        "estimate cost answers the right price and also creates a job in the account",
    ),
)

FAULTS: dict[str, Fault] = build_faults(served_spec())
ALL_FAULTS: dict[str, Fault] = {**FAULTS, **LIFECYCLE_FAULTS}
UNKNOWN_JOB_STATE = unknown_job_state(served_spec())
