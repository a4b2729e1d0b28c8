"""The client retries the idempotent GET on 429/502/503/504, connection errors and timeouts, and nothing else."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import APIStatusError, RateLimitedError, ServerError, TransportFailure

from tests.helpers import job_name, job_path

JOB = {"name": job_name("acme", "j1"), "dataset": "accounts/acme/datasets/d"}
Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler that plays canned outcomes in order and counts requests."""

    def __init__(self, *outcomes: httpx.Response | Exception) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def ok() -> httpx.Response:
    return httpx.Response(200, json=JOB)


def status(code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(code, json={"code": 14, "message": "try later", "details": []}, headers=headers)


def client_for(handler: Handler, sleeps: list[float], **kwargs: object) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://gateway.test",
        token="fw-test-token",
        httpx_args={"transport": httpx.MockTransport(handler)},
        sleep=sleeps.append,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("code", [429, 502, 503, 504])
def test_retryable_status_is_retried_until_success(code: int) -> None:
    """A 429/502/503/504 followed by a 200 gives the job, after one sleep and two requests."""
    script, sleeps = Script(status(code), ok()), list[float]()
    job = get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert job.dataset == JOB["dataset"]
    assert len(script.requests) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422, 500, 501])
def test_other_statuses_are_not_retried(code: int) -> None:
    """Other 4xx (and 500/501) are answered once: no second request, no sleep, a typed error."""
    script, sleeps = Script(status(code), ok()), list[float]()
    with pytest.raises(APIStatusError) as caught:
        get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert caught.value.status_code == code
    assert len(script.requests) == 1
    assert sleeps == []


def test_default_is_two_retries_then_the_error() -> None:
    """With default settings a persistent 503 is tried three times, then raises ServerError carrying the 503."""
    script, sleeps = Script(status(503)), list[float]()
    client = client_for(script, sleeps)
    assert client.max_retries == 2
    with pytest.raises(ServerError) as caught:
        get_job.sync("acme", "j1", client=client)
    assert caught.value.status_code == 503
    assert len(script.requests) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_max_retries_is_configurable(max_retries: int) -> None:
    """max_retries=N means exactly N+1 attempts for a persistent 502."""
    script, sleeps = Script(status(502)), list[float]()
    with pytest.raises(ServerError):
        get_job.sync("acme", "j1", client=client_for(script, sleeps, max_retries=max_retries))
    assert len(script.requests) == max_retries + 1
    assert len(sleeps) == max_retries


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("server disconnected without sending a response"),
        httpx.ReadError("connection reset by peer"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_connection_errors_and_timeouts_are_retried(error: Exception) -> None:
    """A transport failure before any response is retried, and a later success is returned."""
    script, sleeps = Script(error, ok()), list[float]()
    job = get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert len(script.requests) == 2 and job.dataset


def test_persistent_connection_error_is_reraised_after_retries() -> None:
    """When every attempt fails to connect, TransportFailure (cause: the last httpx error) after 1 + max_retries."""
    script, sleeps = Script(httpx.ConnectError("connection refused")), list[float]()
    with pytest.raises(TransportFailure) as caught:
        get_job.sync("acme", "j1", client=client_for(script, sleeps, max_retries=3))
    assert isinstance(caught.value.__cause__, httpx.ConnectError) and "4 attempts" in str(caught.value)
    assert len(script.requests) == 4


def test_retry_after_seconds_is_honoured() -> None:
    """Retry-After: 7 makes the client wait exactly 7 s (not its own backoff)."""
    script, sleeps = Script(status(429, {"Retry-After": "7"}), ok()), list[float]()
    get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert sleeps == [7.0]


def test_retry_after_http_date_is_honoured() -> None:
    """Retry-After as an HTTP date 30 s ahead makes the client wait about 30 s."""
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    script, sleeps = Script(status(503, {"Retry-After": when}), ok()), list[float]()
    get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert len(sleeps) == 1 and 27.0 <= sleeps[0] <= 30.0


def test_retry_after_is_capped() -> None:
    """A Retry-After beyond retry_after_max is shortened to the cap."""
    script, sleeps = Script(status(429, {"Retry-After": "3600"}), ok()), list[float]()
    get_job.sync("acme", "j1", client=client_for(script, sleeps, retry_after_max=12.5))
    assert sleeps == [12.5]


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    """A garbage Retry-After is ignored: the wait is the first backoff step (0.25-0.5 s by default)."""
    script, sleeps = Script(status(429, {"Retry-After": "soon"}), ok()), list[float]()
    get_job.sync("acme", "j1", client=client_for(script, sleeps))
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    """Without Retry-After, waits double per retry within 50-100 % of nominal, never above retry_backoff_max."""
    script, sleeps = Script(status(503)), list[float]()
    client = client_for(script, sleeps, max_retries=6, retry_backoff=1.0, retry_backoff_max=8.0)
    with pytest.raises(ServerError):
        get_job.sync("acme", "j1", client=client)
    nominal = [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert len(sleeps) == len(nominal)
    for waited, step in zip(sleeps, nominal, strict=True):
        assert step / 2 <= waited <= step
    jittered = []
    for _ in range(20):
        more: list[float] = []
        with pytest.raises(ServerError):
            get_job.sync("acme", "j1", client=client_for(Script(status(503)), more, max_retries=1))
        jittered.append(more[0])
    assert len(set(jittered)) > 1, "every first wait was identical: no jitter"


def test_rate_limited_error_carries_retry_after_when_retries_run_out() -> None:
    """After the last retry the 429 surfaces as RateLimitedError with the server's Retry-After in seconds."""
    script, sleeps = Script(status(429, {"Retry-After": "2"})), list[float]()
    with pytest.raises(RateLimitedError) as caught:
        get_job.sync("acme", "j1", client=client_for(script, sleeps, max_retries=1))
    assert caught.value.retry_after == 2.0
    assert sleeps == [2.0]


def test_non_idempotent_requests_are_not_retried() -> None:
    """The transport retries only idempotent methods: a POST that gets 503 is sent once."""
    script, sleeps = Script(status(503), ok()), list[float]()
    response = client_for(script, sleeps).get_httpx_client().request("POST", "/v1/anything")
    assert response.status_code == 503
    assert len(script.requests) == 1 and sleeps == []


def test_each_retry_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Each retry is logged (method, path, reason, delay) by the package logger."""
    script, sleeps = Script(status(503), ok()), list[float]()
    with caplog.at_level("INFO", logger="fireworks_gateway"):
        get_job.sync("acme", "j1", client=client_for(script, sleeps))
    retries = [record.getMessage() for record in caplog.records if record.name == "fireworks_gateway"]
    assert len(retries) == 1
    assert f"GET https://gateway.test{job_path('acme', 'j1')}" in retries[0]
    assert "status 503" in retries[0]


def test_async_retries_use_async_sleep() -> None:
    """asyncio() retries 429 then 503 with the injected async sleep (honouring Retry-After) and returns the job."""
    script = Script(status(429, {"Retry-After": "3"}), status(503, {"Retry-After": "1"}), ok())
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    def forbidden(delay: float) -> None:
        raise AssertionError("the async path must not call the blocking sleep")

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="fw-test-token",
        httpx_args={"transport": httpx.MockTransport(script)},
        sleep=forbidden,
        async_sleep=record,
    )

    async def main() -> None:
        async with client:
            job = await get_job.asyncio("acme", "j1", client=client)
            assert job.dataset == JOB["dataset"]

    asyncio.run(main())
    assert waits == [3.0, 1.0]
    assert len(script.requests) == 3


def test_async_gives_up_after_max_retries() -> None:
    """asyncio_detailed raises ServerError after 1 + max_retries attempts, like the sync path."""
    script = Script(httpx.ReadTimeout("slow"), status(504))
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="fw-test-token",
        httpx_args={"transport": httpx.MockTransport(script)},
        async_sleep=record,
        max_retries=2,
    )
    with pytest.raises(ServerError) as caught:
        asyncio.run(get_job.asyncio_detailed("acme", "j1", client=client))
    assert caught.value.status_code == 504
    assert len(script.requests) == 3 and len(waits) == 2
