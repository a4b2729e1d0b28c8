"""Fixture jobs derived from the vendored spec, serialized the way grpc-gateway (proto3 JSON) does.

One job per `JobState` value, id `sft-` + the state's suffix in lower case with `_` -> `-` (`sft-running`,
`sft-creating-input-dataset`, ...), plus `sft-minimal` carrying only `name` and the required fields (`dataset`).
Every value is shaped by the schema of its property: the builder walks the job schema's properties, so a spec
bump that adds, removes or retypes a property re-shapes the fixtures with no hand edits. A table of hints gives
realistic values to the properties the spec has today; a hint that no longer fits its property's schema is
ignored and the value is generated from the type and format instead.

Across the fixtures every value of every enum (`Code`, `Purpose`, ...) appears, and `estimatedCost` cycles
through the Money edge cases (negative amounts, zero units with negative nanos, the int64 extremes).
Serialization: int64 as JSON strings, zero values emitted (`"displayName": ""`, `"status": {"code": "OK",
"message": ""}`), RFC 3339 timestamps in UTC with 9 (some with 6) fractional digits; message-typed fields
that a job would not have set (`completedTime` of a running job, an unused storage config) are `null`, as
grpc-gateway's EmitUnpopulated marshaling writes them.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway_protocol.spec_view import Spec, json_type

from .constants import JOB_ID_PREFIX, MINIMAL_JOB_ID, MOCK_ACCOUNT, job_name

__all__ = [
    "EXTRA_JOB_PREFIX",
    "MAX_EXTRA_JOBS",
    "MAX_SEED_JOBS",
    "MINIMAL_JOB_ID",
    "MOCK_ACCOUNT",
    "MONEY_CASES",
    "SEED_JOB_PREFIX",
    "build_fixtures",
    "seed_jobs",
    "state_job_id",
    "with_extra_jobs",
]

STATE_PREFIX = "JOB_STATE_"
EXTRA_JOB_PREFIX = "sft-extra-"
MAX_EXTRA_JOBS = 10_000
SEED_JOB_PREFIX = "seed-"
MAX_SEED_JOBS = 1_000_000
_MAX_DEPTH = 4

# (currencyCode, units, nanos): the sign and range edge cases of google.type.Money, cycled over the jobs.
MONEY_CASES: tuple[tuple[str, str, int], ...] = (
    ("USD", "12", 340000000),
    ("USD", "-1", -750000000),
    ("USD", "0", -500000000),
    ("USD", "9223372036854775807", 999999999),
    ("USD", "0", 0),
    ("EUR", "3", 0),
    ("JPY", "1500", 0),
    ("USD", "0", 250000000),
    ("USD", "-9223372036854775808", -999999999),
)

_TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "EXPIRED", "EARLY_STOPPED", "DELETED"}
_PERCENT = {"COMPLETED": 100, "EARLY_STOPPED": 100, "WRITING_RESULTS": 100, "RUNNING": 42, "PAUSED": 73, "FAILED": 17}
# Status codes that fit a state; the remaining codes are spread over the other jobs so that every one appears.
_ENUM_HINTS: dict[str, dict[str, str]] = {
    "status.code": {
        "COMPLETED": "OK",
        "RUNNING": "OK",
        "EARLY_STOPPED": "OK",
        "FAILED": "INTERNAL",
        "CANCELLED": "CANCELLED",
        "EXPIRED": "DEADLINE_EXCEEDED",
    },
}
_BASE_TIME = datetime.datetime(2026, 1, 5, 8, 0, 0, tzinfo=datetime.UTC)

_OMIT = object()


@dataclass
class _Job:
    """What the value of one property may depend on."""

    index: int
    job_id: str
    suffix: str
    enum_plan: dict[str, str]
    parents: list[dict[str, Any]] = field(default_factory=list)


def state_job_id(state: str) -> str:
    """`JOB_STATE_CREATING_INPUT_DATASET` -> `sft-creating-input-dataset`."""
    return JOB_ID_PREFIX + state.removeprefix(STATE_PREFIX).lower().replace("_", "-")


def build_fixtures(spec: Spec) -> dict[str, dict[str, Any]]:
    """Job id -> job body (a JSON-ready dict), one job per `JobState` value plus `sft-minimal`."""
    job_schema = spec.job_schema()
    properties: dict[str, Any] = job_schema.get("properties", {})
    if "state" not in properties:
        raise LookupError("the job schema has no `state` property to derive one fixture per JobState from")
    states = [str(value) for value in spec.resolve(properties["state"]).get("enum", ())]
    enum_plans = {path: _plan_enum(path, values, states) for path, values in _enum_paths(spec, job_schema).items()}
    fixtures: dict[str, dict[str, Any]] = {}
    for index, state in enumerate(states):
        suffix = state.removeprefix(STATE_PREFIX)
        plan = {path: values[index] for path, values in enum_plans.items()}
        plan["state"] = state
        job = _Job(index, state_job_id(state), suffix, plan)
        fixtures[job.job_id] = _object(spec, job, "", job_schema)
    fixtures[MINIMAL_JOB_ID] = _minimal(spec, job_schema)
    return fixtures


def with_extra_jobs(fixtures: dict[str, dict[str, Any]], count: int) -> dict[str, dict[str, Any]]:
    """The fixtures plus `count` more jobs (`sft-extra-001`, ...) cycling over the state jobs, for many-id runs."""
    if not 0 <= count <= MAX_EXTRA_JOBS:
        raise ValueError(f"extra jobs must be 0 to {MAX_EXTRA_JOBS}, not {count}")
    state_jobs = [job for job_id, job in fixtures.items() if job_id != MINIMAL_JOB_ID] or list(fixtures.values())
    extra: dict[str, dict[str, Any]] = {}
    for number in range(count):
        job_id = f"{EXTRA_JOB_PREFIX}{number + 1:03d}"
        extra[job_id] = {**state_jobs[number % len(state_jobs)], "name": job_name(job_id)}
    return {**fixtures, **extra}


def seed_jobs(fixtures: dict[str, dict[str, Any]], count: int, name: Callable[[str], str]) -> dict[str, dict[str, Any]]:
    """`count` jobs (`seed-0000001`, ...) for scale runs: copies of the state jobs in turn, each with its own name,
    `displayName` and `createTime`/`updateTime` a second apart, so filters and orderings have something to sort.

    Each copy shares its values with its state job (a shallow copy): 100,000 of them cost about 0.3 GB.
    """
    if not 0 <= count <= MAX_SEED_JOBS:
        raise ValueError(f"seed jobs must be 0 to {MAX_SEED_JOBS}, not {count}")
    state_jobs = [job for job_id, job in fixtures.items() if job_id != MINIMAL_JOB_ID] or list(fixtures.values())
    width = len(str(MAX_SEED_JOBS))
    jobs: dict[str, dict[str, Any]] = {}
    for number in range(count):
        job_id = f"{SEED_JOB_PREFIX}{number + 1:0{width}d}"
        moment = _BASE_TIME + datetime.timedelta(seconds=number)
        stamp = f"{moment:%Y-%m-%dT%H:%M:%S}.{number % 1_000_000_000:09d}Z"
        job = dict(state_jobs[number % len(state_jobs)])
        for key, value in (("name", name(job_id)), ("createTime", stamp), ("updateTime", stamp)):
            if key in job:
                job[key] = value
        if "displayName" in job:
            job["displayName"] = f"seed job {number % 1000:03d}"
        jobs[job_id] = job
    return jobs


def _minimal(spec: Spec, job_schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = job_schema.get("properties", {})
    keep = ["name", *job_schema.get("required", ())]
    job = _Job(len(properties), MINIMAL_JOB_ID, "MINIMAL", {})
    return {name: _value(spec, job, name, properties[name]) for name in properties if name in keep}


def _enum_paths(spec: Spec, schema: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, tuple[str, ...]]:
    """Dotted path -> enum values, for every enum-typed property except `state` (one job per state already)."""
    found: dict[str, tuple[str, ...]] = {}
    if depth > _MAX_DEPTH:
        return found
    for name, node in schema.get("properties", {}).items():
        path = prefix + name
        resolved = spec.resolve(node)
        if "enum" in resolved and path != "state":
            found[path] = tuple(str(value) for value in resolved["enum"])
        elif "properties" in resolved:
            found.update(_enum_paths(spec, resolved, path + ".", depth + 1))
    return found


def _plan_enum(path: str, values: tuple[str, ...], states: list[str]) -> list[str]:
    """An enum property's value in each job: fitting hints first, then every unused value once, then the default."""
    hints = _ENUM_HINTS.get(path, {})
    hinted = [
        (index, value)
        for index, state in enumerate(states)
        if (value := hints.get(state.removeprefix(STATE_PREFIX), "")) in values
    ]
    free = len(states) - len(hinted)
    needed = len(set(values) - {value for _, value in hinted})
    plan: list[str | None] = [None] * len(states)
    taken: set[str] = set()
    for index, value in hinted:
        # A repeated hint yields its job to coverage when otherwise some value would never be served.
        if value in taken and free < needed:
            free += 1
            continue
        taken.add(value)
        plan[index] = value
    unused = [value for value in values if value not in plan]
    for index in range(len(plan)):
        if plan[index] is None and unused:
            plan[index] = unused.pop(0)
    default = values[0] if values else ""
    return [value if value is not None else default for value in plan]


def _object(spec: Spec, job: _Job, prefix: str, schema: dict[str, Any]) -> dict[str, Any]:
    built: dict[str, Any] = {}
    job.parents.append(built)
    try:
        for name, node in schema.get("properties", {}).items():
            value = _value(spec, job, prefix + name, node)
            if value is not _OMIT:
                built[name] = value
            elif _is_message(spec.resolve(node)):
                built[name] = None  # grpc-gateway's EmitUnpopulated writes an unset message (or Timestamp) as null
    finally:
        job.parents.pop()
    return built


def _is_message(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or schema.get("format") == "date-time"


def _value(spec: Spec, job: _Job, path: str, node: dict[str, Any]) -> Any:
    schema = spec.resolve(node)
    if path in job.enum_plan and job.enum_plan[path] in schema.get("enum", ()):
        return job.enum_plan[path]
    hint = _HINTS.get(path)
    if hint is not None:
        value = hint(job)
        if value is _OMIT or (value is not None and _fits(schema, value)):
            return value
    money = _money_case(schema, job)
    if money is not None:
        return money
    return _generated(spec, job, path, schema)


def _money_case(schema: dict[str, Any], job: _Job) -> dict[str, Any] | None:
    """A Money edge case when the schema is shaped like google.type.Money (currencyCode, units, nanos)."""
    properties = schema.get("properties", {})
    if set(properties) != {"currencyCode", "units", "nanos"}:
        return None
    currency, units, nanos = MONEY_CASES[job.index % len(MONEY_CASES)]
    case = {"currencyCode": currency, "units": units, "nanos": nanos}
    if not all(_fits(properties[name], case[name]) for name in case):
        return None
    return {name: case[name] for name in properties}


def _generated(spec: Spec, job: _Job, path: str, schema: dict[str, Any]) -> Any:
    """A value from the type and format alone: what a property the hints do not know gets."""
    kind = json_type(schema)
    leaf = path.rsplit(".", 1)[-1]
    if "enum" in schema:
        return schema["enum"][job.index % len(schema["enum"])]
    if kind == "object" or "properties" in schema:
        if path.count(".") >= _MAX_DEPTH:
            return _OMIT
        return _object(spec, job, path + ".", schema)
    if kind == "array":
        item = _generated(spec, job, path, spec.resolve(schema.get("items", {})))
        return [] if item is _OMIT else [item]
    if kind == "boolean":
        return job.index % 2 == 1
    if kind == "integer":
        return job.index % 7
    if kind == "number":
        return job.index / 8
    if kind == "string":
        return _string(job, leaf, schema.get("format"))
    return _OMIT


SIGNED_URL_SIGNATURE = "mocksig0f3a9"  # tests assert it never shows in any output or report


def _string(job: _Job, leaf: str, fmt: Any) -> str:
    if fmt == "date-time":
        return _timestamp(job, hours=1)
    if fmt in ("int64", "uint64", "int32", "uint32"):
        return str(job.index * 1000 + 7)
    if fmt == "uuid":
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{job.job_id}/{leaf}"))
    if fmt == "byte":
        return "bW9jaw=="
    if fmt in ("uri", "url"):
        return f"https://example.invalid/{job.job_id}/{leaf}"
    return "" if job.index % 2 == 0 else f"mock-{_kebab(leaf)}-{job.index}"


def _fits(schema: dict[str, Any], value: Any) -> bool:
    """Whether a hinted value still has the type (and int64 string shape) its property's schema asks for."""
    if "enum" in schema and value not in schema["enum"]:
        return False
    kind = json_type(schema)
    if kind == "string":
        if not isinstance(value, str):
            return False
        if schema.get("format") in ("int64", "uint64"):
            return re.fullmatch(r"-?\d+", value) is not None
        return schema.get("format") != "date-time" or value.endswith("Z")
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _timestamp(job: _Job, hours: int) -> str:
    """RFC 3339 in UTC; most with nanoseconds as grpc-gateway prints them, every fourth job with microseconds."""
    moment = _BASE_TIME + datetime.timedelta(days=job.index, hours=hours)
    nanos = (job.index * 123456789 + hours * 1111111 + 987654321) % 1_000_000_000
    fraction = f"{nanos:09d}" if job.index % 4 != 3 else f"{nanos // 1000:06d}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction}Z"


def _status_message(job: _Job) -> str:
    code = job.parents[-1].get("code", "OK") if job.parents else "OK"
    return "" if code == "OK" else f"mock job {job.job_id}: {str(code).lower().replace('_', ' ')}"


def _progress_percent(job: _Job) -> int:
    return _PERCENT.get(job.suffix, 0)


def _storage_config(kind: int) -> Callable[[_Job], Any]:
    # At most one storage config per job, as a real job has; the others are unset (null).
    return lambda job: None if job.index % 3 == kind else _OMIT


def _by_index(*choices: Any) -> Callable[[_Job], Any]:
    return lambda job: choices[job.index % len(choices)]


_HINTS: dict[str, Callable[[_Job], Any]] = {
    "name": lambda job: job_name(job.job_id),
    "displayName": lambda job: "" if job.index % 2 == 0 else f"Mock {job.suffix.lower().replace('_', ' ')} job",
    "createTime": lambda job: _timestamp(job, hours=0),
    "completedTime": lambda job: _timestamp(job, hours=5) if job.suffix in _TERMINAL else _OMIT,
    "updateTime": lambda job: _timestamp(job, hours=2),
    "dataset": lambda job: f"accounts/{MOCK_ACCOUNT}/datasets/support-chats-{job.index % 3}",
    "awsS3Config": _storage_config(0),
    "awsS3Config.credentialsSecret": lambda job: f"accounts/{MOCK_ACCOUNT}/secrets/aws-s3-reader",
    "awsS3Config.iamRoleArn": lambda job: "arn:aws:iam::123456789012:role/mock-fine-tuning",
    "azureBlobStorageConfig": _storage_config(1),
    "azureBlobStorageConfig.credentialsSecret": lambda job: "",
    "azureBlobStorageConfig.managedIdentityClientId": lambda job: str(uuid.uuid5(uuid.NAMESPACE_URL, job.job_id)),
    "azureBlobStorageConfig.tenantId": lambda job: str(uuid.uuid5(uuid.NAMESPACE_DNS, "mock-tenant.example")),
    "status.message": _status_message,
    "createdBy": lambda job: "ml-team@example.com",
    "outputModel": lambda job: f"accounts/{MOCK_ACCOUNT}/models/{job.job_id}",
    "baseModel": lambda job: "" if job.index % 4 == 3 else "accounts/fireworks/models/llama-v3p1-8b-instruct",
    "warmStartFrom": lambda job: f"accounts/{MOCK_ACCOUNT}/models/support-lora" if job.index % 4 == 3 else "",
    "jinjaTemplate": lambda job: "",
    "earlyStop": _by_index(False, True),
    "epochs": _by_index(1, 3, 5, 2),
    "learningRate": _by_index(0.0001, 0.00002, 0.001),
    "maxContextLength": _by_index(8192, 32768, 131072),
    "loraRank": _by_index(8, 16, 32, 64),
    "wandbConfig.enabled": _by_index(True, False),
    # Never a secret-looking value in a fixture, even a fake one.
    "wandbConfig.apiKey": lambda job: "",
    "wandbConfig.project": lambda job: "mock-sft",
    "wandbConfig.entity": lambda job: "mock-team",
    "wandbConfig.runId": lambda job: f"run-{job.index:04d}",
    "wandbConfig.url": lambda job: f"https://wandb.ai/mock-team/mock-sft/runs/run-{job.index:04d}",
    "evaluationDataset": _by_index("", f"accounts/{MOCK_ACCOUNT}/datasets/support-chats-eval"),
    "isTurbo": _by_index(False, False, True),
    "evalAutoCarveout": _by_index(True, False),
    "nodes": _by_index(0, 1),
    "batchSize": _by_index(65536, 0, 32768),
    "mtpEnabled": lambda job: False,
    "mtpNumDraftTokens": lambda job: 0,
    "mtpFreezeBaseModel": lambda job: False,
    "jobProgress.percent": _progress_percent,
    "jobProgress.epoch": lambda job: _progress_percent(job) * 3 // 100 - (1 if _progress_percent(job) == 100 else 0),
    # The request counters belong to batch jobs; an SFT job reports them as zero values.
    "jobProgress.totalInputRequests": lambda job: 0,
    "jobProgress.totalProcessedRequests": lambda job: 0,
    "jobProgress.successfullyProcessedRequests": lambda job: 0,
    "jobProgress.failedRequests": lambda job: 0,
    "jobProgress.outputRows": lambda job: 0,
    "jobProgress.outputTokens": lambda job: 0,
    "jobProgress.inputTokens": lambda job: _progress_percent(job) * 18432,
    "jobProgress.cachedInputTokenCount": lambda job: _progress_percent(job) * 512,
    # Signed like the real ones: the query string is a credential, which reports must never show.
    "metricsFileSignedUrl": lambda job: (
        f"https://storage.example.invalid/{MOCK_ACCOUNT}/{job.job_id}/metrics.jsonl"
        f"?X-Goog-Expires=3600&X-Goog-Signature={SIGNED_URL_SIGNATURE}{job.index:04d}"
        if _progress_percent(job)
        else ""
    ),
    "trainerLogsSignedUrl": lambda job: "",
    "gradientAccumulationSteps": _by_index(1, 4),
    "learningRateWarmupSteps": _by_index(0, 100, 500),
    "batchSizeSamples": _by_index(0, 16, 32),
    "optimizerWeightDecay": _by_index(0.01, 0.0),
}
