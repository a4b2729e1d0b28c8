"""Timestamps with nanosecond precision (9 fractional digits, as grpc-gateway writes them) parse, truncated to µs."""

from __future__ import annotations

import datetime

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.models import SupervisedFineTuningJob

from tests.client_spec_bodies import TIMESTAMPS, attribute_of

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
    """A timestamp with 0, 1 or 9 fraction digits (Z or offset) parses; digits beyond µs are truncated, not rounded."""
    job = SupervisedFineTuningJob.from_dict({"dataset": "d", TIMESTAMPS[0]: text})
    parsed = getattr(job, attribute_of(TIMESTAMPS[0]))
    assert parsed == expected
    assert isinstance(parsed, datetime.datetime) and parsed.tzinfo is not None


def test_nanosecond_timestamps_through_the_client() -> None:
    """Every timestamp of the spec's job, each with 9 digits, parses through sync()."""
    samples = [
        ("2026-11-02T09:15:27.123456789Z", datetime.datetime(2026, 11, 2, 9, 15, 27, 123456, tzinfo=UTC)),
        ("2026-11-02T11:40:03.500000000Z", datetime.datetime(2026, 11, 2, 11, 40, 3, 500000, tzinfo=UTC)),
        ("2026-11-02T11:40:03.000000001Z", datetime.datetime(2026, 11, 2, 11, 40, 3, 0, tzinfo=UTC)),
    ]
    expected = {name: samples[i % len(samples)] for i, name in enumerate(TIMESTAMPS)}
    body = {"dataset": "d"} | {name: text for name, (text, _) in expected.items()}
    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(lambda request: httpx.Response(200, json=body))},
    )
    job = get_job.sync("acme", "j1", client=client)
    assert TIMESTAMPS, "the spec's job has no timestamp: this test would prove nothing"
    assert {name: getattr(job, attribute_of(name)) for name in TIMESTAMPS} == {
        name: value for name, (_, value) in expected.items()
    }
