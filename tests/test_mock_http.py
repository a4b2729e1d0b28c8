"""The mock answers over real HTTP like the gateway: auth, 404s, readMask, 405, odd ids, google.rpc.Status errors."""

from __future__ import annotations

import http.client
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from gateway_mock.faults import ALL_FAULTS
from gateway_mock.fixtures import build_fixtures
from gateway_mock.rpc_status import http_status_by_code
from gateway_mock.server import RunningMock, running_mock, serving_in_thread
from spec_tools.spec import load_spec
from tests.client_spec_bodies import MONEY_FIELDS, NESTED_SCALAR
from tests.helpers import job_name, job_path, jobs_prefix, mask_samples, raw_request

JOBS = jobs_prefix("mock-account")
SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
HTTP_STATUS = http_status_by_code(SPEC)
PROPERTIES = {name: SPEC.resolve(node) for name, node in SPEC.job_schema()["properties"].items()}
# Mask paths found in the spec and the running job (a multi-word scalar, a message, two nested leaves).
SAMPLE = mask_samples(PROPERTIES, FIXTURES["sft-running"], MONEY_FIELDS)


def is_zero(name: str, value: Any) -> bool:
    """Proto3's zero value of a job field (null for messages), as grpc-gateway's EmitUnpopulated writes it."""
    enum = PROPERTIES[name].get("enum")
    if enum:
        return bool(value == enum[0])
    if isinstance(value, dict):
        return all(v in (None, "", 0, "0", False, []) for v in value.values())
    return value in (None, "", 0, "0", False, [])


def assert_emit_unpopulated(job: dict[str, Any], job_id: str, kept: set[str]) -> None:
    """Every field present; the kept ones as the fixture has them, the others zero-valued."""
    assert set(job) == set(PROPERTIES)
    for name, value in job.items():
        if name in kept and name in FIXTURES[job_id]:
            assert value == FIXTURES[job_id][name], name
        else:
            assert is_zero(name, value), (name, value)


CODE_NAMES = {3: "INVALID_ARGUMENT", 5: "NOT_FOUND", 16: "UNAUTHENTICATED"}


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread() as running:
        yield running


def assert_status_error(status: int, headers: http.client.HTTPMessage, body: bytes, code: int) -> dict[str, Any]:
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)
    assert set(error) == {"code", "message", "details"}
    assert (error["code"], error["details"], type(error["message"])) == (code, [], str)
    assert status == HTTP_STATUS[CODE_NAMES[code]]
    return dict(error)


@pytest.mark.parametrize("job_id", list(FIXTURES))
def test_every_fixture_job_is_served_as_json(mock: RunningMock, job_id: str) -> None:
    """GET of each fixture id returns 200, Content-Type application/json, and the fixture with every other field
    of the schema as its zero value (emit-unpopulated, the default profile)."""
    status, headers, body = raw_request(mock, JOBS + job_id)
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert_emit_unpopulated(json.loads(body), job_id, set(PROPERTIES))


def test_running_mock_reports_the_fixture_job_ids(mock: RunningMock) -> None:
    """`running_mock` yields the account and the same job ids the fixtures define."""
    assert (mock.account, mock.job_ids) == ("mock-account", tuple(FIXTURES))
    assert mock.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    "auth",
    [None, "Bearer wrong-key", "Basic bW9jay1hcGkta2V5", "Bearer", "mock-api-key", "Bearer mock-api-key-and-more"],
)
def test_a_missing_or_wrong_bearer_is_401_code_16(mock: RunningMock, auth: str | None) -> None:
    """Without the right bearer key the job is not served: 401 with google.rpc.Status code 16."""
    assert_status_error(*raw_request(mock, JOBS + "sft-running", auth=auth), code=16)


def test_the_bearer_scheme_is_case_insensitive(mock: RunningMock) -> None:
    """`bearer <key>` is accepted as RFC 9110 requires; only the token is compared exactly."""
    assert raw_request(mock, JOBS + "sft-running", auth=f"bearer {mock.api_key}")[0] == 200


@pytest.mark.parametrize("job_id", ["no-such-job", "SFT-RUNNING", "sft-running-2", "scenario-unknown"])
def test_an_unknown_job_is_404_code_5(mock: RunningMock, job_id: str) -> None:
    """An id that is no fixture (ids are case-sensitive) is 404 with code 5 and a message naming the job."""
    error = assert_status_error(*raw_request(mock, JOBS + job_id), code=5)
    assert job_id in error["message"]


def test_an_unknown_account_is_404_code_5(mock: RunningMock) -> None:
    """A fixture id under another account is not found."""
    assert_status_error(*raw_request(mock, job_path("other-account", "sft-running")), code=5)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/v1/accounts/mock-account",
        "/v1/accounts/mock-account/datasets/sft-running",
        JOBS + "sft-running/",
        JOBS + "sft-running/extra",
        "/v999/" + JOBS.split("/", 2)[2] + "sft-running",
        JOBS.replace("/mock-account/", "//") + "sft-running",
    ],
)
def test_any_other_path_is_404_code_5(mock: RunningMock, path: str) -> None:
    """Paths outside the one route are 404 with a Status body, whatever the method."""
    assert_status_error(*raw_request(mock, path), code=5)
    assert raw_request(mock, path, method="POST")[0] == 404


@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        ("name", {"name"}),
        (f"name,state,{SAMPLE.message}", {"name", "state", SAMPLE.message}),
        (f"{SAMPLE.snake(SAMPLE.scalar)},{SAMPLE.snake(SAMPLE.message)}", {SAMPLE.scalar, SAMPLE.message}),
        (" name , state ", {"name", "state"}),
    ],
)
def test_read_mask_keeps_only_the_named_top_level_fields(mock: RunningMock, mask: str, expected: set[str]) -> None:
    """readMask (camelCase or snake_case proto names) keeps the named fields' values; every other field is its
    zero value (emit-unpopulated: `"dataset": ""`, the first state name, null messages)."""
    status, _, body = raw_request(mock, f"{JOBS}sft-running?readMask={mask.replace(' ', '%20')}")
    assert status == 200
    assert_emit_unpopulated(json.loads(body), "sft-running", expected)


def test_read_mask_selects_one_nested_level(mock: RunningMock) -> None:
    """`jobProgress.percent` (or `job_progress.percent`; whichever message the spec and job have) keeps only that
    leaf of the nested object; its other leaves are zero values."""
    if SAMPLE.nested is None or SAMPLE.leaves is None:
        pytest.skip("the running job sets no message with two non-zero scalar leaves")
    message, (first, second) = SAMPLE.nested, SAMPLE.leaves
    nested = FIXTURES["sft-running"][message]
    one, two = f"{message}.{first}", f"{message}.{second}"
    for mask in (one, SAMPLE.snake(one), f"name,{one},{two}"):
        job = json.loads(raw_request(mock, f"{JOBS}sft-running?readMask={mask}")[2])
        assert job[message][first] == nested[first] not in (0, "0", "", False)
        assert set(job[message]) == set(nested)
        kept = {first, second} if two in mask else {first}
        assert all(v in (0, "0", "", False) for k, v in job[message].items() if k not in kept)
    job = json.loads(raw_request(mock, f"{JOBS}sft-running?readMask={one}")[2])
    assert all(is_zero(name, value) for name, value in job.items() if name != message)


def test_read_mask_may_be_repeated_and_uses_the_proto_name(mock: RunningMock) -> None:
    """`readMask=a&readMask=b` and `read_mask=` work as grpc-gateway parses a FieldMask query parameter."""
    job = json.loads(raw_request(mock, f"{JOBS}sft-running?readMask=name&readMask=state")[2])
    assert_emit_unpopulated(job, "sft-running", {"name", "state"})
    assert_emit_unpopulated(
        json.loads(raw_request(mock, f"{JOBS}sft-running?read_mask=state")[2]), "sft-running", {"state"}
    )


@pytest.mark.parametrize("query", ["readMask=", "readMask=*", "readMask=%2A", "readMask=,", "other=1"])
def test_an_empty_or_star_read_mask_returns_every_field(mock: RunningMock, query: str) -> None:
    """An empty mask, `*`, or no mask returns the whole job; unknown query parameters are ignored."""
    status, _, body = raw_request(mock, f"{JOBS}sft-running?{query}")
    assert status == 200
    assert json.loads(body) == json.loads(raw_request(mock, f"{JOBS}sft-running")[2])


def test_read_mask_on_the_minimal_job_zeroes_fields_it_does_not_have(mock: RunningMock) -> None:
    """Masking a field the job lacks is valid: the field comes back as its zero value (null for a message)."""
    absent = next(name for name, schema in PROPERTIES.items() if schema.get("type") == "object")
    assert absent not in FIXTURES["sft-minimal"]
    job = json.loads(raw_request(mock, f"{JOBS}sft-minimal?readMask=name,{absent}")[2])
    assert job[absent] is None
    assert_emit_unpopulated(job, "sft-minimal", {"name"})


@pytest.mark.parametrize(
    "mask",
    ["bogus", "name,bogus", "name.first", "Name", "."]
    + ([f"{NESTED_SCALAR.message}.bogus", f"{NESTED_SCALAR.path}.value"] if NESTED_SCALAR else []),
)
def test_an_unknown_read_mask_path_is_400_code_3(mock: RunningMock, mask: str) -> None:
    """A path that names no field (or nests too deep, or into a scalar) is 400 with code 3 naming the path."""
    error = assert_status_error(*raw_request(mock, f"{JOBS}sft-running?readMask={mask}"), code=3)
    assert "readMask" in error["message"]


# The methods the spec has on the job's path (GET and DELETE in 4.259.0), and the others.
JOB_PATH_METHODS = sorted({op.method for op in SPEC.operations if op.path == SPEC.job_operation().path})
OTHER_METHODS = [m for m in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS") if m not in JOB_PATH_METHODS]


@pytest.mark.parametrize("method", OTHER_METHODS)
def test_other_methods_on_the_job_path_are_405_with_allow_and_code_12(mock: RunningMock, method: str) -> None:
    """As grpc-gateway: a method the job path lacks is 405, `Allow` listing the path's methods (from the spec),
    Status code 12 (UNIMPLEMENTED)."""
    status, headers, body = raw_request(mock, JOBS + "sft-running", method=method)
    assert (status, headers["Allow"], headers["Content-Type"]) == (405, ", ".join(JOB_PATH_METHODS), "application/json")
    assert json.loads(body) == {"code": 12, "message": "Method Not Allowed", "details": []}


def test_head_on_the_job_path_is_405_too(mock: RunningMock) -> None:
    """HEAD is not GET: it gets the 405 with the path's `Allow` (and no body)."""
    status, headers, _ = raw_request(mock, JOBS + "sft-running", method="HEAD")
    assert (status, headers["Allow"]) == (405, ", ".join(JOB_PATH_METHODS))


@pytest.mark.parametrize(
    "raw_id",
    [
        "a%2Fb",
        "sft-running%2F",
        "%2F",
        "%2e%2e",
        "..",
        "%00",
        "%FF%FE",
        "%E2%9C%93",
        "%25",
        "%",
        "%zz",
        "a%20b",
        "x" * 2000,
    ],
)
def test_percent_encoded_and_odd_ids_never_cause_a_5xx(mock: RunningMock, raw_id: str) -> None:
    """Encoded slashes, NUL, invalid UTF-8, broken escapes and long ids are a clean 404 Status, never a 5xx."""
    assert_status_error(*raw_request(mock, JOBS + raw_id), code=5)


def test_an_encoded_fixture_id_is_decoded_before_lookup(mock: RunningMock) -> None:
    """`sft%2Drunning` is `sft-running` once decoded, as the gateway's router decodes path segments."""
    status, _, body = raw_request(mock, JOBS + "sft%2Drunning")
    assert (status, json.loads(body)) == (200, json.loads(raw_request(mock, JOBS + "sft-running")[2]))
    assert raw_request(mock, JOBS.replace("/mock-account/", "/mock%2Daccount/") + "sft-running")[0] == 200


def test_extra_jobs_are_served_and_reported() -> None:
    """`running_mock(extra_jobs=3)` serves and lists sft-extra-001..003, each named after its own id."""
    with serving_in_thread(extra_jobs=3) as many:
        extra = [job_id for job_id in many.job_ids if job_id.startswith("sft-extra-")]
        assert extra == ["sft-extra-001", "sft-extra-002", "sft-extra-003"]
        assert many.job_ids[: len(FIXTURES)] == tuple(FIXTURES)
        for job_id in extra:
            status, _, body = raw_request(many, JOBS + job_id)
            assert (status, json.loads(body)["name"]) == (
                200,
                job_name("mock-account", job_id),
            )
    with pytest.raises(ValueError, match="extra jobs"), running_mock(extra_jobs=-1):
        pass


def test_the_threaded_mock_serves_like_the_process_and_leaves_nothing_running() -> None:
    """`serving_in_thread` answers as the process does (same ids, same bodies), leaves the host's logging as it
    was, and stops listening when its block ends."""
    handlers = {name: list(logging.getLogger(name).handlers) for name in ("", "uvicorn", "uvicorn.error")}
    path = job_path("mock-account", "sft-running")
    with serving_in_thread(api_key="thread-key") as threaded, running_mock(api_key="thread-key") as process:
        assert threaded.job_ids == process.job_ids and threaded.base_url != process.base_url
        bodies = [raw_request(served, path) for served in (threaded, process)]
        assert bodies[0][0] == bodies[1][0] == 200 and bodies[0][2] == bodies[1][2]
        host, port = threaded.base_url.removeprefix("http://").rsplit(":", 1)
    assert {name: list(logging.getLogger(name).handlers) for name in handlers} == handlers
    with pytest.raises(OSError), socket.create_connection((host, int(port)), timeout=1):
        pass


@pytest.mark.parametrize("start", [running_mock, serving_in_thread], ids=["process", "thread"])
@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"clock": "sundial"}, ValueError, "unknown clock mode 'sundial'"),
        ({"marshal": "xml"}, ValueError, "unknown marshal profile 'xml'"),
        ({"fault": "nope"}, ValueError, "unknown fault 'nope'"),
        ({"fault": next(iter(ALL_FAULTS)), "all_faults": True}, ValueError, "contradict"),
        ({"colour": "blue"}, TypeError, "colour"),
    ],
)
def test_both_mocks_refuse_the_same_wrong_options_before_starting(
    start: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    """One set of options (MockOptions) for the process and the thread: a wrong one is refused by both, naming it,
    before a process or thread starts."""
    with pytest.raises(error, match=message), start(**options):
        pytest.fail("the mock started")
