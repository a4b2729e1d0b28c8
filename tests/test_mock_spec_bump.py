"""After a spec bump, with no edit, the mock, its fixtures, the rules and the fault catalogue follow the spec.

Built in the test from the vendored spec: a frozen copy that adds a state, a new enum type, a new object holding
another new object and an object with no properties, and removes the progress fault's message (`jobProgress`
today), another enum property (`purpose` today) and a state, each found in the spec, not by name. The new state
gets a fixture, new objects are filled by their schema, every fixture passes every rule in both marshal profiles,
every applicable fault still breaks exactly its rule, and the progress fault is not applicable.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from contract_tests.exchange import Exchange
from contract_tests.rules import RULES, check_exchange
from contract_tests.spec_facts import SpecFacts, build_facts
from gateway_mock.app import MockGateway
from gateway_mock.constants import DEFAULT_API_KEY, MINIMAL_JOB_ID
from gateway_mock.faults import FAULTS, build_faults, fault_job_id
from gateway_mock.fixtures import build_fixtures, state_job_id
from gateway_mock.marshal import PROFILES
from spec_tools.spec import Spec, load_spec
from tests.helpers import asgi_request, jobs_prefix

VENDORED = load_spec()
JOBS = jobs_prefix("mock-account")


def _new_state() -> str:
    """A state name the vendored spec does not define (a later spec might define any name we pick)."""
    states = set(VENDORED.resolve(VENDORED.job_schema()["properties"]["state"]).get("enum", ()))
    name = "JOB_STATE_DRAINING_QUEUE"
    while name in states:
        name += "_X"
    return name


NEW_STATE = _new_state()
PROGRESS_FAULT = "progress-out-of-range"


def _removed_properties() -> tuple[str, ...]:
    """What the bump removes, found in the vendored spec: the progress fault's message (so that fault must
    become not applicable) and the first top-level enum property besides the state (a narrower enum set)."""
    target = FAULTS[PROGRESS_FAULT].target
    progress = (target.split(".")[0],) if target else ()
    state_key = VENDORED.schema_name(VENDORED.job_schema()["properties"].get("state", {}))
    enums = [
        name
        for name, node in VENDORED.job_schema()["properties"].items()
        if name != "state" and VENDORED.resolve(node).get("enum") and VENDORED.schema_name(node) != state_key
    ]
    return progress + tuple(enums[:1])


REMOVED = _removed_properties()
NEW_ENUM = ("ROLLOUT_MODE_UNSPECIFIED", "ROLLOUT_MODE_CANARY", "ROLLOUT_MODE_FULL")


def _schema_key(spec: Spec, node: dict[str, Any]) -> str:
    name = spec.schema_name(node)
    assert name is not None
    return name


def bumped() -> tuple[Spec, str]:
    """The frozen copy, and the state it removed (the last one that is not the zero value)."""
    document = copy.deepcopy(VENDORED.document)
    spec = Spec(document, VENDORED.selection)
    schemas = document["components"]["schemas"]
    job = schemas[spec.job_schema_name()]
    states = schemas[_schema_key(spec, job["properties"]["state"])]["enum"]
    removed_state = states.pop()
    states.append(NEW_STATE)
    for name in REMOVED:
        del job["properties"][name]
    schemas["zzRolloutMode"] = {"type": "string", "enum": list(NEW_ENUM), "default": NEW_ENUM[0]}
    schemas["zzEmptyMarker"] = {"type": "object", "description": "An empty message, like google.protobuf.Empty."}
    schemas["zzRolloutPolicy"] = {
        "type": "object",
        "properties": {"maxSurge": {"type": "integer", "format": "int32"}, "label": {"type": "string"}},
    }
    schemas["zzRolloutConfig"] = {
        "type": "object",
        "properties": {
            "policy": {"$ref": "#/components/schemas/zzRolloutPolicy"},
            "mode": {"$ref": "#/components/schemas/zzRolloutMode"},
            "marker": {"$ref": "#/components/schemas/zzEmptyMarker"},
            "startTime": {"type": "string", "format": "date-time"},
        },
    }
    job["properties"]["rollout"] = {"$ref": "#/components/schemas/zzRolloutConfig"}
    return spec, removed_state


SPEC, REMOVED_STATE = bumped()
FACTS = build_facts(SPEC)
FIXTURES = build_fixtures(SPEC)


def _exchange(app: MockGateway, job_id: str, *, mask: str | None = None, auth: str | None = "valid") -> Exchange:
    query = f"?readMask={mask}" if mask is not None else ""
    authorization = {"valid": f"Bearer {DEFAULT_API_KEY}", "wrong": "Bearer wrong-key", None: None}[auth]
    status, headers, body = asgi_request(app, JOBS + job_id + query, authorization=authorization)
    return Exchange.build(
        method="GET",
        url=f"http://mock{JOBS}{job_id}{query}",
        status=status,
        headers={"content-type": headers["content-type"]},
        content=body,
        authorization=authorization,
        api_key=DEFAULT_API_KEY,
    )


def broken_rules(app: MockGateway, job_id: str, facts: SpecFacts) -> set[str]:
    """The rules the suite's per-job reads find broken: masks of every kind, no and wrong credentials, a bad mask."""
    props = list(facts.job_properties)
    name_and_required = ",".join(dict.fromkeys(["name", *facts.required]))
    masks = [None, "", "*", name_and_required, f"state,{props[-1]}", "noSuchField", "rollout.mode"]
    exchanges = [_exchange(app, job_id, mask=mask) for mask in masks]
    exchanges += [_exchange(app, job_id, auth=None), _exchange(app, job_id, auth="wrong")]
    return {v.rule for exchange in exchanges for v in check_exchange(exchange, facts, RULES)}


def test_the_new_state_gets_a_fixture_and_the_removed_one_none() -> None:
    """One fixture per state of the bumped spec: the new one is served, the removed one is gone."""
    assert FIXTURES[state_job_id(NEW_STATE)]["state"] == NEW_STATE
    assert state_job_id(REMOVED_STATE) not in FIXTURES


def test_new_objects_are_filled_by_their_schema_and_removed_properties_are_gone() -> None:
    """A new object holding a new object, a new enum and an empty object: every state job has them, shaped by
    their schemas; the removed properties appear nowhere."""
    state_jobs = [job for job_id, job in FIXTURES.items() if job_id != MINIMAL_JOB_ID]
    for job in state_jobs:
        assert not set(REMOVED) & set(job)
        rollout = job["rollout"]
        assert isinstance(rollout["policy"]["maxSurge"], int) and isinstance(rollout["policy"]["label"], str)
        assert rollout["mode"] in NEW_ENUM and rollout["marker"] in ({}, None)
    assert {job["rollout"]["mode"] for job in state_jobs} == set(NEW_ENUM)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_fixture_passes_every_rule_of_the_bumped_spec(profile: str) -> None:
    """The mock serving the bumped spec is green under the rules built from it, in both marshal profiles."""
    app = MockGateway(SPEC, api_key=DEFAULT_API_KEY, marshal=profile)  # type: ignore[arg-type]
    for job_id in FIXTURES:
        assert broken_rules(app, job_id, FACTS) == set(), job_id


def test_a_fault_whose_target_is_gone_is_not_applicable() -> None:
    """The progress fault has no progress message to break: the mock serves no job for it, and says why."""
    faults = build_faults(SPEC)
    assert faults[PROGRESS_FAULT].target is None and not faults[PROGRESS_FAULT].applicable
    assert "not applicable" in faults[PROGRESS_FAULT].description
    app = MockGateway(SPEC, api_key=DEFAULT_API_KEY, all_faults=True)
    assert fault_job_id(PROGRESS_FAULT) not in app.job_ids


# The faults the bumped spec still has a target for (or that aim at no body property at all).
APPLICABLE = [name for name, fault in build_faults(SPEC).items() if fault.applicable]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", APPLICABLE)
def test_every_applicable_fault_still_breaks_exactly_its_rule(profile: str, name: str) -> None:
    """On the bumped spec each fault's job breaks its own rule and no other (re-aimed by the spec, no edit)."""
    app = MockGateway(SPEC, api_key=DEFAULT_API_KEY, all_faults=True, marshal=profile)  # type: ignore[arg-type]
    assert broken_rules(app, fault_job_id(name), FACTS) == {FAULTS[name].rule}


def test_every_fault_of_the_vendored_spec_aims_at_a_property_it_has_or_says_it_is_not_applicable() -> None:
    """Each body fault aims at a property the vendored spec has; one with no target says it is not applicable."""
    for fault in FAULTS.values():
        if fault.target is not None:
            head = fault.target.split(".")[0]
            assert head in VENDORED.job_schema()["properties"], fault.name
            assert fault.applicable and "not applicable" not in fault.description, fault.name
        elif not fault.applicable:
            assert fault.description.startswith("not applicable"), fault.name


def test_faults_re_aim_when_their_property_moves() -> None:
    """A spec whose first Money is another property aims the money faults there, by schema, not by name."""
    document = copy.deepcopy(VENDORED.document)
    spec = Spec(document, VENDORED.selection)
    properties = document["components"]["schemas"][spec.job_schema_name()]["properties"]
    if FAULTS["bad-currency"].target is None:
        pytest.skip("the vendored spec's job has no google.type.Money-shaped property to move")
    money = properties.pop(FAULTS["bad-currency"].target)
    document["components"]["schemas"][spec.job_schema_name()]["properties"] = {"aaBudget": money, **properties}
    assert build_faults(spec)["bad-currency"].target == "aaBudget"
    assert json.dumps(build_fixtures(spec)).count('"aaBudget"') > 0
