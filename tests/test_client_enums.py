"""Enum values newer than the spec are kept, marked unknown and round-trip; known values behave exactly as before."""

from __future__ import annotations

import json
from enum import StrEnum

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.models import JobState, SupervisedFineTuningJob

from tests.client_spec_bodies import ENUM_FIELDS, KNOWN_STATE, attribute_of, model_class, unknown_value

# Values no spec can define (derived from each enum's prefix; see unknown_value), so no bump makes them known.
NEW_STATES = (unknown_value(JobState, "ROLLOUT"), unknown_value(JobState, "EVALUATION"))
# Every enum class the job uses, top-level or inside a message, as the vendored spec defines them.
ENUMS: tuple[type[StrEnum], ...] = tuple(model_class(key) for key in dict.fromkeys(ENUM_FIELDS.values()))
NEW_VALUE = {enum: unknown_value(enum) for enum in ENUMS}


@pytest.mark.parametrize("state", NEW_STATES)
def test_unknown_job_state_is_kept_and_round_trips(state: str) -> None:
    """A job in a state the spec lacks parses, is marked unknown, and to_dict gives the same string back."""
    body = {"dataset": "d", "state": state}
    job = SupervisedFineTuningJob.from_dict(body)
    assert isinstance(job.state, JobState)
    assert job.state.is_unknown
    assert job.state == state and str(job.state) == state and job.state.value == state
    assert job.to_dict() == body
    assert json.loads(json.dumps(job.to_dict())) == body


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_unknown_value_does_not_join_the_members(enum: type[StrEnum]) -> None:
    """Parsing an unknown value leaves iteration, len and __members__ listing only the spec's values."""
    before = list(enum)
    unknown = enum(NEW_VALUE[enum])
    assert unknown.is_unknown  # type: ignore[attr-defined]
    assert list(enum) == before
    assert len(enum) == len(before)
    assert NEW_VALUE[enum] not in enum.__members__
    assert unknown not in before


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_known_values_behave_as_before(enum: type[StrEnum]) -> None:
    """Every spec value maps to its member by identity, equals its string and is not marked unknown."""
    for member in enum:
        assert enum(member.value) is member
        assert enum[member.name] is member
        assert member == member.value and str(member) == member.value
        assert not member.is_unknown  # type: ignore[attr-defined]


def test_same_unknown_value_gives_the_same_object() -> None:
    """Two parses of one new state are the same object, so `is` and dict lookups keep working."""
    first = SupervisedFineTuningJob.from_dict({"dataset": "d", "state": NEW_STATES[1]}).state
    second = SupervisedFineTuningJob.from_dict({"dataset": "d", "state": NEW_STATES[1]}).state
    assert first is second
    assert first != JobState(KNOWN_STATE)


@pytest.mark.parametrize("path", ENUM_FIELDS, ids=".".join)
def test_unknown_value_of_every_enum_field_round_trips(path: tuple[str, ...]) -> None:
    """An unknown value in any enum-typed field of the spec's job, top-level or nested, survives from_dict/to_dict
    as an unknown member of that field's enum class."""
    enum = model_class(ENUM_FIELDS[path])
    value: object = unknown_value(enum)
    for name in reversed(path[1:]):
        value = {name: value}
    body = {"dataset": "d", path[0]: value}
    job = SupervisedFineTuningJob.from_dict(body)
    parsed = job
    for name in path:
        parsed = getattr(parsed, attribute_of(name))
    assert isinstance(parsed, enum) and parsed.is_unknown  # type: ignore[attr-defined]
    assert job.to_dict() == body


@pytest.mark.parametrize("value", [3, None, 1.5, KNOWN_STATE.encode()])
def test_non_string_values_are_still_rejected(value: object) -> None:
    """Only strings become unknown members; a number or bytes is still a ValueError, as before."""
    with pytest.raises(ValueError):
        JobState(value)  # type: ignore[arg-type]


def test_unknown_state_through_the_client() -> None:
    """A gateway answer with a state newer than the spec parses through sync() instead of raising."""
    body = {"dataset": "accounts/acme/datasets/d", "state": NEW_STATES[0]}
    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(lambda request: httpx.Response(200, json=body))},
    )
    job = get_job.sync("acme", "j1", client=client)
    assert isinstance(job.state, JobState)
    assert job.state.is_unknown and job.state == NEW_STATES[0]
