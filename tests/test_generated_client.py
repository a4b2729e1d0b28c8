"""The generated client imports under its clean names and round-trips a job as the real gateway sends it."""

from __future__ import annotations

import datetime
import json

import pytest
from fireworks_gateway.models import (
    AwsS3Config,
    AzureBlobStorageConfig,
    Code,
    JobProgress,
    JobState,
    Money,
    Purpose,
    Status,
    SupervisedFineTuningJob,
    WandbConfig,
)

from spec_tools.spec import load_spec

# Serialized like grpc-gateway: int64 as strings, zero values emitted, 9 fractional digits.
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
TIMESTAMPS = ("createTime", "completedTime", "updateTime")
SPEC_PROPERTIES = load_spec().job_schema()["properties"]


def test_clean_names_are_importable_from_models() -> None:
    """Every schema class is importable under its schema key minus the proto package prefix."""
    for cls in (SupervisedFineTuningJob, JobState, Money, Status, Code, Purpose, JobProgress, WandbConfig):
        assert cls.__module__.startswith("fireworks_gateway.models."), cls
    assert AwsS3Config.__name__ == "AwsS3Config"
    assert AzureBlobStorageConfig.__name__ == "AzureBlobStorageConfig"


def test_realistic_job_parses_into_typed_fields() -> None:
    """int64 units stay an exact string, enums become enum members, 9-digit timestamps parse."""
    job = SupervisedFineTuningJob.from_dict(json.loads(REALISTIC_JOB_JSON))
    assert job.dataset == "accounts/acme/datasets/support-chats"
    assert job.state is JobState.JOB_STATE_COMPLETED
    assert job.purpose is Purpose.PURPOSE_PILOT
    assert isinstance(job.status, Status) and job.status.code is Code.OK
    assert isinstance(job.estimated_cost, Money)
    assert job.estimated_cost.units == "9223372036854775807"
    assert job.estimated_cost.nanos == 750_000_000
    assert job.create_time == datetime.datetime(2026, 11, 2, 9, 15, 27, 123456, tzinfo=datetime.UTC)
    assert isinstance(job.job_progress, JobProgress) and job.job_progress.percent == 100
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
