"""The generated client imports under its clean names and round-trips a job as the real gateway sends it."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from fireworks_gateway.models import JobState, SupervisedFineTuningJob

from gateway_mock.fixtures import build_fixtures
from gateway_mock.marshal import Marshaler
from spec_tools.codegen import class_name_for
from spec_tools.spec import load_spec
from tests.client_spec_bodies import JOB_PROPERTIES, MONEY_FIELDS, TIMESTAMPS, attribute_of, model_class

SPEC = load_spec()
# A field no spec defines: what a newer gateway sends before the client's spec knows it.
LATER_FIELD = "fieldOfALaterSpec"


def realistic_job() -> dict[str, Any]:
    """A job as grpc-gateway serializes it, derived from the vendored spec: the mock's spec-derived fixture with the
    most fields set, every field emitted (zero values included, unset messages left out, int64 as strings), made
    as hard as the wire gets: one timestamp with 9 fractional digits, Money units at the int64 maximum, and a field
    the spec lacks (kept aside, never lost)."""
    marshal = Marshaler(SPEC)
    bodies = [marshal.full(job) for job in build_fixtures(SPEC).values()]
    body = {k: v for k, v in max(bodies, key=lambda b: sum(v is not None for v in b.values())).items() if v is not None}
    for name in TIMESTAMPS[:1]:
        body[name] = "2026-11-02T09:15:27.123456789Z"
    for name in MONEY_FIELDS[:1]:
        body[name] = {**(body.get(name) or {}), "units": str(2**63 - 1), "nanos": 750_000_000}
    assert LATER_FIELD not in SPEC.job_schema()["properties"]
    body[LATER_FIELD] = {"steps": 3}
    return body


REALISTIC_JOB_JSON = json.dumps(realistic_job())
SPEC_PROPERTIES = SPEC.job_schema()["properties"]


@pytest.mark.parametrize("key", SPEC.selected_schemas)
def test_clean_names_are_importable_from_models(key: str) -> None:
    """Every schema class is importable under its schema key minus the proto package prefix."""
    cls = model_class(key)
    assert cls.__name__ == class_name_for(key)
    assert cls.__module__.startswith("fireworks_gateway.models."), cls


def test_realistic_job_parses_into_typed_fields() -> None:
    """Every spec field of the body is typed by its schema: enums become known members, messages their models
    (int64 Money units an exact string), 9-digit timestamps datetimes, scalars themselves."""
    body = json.loads(REALISTIC_JOB_JSON)
    job = SupervisedFineTuningJob.from_dict(body)
    typed = [name for name in body if name in SPEC_PROPERTIES]
    assert "dataset" in typed and len(typed) > len(body) // 2, "the body no longer exercises the spec"
    for name in typed:
        value, schema = getattr(job, attribute_of(name)), JOB_PROPERTIES[name]
        key = SPEC.schema_name(SPEC_PROPERTIES[name])
        if schema.get("enum"):
            # A value the vendored spec no longer lists still parses, marked unknown.
            assert value is model_class(key)(body[name]), name
            assert value.is_unknown is (body[name] not in schema["enum"]), name
        elif schema.get("format") == "date-time":
            assert value == datetime.datetime.fromisoformat(body[name]), name
        elif schema.get("type") == "object" and key:
            assert isinstance(value, model_class(key)) and value.to_dict() == body[name], name
        else:
            assert value == body[name] and type(value) is type(body[name]), name
    for name in MONEY_FIELDS:
        if name in body:
            money = getattr(job, attribute_of(name))
            assert (money.units, money.nanos) == (body[name]["units"], body[name]["nanos"])
            assert money.to_decimal() == Decimal(body[name]["units"]) + Decimal(body[name]["nanos"]).scaleb(-9)
    # Fields a later spec drops are kept aside, never lost.
    assert set(job.additional_properties) == set(json.loads(REALISTIC_JOB_JSON)) - set(SPEC_PROPERTIES)


def test_every_field_round_trips_through_to_dict() -> None:
    """to_dict gives back every field of the body; timestamps only change notation (µs precision)."""
    body = json.loads(REALISTIC_JOB_JSON)
    out = SupervisedFineTuningJob.from_dict(body).to_dict()
    assert set(out) == set(body)
    for key in TIMESTAMPS:
        assert datetime.datetime.fromisoformat(out.pop(key)) == datetime.datetime.fromisoformat(body.pop(key))
    assert out == body
    assert json.loads(json.dumps(out)) == out


def test_unknown_fields_are_kept_not_dropped() -> None:
    """A field newer than the spec survives parsing, so a client on an old spec loses nothing."""
    body = json.loads(REALISTIC_JOB_JSON)
    job = SupervisedFineTuningJob.from_dict(body)
    assert job.additional_properties[LATER_FIELD] == {"steps": 3}
    assert job.to_dict()[LATER_FIELD] == {"steps": 3}


@pytest.mark.parametrize("state", list(JobState))
def test_every_spec_state_parses(state: JobState) -> None:
    """Each JobState of the spec is accepted by the model."""
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", "state": state.value})
    assert job.state is state
