"""Each rule and each "mock's choice" of LIFECYCLE.md, held against the mock in-process (create, get, delete,
cancel, resume, estimate cost, the walk on the clock). Fields and states come from the spec, never from a list here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway_mock import lifecycle as lc
from gateway_mock.clock import parse_timestamp
from gateway_protocol.job_states import DELETION_STATES, TERMINAL_STATES
from gateway_protocol.proto_json import snake_case
from tests.helpers import job_name
from tests.mock_inprocess import SPEC, InProcess, collection_path

JOB = SPEC.job_schema()
PROPERTIES = {name: SPEC.resolve(node) for name, node in JOB["properties"].items()}
OUTPUT_ONLY = sorted(
    name for name, node in JOB["properties"].items() if node.get("readOnly") or SPEC.resolve(node).get("readOnly")
)
REQUIRED = tuple(JOB.get("required", ()))
DATASET = "accounts/mock-account/datasets/lifecycle"
STATES = tuple(PROPERTIES["state"]["enum"])
# The message the mock's walk fills with a percent and an epoch (`jobProgress`), when the spec still has it.
PROGRESS = next((n for n, s in PROPERTIES.items() if {"percent", "epoch"} <= set(s.get("properties", {}))), None)
SOFT_DELETED = lc.DELETED in STATES  # without it, the mock's delete goes from DELETING straight to gone


@pytest.fixture
def mock() -> Iterator[InProcess]:
    served = InProcess()
    yield served
    served.close()


def _error(response: Any, status: int, code: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    message: str = body["message"]
    return message


def _sample(schema: dict[str, Any], seed: int) -> Any:
    """A non-zero value of a scalar property, by its schema alone."""
    if schema.get("enum"):
        return schema["enum"][-1]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "boolean":
        return True
    if kind == "integer":
        return 3 + seed
    if kind == "number":
        return 0.25
    if kind == "string" and fmt in ("int64", "uint64"):
        return str(7 + seed)
    if kind == "string" and fmt == "date-time":
        return "2020-02-02T02:02:02Z"
    return f"sent-{seed}"


WRITABLE_SCALARS = {
    name: _sample(schema, i)
    for i, (name, schema) in enumerate(PROPERTIES.items())
    if name not in OUTPUT_ONLY and schema.get("type") in ("string", "integer", "number", "boolean")
}


# --- create --------------------------------------------------------------------------------------------------


def test_create_names_the_job_with_the_id_asked_for(mock: InProcess) -> None:
    """The answer's name is accounts/{account}/supervisedFineTuningJobs/{the id asked for}, and it is readable."""
    created = mock.create({"dataset": DATASET}, "my-first-job")
    assert created.status_code == 200, created.text
    assert created.json()["name"] == job_name("mock-account", "my-first-job")
    assert mock.job("my-first-job")["name"] == created.json()["name"]


def test_create_without_an_id_makes_a_fresh_uuid(mock: InProcess) -> None:
    """No id asked for: the spec's "a random UUID will be generated"; two creates get two ids."""
    names = [mock.create({"dataset": DATASET}).json()["name"] for _ in range(2)]
    ids = [name.rsplit("/", 1)[-1] for name in names]
    assert ids[0] != ids[1]
    for job_id in ids:
        assert len(job_id) == 36 and job_id.count("-") == 4
        assert mock.job(job_id)["name"].endswith(job_id)


def test_a_duplicate_id_is_409_code_6_and_changes_nothing(mock: InProcess) -> None:
    """AIP-133: a create with an existing id answers 409 (ALREADY_EXISTS) and the job stays as it was."""
    mock.create({"dataset": DATASET, "displayName": "first"}, "twice")
    before = mock.job("twice")
    _error(mock.create({"dataset": "other", "displayName": "second"}, "twice"), 409, 6)
    assert mock.job("twice") == before
    _error(mock.create({"dataset": DATASET}, "sft-running"), 409, 6)  # a fixture's id too


@pytest.mark.parametrize("body", [{}, {"dataset": ""}, {"displayName": "no dataset"}, {"dataset": None}])
def test_a_create_without_the_required_fields_is_400_code_3(mock: InProcess, body: dict[str, Any]) -> None:
    """The spec's `required` (dataset): absent, empty or null -> 400 INVALID_ARGUMENT naming the field; no job."""
    message = _error(mock.create(body, "never-made"), 400, 3)
    assert all(name in message for name in REQUIRED)
    assert mock.get(collection_path() + "/never-made").status_code == 404


@pytest.mark.parametrize("job_id", ["Upper", "1starts-with-digit", "under_score", "-dash", "dash-", "a" * 64, "a.b"])
def test_ids_that_break_aip_122_are_400_code_3(mock: InProcess, job_id: str) -> None:
    """The mock's choice: an id outside [a-z]([a-z0-9-]{0,61}[a-z0-9])? is refused, naming the parameter."""
    assert "supervisedFineTuningJobId" in _error(mock.create({"dataset": DATASET}, job_id), 400, 3)


@pytest.mark.parametrize("job_id", ["a", "a" * 63, "x-1-y"])
def test_ids_within_aip_122_are_accepted(mock: InProcess, job_id: str) -> None:
    assert mock.create({"dataset": DATASET}, job_id).status_code == 200


def test_output_only_fields_in_the_body_are_ignored(mock: InProcess) -> None:
    """AIP-203: every readOnly property sent (a terminal state included) is ignored: the job starts non-terminal,
    named by the request, with the mock's own times and status."""
    sent = {"dataset": DATASET}
    for name in OUTPUT_ONLY:
        schema = PROPERTIES[name]
        sent[name] = {"unexpected": 1} if "properties" in schema else _sample(schema, 1)
    sent["state"] = "JOB_STATE_COMPLETED"
    sent["name"] = job_name("elsewhere", "stolen")
    job = mock.create(sent, "output-only").json()
    assert job["state"] == lc.FIRST_STATE and job["state"] not in TERMINAL_STATES
    assert job["name"].endswith("/output-only") and "elsewhere" not in job["name"]
    for name in OUTPUT_ONLY:
        assert job.get(name) != sent[name], name


def test_writable_scalars_come_back_unchanged(mock: InProcess) -> None:
    """Every writable scalar of the schema sent comes back as sent (resource names as sent: not expanded)."""
    job = mock.create({**WRITABLE_SCALARS, "dataset": DATASET}, "round-trip").json()
    for name, value in {**WRITABLE_SCALARS, "dataset": DATASET}.items():
        assert job[name] == value, name
    assert mock.job("round-trip") == job


def test_unknown_fields_are_discarded_and_proto_names_accepted(mock: InProcess) -> None:
    """grpc-gateway's unmarshaler: unknown fields (the SDK still sends `region`, which specs after 4.21 lack) are
    dropped, and a field may be sent by its proto name (display_name)."""
    unknown = [name for name in ("region", "x") if name not in PROPERTIES]
    text = next(name for name, value in WRITABLE_SCALARS.items() if isinstance(value, str) and name != "dataset")
    proto_name = snake_case(text)
    job = mock.create({"dataset": DATASET, proto_name: "by proto name", **dict.fromkeys(unknown, "US_IOWA_1")}).json()
    assert unknown and not set(unknown) & set(job)
    assert job[text] == "by proto name" and proto_name != text


def _first_writable(test: Any) -> str | None:
    return next((name for name, schema in PROPERTIES.items() if name not in OUTPUT_ONLY and test(schema)), None)


def _refused_bodies() -> list[Any]:
    """One wrong value per kind of writable field the spec has: an int32 as a word and past its range, a boolean as
    a string, a plain string as a number, a value outside an enum, an object as a string; and a body not an object."""
    int32 = _first_writable(lambda s: s.get("type") == "integer" and s.get("format") == "int32")
    boolean = _first_writable(lambda s: s.get("type") == "boolean")
    text = _first_writable(lambda s: s.get("type") == "string" and not s.get("format") and not s.get("enum"))
    enum = _first_writable(lambda s: bool(s.get("enum")))
    message = _first_writable(lambda s: s.get("type") == "object" or "properties" in s)
    wrong = [(int32, "many"), (int32, 2**31), (boolean, "yes"), (text, 5), (enum, "NOT_IN_THE_ENUM"),
             (message, "not an object")]  # fmt: skip
    return [{"dataset": DATASET, name: value} for name, value in wrong if name and name != "dataset"] + [[]]


@pytest.mark.parametrize("body", _refused_bodies())
def test_values_the_unmarshaler_refuses_are_400_code_3(mock: InProcess, body: Any) -> None:
    """A value of the wrong type, out of int32 range or outside its enum is 400, naming the field."""
    message = _error(mock.create(body, "typed"), 400, 3)
    if isinstance(body, dict):
        assert any(name in message for name in body if name != "dataset"), message


def test_a_body_that_is_not_json_is_400_code_3(mock: InProcess) -> None:
    response = mock.request("POST", collection_path(), content=b"{not json", headers={"content-type": "x"})
    _error(response, 400, 3)


# --- the walk ------------------------------------------------------------------------------------------------


def _walk(mock: InProcess, job_id: str, step: float = 0.25, limit: int = 200) -> list[dict[str, Any]]:
    seen = [mock.job(job_id)]
    for _ in range(limit):
        if seen[-1]["state"] in TERMINAL_STATES:
            return seen
        mock.advance(step)
        seen.append(mock.job(job_id))
    raise AssertionError(f"{job_id} did not end: {seen[-1]['state']}")


def test_a_new_job_walks_every_state_of_the_walk_in_order(mock: InProcess) -> None:
    """CREATING -> VALIDATING -> PENDING -> RUNNING -> WRITING_RESULTS -> COMPLETED on the manual clock."""
    mock.create({"dataset": DATASET, "epochs": 3}, "walker")
    states = [job["state"] for job in _walk(mock, "walker")]
    distinct = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert distinct == [step.state for step in lc.WALK]


def test_progress_grows_times_move_and_completed_time_is_set_at_the_end(mock: InProcess) -> None:
    """percent and epoch never go down and reach 100 / epochs-1; createTime never changes; updateTime never goes
    back and moves at each state; completedTime is set exactly when the job is terminal."""
    mock.create({"dataset": DATASET, "epochs": 3}, "progress")
    seen = _walk(mock, "progress")
    if PROGRESS is not None:  # a spec without the progress message has nothing to grow
        percents = [job[PROGRESS]["percent"] for job in seen]
        epochs = [job[PROGRESS]["epoch"] for job in seen]
        assert percents == sorted(percents) and percents[-1] == 100 and len(set(percents)) > 5
        assert epochs == sorted(epochs) and epochs[-1] == 2
    assert len({job["createTime"] for job in seen}) == 1
    updates = [parse_timestamp(job["updateTime"]) for job in seen]
    assert updates == sorted(updates)
    changes = [i for i in range(1, len(seen)) if seen[i]["state"] != seen[i - 1]["state"]]
    assert all(updates[i] > updates[i - 1] for i in changes)
    assert all(job["completedTime"] is None for job in seen[:-1]) and seen[-1]["completedTime"] is not None
    walked = parse_timestamp(seen[-1]["completedTime"]) - parse_timestamp(seen[0]["createTime"])
    assert walked == round(lc.walk_seconds() * 1e9)


def test_the_manual_clock_moves_nothing_until_advanced(mock: InProcess) -> None:
    mock.create({"dataset": DATASET}, "still")
    for _ in range(3):
        assert mock.job("still")["state"] == lc.FIRST_STATE


def test_the_instant_clock_ends_every_walk_by_the_next_request() -> None:
    """Instant: the create answers the first state, the next read the end, with the walk's own timestamps."""
    mock = InProcess(clock="instant")
    try:
        created = mock.create({"dataset": DATASET}, "quick").json()
        assert created["state"] == lc.FIRST_STATE
        job = mock.job("quick")
        assert job["state"] == "JOB_STATE_COMPLETED"
        walked = parse_timestamp(job["completedTime"]) - parse_timestamp(created["createTime"])
        assert walked == round(lc.walk_seconds() * 1e9)
    finally:
        mock.close()


# --- delete --------------------------------------------------------------------------------------------------


def test_delete_is_soft_then_gone_and_never_another_state(mock: InProcess) -> None:
    """200 `{}`; then DELETING, DELETED (out of List unless the filter names it), 404; a second delete is 404."""
    mock.create({"dataset": DATASET}, "doomed")
    response = mock.delete("doomed")
    assert (response.status_code, response.json()) == (200, {})
    seen = []
    for _ in range(40):
        answer = mock.get(collection_path() + "/doomed")
        if answer.status_code == 404:
            break
        seen.append(answer.json()["state"])
        mock.advance(0.5)
    assert seen and set(seen) <= DELETION_STATES and seen[0] == lc.DELETING and (lc.DELETED in seen) == SOFT_DELETED
    _error(mock.get(collection_path() + "/doomed"), 404, 5)
    _error(mock.delete("doomed"), 404, 5)


@pytest.mark.skipif(not SOFT_DELETED, reason=f"the spec's state enum lacks {lc.DELETED}")
def test_a_deleted_job_leaves_list_unless_the_filter_names_its_state(mock: InProcess) -> None:
    mock.create({"dataset": DATASET}, "hidden")
    mock.delete("hidden")
    mock.advance(lc.DELETING_S)
    assert mock.job("hidden")["state"] == lc.DELETED
    names = [job["name"] for job in mock.listed()]
    assert not any(name.endswith("/hidden") for name in names)
    deleted = [job["name"] for job in mock.listed(filter=f'state = "{lc.DELETED}"')]
    assert any(name.endswith("/hidden") for name in deleted)


def test_a_second_delete_while_deleting_is_404_and_unknown_jobs_are_404(mock: InProcess) -> None:
    mock.create({"dataset": DATASET}, "once")
    assert mock.delete("once").status_code == 200
    _error(mock.delete("once"), 404, 5)
    _error(mock.delete("no-such-job"), 404, 5)


# --- cancel and resume ---------------------------------------------------------------------------------------


def test_cancel_ends_the_job_cancelled_and_it_never_runs_again(mock: InProcess) -> None:
    mock.create({"dataset": DATASET}, "stop-me")
    mock.advance(3.5)
    assert mock.job("stop-me")["state"] == lc.RUNNING
    response = mock.verb("stop-me", "cancel")
    assert (response.status_code, response.json()) == (200, {})
    seen = _walk(mock, "stop-me")
    assert [job["state"] for job in seen][-1] == lc.CANCELLED
    assert lc.CANCELLING in [job["state"] for job in seen]
    assert seen[-1]["completedTime"] is not None
    mock.advance(60)
    assert mock.job("stop-me")["state"] == lc.CANCELLED


@pytest.mark.parametrize("state", sorted(TERMINAL_STATES & set(STATES)))
def test_cancelling_a_terminal_job_is_400_code_9(mock: InProcess, state: str) -> None:
    """The mock's choice: FAILED_PRECONDITION for every terminal fixture, which stays as it was."""
    job_id = "sft-" + state.removeprefix("JOB_STATE_").lower().replace("_", "-")
    before = mock.job(job_id)
    _error(mock.verb(job_id, "cancel"), 400, 9)
    assert mock.job(job_id) == before


@pytest.mark.parametrize("state", sorted(lc.RESUMABLE))
def test_resume_brings_paused_failed_and_cancelled_jobs_back_to_pending(mock: InProcess, state: str) -> None:
    """200 with the job (which validates: a job body), PENDING, then the walk to COMPLETED."""
    job_id = "sft-" + state.removeprefix("JOB_STATE_").lower().replace("_", "-")
    response = mock.verb(job_id, "resume")
    assert response.status_code == 200, response.text
    assert response.json()["state"] == lc.RESUME_STATE and response.json()["name"].endswith(job_id)
    assert response.json()["completedTime"] is None
    assert _walk(mock, job_id)[-1]["state"] == "JOB_STATE_COMPLETED"


@pytest.mark.parametrize("state", [s for s in STATES if s not in lc.RESUMABLE])
def test_resume_of_any_other_state_is_400_code_9(mock: InProcess, state: str) -> None:
    job_id = "sft-" + state.removeprefix("JOB_STATE_").lower().replace("_", "-")
    _error(mock.verb(job_id, "resume"), 400, 9)


def test_cancel_and_resume_of_an_unknown_job_are_404(mock: InProcess) -> None:
    for verb in ("cancel", "resume"):
        _error(mock.verb("no-such-job", verb), 404, 5)


# --- estimate cost -------------------------------------------------------------------------------------------


def _money(response: Any) -> tuple[int, int, str]:
    assert response.status_code == 200, response.text
    (cost,) = response.json().values()
    units, nanos = int(cost["units"]), cost["nanos"]
    assert isinstance(cost["units"], str) and abs(nanos) <= 999_999_999
    assert (units >= 0 and nanos >= 0) or (units <= 0 and nanos <= 0)
    return units, nanos, cost["currencyCode"]


def test_estimate_cost_is_deterministic_never_negative_and_grows_with_epochs(mock: InProcess) -> None:
    prices = []
    for epochs in (1, 2, 5, 2**31 - 1):
        body = {"dataset": DATASET, "epochs": epochs, "loraRank": 16}
        first, second = _money(mock.estimate(body)), _money(mock.estimate(body))
        assert first == second and first[0] >= 0 and first[2] == "USD"
        prices.append(first[0] * 10**9 + first[1])
    assert prices == sorted(prices) and prices[0] > 0


def test_estimate_cost_creates_nothing_and_needs_the_dataset(mock: InProcess) -> None:
    before = [job["name"] for job in mock.listed()]
    _money(mock.estimate({"dataset": DATASET}))
    assert [job["name"] for job in mock.listed()] == before
    _error(mock.estimate({"epochs": 2}), 400, 3)
