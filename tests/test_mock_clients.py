"""Real clients accept the mock: the official fireworks-ai SDK (1.2.30) and the generated fireworks_gateway client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job
from fireworks_gateway.errors import UnexpectedStatus
from fireworks_gateway.models import SupervisedFineTuningJob

from gateway_mock.fixtures import build_fixtures
from gateway_mock.server import RunningMock, serving_in_thread
from spec_tools.spec import load_spec
from tests.client_spec_bodies import MESSAGE_FIELDS, MONEY_FIELDS, attribute_of, model_class
from tests.helpers import job_name, sdk_module

if TYPE_CHECKING:
    import fireworks

SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
# A mask of the name and the spec's required fields (`name,dataset` today).
NAME_AND_REQUIRED = ",".join(dict.fromkeys(["name", *SPEC.job_schema().get("required", ())]))


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread() as running:
        yield running


def sdk(mock: RunningMock, *, api_key: str | None = None, max_retries: int = 0) -> fireworks.Fireworks:
    client: fireworks.Fireworks = sdk_module().Fireworks(
        api_key=api_key or mock.api_key, base_url=mock.base_url, account_id=mock.account, max_retries=max_retries
    )
    return client


def test_the_sdk_is_the_pinned_version() -> None:
    """These tests speak for fireworks-ai 1.2.30, the pin in pyproject's dev extra."""
    assert sdk_module().__version__ == "1.2.30"


@pytest.mark.parametrize("job_id", ["sft-running", "sft-completed", "sft-creating-input-dataset", "sft-minimal"])
def test_the_sdk_reads_fixture_jobs(mock: RunningMock, job_id: str) -> None:
    """`client.supervised_fine_tuning_jobs.get(id)` parses each job with the SDK's own models."""
    with sdk(mock) as client:
        job = client.supervised_fine_tuning_jobs.get(job_id)
    fixture = FIXTURES[job_id]
    # emit-unpopulated (the default) writes an unset state as its zero value, the enum's first name
    state = fixture.get("state", SPEC.resolve(SPEC.job_schema()["properties"]["state"])["enum"][0])
    assert (job.name, job.dataset, job.state) == (fixture["name"], fixture["dataset"], state)
    # Every Money-shaped field (found by shape) the job has and the SDK's model knows parses to the same amount.
    for money in (m for m in MONEY_FIELDS if fixture.get(m) and hasattr(job, attribute_of(m))):
        amount = getattr(job, attribute_of(money))
        assert amount is not None
        assert (amount.units, amount.nanos) == (fixture[money]["units"], fixture[money]["nanos"])


def test_the_sdk_passes_read_mask_through(mock: RunningMock) -> None:
    """The SDK's `read_mask=` reaches the mock as readMask: only the named fields keep their values (the others
    are zero values under emit-unpopulated: the first state name, a null message), and the SDK parses that."""
    with sdk(mock) as client:
        job = client.supervised_fine_tuning_jobs.get("sft-running", read_mask=NAME_AND_REQUIRED)
    zero_state = SPEC.resolve(SPEC.job_schema()["properties"]["state"])["enum"][0]
    assert (job.name, job.state) == (FIXTURES["sft-running"]["name"], zero_state)
    # The running job's set messages (jobProgress, estimatedCost, ...) are masked out: null, parsed as None.
    masked = [name for name in MESSAGE_FIELDS if isinstance(FIXTURES["sft-running"].get(name), dict)]
    known = [name for name in masked if hasattr(job, attribute_of(name))]
    assert known, masked
    assert all(getattr(job, attribute_of(name)) is None for name in known), known


def test_the_sdk_raises_not_found_for_an_unknown_job(mock: RunningMock) -> None:
    """A 404 Status maps to the SDK's NotFoundError carrying the body."""
    with sdk(mock) as client, pytest.raises(sdk_module().NotFoundError) as raised:
        client.supervised_fine_tuning_jobs.get("no-such-job")
    assert raised.value.status_code == 404
    assert isinstance(raised.value.body, dict) and raised.value.body["code"] == 5


def test_the_sdk_raises_authentication_error_for_a_wrong_key(mock: RunningMock) -> None:
    """A 401 Status maps to the SDK's AuthenticationError."""
    with sdk(mock, api_key="wrong-key") as client, pytest.raises(sdk_module().AuthenticationError):
        client.supervised_fine_tuning_jobs.get("sft-running")


def test_the_sdk_retries_a_flaky_429_and_recovers(mock: RunningMock, monkeypatch: pytest.MonkeyPatch) -> None:
    """With retries on, the SDK honours the mock's Retry-After (1 s) on the flaky 429 scenario and then reads the
    job. The SDK's sleep is recorded, not slept: the wait it chose is asserted exactly, without a wall clock."""
    waits: list[float] = []
    # Only the SDK's own module sees the recording clock; the process's time.sleep is left alone.
    monkeypatch.setattr(sdk_module()._base_client, "time", SimpleNamespace(sleep=waits.append, time=time.time))
    with sdk(mock, max_retries=2) as client:
        job = client.supervised_fine_tuning_jobs.get("scenario-flaky-429-1-sdk-retry")
    assert job.name == job_name("mock-account", "scenario-flaky-429-1-sdk-retry")
    assert waits == [1.0]  # Retry-After: 1, once


def test_the_sdk_surfaces_the_non_json_502(mock: RunningMock) -> None:
    """The HTML 502 scenario is an InternalServerError-class APIStatusError, not a JSON decoding crash."""
    with sdk(mock) as client, pytest.raises(sdk_module().APIStatusError) as raised:
        client.supervised_fine_tuning_jobs.get("scenario-bad-gateway")
    assert raised.value.status_code == 502


@pytest.mark.parametrize("job_id", list(FIXTURES))
def test_the_generated_client_reads_every_fixture_job(mock: RunningMock, job_id: str) -> None:
    """The generated client parses each fixture job into its typed model and back to the same JSON."""
    client = AuthenticatedClient(base_url=mock.base_url, token=mock.api_key, raise_on_unexpected_status=True)
    with client:
        job = gateway_get_supervised_fine_tuning_job.sync(mock.account, job_id, client=client)
    assert isinstance(job, SupervisedFineTuningJob)
    assert job.name == FIXTURES[job_id]["name"]
    for money in (m for m in MONEY_FIELDS if FIXTURES[job_id].get(m)):
        amount = getattr(job, attribute_of(money))
        assert isinstance(amount, model_class(str(SPEC.schema_name(SPEC.job_schema()["properties"][money]))))
        assert amount.units == FIXTURES[job_id][money]["units"]


def test_the_generated_client_sends_read_mask_and_sees_a_401(mock: RunningMock) -> None:
    """readMask (keeping the required `dataset`) narrows the generated client's result; a wrong token is a 401."""
    with AuthenticatedClient(base_url=mock.base_url, token=mock.api_key) as client:
        masked = gateway_get_supervised_fine_tuning_job.sync_detailed(
            mock.account, "sft-running", client=client, read_mask=NAME_AND_REQUIRED
        )
    assert masked.status_code == 200 and masked.parsed is not None
    assert masked.parsed.to_dict() == {key: FIXTURES["sft-running"][key] for key in NAME_AND_REQUIRED.split(",")}
    with AuthenticatedClient(base_url=mock.base_url, token="wrong") as client:
        try:
            response = gateway_get_supervised_fine_tuning_job.sync_detailed(mock.account, "sft-running", client=client)
            denied = int(response.status_code)
        except UnexpectedStatus as error:  # the client may raise its typed errors (subclasses) instead
            denied = error.status_code
    assert denied == 401
