"""Which gateway the suite runs against, from the environment: the embedded mock unless CONTRACT_BASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict, overload
from urllib.parse import urlsplit

from gateway_protocol.redaction import UnusableKeyError, clean_key
from gateway_protocol.resource_names import ResourceValueError, check_value

__all__ = [
    "DEFAULT_REPORT_DIR",
    "LIVE_SETTINGS",
    "MARSHAL_PROFILES",
    "Settings",
    "SettingsError",
    "report_dir_from_env",
    "settings_from_env",
]

LIVE_SETTINGS = ("FIREWORKS_API_KEY", "FIREWORKS_ACCOUNT_ID", "CONTRACT_JOB_IDS")
DEFAULT_SEED = 4259
DEFAULT_EXAMPLES = 40
MAX_LIVE_EXAMPLES = 200  # live runs bound their request count
# Reports land beside the suite whatever the working directory; a relative CONTRACT_REPORT_DIR is relative to
# the directory the run was started from, resolved once by the entry point.
DEFAULT_REPORT_DIR = Path(__file__).resolve().parents[1] / "reports"
MARSHAL_PROFILES = ("emit-unpopulated", "omit-unpopulated")
Marshal = Literal["emit-unpopulated", "omit-unpopulated"]
_MAX_URL = 2048
# Limits a hostile or broken gateway cannot push the suite past (seconds, bytes).
DEFAULT_REQUEST_DEADLINE = 15.0  # connect + headers + whole body of one request
DEFAULT_RUN_BUDGET = 300.0  # the whole run, preflight included
DEFAULT_RETRY_BUDGET = 60.0  # total time spent waiting on 429/503 across the run
MAX_BODY_BYTES = 4 * 1024 * 1024  # a job body is about 3 KB
# The lifecycle checks (contract_tests/test_lifecycle.py): how far a list walk goes, how long a cancel or delete is
# waited for, and how many jobs a run may create (live writes only with CONTRACT_WRITES=1).
DEFAULT_MAX_LIST_PAGES = 5
DEFAULT_LIVE_WAIT = 60.0  # seconds a live job is given to show a cancel or a delete
MOCK_WAIT = 5.0  # the embedded mock's clock runs fast (MOCK_CLOCK_SPEED)
MOCK_CLOCK_SPEED = 20.0  # a new job completes in about 0.5 s, a cancel or delete shows in 0.05 s
DEFAULT_MAX_JOBS = 2
MAX_MAX_JOBS = 100
_MAX_DATASET = 512


class SettingsError(ValueError):
    """The environment does not describe a runnable target."""


@dataclass(frozen=True)
class Settings:
    base_url: str | None
    api_key: str = field(repr=False)
    account: str | None
    job_ids: tuple[str, ...]
    seed: int
    examples: int
    mock_fault: str | None
    report_dir: Path
    marshal: Marshal = "emit-unpopulated"
    request_deadline: float = DEFAULT_REQUEST_DEADLINE
    run_budget: float = DEFAULT_RUN_BUDGET
    retry_budget: float = DEFAULT_RETRY_BUDGET
    max_rps: float | None = None
    # Lifecycle: CONTRACT_WRITES (always on against the embedded mock), CONTRACT_DATASET, CONTRACT_MAX_JOBS,
    # CONTRACT_ACCOUNTS (more accounts whose lifecycle is checked), CONTRACT_MAX_LIST_PAGES, CONTRACT_WAIT_SECONDS.
    writes: bool = False
    dataset: str | None = None
    max_jobs: int = DEFAULT_MAX_JOBS
    accounts: tuple[str, ...] = ()
    max_list_pages: int = DEFAULT_MAX_LIST_PAGES
    wait: float = DEFAULT_LIVE_WAIT

    @property
    def live(self) -> bool:
        return self.base_url is not None


def _int(env: Mapping[str, str], name: str, default: int, low: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}, got {value}")
    return value


class _Limits(TypedDict):
    request_deadline: float
    run_budget: float
    retry_budget: float
    max_rps: float | None


@overload
def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float: ...
@overload
def _seconds(env: Mapping[str, str], name: str, default: None, low: float, high: float) -> float | None: ...
def _seconds(env: Mapping[str, str], name: str, default: float | None, low: float, high: float) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw[:40]!r}") from None
    if not low <= value <= high:  # also refuses NaN
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, got {raw[:40]!r}")
    return value


def _check_base_url(base_url: str) -> None:
    """The gateway's origin only: a path would be doubled (`/v1/v1/...`) and every job reported as missing."""
    if len(base_url) > _MAX_URL:
        raise SettingsError(f"CONTRACT_BASE_URL is longer than {_MAX_URL} characters")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("CONTRACT_BASE_URL must start with http:// or https://")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError("CONTRACT_BASE_URL is not a valid URL") from None
    origin = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    if parts.username is not None or parts.password is not None:
        raise SettingsError("CONTRACT_BASE_URL must not carry credentials; put the key in FIREWORKS_API_KEY")
    if not parts.hostname:
        raise SettingsError("CONTRACT_BASE_URL names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(
            f"CONTRACT_BASE_URL must be the gateway's origin without a path or query; the suite adds "
            f"/v1/accounts/...: drop {(parts.path + ('?' if parts.query else ''))[:40]!r} and use {origin}"
        )


def _marshal(env: Mapping[str, str]) -> Marshal:
    raw = env.get("CONTRACT_MOCK_MARSHAL", "").strip() or "emit-unpopulated"
    if raw == "emit-unpopulated":
        return "emit-unpopulated"
    if raw == "omit-unpopulated":
        return "omit-unpopulated"
    raise SettingsError(f"CONTRACT_MOCK_MARSHAL must be one of {', '.join(MARSHAL_PROFILES)}, got {raw[:40]!r}")


def _key(env: Mapping[str, str], name: str) -> str:
    """A key from the environment, stripped; a SettingsError naming the variable (never quoting the key) when it
    holds a control character."""
    raw = env.get(name, "")
    if not raw.strip():
        return ""
    try:
        return clean_key(raw, name)
    except UnusableKeyError as error:
        raise SettingsError(str(error)) from None


def _resource_id(name: str, value: str) -> str:
    """An id the suite puts in a path: `.`, `..` would rewrite it (an HTTP client removes dot segments)."""
    try:
        return check_value(name, value)
    except ResourceValueError:
        raise SettingsError(
            f"{name} holds {value!r}, which cannot name a resource: an HTTP client removes dot segments, so the "
            "request would read another path"
        ) from None


class _Lifecycle(TypedDict):
    writes: bool
    dataset: str | None
    max_jobs: int
    accounts: tuple[str, ...]
    max_list_pages: int
    wait: float


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip()
    if raw in ("", "0"):
        return False
    if raw == "1":
        return True
    raise SettingsError(f"{name} must be 1 (on) or 0 (off), got {raw[:40]!r}")


def _lifecycle(env: Mapping[str, str], *, live: bool) -> _Lifecycle:
    """The lifecycle settings. Live writes need CONTRACT_WRITES=1 and CONTRACT_DATASET together; the embedded
    mock is always written to (its jobs are the suite's own)."""
    writes = _flag(env, "CONTRACT_WRITES")
    dataset = env.get("CONTRACT_DATASET", "").strip() or None
    if dataset is not None and (len(dataset) > _MAX_DATASET or not dataset.isprintable() or " " in dataset):
        raise SettingsError(
            f"CONTRACT_DATASET must be a dataset id or resource name (printable, no spaces, at most {_MAX_DATASET} "
            "characters)"
        )
    if live and writes and dataset is None:
        raise SettingsError(
            "CONTRACT_WRITES=1 creates, cancels and deletes jobs, and needs CONTRACT_DATASET: the dataset they "
            "train on (e.g. CONTRACT_DATASET=accounts/acme/datasets/tiny)"
        )
    if live and dataset is not None and not writes:
        raise SettingsError(
            "CONTRACT_DATASET is set but CONTRACT_WRITES is not 1: a live run creates no job without "
            "CONTRACT_WRITES=1 (set it, or unset CONTRACT_DATASET)"
        )
    accounts = tuple(dict.fromkeys(a.strip() for a in env.get("CONTRACT_ACCOUNTS", "").split(",") if a.strip()))
    if accounts and not live:
        raise SettingsError("CONTRACT_ACCOUNTS names more live accounts to check; the embedded mock serves one")
    for account in accounts:
        _resource_id("CONTRACT_ACCOUNTS", account)
    max_jobs = _int(env, "CONTRACT_MAX_JOBS", DEFAULT_MAX_JOBS, 1)
    if max_jobs > MAX_MAX_JOBS:
        raise SettingsError(f"CONTRACT_MAX_JOBS must be at most {MAX_MAX_JOBS}, got {max_jobs}")
    return _Lifecycle(
        writes=writes or not live,
        dataset=dataset,
        max_jobs=max_jobs,
        accounts=accounts,
        max_list_pages=_int(env, "CONTRACT_MAX_LIST_PAGES", DEFAULT_MAX_LIST_PAGES, 1),
        wait=_seconds(env, "CONTRACT_WAIT_SECONDS", DEFAULT_LIVE_WAIT if live else MOCK_WAIT, 0.5, 3600),
    )


def _check_fault(name: str | None) -> None:
    from gateway_mock.faults import ALL_FAULTS

    if name is not None and name not in ALL_FAULTS:
        raise SettingsError(f"CONTRACT_MOCK_FAULT={name!r} is not a mock fault; valid: {', '.join(ALL_FAULTS)}")


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; a SettingsError names every missing or malformed one."""
    env = os.environ if env is None else env
    base_url = env.get("CONTRACT_BASE_URL", "").strip() or None
    seed = _int(env, "CONTRACT_SEED", DEFAULT_SEED, 0)
    examples = _int(env, "CONTRACT_EXAMPLES", DEFAULT_EXAMPLES, 1)
    report_dir = report_dir_from_env(env)
    limits = _Limits(
        request_deadline=_seconds(env, "CONTRACT_REQUEST_DEADLINE", DEFAULT_REQUEST_DEADLINE, 0.1, 600),
        run_budget=_seconds(env, "CONTRACT_RUN_BUDGET", DEFAULT_RUN_BUDGET, 1, 86400),
        retry_budget=_seconds(env, "CONTRACT_RETRY_BUDGET", DEFAULT_RETRY_BUDGET, 0, 3600),
        max_rps=_seconds(env, "CONTRACT_MAX_RPS", None, 0.01, 10000),
    )
    fault = env.get("CONTRACT_MOCK_FAULT", "").strip() or None
    marshal = _marshal(env)
    lifecycle = _lifecycle(env, live=base_url is not None)
    if base_url is None:
        _check_fault(fault)
        return Settings(
            None, _key(env, "MOCK_API_KEY"), None, (), seed, examples, fault, report_dir, marshal, **limits, **lifecycle
        )
    if fault is not None:
        raise SettingsError(
            "CONTRACT_MOCK_FAULT injects a fault into the embedded mock, but CONTRACT_BASE_URL runs against a live "
            "gateway: unset one of them"
        )
    if env.get("CONTRACT_MOCK_MARSHAL", "").strip():
        raise SettingsError(
            "CONTRACT_MOCK_MARSHAL picks the embedded mock's marshaling, but CONTRACT_BASE_URL runs against a live "
            "gateway: unset one of them"
        )
    _check_base_url(base_url)
    base_url = base_url.rstrip("/")
    missing = [name for name in LIVE_SETTINGS if not env.get(name, "").strip()]
    if missing:
        raise SettingsError(
            f"CONTRACT_BASE_URL is set, so the suite runs live and also needs {', '.join(missing)}, for example "
            "CONTRACT_BASE_URL=https://api.fireworks.ai FIREWORKS_API_KEY=... FIREWORKS_ACCOUNT_ID=acme "
            "CONTRACT_JOB_IDS=abc123,def456 make contract"
        )
    job_ids = tuple(dict.fromkeys(j.strip() for j in env["CONTRACT_JOB_IDS"].split(",") if j.strip()))
    if not job_ids:
        raise SettingsError("CONTRACT_JOB_IDS must name at least one existing job id (comma-separated)")
    for job_id in job_ids:
        _resource_id("CONTRACT_JOB_IDS", job_id)
    return Settings(
        base_url,
        _key(env, "FIREWORKS_API_KEY"),
        _resource_id("FIREWORKS_ACCOUNT_ID", env["FIREWORKS_ACCOUNT_ID"].strip()),
        job_ids,
        seed,
        min(examples, MAX_LIVE_EXAMPLES),
        None,
        report_dir,
        marshal,
        **limits,
        **lifecycle,
    )


def report_dir_from_env(env: Mapping[str, str] | None = None) -> Path:
    """Where the reports go: CONTRACT_REPORT_DIR (relative to the working directory) or the suite's reports/."""
    env = os.environ if env is None else env
    raw = env.get("CONTRACT_REPORT_DIR", "").strip()
    return Path(raw).resolve() if raw else DEFAULT_REPORT_DIR
