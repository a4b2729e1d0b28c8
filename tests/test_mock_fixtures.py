"""The mock's fixture jobs follow the vendored spec, the contract rules and proto3 JSON, and re-shape with the spec."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from contract_tests.exchange import Exchange
from contract_tests.rules import ADVISORIES, RULES, Violation, check_exchange
from contract_tests.spec_facts import build_facts
from gateway_mock.constants import MINIMAL_JOB_ID, MOCK_ACCOUNT, job_name
from gateway_mock.fixtures import build_fixtures, state_job_id
from spec_tools.spec import Spec, load_spec
from tests.client_spec_bodies import MONEY_FIELDS, NESTED_SCALAR, scalar_property
from tests.helpers import job_name as spec_job_name
from tests.helpers import job_path

SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
INT64_MAX = 2**63 - 1
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z")


def _rule_violations(spec: Spec, job_id: str, job: dict[str, Any]) -> list[Violation]:
    """What the contract rules (built from `spec`) find in `job` served as a 200 for its own id."""
    exchange = Exchange.build(
        method="GET",
        url=f"http://127.0.0.1:1{job_path(MOCK_ACCOUNT, job_id)}",
        status=200,
        headers={"content-type": "application/json"},
        content=json.dumps(job).encode(),
        authorization="Bearer k",
        api_key="k",
    )
    return check_exchange(exchange, build_facts(spec), RULES + ADVISORIES)


def _modified(edit: Any) -> Spec:
    document = copy.deepcopy(SPEC.document)
    edit(document["components"]["schemas"])
    return Spec(document, SPEC.selection)


def _key(*path: str) -> str:
    """The components key of the job schema, or of the schema a job property path refers to (no names kept)."""
    if not path:
        return SPEC.job_schema_name()
    node: dict[str, Any] = SPEC.job_schema()
    for name in path[:-1]:
        node = SPEC.resolve(node["properties"][name])
    key = SPEC.schema_name(node["properties"][path[-1]])
    assert key is not None
    return key


def _enum_fields() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every enum-typed job property (top level and one nested level) but `state`, with its values."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for name, node in SPEC.job_schema()["properties"].items():
        schema = SPEC.resolve(node)
        if schema.get("enum") and name != "state":
            found[(name,)] = tuple(schema["enum"])
        for inner, inner_node in schema.get("properties", {}).items():
            inner_schema = SPEC.resolve(inner_node)
            if inner_schema.get("enum"):
                found[(name, inner)] = tuple(inner_schema["enum"])
    return found


def _job_ids_by_state(fixtures: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {job["state"]: job_id for job_id, job in fixtures.items() if "state" in job}


@pytest.mark.parametrize("job_id", list(FIXTURES))
def test_every_fixture_passes_every_contract_rule(job_id: str) -> None:
    """Served as a 200 for its own id, each fixture meets the vendored schema (formats, ranges) and every contract
    rule (Money's sign and range, ISO 4217, enums, progress, name), and raises no advisory."""
    assert _rule_violations(SPEC, job_id, FIXTURES[job_id]) == []


@pytest.mark.parametrize("money", MONEY_FIELDS)
def test_the_money_edge_cases_appear(money: str) -> None:
    """In each Money-shaped field (found by shape; none when the spec has no Money), negative amounts, zero units
    with negative nanos and max int64 units are all served somewhere."""
    amounts = {(job[money]["units"], job[money]["nanos"]) for job in FIXTURES.values() if job.get(money)}
    assert ("-1", -750000000) in amounts
    assert any(units == "0" and nanos < 0 for units, nanos in amounts)
    assert any(units == str(INT64_MAX) for units, _ in amounts)


def test_there_is_one_job_per_job_state_and_a_minimal_job() -> None:
    """The fixture ids are `sft-` + each JobState suffix, in spec order, then `sft-minimal`; each job has its state."""
    states = SPEC.enum_values(_key("state"))
    assert list(FIXTURES) == [state_job_id(state) for state in states] + [MINIMAL_JOB_ID]
    assert state_job_id("JOB_STATE_CREATING_INPUT_DATASET") == "sft-creating-input-dataset"
    assert _job_ids_by_state(FIXTURES) == {state: state_job_id(state) for state in states}


def test_the_minimal_job_carries_only_name_and_dataset() -> None:
    """`sft-minimal` has exactly `name` and the spec's required fields (today `dataset`)."""
    assert set(FIXTURES[MINIMAL_JOB_ID]) == {"name", *SPEC.job_schema().get("required", ())}


def test_every_name_is_the_resource_name_of_its_id() -> None:
    """`name` is accounts/mock-account/supervisedFineTuningJobs/<id> for every fixture."""
    assert {job_id: job["name"] for job_id, job in FIXTURES.items()} == {
        job_id: spec_job_name(MOCK_ACCOUNT, job_id) for job_id in FIXTURES
    }


@pytest.mark.parametrize("path", list(_enum_fields()), ids=".".join)
def test_every_value_of_every_enum_field_appears(path: tuple[str, ...]) -> None:
    """Across the fixtures each value of each enum field (status.code, purpose, ... as the spec has them) is
    served at least once; an enum with more values than there are state jobs (a region list) gets a distinct
    value in every state job instead."""
    served = []
    for job_id, job in FIXTURES.items():
        value: Any = job
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if value is not None and job_id != MINIMAL_JOB_ID:
            served.append(value)
    values = set(_enum_fields()[path])
    if len(values) <= len(FIXTURES) - 1:
        assert set(served) == values
    else:
        assert set(served) <= values and len(set(served)) == len(served) == len(FIXTURES) - 1, served


def _leaves(job: dict[str, Any]) -> list[tuple[tuple[str, ...], dict[str, Any], Any]]:
    """(path, schema, served value) of every field the job carries, top level and one message deep."""
    found: list[tuple[tuple[str, ...], dict[str, Any], Any]] = []
    for name, node in SPEC.job_schema()["properties"].items():
        schema = SPEC.resolve(node)
        if name in job:
            found.append(((name,), schema, job[name]))
        if isinstance(job.get(name), dict):
            for inner, inner_node in schema.get("properties", {}).items():
                if inner in job[name]:
                    found.append(((name, inner), SPEC.resolve(inner_node), job[name][inner]))
    return found


def test_serialization_is_proto3_json_as_grpc_gateway_sends_it() -> None:
    """int64 as strings, zero values emitted, unset messages null, OK status with empty message, RFC 3339 stamps.

    Every field is found by its schema (format, type), so a spec that drops or renames one still checks the rest.
    """
    served = [leaf for job in FIXTURES.values() for leaf in _leaves(job)]
    int64 = [value for _, schema, value in served if schema.get("format") in ("int64", "uint64") and value is not None]
    assert all(isinstance(value, str) and re.fullmatch(r"-?\d+", value) for value in int64), int64
    running = FIXTURES["sft-running"]
    if "status" in running:
        code = SPEC.enum_values(_key("status", "code"))[0]
        assert running["status"] == {"code": code, "message": ""}
    required = set(SPEC.job_schema().get("required", ()))
    for kind, zero in (("string", ""), ("boolean", False)):
        optional = [
            path for path, schema, _ in served if len(path) == 1 and path[0] not in required
            and schema.get("type") == kind and not {"enum", "format"} & set(schema)
        ]  # fmt: skip
        if optional:  # some optional top-level field of this type is emitted at its zero value, not left out
            assert any(path in optional and value == zero for path, _, value in served), kind
    nested_ints = [
        (path, value) for path, schema, value in served if len(path) == 2 and schema.get("type") == "integer"
    ]
    if nested_ints:  # an int inside a set message keeps its zero value
        assert any(value == 0 for _, value in nested_ints), nested_ints
    stamps = [value for _, schema, value in served if schema.get("format") == "date-time" and value]
    assert stamps and all(TIMESTAMP.fullmatch(stamp) for stamp in stamps), stamps
    # EmitUnpopulated: an unset message field (a running job's completedTime) is written as null, not left out.
    unset = [path for path, schema, value in _leaves(running) if schema.get("format") == "date-time" and value is None]
    assert any(len(path) == 1 for path in unset), unset
    digits = {len(stamp.rsplit(".", 1)[1]) - 1 for stamp in stamps}
    assert digits == {9, 6}


def test_no_fixture_holds_a_secret_looking_value() -> None:
    """wandbConfig.apiKey is empty and no string looks like a key or token (long opaque runs, sk-/AKIA prefixes)."""
    assert all(job["wandbConfig"]["apiKey"] == "" for job in FIXTURES.values() if "wandbConfig" in job)

    def strings(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [s for item in value.values() for s in strings(item)]
        return [value] if isinstance(value, str) else []

    secretish = re.compile(r"(sk-|AKIA|ghp_|Bearer )|[A-Za-z0-9+]{32,}")
    assert [s for job in FIXTURES.values() for s in strings(job) if secretish.search(s)] == []


def _unused(name: str, taken: Any) -> str:
    """`name`, lengthened until `taken` does not hold it: a later spec may define any name we pick."""
    while name in taken:
        name += "_X"
    return name


def test_a_new_job_state_in_the_spec_adds_a_fixture_job() -> None:
    """Adding a state (JOB_STATE_ROLLING_OUT, unless the spec has it) yields a valid job in that state."""
    new = _unused("JOB_STATE_ROLLING_OUT", SPEC.enum_values(_key("state")))
    spec = _modified(lambda schemas: schemas[_key("state")]["enum"].append(new))
    fixtures = build_fixtures(spec)
    assert fixtures[state_job_id(new)]["state"] == new
    assert _rule_violations(spec, state_job_id(new), fixtures[state_job_id(new)]) == []


TOP_STRING = scalar_property("string")


@pytest.mark.skipif(TOP_STRING is None or NESTED_SCALAR is None, reason="the spec has no optional string property")
def test_a_property_removed_from_the_spec_disappears_from_every_fixture() -> None:
    """Dropping a top-level string (`jinjaTemplate`...) and a nested field (`jobProgress.percent`...), both found in
    the spec, removes them from all fixture jobs."""
    assert TOP_STRING is not None and NESTED_SCALAR is not None

    def drop(schemas: dict[str, Any]) -> None:
        del schemas[_key()]["properties"][TOP_STRING]
        del schemas[NESTED_SCALAR.schema_key]["properties"][NESTED_SCALAR.field]

    fixtures = build_fixtures(_modified(drop))
    message, field = NESTED_SCALAR.message, NESTED_SCALAR.field
    assert not any(TOP_STRING in job for job in fixtures.values())
    assert not any(field in (job.get(message) or {}) for job in fixtures.values())
    assert any(TOP_STRING in job for job in FIXTURES.values())
    assert any(field in (job.get(message) or {}) for job in FIXTURES.values())


RETYPED = (scalar_property("integer"), scalar_property("boolean"))


@pytest.mark.skipif(None in RETYPED, reason="the spec has no optional plain integer or boolean property")
def test_a_retyped_property_is_reshaped_to_its_new_schema() -> None:
    """Retyping an integer (`epochs`) to an int64 string and a boolean (`earlyStop`) to int32 re-shapes them;
    fixtures stay valid."""
    integer, boolean = (str(name) for name in RETYPED)

    def retype(schemas: dict[str, Any]) -> None:
        properties = schemas[_key()]["properties"]
        properties[integer] = {"type": "string", "format": "int64"}
        properties[boolean] = {"type": "integer", "format": "int32"}

    spec = _modified(retype)
    fixtures = build_fixtures(spec)
    assert all(re.fullmatch(r"-?\d+", job[integer]) for job in fixtures.values() if integer in job)
    assert all(type(job[boolean]) is int for job in fixtures.values() if boolean in job)
    assert [v for job_id, job in fixtures.items() for v in _rule_violations(spec, job_id, job)] == []


def test_a_property_added_to_the_spec_appears_with_every_enum_value_covered() -> None:
    """A new int32 field and a new enum-typed field appear in every state job; every value of the new enum is used."""

    properties = SPEC.job_schema()["properties"]
    retries, priority = _unused("maxRetries", properties), _unused("priority", properties)
    teapot = _unused("TEAPOT", SPEC.enum_values(_key("status", "code")))

    def add(schemas: dict[str, Any]) -> None:
        schemas[_unused("zzPriority", schemas)] = {
            "type": "string",
            "enum": ["PRIORITY_LOW", "PRIORITY_HIGH", "PRIORITY_URGENT"],
        }
        properties = schemas[_key()]["properties"]
        properties[retries] = {"type": "integer", "format": "int32"}
        properties[priority] = {"$ref": f"#/components/schemas/{_unused('zzPriority', SPEC.schemas)}"}
        schemas[_key("status", "code")]["enum"].append(teapot)

    spec = _modified(add)
    fixtures = build_fixtures(spec)
    state_jobs = [job for job_id, job in fixtures.items() if job_id != MINIMAL_JOB_ID]
    assert all(type(job[retries]) is int for job in state_jobs)
    assert {job[priority] for job in state_jobs} == {"PRIORITY_LOW", "PRIORITY_HIGH", "PRIORITY_URGENT"}
    assert teapot in {job["status"]["code"] for job in state_jobs}
    assert [v for job_id, job in fixtures.items() for v in _rule_violations(spec, job_id, job)] == []


def test_job_name_builds_the_resource_name() -> None:
    """The helper the mock and the contract suite share spells the resource name the gateway uses."""
    assert job_name("sft-running") == spec_job_name(MOCK_ACCOUNT, "sft-running")
