"""The generated client imports under its clean names and round-trips a job as the real gateway sends it."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from fireworks_gateway.models import JobState, SupervisedFineTuningJob

from spec_tools.codegen import class_name_for
from spec_tools.spec import load_spec
from tests.client_spec_bodies import JOB_PROPERTIES, MONEY_FIELDS, attribute_of, model_class

# Serialized like grpc-gateway at 4.259.0 (fields the vendored spec lacks go to additional_properties):
# int64 as strings, zero values emitted, 9 fractional digits.
REALISTIC_JOB_JSON = """
{
  "name": "accounts/acme/supervisedFineTuningJobs/abc123",
  "displayName": "",
  "createTime": "2026-11-02T09:15:27.123456789Z",
  "completedTime": "2026-11-02T11:40:03.000000001Z",
  "dataset": "accounts/acme/datasets/support-chats",
  "awsS3Config": {"credentialsSecret": "accounts/acme/secrets/s3", "iamRoleArn": "arn:aws:iam::123456789012:role/ft"},
  "azureBlobStorageConfig": {"credentialsSecret": "", "managedIdentityClientId": "", "tenantId": ""},
  "state": "JOB_STATE_COMPLETED",
  "status": {"code": "OK", "message": ""},
  "createdBy": "dev@acme.example",
  "outputModel": "accounts/acme/models/support-ft",
  "baseModel": "accounts/fireworks/models/llama-v3p1-8b-instruct",
  "warmStartFrom": "",
  "jinjaTemplate": "",
  "earlyStop": false,
  "epochs": 3,
  "learningRate": 0.0001,
  "maxContextLength": 8192,
  "loraRank": 16,
  "wandbConfig": {"enabled": true, "apiKey": "", "project": "ft", "entity": "acme", "runId": "r1", "url": ""},
  "evaluationDataset": "",
  "isTurbo": false,
  "evalAutoCarveout": true,
  "updateTime": "2026-11-02T11:40:03.5Z",
  "nodes": 0,
  "batchSize": 65536,
  "mtpEnabled": false,
  "mtpNumDraftTokens": 0,
  "mtpFreezeBaseModel": false,
  "jobProgress": {
    "percent": 100, "epoch": 2, "totalInputRequests": 0, "totalProcessedRequests": 0,
    "successfullyProcessedRequests": 0, "failedRequests": 0, "outputRows": 0,
    "inputTokens": 1843200, "outputTokens": 0, "cachedInputTokenCount": 0
  },
  "metricsFileSignedUrl": "",
  "trainerLogsSignedUrl": "",
  "gradientAccumulationSteps": 1,
  "learningRateWarmupSteps": 0,
  "batchSizeSamples": 32,
  "estimatedCost": {"currencyCode": "USD", "units": "9223372036854775807", "nanos": 750000000},
  "optimizerWeightDecay": 0.01,
  "purpose": "PURPOSE_PILOT"
}
"""
SPEC = load_spec()
SPEC_PROPERTIES = SPEC.job_schema()["properties"]
TIMESTAMPS = tuple(name for name, schema in JOB_PROPERTIES.items() if schema.get("format") == "date-time")


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
    body = json.loads(REALISTIC_JOB_JSON) | {"rolloutConfig": {"steps": 3}}
    job = SupervisedFineTuningJob.from_dict(body)
    assert job.additional_properties["rolloutConfig"] == {"steps": 3}
    assert job.to_dict()["rolloutConfig"] == {"steps": 3}


@pytest.mark.parametrize("state", list(JobState))
def test_every_spec_state_parses(state: JobState) -> None:
    """Each JobState of the spec is accepted by the model."""
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", "state": state.value})
    assert job.state is state
