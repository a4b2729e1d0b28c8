"""The whole lifecycle against the stateful mock gateway (a real server on loopback), with both twins: create, get,
list (the new job is there), cancel, wait (cancelled), delete, get (404 or a deletion state).

The mock's clock stands still until the job is cancelled, so nothing moves the job on behind the test's back; then
it runs fast enough that the cancel ends within milliseconds, and `wait` really polls until it has.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.errors import NotFoundError

from gateway_mock.lifecycle import CANCELLED, FIRST_STATE
from gateway_mock.server import RunningMock, serving_in_thread
from gateway_protocol.job_states import DELETION_STATES
from spec_tools.spec import load_spec
from tests.client_spec_bodies import model_class

SPEC = load_spec()
Job: Any = model_class(SPEC.job_schema_name())
WAIT = {"timeout": 30.0, "poll_interval": 0.01}  # a bound, never reached: the cancel ends in CANCELLING_S / SPEED
SPEED = 200.0  # the mock's clock speed once the job is cancelled


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread(clock="manual") as running:
        yield running


@pytest.fixture
def stopped(mock: RunningMock) -> RunningMock:
    """The mock with its clock stopped: a new job stays in its first state until the test lets time run."""
    mock.clock.manual()
    return mock


def _client(mock: RunningMock) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=mock.base_url, token=mock.api_key, account_id=mock.account)


def _job(mock: RunningMock, name: str) -> Any:
    return Job(dataset=f"accounts/{mock.account}/datasets/lifecycle", display_name=name)


def test_lifecycle_sync(stopped: RunningMock) -> None:
    """client.jobs from create to delete."""
    with _client(stopped) as client:
        job = client.jobs.create(_job(stopped, "lifecycle-sync"))
        assert isinstance(job, Job) and job.state == FIRST_STATE
        job_id = job.name.rsplit("/", 1)[1]
        assert client.jobs.get(job_id).name == job.name
        assert job.name in {listed.name for listed in client.jobs.list(page_size=200)}
        assert client.jobs.cancel(job_id) is None
        stopped.clock.realtime(SPEED)
        states: list[str] = []
        final = client.jobs.wait(job_id, on_progress=lambda seen: states.append(seen.state), **WAIT)
        assert final.state == CANCELLED and states[-1] == CANCELLED and len(states) == len(set(states))
        assert client.jobs.delete(job_id) is None
        with contextlib.suppress(NotFoundError):
            assert client.jobs.get(job_id).state in DELETION_STATES


def test_lifecycle_async(stopped: RunningMock) -> None:
    """client.async_jobs, the same walk."""

    async def walk() -> None:
        async with _client(stopped) as client:
            job = await client.async_jobs.create(_job(stopped, "lifecycle-async"))
            assert isinstance(job, Job) and job.state == FIRST_STATE
            job_id = job.name.rsplit("/", 1)[1]
            assert (await client.async_jobs.get(job_id)).name == job.name
            assert job.name in {listed.name async for listed in client.async_jobs.list(page_size=200)}
            assert await client.async_jobs.cancel(job_id) is None
            stopped.clock.realtime(SPEED)
            states: list[str] = []
            final = await client.async_jobs.wait(job_id, on_progress=lambda seen: states.append(seen.state), **WAIT)
            assert final.state == CANCELLED and states[-1] == CANCELLED
            assert await client.async_jobs.delete(job_id) is None
            with contextlib.suppress(NotFoundError):
                assert (await client.async_jobs.get(job_id)).state in DELETION_STATES

    asyncio.run(walk())
