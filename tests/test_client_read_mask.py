"""readMask: a required field the mask leaves out parses as UNSET; one the mask covers must still be sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import MissingFieldError
from fireworks_gateway.models import JobState, SupervisedFineTuningJob
from fireworks_gateway.types import UNSET, Unset

from gateway_mock.server import RunningMock, running_mock

# What a correct gateway sends for readMask=name,state: no `dataset`, although the spec requires it.
NAME_AND_STATE = {"name": "accounts/acme/supervisedFineTuningJobs/j1", "state": "JOB_STATE_RUNNING"}

# Masks that ask for every field: the server sends `dataset`, so its absence is a contract violation.
ALL_FIELDS_MASKS = ["*", "", " , ", "name,*"]


def answering(body: dict[str, object], seen: list[httpx.Request] | None = None) -> AuthenticatedClient:
    """A client whose transport answers every request with `body` (and records the requests in `seen`)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, json=body)

    return AuthenticatedClient(
        base_url="https://gateway.test", token="t", httpx_args={"transport": httpx.MockTransport(handler)}
    )


# --- against httpx.MockTransport --------------------------------------------------------------------


def test_masked_read_without_dataset_parses_with_dataset_unset() -> None:
    """readMask=name,state and a body without `dataset`: the job parses, `dataset` is UNSET, the rest is typed."""
    seen: list[httpx.Request] = []
    job = get_job.sync("acme", "j1", client=answering(NAME_AND_STATE, seen), read_mask="name,state")
    assert job is not None
    assert job.dataset is UNSET
    assert (job.name, job.state) == (NAME_AND_STATE["name"], JobState.JOB_STATE_RUNNING)
    assert seen[0].url.params["readMask"] == "name,state"


def test_masked_read_works_for_detailed_and_async_calls() -> None:
    """sync_detailed and asyncio take the same mask into account as sync (all three share the parser)."""
    detailed = get_job.sync_detailed("acme", "j1", client=answering(NAME_AND_STATE), read_mask="name,state")
    assert detailed.parsed is not None and detailed.parsed.dataset is UNSET
    job = asyncio.run(get_job.asyncio("acme", "j1", client=answering(NAME_AND_STATE), read_mask="state"))
    assert job is not None and job.dataset is UNSET


def test_masked_job_round_trips_without_the_unset_sentinel() -> None:
    """to_dict of a masked job leaves `dataset` out, as the server did, so the dict is the body and JSON-ready."""
    job = get_job.sync("acme", "j1", client=answering(NAME_AND_STATE), read_mask="name,state")
    assert job is not None
    assert job.to_dict() == NAME_AND_STATE
    assert json.loads(json.dumps(job.to_dict())) == NAME_AND_STATE


@pytest.mark.parametrize("mask", ["dataset", "name,dataset", " name , dataset ", "state,dataset,jobProgress.percent"])
def test_mask_covering_dataset_still_requires_it(mask: str) -> None:
    """When the mask names `dataset`, a body without it is a contract violation: MissingFieldError, as unmasked."""
    with pytest.raises(MissingFieldError) as caught:
        get_job.sync("acme", "j1", client=answering(NAME_AND_STATE), read_mask=mask)
    assert (caught.value.field, caught.value.model) == ("dataset", "SupervisedFineTuningJob")
    assert caught.value.status_code == 200


@pytest.mark.parametrize("mask", ALL_FIELDS_MASKS, ids=["star", "empty", "blank-paths", "star-among-paths"])
def test_all_fields_masks_behave_like_no_mask(mask: str) -> None:
    """`*`, empty and blank masks ask for every field: a body without `dataset` raises; one with it parses."""
    with pytest.raises(MissingFieldError, match="dataset"):
        get_job.sync("acme", "j1", client=answering(NAME_AND_STATE), read_mask=mask)
    job = get_job.sync("acme", "j1", client=answering({**NAME_AND_STATE, "dataset": "d"}), read_mask=mask)
    assert job is not None and job.dataset == "d"


@pytest.mark.parametrize("mask", ["display_name,job_progress", "job_progress.percent", "jobProgress.percent"])
def test_snake_case_and_nested_masks_leave_dataset_unset(mask: str) -> None:
    """snake_case and one-level nested paths are masks like any other: `dataset` outside them is UNSET."""
    body = {"displayName": "ft", "jobProgress": {"percent": 40}}
    job = get_job.sync("acme", "j1", client=answering(body), read_mask=mask)
    assert job is not None and job.dataset is UNSET
    assert not isinstance(job.job_progress, Unset) and job.job_progress.percent == 40


def test_snake_case_paths_are_matched_to_camel_case_json_names() -> None:
    """A snake_case path covers the field of the camelCase JSON name (the spec's one required field, `dataset`,
    has no underscore, so this shows the normalisation on a required name that does)."""
    outside = get_job._outside_read_mask
    required = ("dataset", "jobProgress", "awsS3Config")
    assert outside("job_progress,aws_s3_config", required) == ("dataset",)
    assert outside("job_progress.percent", required) == ("dataset", "awsS3Config")
    assert outside("jobProgress,awsS3Config,dataset", required) == ()
    assert outside("name", required) == required


def test_from_dict_absent_ok_relaxes_only_absence() -> None:
    """absent_ok lets a listed required field be missing (UNSET); present, it is parsed; unlisted, it still raises."""
    assert SupervisedFineTuningJob.from_dict(NAME_AND_STATE, absent_ok=("dataset",)).dataset is UNSET
    assert SupervisedFineTuningJob.from_dict({"dataset": "d"}, absent_ok=("dataset",)).dataset == "d"
    with pytest.raises(MissingFieldError):
        SupervisedFineTuningJob.from_dict(NAME_AND_STATE, absent_ok=("name",))


# --- against the mock gateway (a real server that honours readMask) ---------------------------------


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    """The mock gateway without faults: masked responses leave out every field outside the mask."""
    with running_mock() as running:
        yield running


@pytest.fixture(scope="module")
def mock_without_dataset() -> Iterator[RunningMock]:
    """The mock gateway with fault `dataset-missing`: jobs lack `dataset` even when the mask asks for it."""
    with running_mock(fault="dataset-missing") as running:
        yield running


def client_of(mock: RunningMock) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=mock.base_url, token=mock.api_key)


@pytest.mark.parametrize("job_id", ["sft-running", "sft-minimal"])
def test_mock_masked_read_parses_with_dataset_unset(mock: RunningMock, job_id: str) -> None:
    """The mock answers readMask=name,state without `dataset`; the client returns the job with `dataset` UNSET."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, job_id, client=api, read_mask="name,state")
    assert job is not None and job.dataset is UNSET
    assert isinstance(job.name, str) and job.name.endswith(f"/{job_id}")


@pytest.mark.parametrize("mask", ["display_name,job_progress", "jobProgress.percent", "job_progress.percent"])
def test_mock_snake_case_and_nested_masks(mock: RunningMock, mask: str) -> None:
    """snake_case and nested masks through the mock: the job parses, `dataset` UNSET, job progress typed."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, "sft-running", client=api, read_mask=mask)
    assert job is not None and job.dataset is UNSET
    assert not isinstance(job.job_progress, Unset) and isinstance(job.job_progress.percent, int)


@pytest.mark.parametrize("mask", ["dataset", "name,dataset"])
def test_mock_mask_covering_dataset_returns_it(mock: RunningMock, mask: str) -> None:
    """The legitimate counterpart: a mask naming `dataset` gets it from a correct server, parsed as a string."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, "sft-running", client=api, read_mask=mask)
    assert job is not None and isinstance(job.dataset, str) and job.dataset


@pytest.mark.parametrize("mask", ["dataset", "name,dataset"])
def test_mock_mask_covering_dataset_raises_when_it_is_missing(mock_without_dataset: RunningMock, mask: str) -> None:
    """Against a server that drops `dataset` (fault dataset-missing), a mask naming it still raises."""
    with client_of(mock_without_dataset) as api, pytest.raises(MissingFieldError, match="dataset"):
        get_job.sync(mock_without_dataset.account, "sft-running", client=api, read_mask=mask)


@pytest.mark.parametrize("mask", ["*", ""], ids=["star", "empty"])
def test_mock_all_fields_masks_behave_like_no_mask(
    mock: RunningMock, mock_without_dataset: RunningMock, mask: str
) -> None:
    """`*` and empty masks return the whole job, and a server that drops `dataset` is still caught."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, "sft-running", client=api, read_mask=mask)
        unmasked = get_job.sync(mock.account, "sft-running", client=api)
    assert job is not None and job == unmasked and isinstance(job.dataset, str)
    with client_of(mock_without_dataset) as api, pytest.raises(MissingFieldError, match="dataset"):
        get_job.sync(mock_without_dataset.account, "sft-running", client=api, read_mask=mask)
