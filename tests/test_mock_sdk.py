"""The official SDK (fireworks-ai 1.2.30) against the mock: create, list (its auto-pager over 3+ pages), get,
cancel, resume and delete, in loose and strict (`_strict_response_validation=True`) modes, in both marshal
profiles. Where the SDK lags its own spec, the failure is named and pinned, so a new SDK that catches up shows:

- `JOB_STATE_DELETED` (in 4.259.0) is missing from the SDK's state enum: in strict mode, reading a deleted job
  raises APIResponseValidationError; loose mode returns the state as a plain string.
- The SDK still sends `region` (4.259.0 dropped it): the mock, like grpc-gateway, discards it and creates the job.
- Its `cancel` and `resume` take a required `body=` (`{}`), as its own generated tests pass it.

The SDK's own tests of these methods (fw-ai-external/python-sdk, tests/api_resources/
test_supervised_fine_tuning_jobs.py) all carry `@pytest.mark.skip(reason="Mock server tests are disabled")`, and
would run against Prism's stateless examples: this is the stateful run they do not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway_mock.server import RunningMock, serving_in_thread
from tests.helpers import sdk_module

pytestmark = pytest.mark.slow
DATASET = "accounts/mock-account/datasets/sdk"


@pytest.fixture(scope="module", params=["emit-unpopulated", "omit-unpopulated"])
def mock(request: pytest.FixtureRequest) -> Iterator[RunningMock]:
    with serving_in_thread(marshal=request.param, clock="manual") as served:
        yield served


@pytest.fixture(params=[False, True], ids=["loose", "strict"])
def sdk(request: pytest.FixtureRequest, mock: RunningMock) -> Any:
    mock.clock.reset()
    return sdk_module().Fireworks(
        api_key=mock.api_key,
        base_url=mock.base_url,
        account_id=mock.account,
        max_retries=0,
        _strict_response_validation=request.param,
    )


def test_the_sdk_runs_the_whole_lifecycle(sdk: Any, mock: RunningMock) -> None:
    jobs = sdk.supervised_fine_tuning_jobs
    created = jobs.create(dataset=DATASET, supervised_fine_tuning_job_id="sdk-job", display_name="sdk", epochs=2)
    assert created.name.endswith("/sdk-job") and created.state == "JOB_STATE_CREATING"
    assert created.display_name == "sdk" and created.epochs == 2
    # The SDK lags 4.259.0: it still offers `region`, which the mock discards as the gateway does.
    legacy = jobs.create(dataset=DATASET, supervised_fine_tuning_job_id="sdk-region", region="US_IOWA_1")
    assert legacy.name.endswith("/sdk-region")

    first = jobs.list(page_size=7)
    pages = list(first.iter_pages())
    names = [job.name for job in jobs.list(page_size=7)]  # the auto-pager
    assert len(pages) >= 3
    assert len(names) == len(set(names)) == sum(len(page.supervised_fine_tuning_jobs) for page in pages)
    assert created.name in names and legacy.name in names

    got = jobs.get("sdk-job")
    assert got.name == created.name and got.dataset == DATASET

    assert jobs.cancel("sdk-job", body={}) == {}
    mock.clock.run_all()
    assert jobs.get("sdk-job").state == "JOB_STATE_CANCELLED"
    resumed = jobs.resume("sdk-job", body={})
    assert resumed.state == "JOB_STATE_PENDING"
    mock.clock.run_all()
    assert jobs.get("sdk-job").state == "JOB_STATE_COMPLETED"

    assert jobs.delete("sdk-job") == {}
    assert jobs.get("sdk-job").state == "JOB_STATE_DELETING"


def test_a_deleted_job_breaks_only_the_strict_sdk(sdk: Any, mock: RunningMock) -> None:
    """The SDK's state enum lacks JOB_STATE_DELETED (4.259.0 has it): strict mode refuses the read, loose mode
    passes the string through."""
    jobs = sdk.supervised_fine_tuning_jobs
    jobs.create(dataset=DATASET, supervised_fine_tuning_job_id="sdk-gone")
    jobs.delete("sdk-gone")
    mock.clock.advance(1.5)
    if sdk._strict_response_validation:
        with pytest.raises(sdk_module().APIResponseValidationError) as raised:
            jobs.get("sdk-gone")
        assert "JOB_STATE_DELETED" in str(raised.value.__cause__ or raised.value)
    else:
        assert jobs.get("sdk-gone").state == "JOB_STATE_DELETED"


def test_errors_reach_the_sdk_as_its_typed_errors(sdk: Any) -> None:
    jobs = sdk.supervised_fine_tuning_jobs
    with pytest.raises(sdk_module().NotFoundError):
        jobs.get("no-such-job")
    jobs.create(dataset=DATASET, supervised_fine_tuning_job_id="sdk-twice")
    with pytest.raises(sdk_module().ConflictError):
        jobs.create(dataset=DATASET, supervised_fine_tuning_job_id="sdk-twice")
    with pytest.raises(sdk_module().BadRequestError):
        jobs.cancel("sft-completed", body={})
