"""The hardened client against the mock gateway's misbehaviour scenarios and fault modes (a real server on loopback)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import (
    GatewayTimeoutError,
    MissingFieldError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthenticatedError,
    WaitTimeoutError,
)
from fireworks_gateway.models import Code, JobState

from gateway_mock.faults import UNKNOWN_JOB_STATE
from gateway_mock.fixtures import build_fixtures
from gateway_mock.server import RunningMock, serving_in_thread
from gateway_protocol.job_states import TERMINAL_STATES
from spec_tools.spec import load_spec
from tests.client_spec_bodies import MONEY_FIELDS, MONEY_SCHEMAS, attribute_of, model_class

# The spec's running state: the state of a job that trains (its name says so; LIFECYCLE.md walks jobs through it).
RUNNING_STATE = next(state for state in JobState if state.value.endswith("_RUNNING")).value


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    """The mock gateway without faults, shared by this module's scenario tests."""
    with serving_in_thread() as running:
        yield running


def client(mock: RunningMock, waits: list[float], **kwargs: object) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=mock.base_url,
        token=mock.api_key,
        sleep=waits.append,
        **kwargs,  # type: ignore[arg-type]
    )


def fresh(prefix: str) -> str:
    """A flaky scenario id with its own server-side counter."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize("status", ["503", "502", "429"])
def test_flaky_job_succeeds_within_the_default_retries(mock: RunningMock, status: str) -> None:
    """Two failures then a 200: the default client (2 retries) returns the job after two waits."""
    job_id, waits = fresh(f"scenario-flaky-{status}-2"), list[float]()
    with client(mock, waits) as api:
        job = get_job.sync(mock.account, job_id, client=api)
    assert isinstance(job.name, str) and job.name.endswith(job_id)
    assert len(waits) == 2


def test_rate_limit_waits_the_servers_retry_after(mock: RunningMock) -> None:
    """The mock's 429 carries Retry-After: 1; the client waits exactly 1 s before the retry that succeeds."""
    job_id, waits = fresh("scenario-flaky-429-1"), list[float]()
    with client(mock, waits) as api:
        assert get_job.sync(mock.account, job_id, client=api) is not None
    assert waits == [1.0]


def test_one_failure_too_many_surfaces_the_error(mock: RunningMock) -> None:
    """Three 503s exhaust 2 retries: ServerError 503 with google.rpc code UNAVAILABLE (14)."""
    job_id, waits = fresh("scenario-flaky-503-3"), list[float]()
    with client(mock, waits) as api, pytest.raises(ServerError) as caught:
        get_job.sync(mock.account, job_id, client=api)
    assert caught.value.status_code == 503
    assert caught.value.code is Code.UNAVAILABLE and caught.value.code_number == 14
    assert len(waits) == 2


def test_persistent_rate_limit_is_a_rate_limited_error(mock: RunningMock) -> None:
    """scenario-rate-limited keeps answering 429: RateLimitedError with RESOURCE_EXHAUSTED and retry_after 1 s."""
    waits: list[float] = []
    with client(mock, waits, max_retries=1) as api, pytest.raises(RateLimitedError) as caught:
        get_job.sync(mock.account, "scenario-rate-limited", client=api)
    assert caught.value.code is Code.RESOURCE_EXHAUSTED and caught.value.retry_after == 1.0
    assert waits == [1.0]


def test_html_bad_gateway_keeps_the_raw_text(mock: RunningMock) -> None:
    """The proxy-style HTML 502 becomes a ServerError with the HTML as body and no parsed status."""
    waits: list[float] = []
    with client(mock, waits, max_retries=0) as api, pytest.raises(ServerError) as caught:
        get_job.sync(mock.account, "scenario-bad-gateway", client=api)
    assert caught.value.status_code == 502 and caught.value.status is None
    assert "502 Bad Gateway" in caught.value.body


def test_slow_answer_times_out(mock: RunningMock) -> None:
    """scenario-slow (2 s) against a 0.3 s timeout raises GatewayTimeoutError (cause: httpx's) after the retries."""
    waits: list[float] = []
    slow = client(mock, waits, timeout=0.3, max_retries=1, httpx_args={"params": {"delayMs": "2000"}})
    with slow as api, pytest.raises(GatewayTimeoutError) as caught:
        get_job.sync(mock.account, "scenario-slow", client=api)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert len(waits) == 1


def test_wrong_key_and_unknown_job_are_typed(mock: RunningMock) -> None:
    """A wrong key is UnauthenticatedError (key not in its text); an unknown job is NotFoundError; neither retried."""
    waits: list[float] = []
    wrong = AuthenticatedClient(base_url=mock.base_url, token="wrong-key-123456", sleep=waits.append)
    with wrong, pytest.raises(UnauthenticatedError) as denied:
        get_job.sync(mock.account, "sft-running", client=wrong)
    assert "wrong-key-123456" not in str(denied.value) and "wrong-key-123456" not in denied.value.body
    with client(mock, waits) as api, pytest.raises(NotFoundError) as missing:
        get_job.sync(mock.account, "sft-does-not-exist", client=api)
    assert missing.value.code is Code.NOT_FOUND
    assert waits == []


@pytest.fixture(scope="module")
def faulty() -> Iterator[dict[str, RunningMock]]:
    """One mock per fault mode the client must survive or report."""
    with contextlib.ExitStack() as stack:
        # A Money fault needs a Money field in the vendored spec; without one its test is skipped.
        faults = ["dataset-missing", "unknown-enum", *(["money-sign-mismatch"] if MONEY_FIELDS else [])]
        yield {fault: stack.enter_context(serving_in_thread(fault=fault)) for fault in faults}


def test_fault_dataset_missing_is_a_contract_error(faulty: dict[str, RunningMock]) -> None:
    """--fault dataset-missing: MissingFieldError naming `dataset`, with the raw body attached."""
    mock = faulty["dataset-missing"]
    with client(mock, []) as api, pytest.raises(MissingFieldError) as caught:
        get_job.sync(mock.account, "sft-running", client=api)
    assert caught.value.field == "dataset"
    assert caught.value.body is not None and '"name"' in caught.value.body and '"dataset"' not in caught.value.body


def test_fault_unknown_enum_is_kept(faulty: dict[str, RunningMock]) -> None:
    """--fault unknown-enum: the job parses with an unknown JobState that round-trips."""
    mock = faulty["unknown-enum"]
    with client(mock, []) as api:
        job = get_job.sync(mock.account, "sft-running", client=api)
    assert isinstance(job.state, JobState)
    assert job.state.is_unknown and job.to_dict()["state"] == UNKNOWN_JOB_STATE


@pytest.mark.skipif(not MONEY_FIELDS, reason="the vendored spec's job has no google.type.Money-typed field")
def test_fault_money_sign_mismatch_is_reported_not_fatal(faulty: dict[str, RunningMock]) -> None:
    """--fault money-sign-mismatch: the job still parses into Money models; violations names the sign rule."""
    mock = faulty["money-sign-mismatch"]
    with client(mock, []) as api:
        job = get_job.sync(mock.account, "sft-running", client=api)
    amounts = [getattr(job, attribute_of(name)) for name in MONEY_FIELDS]
    money_classes = tuple(model_class(key) for key in MONEY_SCHEMAS)
    assert amounts and all(isinstance(amount, money_classes) for amount in amounts)
    assert any("the sign of units" in problem for amount in amounts for problem in amount.violations())


def test_wait_on_a_terminal_fixture_returns_it_at_once(mock: RunningMock) -> None:
    """client.jobs.wait on a job already in a terminal state: one read, one progress call, no pause."""
    terminal = next(
        job_id for job_id in mock.job_ids if f"JOB_STATE_{job_id[4:].upper().replace('-', '_')}" in TERMINAL_STATES
    )
    waits: list[float] = []
    seen: list[object] = []
    with client(mock, waits, account_id=mock.account) as api:
        job = api.jobs.wait(terminal, on_progress=seen.append)
    assert job.state in TERMINAL_STATES and len(seen) == 1 and waits == []


def test_wait_times_out_on_a_job_that_does_not_end(mock: RunningMock) -> None:
    """A running fixture on a clock that only the injected sleep moves: WaitTimeoutError once the timeout has
    passed, with the job's last state in the message."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    fixtures = build_fixtures(load_spec())
    running = next(job_id for job_id in mock.job_ids if fixtures.get(job_id, {}).get("state") == RUNNING_STATE)
    api = AuthenticatedClient(
        base_url=mock.base_url, token=mock.api_key, account_id=mock.account, sleep=sleep, clock=lambda: now[0]
    )
    with api, pytest.raises(WaitTimeoutError) as caught:
        api.jobs.wait(running, timeout=30.0, poll_interval=5.0)
    assert now[0] == pytest.approx(30.0) and caught.value.last is not None
    assert str(caught.value.last.state) in str(caught.value)
