"""Reserved scenario ids give clients a 429 with Retry-After, a 503, a slow answer, a non-JSON 502 and a recovery."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from gateway_mock.constants import job_name
from gateway_mock.scenarios import MAX_SLOW_DELAY_MS, Scenarios
from gateway_mock.server import RunningMock, serving_in_thread
from tests.helpers import jobs_prefix, raw_request

JOBS = jobs_prefix("mock-account")


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread() as running:
        yield running


def test_rate_limited_is_429_code_8_with_retry_after(mock: RunningMock) -> None:
    """`scenario-rate-limited` answers 429, `Retry-After: 1`, Status code 8, every time."""
    for _ in range(2):
        status, headers, body = raw_request(mock, JOBS + "scenario-rate-limited")
        assert (status, headers["Retry-After"], headers["Content-Type"]) == (429, "1", "application/json")
        assert json.loads(body)["code"] == 8


def test_unavailable_is_503_code_14(mock: RunningMock) -> None:
    """`scenario-unavailable` answers 503 with Status code 14."""
    status, _, body = raw_request(mock, JOBS + "scenario-unavailable")
    assert (status, json.loads(body)["code"], json.loads(body)["details"]) == (503, 14, [])


def test_bad_gateway_is_502_with_a_non_json_html_body(mock: RunningMock) -> None:
    """`scenario-bad-gateway` answers 502 with text/html that does not parse as JSON, as a proxy does."""
    status, headers, body = raw_request(mock, JOBS + "scenario-bad-gateway")
    assert (status, headers["Content-Type"]) == (502, "text/html")
    assert body.startswith(b"<html>")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_slow_waits_for_delay_ms_then_serves_a_job_named_after_the_id(mock: RunningMock) -> None:
    """`scenario-slow?delayMs=400` answers 200 no sooner than 0.4 s later, with `name` carrying the scenario id;
    `delayMs=0` waits not at all. Upper bounds are request timeouts, not wall-time assertions (a loaded machine
    may be slow; it cannot be early)."""
    started = time.perf_counter()
    status, _, body = raw_request(mock, JOBS + "scenario-slow?delayMs=400", timeout=10)
    elapsed = time.perf_counter() - started
    assert (status, json.loads(body)["name"]) == (200, job_name("scenario-slow"))
    assert elapsed >= 0.4
    zero = Scenarios().resolve("scenario-slow", "0")
    assert zero is not None and zero.delay == 0
    assert raw_request(mock, JOBS + "scenario-slow?delayMs=0&readMask=name", timeout=10)[0] == 200


def test_slow_rejects_a_delay_that_is_not_milliseconds(mock: RunningMock) -> None:
    """A non-integer delayMs is 400 with code 3 rather than a guess."""
    for value in ("abc", "-5", "1.5"):
        status, _, body = raw_request(mock, f"{JOBS}scenario-slow?delayMs={value}")
        assert (status, json.loads(body)["code"]) == (400, 3)


def test_the_slow_delay_is_capped() -> None:
    """A huge delayMs is capped at 10 s, so a test cannot hang the mock for long; the default is 1 s."""
    capped = Scenarios().resolve("scenario-slow", "99999999")
    default = Scenarios().resolve("scenario-slow", None)
    assert capped is not None and default is not None
    assert (capped.delay, default.delay) == (MAX_SLOW_DELAY_MS / 1000, 1.0)


@pytest.mark.parametrize(("status", "code"), [(429, 8), (503, 14), (502, None)])
def test_flaky_fails_the_first_n_requests_then_recovers(mock: RunningMock, status: int, code: int | None) -> None:
    """`scenario-flaky-<status>-2-<token>`: two failures, then 200 for good; other tokens keep their own count."""
    job_id = f"scenario-flaky-{status}-2-test-{status}"
    seen = [raw_request(mock, JOBS + job_id) for _ in range(4)]
    assert [answer[0] for answer in seen] == [status, status, 200, 200]
    if code is not None:
        assert json.loads(seen[0][2])["code"] == code
    assert json.loads(seen[2][2])["name"] == job_name(job_id)
    assert raw_request(mock, f"{JOBS}scenario-flaky-{status}-2-other-token-{status}")[0] == status


def test_flaky_429_carries_retry_after(mock: RunningMock) -> None:
    """The flaky 429 is the same answer as `scenario-rate-limited`, Retry-After included."""
    assert raw_request(mock, JOBS + "scenario-flaky-429-1-retry-after")[1]["Retry-After"] == "1"


def test_flaky_with_zero_failures_serves_at_once_and_bad_forms_are_404(mock: RunningMock) -> None:
    """`-0-` never fails; an unsupported status or more than 100 failures is no scenario (404)."""
    assert raw_request(mock, JOBS + "scenario-flaky-503-0-none")[0] == 200
    assert raw_request(mock, JOBS + "scenario-flaky-500-1-x")[0] == 404
    assert raw_request(mock, JOBS + "scenario-flaky-429-101-x")[0] == 404


def test_scenarios_still_require_auth_and_are_not_fixture_jobs(mock: RunningMock) -> None:
    """Without the key a scenario id is a 401 (and does not count as a flaky attempt); no scenario is a fixture id."""
    assert raw_request(mock, JOBS + "scenario-unavailable", auth=None)[0] == 401
    assert raw_request(mock, JOBS + "scenario-flaky-503-1-auth", auth=None)[0] == 401
    assert raw_request(mock, JOBS + "scenario-flaky-503-1-auth")[0] == 503
    assert not [job_id for job_id in mock.job_ids if job_id.startswith("scenario-")]
