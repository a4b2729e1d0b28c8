"""readMask: fields the mask leaves out parse as UNSET, whether omitted or written as zero values (EmitUnpopulated);
a required field the mask covers must still be sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway._lib import read_mask
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import MissingFieldError
from fireworks_gateway.models import JobState, SupervisedFineTuningJob
from fireworks_gateway.types import UNSET, Unset

from gateway_mock.server import RunningMock, serving_in_thread
from tests.client_spec_bodies import (
    ENUM_FIELDS,
    JOB_PROPERTIES,
    KNOWN_STATE,
    NESTED_SCALAR,
    NestedScalar,
    attribute_of,
    emit_unpopulated,
    model_class,
    scalar_property,
    zero_value,
)
from tests.helpers import job_name

# A message property with a scalar sub-field, chosen from the vendored spec: the nested paths below use it.
if NESTED_SCALAR is None:
    pytest.skip("the spec's job has no message property with a scalar sub-field", allow_module_level=True)
NESTED: NestedScalar = NESTED_SCALAR
# An optional string property besides `name`, for masks that list several paths.
OTHER_STRING = scalar_property("string", frozenset({"name"})) or "name"

# What a correct gateway sends for readMask=name,state: no `dataset`, although the spec requires it.
NAME_AND_STATE = {"name": job_name("acme", "j1"), "state": KNOWN_STATE}

# What grpc-gateway with EmitUnpopulated sends for readMask=name,state,<message>.<field>: every field, those
# outside the mask as zero values ("" / 0 / false / enum zero / null message), the required `dataset` included.
EMIT_UNPOPULATED_MASKED = emit_unpopulated(
    name=job_name("acme", "j1"),
    state=KNOWN_STATE,
    **{NESTED.message: NESTED.body()},
)
MASK_COVERS = {"name", "state", NESTED.message}
JSON_TO_ATTRIBUTE = {name: attribute_of(name) for name in EMIT_UNPOPULATED_MASKED}
# Masks naming one nested sub-field, or its message, in camelCase and snake_case, beside other paths.
NESTED_MASKS = [f"{attribute_of(OTHER_STRING)},{attribute_of(NESTED.message)}", NESTED.snake_path, NESTED.path]
MASKS_WITH_NESTED = [f"name,state,{NESTED.path}", f"name, state, {NESTED.snake_path}", f"name,state,{NESTED.message}"]
# One optional plain scalar of each JSON type, whose zero values ("" / 0 / false) a mask can cover.
ZERO_SCALARS = [
    name for kind in ("string", "integer", "boolean") if (name := scalar_property(kind, frozenset(MASK_COVERS)))
]


def nested_value(job: SupervisedFineTuningJob) -> object:
    """The chosen sub-field of the chosen message of `job`, asserting the message itself was parsed."""
    message = getattr(job, attribute_of(NESTED.message))
    assert isinstance(message, model_class(NESTED.schema_key))
    return getattr(message, attribute_of(NESTED.field))


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
    assert job.dataset is UNSET
    assert (job.name, job.state) == (NAME_AND_STATE["name"], JobState(KNOWN_STATE))
    assert seen[0].url.params["readMask"] == "name,state"


def test_masked_read_works_for_detailed_and_async_calls() -> None:
    """sync_detailed and asyncio take the same mask into account as sync (all three share the parser)."""
    detailed = get_job.sync_detailed("acme", "j1", client=answering(NAME_AND_STATE), read_mask="name,state")
    assert detailed.parsed.dataset is UNSET
    job = asyncio.run(get_job.asyncio("acme", "j1", client=answering(NAME_AND_STATE), read_mask="state"))
    assert job.dataset is UNSET


def test_masked_job_round_trips_without_the_unset_sentinel() -> None:
    """to_dict of a masked job leaves `dataset` out, as the server did, so the dict is the body and JSON-ready."""
    job = get_job.sync("acme", "j1", client=answering(NAME_AND_STATE), read_mask="name,state")
    assert job.to_dict() == NAME_AND_STATE
    assert json.loads(json.dumps(job.to_dict())) == NAME_AND_STATE


@pytest.mark.parametrize("mask", ["dataset", "name,dataset", " name , dataset ", f"state,dataset,{NESTED.path}"])
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
    assert job.dataset == "d"


@pytest.mark.parametrize("mask", NESTED_MASKS)
def test_snake_case_and_nested_masks_leave_dataset_unset(mask: str) -> None:
    """snake_case and one-level nested paths are masks like any other: `dataset` outside them is UNSET."""
    body = {OTHER_STRING: "ft", NESTED.message: {NESTED.field: NESTED.sample}}
    job = get_job.sync("acme", "j1", client=answering(body), read_mask=mask)
    assert job.dataset is UNSET
    assert nested_value(job) == NESTED.sample


def test_snake_case_paths_are_matched_to_camel_case_json_names() -> None:
    """The mask is read as the set of top-level camelCase JSON names it covers: snake_case paths are normalised,
    nested paths cover their top-level field, and `*`, empty or blank masks mean all fields (None)."""
    fields = read_mask.covered_by
    every = list(JOB_PROPERTIES)
    assert fields(",".join(attribute_of(name) for name in every)) == set(every)
    assert fields(f"{NESTED.snake_path}, name") == {NESTED.message, "name"}
    assert fields(",".join(every)) == set(every)
    for all_fields in ("", "*", " , ", "name,*"):
        assert fields(all_fields) is None


def test_a_list_of_paths_is_a_mask_too() -> None:
    """read_mask=["name", "state"] sends readMask=name,state and parses like the string form."""
    seen: list[httpx.Request] = []
    job = get_job.sync("acme", "j1", client=answering(NAME_AND_STATE, seen), read_mask=["name", "state"])
    assert seen[0].url.params["readMask"] == "name,state"
    assert job.dataset is UNSET and job.state is JobState(KNOWN_STATE)


@pytest.mark.parametrize("mask", MASKS_WITH_NESTED)
def test_emit_unpopulated_fields_outside_the_mask_are_unset(mask: str) -> None:
    """An EmitUnpopulated body (every field, those outside the mask at zero values): every field outside the mask
    is UNSET, not "" / 0 / False / an enum's zero member, `dataset` included; the covered fields are typed."""
    job = get_job.sync("acme", "j1", client=answering(EMIT_UNPOPULATED_MASKED), read_mask=mask)
    outside = {
        name: getattr(job, attribute) for name, attribute in JSON_TO_ATTRIBUTE.items() if name not in MASK_COVERS
    }
    assert outside == dict.fromkeys(outside, UNSET)
    assert (job.name, job.state) == (EMIT_UNPOPULATED_MASKED["name"], JobState(KNOWN_STATE))
    assert nested_value(job) == NESTED.sample
    assert job.to_dict() == {name: EMIT_UNPOPULATED_MASKED[name] for name in MASK_COVERS}


def test_emit_unpopulated_masked_read_works_for_detailed_and_async_calls() -> None:
    """sync_detailed and asyncio drop the zero values outside the mask too (all share the parser)."""
    mask = MASKS_WITH_NESTED[0]
    outside = [attribute for name, attribute in JSON_TO_ATTRIBUTE.items() if name not in MASK_COVERS]
    detailed = get_job.sync_detailed("acme", "j1", client=answering(EMIT_UNPOPULATED_MASKED), read_mask=mask)
    job = asyncio.run(get_job.asyncio("acme", "j1", client=answering(EMIT_UNPOPULATED_MASKED), read_mask=mask))
    for parsed in (detailed.parsed, job):
        assert parsed.dataset is UNSET
        assert {attribute: getattr(parsed, attribute) for attribute in outside} == dict.fromkeys(outside, UNSET)
        assert nested_value(parsed) == NESTED.sample


def test_zero_values_inside_the_mask_are_kept() -> None:
    """The legitimate counterpart: a zero value the mask covers is a real value ("" / 0 / False), required
    `dataset` included, and fields outside the mask are still UNSET."""
    # camelCase and snake_case paths mixed, as callers write them.
    covered = ["dataset", *ZERO_SCALARS]
    mask = ",".join(name if i % 2 else attribute_of(name) for i, name in enumerate(covered))
    job = get_job.sync("acme", "j1", client=answering(EMIT_UNPOPULATED_MASKED), read_mask=mask)
    kept = {name: getattr(job, attribute_of(name)) for name in covered}
    assert kept == {name: zero_value(JOB_PROPERTIES[name]) for name in covered}
    assert all(type(kept[name]) is type(zero_value(JOB_PROPERTIES[name])) for name in covered)  # False is not 0
    assert (job.name, job.state, getattr(job, attribute_of(NESTED.message))) == (UNSET, UNSET, UNSET)


@pytest.mark.parametrize("mask", [UNSET, "*", ""], ids=["no-mask", "star", "empty"])
def test_without_a_field_mask_zero_values_are_kept(mask: str | Unset) -> None:
    """Without a mask, or with one asking for all fields, nothing is dropped: zero values parse as themselves."""
    job = get_job.sync("acme", "j1", client=answering(EMIT_UNPOPULATED_MASKED), read_mask=mask)
    covered = ["dataset", *ZERO_SCALARS]
    assert {name: getattr(job, attribute_of(name)) for name in covered} == {
        name: zero_value(JOB_PROPERTIES[name]) for name in covered
    }
    # Every top-level enum outside the mask above is its zero member (the spec's first value), not UNSET.
    for path, key in ENUM_FIELDS.items():
        if len(path) == 1 and path[0] not in MASK_COVERS:
            enum = model_class(key)
            assert getattr(job, attribute_of(path[0])) is enum(zero_value(JOB_PROPERTIES[path[0]]))
    assert nested_value(job) == NESTED.sample


def test_from_dict_read_mask_relaxes_only_absence() -> None:
    """A required field outside read_mask may be missing (UNSET); present, it is parsed; covered, it still raises."""
    assert SupervisedFineTuningJob.from_dict(NAME_AND_STATE, read_mask={"name", "state"}).dataset is UNSET
    assert SupervisedFineTuningJob.from_dict({"dataset": "d"}, read_mask={"name"}).dataset == "d"
    with pytest.raises(MissingFieldError):
        SupervisedFineTuningJob.from_dict(NAME_AND_STATE, read_mask={"name", "dataset"})


# --- against the mock gateway (a real server that honours readMask) ---------------------------------


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    """The mock gateway without faults: masked responses leave out every field outside the mask."""
    with serving_in_thread() as running:
        yield running


@pytest.fixture(scope="module")
def mock_without_dataset() -> Iterator[RunningMock]:
    """The mock gateway with fault `dataset-missing`: jobs lack `dataset` even when the mask asks for it."""
    with serving_in_thread(fault="dataset-missing") as running:
        yield running


def client_of(mock: RunningMock) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=mock.base_url, token=mock.api_key)


@pytest.mark.parametrize("job_id", ["sft-running", "sft-minimal"])
def test_mock_masked_read_parses_with_dataset_unset(mock: RunningMock, job_id: str) -> None:
    """The mock answers readMask=name,state without `dataset`; the client returns the job with `dataset` UNSET."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, job_id, client=api, read_mask="name,state")
    assert job.dataset is UNSET
    assert isinstance(job.name, str) and job.name.endswith(f"/{job_id}")


@pytest.mark.parametrize("mask", NESTED_MASKS)
def test_mock_snake_case_and_nested_masks(mock: RunningMock, mask: str) -> None:
    """snake_case and nested masks through the mock: the job parses, `dataset` UNSET, the nested field typed."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, "sft-running", client=api, read_mask=mask)
    assert job.dataset is UNSET
    assert type(nested_value(job)) is type(NESTED.sample)


@pytest.mark.parametrize("mask", ["dataset", "name,dataset"])
def test_mock_mask_covering_dataset_returns_it(mock: RunningMock, mask: str) -> None:
    """The legitimate counterpart: a mask naming `dataset` gets it from a correct server, parsed as a string."""
    with client_of(mock) as api:
        job = get_job.sync(mock.account, "sft-running", client=api, read_mask=mask)
    assert isinstance(job.dataset, str) and job.dataset


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
    assert job == unmasked and isinstance(job.dataset, str)
    with client_of(mock_without_dataset) as api, pytest.raises(MissingFieldError, match="dataset"):
        get_job.sync(mock_without_dataset.account, "sft-running", client=api, read_mask=mask)
