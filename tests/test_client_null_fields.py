"""A null message field (protojson EmitUnpopulated's unset message) parses as UNSET; a null enum still fails."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import attrs
import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import ResponseContractError
from fireworks_gateway.models import JobState, SupervisedFineTuningJob
from fireworks_gateway.types import UNSET

from spec_tools.spec import load_spec
from tests.client_spec_bodies import (
    ENUM_FIELDS,
    JOB_PROPERTIES,
    KNOWN_STATE,
    MESSAGE_FIELDS,
    SCALAR_SAMPLES,
    attribute_of,
    emit_unpopulated,
    model_class,
)

_SPEC = load_spec()
# JSON name -> schema key of every job property that is a message with a model of its own.
MODEL_FIELDS = {
    name: key
    for name, raw in _SPEC.job_schema()["properties"].items()
    if (key := _SPEC.schema_name(raw)) and JOB_PROPERTIES[name].get("type") == "object"
}

# A running job as grpc-gateway writes it: unset messages as null, unset scalars as zero values.
_FIRST_TIMESTAMP = next(name for name, schema in JOB_PROPERTIES.items() if schema.get("format") == "date-time")
_FIRST_OBJECT = next(name for name, schema in JOB_PROPERTIES.items() if schema.get("type") == "object")
RUNNING_JOB = emit_unpopulated(
    dataset="accounts/acme/datasets/support-chats",
    state=KNOWN_STATE,
    **{_FIRST_TIMESTAMP: "2026-11-02T09:15:27.123456789Z", _FIRST_OBJECT: {}},
)


def client_answering(body: str) -> AuthenticatedClient:
    response = httpx.Response(200, text=body, headers={"content-type": "application/json"})
    return AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(lambda request: response)},
    )


def test_message_fields_cover_the_spec() -> None:
    """Every object and date-time property of the spec's job is a model attribute typed as optional (UNSET-able)."""
    assert MESSAGE_FIELDS, "the spec's job has no message field: the tests below would prove nothing"
    fields = attrs.fields_dict(SupervisedFineTuningJob)
    for attribute in MESSAGE_FIELDS.values():
        assert attribute in fields and fields[attribute].default is UNSET, attribute


@pytest.mark.parametrize(("json_name", "attribute"), MESSAGE_FIELDS.items(), ids=list(MESSAGE_FIELDS))
def test_null_message_field_parses_as_unset(json_name: str, attribute: str) -> None:
    """One message field null: from_dict gives UNSET for it, and to_dict leaves it out."""
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", json_name: None})
    assert getattr(job, attribute) is UNSET
    assert job.to_dict() == {"dataset": "d"}


def test_all_null_messages_leave_the_rest_typed() -> None:
    """Every message null at once: the scalars, enums and the non-null message still parse and round-trip."""
    job = SupervisedFineTuningJob.from_dict(RUNNING_JOB)
    assert all(
        getattr(job, attribute) is UNSET for name, attribute in MESSAGE_FIELDS.items() if RUNNING_JOB[name] is None
    )
    assert job.state is JobState(KNOWN_STATE)
    assert getattr(job, attribute_of(_FIRST_OBJECT)) is not UNSET
    assert job.to_dict() == {name: value for name, value in RUNNING_JOB.items() if value is not None} | {
        _FIRST_TIMESTAMP: "2026-11-02T09:15:27.123456+00:00"
    }


def _sample_message(name: str) -> dict[str, Any]:
    """The message of job property `name` with a sample in each of its plain scalar (non-enum, unformatted) fields."""
    subs = {sub: _SPEC.resolve(node) for sub, node in (JOB_PROPERTIES[name].get("properties") or {}).items()}
    return {
        sub: SCALAR_SAMPLES[s["type"]]
        for sub, s in subs.items()
        if s.get("type") in SCALAR_SAMPLES and not s.get("enum") and "format" not in s
    }


@pytest.mark.parametrize("json_name", MODEL_FIELDS)
def test_present_message_still_parses(json_name: str) -> None:
    """The legitimate counterpart: a message that is an object is parsed into its model, not dropped."""
    message = _sample_message(json_name)
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", json_name: message})
    parsed = getattr(job, attribute_of(json_name))
    assert isinstance(parsed, model_class(MODEL_FIELDS[json_name]))
    assert parsed.to_dict() == message


@pytest.mark.parametrize("path", ENUM_FIELDS, ids=".".join)
def test_null_enum_is_rejected(path: tuple[str, ...]) -> None:
    """A null enum, top-level or inside a nested message, is not an unset message: a contract error naming it."""
    value: object = None
    for name in reversed(path[1:]):
        value = {name: value}
    named = f"({re.escape(path[-1])}|{re.escape(attribute_of(path[-1]))})"  # JSON name or attribute
    with pytest.raises(ResponseContractError, match=rf"field '{named}' of \w+: null"):
        SupervisedFineTuningJob.from_dict({"dataset": "d", path[0]: value})


def test_null_enum_through_the_client_is_a_contract_error() -> None:
    """Through sync() a null enum raises ResponseContractError carrying the raw body, as before the fix."""
    text = json.dumps({"dataset": "d", "state": None, "status": None})
    with pytest.raises(ResponseContractError, match="field 'state' of SupervisedFineTuningJob") as caught:
        get_job.sync("acme", "j1", client=client_answering(text))
    assert caught.value.body == text


def test_realistic_body_with_nulls_reads_through_the_client() -> None:
    """A running job with null messages parses end to end through sync(): nulls UNSET, the rest typed."""
    job = get_job.sync("acme", "j1", client=client_answering(json.dumps(RUNNING_JOB)))
    nulls = [attribute for name, attribute in MESSAGE_FIELDS.items() if RUNNING_JOB[name] is None]
    assert nulls and all(getattr(job, attribute) is UNSET for attribute in nulls)
    created = getattr(job, attribute_of(_FIRST_TIMESTAMP))
    assert isinstance(created, datetime.datetime) and created.year == 2026
    assert job.dataset == RUNNING_JOB["dataset"]
    assert not {name for name, value in RUNNING_JOB.items() if value is None} & set(job.to_dict())
