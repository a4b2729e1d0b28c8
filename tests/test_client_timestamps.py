"""Timestamps with nanosecond precision (9 fractional digits, as grpc-gateway writes them) parse, truncated to µs."""

from __future__ import annotations

import datetime

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.models import SupervisedFineTuningJob

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T09:15:27.123456789Z", datetime.datetime(2026, 11, 2, 9, 15, 27, 123456, tzinfo=UTC)),
        ("2026-11-02T09:15:27.000000001Z", datetime.datetime(2026, 11, 2, 9, 15, 27, 0, tzinfo=UTC)),
        ("2026-11-02T09:15:27.999999999Z", datetime.datetime(2026, 11, 2, 9, 15, 27, 999999, tzinfo=UTC)),
        ("2026-11-02T09:15:27Z", datetime.datetime(2026, 11, 2, 9, 15, 27, tzinfo=UTC)),
        ("2026-11-02T09:15:27.5Z", datetime.datetime(2026, 11, 2, 9, 15, 27, 500000, tzinfo=UTC)),
        (
            "2026-11-02T10:15:27.123456789+01:00",
            datetime.datetime(2026, 11, 2, 10, 15, 27, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
        ),
    ],
)
def test_timestamps_parse_with_any_fraction(text: str, expected: datetime.datetime) -> None:
    """createTime with 0, 1 or 9 fractional digits (Z or offset) parses; digits beyond µs are truncated, not rounded."""
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", "createTime": text})
    assert job.create_time == expected
    assert isinstance(job.create_time, datetime.datetime) and job.create_time.tzinfo is not None


def test_nanosecond_timestamps_through_the_client() -> None:
    """All three timestamps of a job answer, each with 9 digits, parse through sync()."""
    body = {
        "dataset": "d",
        "createTime": "2026-11-02T09:15:27.123456789Z",
        "updateTime": "2026-11-02T11:40:03.500000000Z",
        "completedTime": "2026-11-02T11:40:03.000000001Z",
    }
    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(lambda request: httpx.Response(200, json=body))},
    )
    job = get_job.sync("acme", "j1", client=client)
    assert job.create_time == datetime.datetime(2026, 11, 2, 9, 15, 27, 123456, tzinfo=UTC)
    assert job.update_time == datetime.datetime(2026, 11, 2, 11, 40, 3, 500000, tzinfo=UTC)
    assert job.completed_time == datetime.datetime(2026, 11, 2, 11, 40, 3, 0, tzinfo=UTC)
