"""Routes come from the spec's selected operations (custom verbs included); a known path with another method is
405 with the path's methods in `Allow`; both marshal profiles shape every answer of every operation; the clock's
control lives under /_mock/, outside the API's paths, behind the same key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway_mock.routes import CONTROL_PREFIX, RouteTable
from gateway_protocol.operations import ApiModel
from tests.helpers import job_path
from tests.mock_inprocess import ITEMS, KEY, SPEC, InProcess

OPERATIONS = list(SPEC.operations)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
JOB_PROPERTIES = list(SPEC.job_schema()["properties"])


def _path(operation: Any, job_id: str = "sft-running") -> str:
    values = {name: ("mock-account" if i == 0 else job_id) for i, name in enumerate(operation.path.variables)}
    return str(operation.path.expand(values))


def _body(operation: Any) -> dict[str, Any] | None:
    return {"dataset": "accounts/mock-account/datasets/d"} if operation.method == "POST" else None


@pytest.fixture
def mock() -> Iterator[InProcess]:
    served = InProcess()
    yield served
    served.close()


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_every_selected_operation_is_routed(mock: InProcess, operation: Any) -> None:
    """Each operation answers 200 at its own method and path (the running fixture is cancellable, the paused one
    resumable); nothing is 404 or 405."""
    job_id = "sft-paused" if operation.verb == "resume" else "sft-running"
    response = mock.request(operation.method, _path(operation, job_id), json=_body(operation))
    assert response.status_code == 200, (operation.operation_id, response.text)


def _paths() -> dict[str, set[str]]:
    by_path: dict[str, set[str]] = {}
    for operation in OPERATIONS:
        by_path.setdefault(_path(operation), set()).add(operation.method)
    return by_path


@pytest.mark.parametrize(("path", "methods"), sorted(_paths().items()))
def test_a_known_path_with_another_method_is_405_listing_its_methods(
    mock: InProcess, path: str, methods: set[str]
) -> None:
    for method in METHODS:
        if method in methods:
            continue
        response = mock.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == ", ".join(sorted(methods))
        assert response.json()["code"] == 12


# Near misses of the spec's paths: an unknown verb, a verb on the collection, another collection, a path one
# segment too long, another API version.
_JOB = job_path("mock-account", "sft-running")
_COLLECTION = _JOB.rsplit("/", 1)[0]


@pytest.mark.parametrize(
    "path",
    [
        f"{_JOB}:explode",
        f"{_COLLECTION}:cancel",
        f"{_COLLECTION.rsplit('/', 1)[0]}/otherJobs",
        f"{_JOB}/more",
        "/v999/" + _COLLECTION.split("/", 2)[2],
    ],
)
def test_paths_the_spec_lacks_are_404(mock: InProcess, path: str) -> None:
    for method in ("GET", "POST"):
        response = mock.request(method, path)
        assert (response.status_code, response.json()["code"]) == (404, 5)


def test_a_spec_path_under_the_control_prefix_is_refused() -> None:
    """The control endpoints can never shadow an API path: such a spec stops the mock."""
    document = {
        "paths": {
            CONTROL_PREFIX + "clock": {"get": {"operationId": "Clash", "responses": {"200": {"description": "x"}}}}
        }
    }
    with pytest.raises(LookupError, match="control prefix"):
        RouteTable(ApiModel.from_document(document))


def _is_zero(value: Any) -> bool:
    return value in (None, "", 0, "0", False, [], {})


def _walk_values(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_values(item)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_both_marshal_profiles_shape_every_answer(operation: Any) -> None:
    """emit-unpopulated writes every field of every job (zero values, null messages) and of the list answer;
    omit-unpopulated writes no zero value and no null anywhere, errors included."""
    for profile in ("emit-unpopulated", "omit-unpopulated"):
        mock = InProcess(marshal=profile)
        try:
            job_id = "sft-paused" if operation.verb == "resume" else "sft-running"
            body = mock.request(operation.method, _path(operation, job_id), json=_body(operation)).json()
            error = mock.request(operation.method, _path(operation, "no-such-job").replace("mock-account", "nobody"))
            jobs = body.get(ITEMS, []) if operation.kind == "list" else [body] if "name" in body else []
            if profile == "emit-unpopulated":
                assert all(list(job) == JOB_PROPERTIES for job in jobs)
                if operation.kind == "list":
                    assert set(body) == set(SPEC.resolve(operation.response_schema)["properties"])
                assert error.json()["details"] == []
            else:
                for value in _walk_values(body):
                    if isinstance(value, dict):
                        assert not any(v is None or v in ("", [], "0") for v in value.values()), value
                assert "details" not in error.json()
        finally:
            mock.close()


# --- the control endpoints -----------------------------------------------------------------------------------


def test_the_clock_control_needs_the_key_and_answers_its_state(mock: InProcess) -> None:
    assert mock.request("GET", "/_mock/clock", headers={"Authorization": "Bearer wrong"}).status_code == 401
    state = mock.get("/_mock/clock").json()
    assert state["mode"] == "manual" and state["pending"] == 0 and state["now"].endswith("Z")
    assert mock.request("GET", "/_mock/nothing").status_code == 404


@pytest.mark.parametrize(
    "request_body",
    [{"mode": "warp"}, {"speed": "fast"}, {"advanceSeconds": -1}, {"advanceSeconds": True}, {"rewind": 1}, [1]],
)
def test_bad_clock_requests_are_400(mock: InProcess, request_body: Any) -> None:
    response = mock.request("POST", "/_mock/clock", json=request_body)
    assert (response.status_code, response.json()["code"]) == (400, 3)


def test_the_clock_control_steps_runs_and_switches_modes(mock: InProcess) -> None:
    mock.create({"dataset": "d"}, "controlled")
    state = mock.request("POST", "/_mock/clock", json={"advanceSeconds": 1.5}).json()
    assert state["pending"] == 1 and mock.job("controlled")["state"] == "JOB_STATE_VALIDATING"
    assert mock.request("POST", "/_mock/clock", json={"runAll": True}).json()["pending"] == 0
    assert mock.job("controlled")["state"] == "JOB_STATE_COMPLETED"
    fast = mock.request("POST", "/_mock/clock", json={"mode": "realtime", "speed": 1000}).json()
    assert (fast["mode"], fast["speed"]) == ("realtime", 1000)
    assert mock.request("POST", "/_mock/clock", json={"mode": "instant"}).json()["mode"] == "instant"


def test_reset_restores_the_seeded_jobs(mock: InProcess) -> None:
    before = mock.listed()
    mock.create({"dataset": "d"}, "temporary")
    mock.verb("sft-running", "cancel")
    answer = mock.request("POST", "/_mock/reset", json={})
    assert answer.status_code == 200 and answer.json()["jobs"] > 0
    assert mock.listed() == before
    assert mock.get(job_path("mock-account", "temporary")).status_code == 404


def test_realtime_speed_walks_a_job_in_real_time() -> None:
    """At speed 1000 a 10 s walk takes about 10 ms: poll (bounded) until it completes."""
    import time

    mock = InProcess(clock="realtime")
    try:
        mock.app.clock.configure("realtime", 1000)
        mock.create({"dataset": "d"}, "fast")
        deadline = time.monotonic() + 10
        while mock.job("fast")["state"] != "JOB_STATE_COMPLETED":
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        mock.close()


def test_the_key_is_checked_before_any_operation(mock: InProcess) -> None:
    for operation in OPERATIONS:
        response = mock.request(
            operation.method, _path(operation), json=_body(operation), headers={"Authorization": f"Bearer {KEY}x"}
        )
        assert (response.status_code, response.json()["code"]) == (401, 16)
