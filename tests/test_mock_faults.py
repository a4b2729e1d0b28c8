"""Each `--fault` injects exactly the contract violation its catalogue entry declares, and only under that fault;
`--all-faults` serves each one on its own job id and keeps the other jobs faithful."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pycountry
import pytest
from jsonschema import FormatChecker

from gateway_mock.app import MockGateway
from gateway_mock.constants import DEFAULT_API_KEY, job_name
from gateway_mock.faults import FAULTS, RULES, build_faults, fault_job_id, fault_jobs
from gateway_mock.fixtures import build_fixtures
from gateway_mock.rpc_status import CODE_NUMBERS, http_status_by_code
from gateway_mock.server import RunningMock, running_mock, serving_in_thread
from spec_tools.spec import Spec, load_spec
from tests.helpers import asgi_request, job_path, raw_request


def _url(job_and_query: str) -> str:
    """`sft-running?readMask=name` -> the job's URL path (the spec's template) with that query."""
    job_id, mark, query = job_and_query.partition("?")
    return job_path("mock-account", job_id) + mark + query


SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
FAULT_JOBS = fault_jobs(FIXTURES, job_name)
HTTP_STATUS = http_status_by_code(SPEC)
CODE_BY_NUMBER = {number: name for name, number in CODE_NUMBERS.items()}
MISSING = object()
# Faults the vendored spec has a target for (or that aim at no body property), and those it lacks one for.
APPLICABLE = [name for name, fault in FAULTS.items() if fault.applicable]
NOT_APPLICABLE = [name for name, fault in FAULTS.items() if not fault.applicable]
# The fault names and rule ids the contract suite relies on.
REQUIRED = {
    "dataset-missing": "dataset",
    "unknown-enum": "enums",
    "money-sign-mismatch": "money",
    "nanos-out-of-range": "money",
    "units-not-int64-string": "money",
    "bad-currency": "money",
    "int32-overflow": "schema",
    "bad-timestamp": "schema",
    "readmask-ignored": "mask",
    "auth-ignored": "auth",
    "error-not-status": "errors",
    "status-code-mismatch": "errors",
    "progress-out-of-range": "progress",
    "name-mismatch": "name",
    "wrong-content-type": "content-type",
}


def _at(job: dict[str, Any], path: str) -> Any:
    value: Any = job
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


Response = tuple[int, Any, bytes]
PROPERTIES = SPEC.job_schema()["properties"]


def _target(fault: str) -> str:
    """Where the catalogue aims a body fault: found in the spec by schema, so a bump re-aims these checks too."""
    target = FAULTS[fault].target
    assert target is not None, f"{fault} has no target in the vendored spec"
    return target


def _money(leaf: str) -> str:
    return f"{_target('bad-currency')}.{leaf}"


class Served:
    """The jobs under test and how to ask for them: a mock process over HTTP or an app in-process."""

    def __init__(self, job_ids: list[str], get: Callable[..., Response], bodies: dict[str, dict[str, Any]]) -> None:
        self.job_ids, self._get, self.bodies = job_ids, get, bodies

    def get(self, path: str, auth: str | None = "default") -> Response:
        return self._get(path, auth)

    @classmethod
    def over_http(cls, mock: RunningMock, job_ids: list[str], bodies: dict[str, dict[str, Any]]) -> Served:
        return cls(job_ids, lambda path, auth: raw_request(mock, _url(path), auth=auth), bodies)

    @classmethod
    def in_process(cls, app: MockGateway) -> Served:
        def get(path: str, auth: str | None) -> Response:
            authorization = f"Bearer {DEFAULT_API_KEY}" if auth == "default" else auth
            return asgi_request(app, _url(path), authorization=authorization)

        return cls(list(FIXTURES), get, FIXTURES)


def every_job_breaks(mock: Served, path: str, broken: Callable[[Any], bool]) -> None:
    """In every job under test that has `path` unbroken, the served value there satisfies `broken`."""
    applicable = [job_id for job_id in mock.job_ids if _at(mock.bodies[job_id], path) is not MISSING]
    assert applicable
    for job_id in applicable:
        status, _, body = mock.get(job_id)
        assert status == 200
        value = _at(json.loads(body), path)
        assert broken(value), f"{job_id}: {path} = {value!r}"


def _name_mismatch(mock: Served) -> None:
    for job_id in mock.job_ids:
        served = json.loads(mock.get(job_id)[2])
        assert served["name"] != job_name(job_id), job_id


def _money_sign_mismatch(mock: Served) -> None:
    every_job_breaks(mock, _target("money-sign-mismatch"), lambda m: int(m["units"]) * m["nanos"] < 0)


def _readmask_ignored(mock: Served) -> None:
    job = mock.job_ids[0]
    status, _, body = mock.get(job + "?readMask=name")
    assert status == 200 and set(json.loads(body)) > {"name"}
    assert mock.get(job + "?readMask=bogus")[0] == 200


def _auth_ignored(mock: Served) -> None:
    assert mock.get(mock.job_ids[0], auth=None)[0] == 200
    assert mock.get(mock.job_ids[0], auth="Bearer wrong")[0] == 200


def _error_answers(mock: Served) -> list[Response]:
    """The job's own error answers: a read without credentials (401) and an invalid mask (400)."""
    job = mock.job_ids[0]
    return [mock.get(job, auth=None), mock.get(job + "?readMask=bogus")]


def _error_not_status(mock: Served) -> None:
    for status, _, body in _error_answers(mock):
        assert status >= 400 and set(json.loads(body)) != {"code", "message", "details"}


def _status_code_mismatch(mock: Served) -> None:
    for status, _, body in _error_answers(mock):
        error = json.loads(body)
        assert set(error) == {"code", "message", "details"}
        assert HTTP_STATUS[CODE_BY_NUMBER[error["code"]]] != status, (status, error)


def _wrong_content_type(mock: Served) -> None:
    assert mock.get(mock.job_ids[0])[1]["Content-Type"] != "application/json"
    assert mock.get(mock.job_ids[0], auth=None)[1]["Content-Type"] != "application/json"


EXPECTATIONS: dict[str, Callable[[Served], None]] = {
    "dataset-missing": lambda mock: every_job_breaks(mock, _target("dataset-missing"), lambda value: value is MISSING),
    "unknown-enum": lambda mock: every_job_breaks(
        mock, _target("unknown-enum"), lambda value: value not in SPEC.resolve(PROPERTIES["state"])["enum"]
    ),
    "money-sign-mismatch": _money_sign_mismatch,
    "nanos-out-of-range": lambda mock: every_job_breaks(mock, _money("nanos"), lambda n: abs(n) > 999_999_999),
    "units-not-int64-string": lambda mock: every_job_breaks(
        mock, _money("units"), lambda units: re.fullmatch(r"-?\d+", units) is None
    ),
    "bad-currency": lambda mock: every_job_breaks(
        mock, _money("currencyCode"), lambda code: pycountry.currencies.get(alpha_3=code) is None
    ),
    "int32-overflow": lambda mock: every_job_breaks(
        mock, _target("int32-overflow"), lambda epochs: isinstance(epochs, int) and epochs > 2**31 - 1
    ),
    "bad-timestamp": lambda mock: every_job_breaks(
        mock, _target("bad-timestamp"), lambda stamp: not FormatChecker().conforms(stamp, "date-time")
    ),
    "progress-out-of-range": lambda mock: every_job_breaks(
        mock, _target("progress-out-of-range"), lambda percent: not 0 <= percent <= 100
    ),
    "name-mismatch": _name_mismatch,
    "readmask-ignored": _readmask_ignored,
    "auth-ignored": _auth_ignored,
    "error-not-status": _error_not_status,
    "status-code-mismatch": _status_code_mismatch,
    "wrong-content-type": _wrong_content_type,
}


@pytest.fixture(scope="module")
def all_faults_mock() -> Iterator[RunningMock]:
    with serving_in_thread(all_faults=True) as running:
        yield running


def test_the_catalogue_has_every_required_fault_with_its_rule_id() -> None:
    """The faults the contract suite relies on exist under their names, each declaring the agreed rule id."""
    assert {name: FAULTS[name].rule for name in REQUIRED if name in FAULTS} == REQUIRED
    assert RULES == (
        "schema",
        "dataset",
        "enums",
        "money",
        "progress",
        "mask",
        "name",
        "errors",
        "auth",
        "content-type",
    )
    assert all(fault.rule in RULES and fault.description for fault in FAULTS.values())


def test_every_fault_has_an_expectation_here() -> None:
    """A fault added to the catalogue without a test of what it breaks fails this test."""
    assert set(EXPECTATIONS) == set(FAULTS)


@pytest.mark.parametrize("name", APPLICABLE)
def test_no_expectation_holds_against_the_faithful_jobs(all_faults_mock: RunningMock, name: str) -> None:
    """Each expectation detects its fault: it fails against the faithful jobs, over HTTP and in-process."""
    clean = [job_id for job_id in all_faults_mock.job_ids if job_id in FIXTURES]
    with pytest.raises(AssertionError):
        EXPECTATIONS[name](Served.over_http(all_faults_mock, clean, FIXTURES))
    with pytest.raises(AssertionError):
        EXPECTATIONS[name](Served.in_process(MockGateway(SPEC, api_key=DEFAULT_API_KEY)))


@pytest.mark.parametrize("name", APPLICABLE)
def test_each_fault_visibly_breaks_its_rule(name: str) -> None:
    """`--fault NAME` makes the served responses break the declared rule, in every fixture job it applies to."""
    app = MockGateway(SPEC, api_key=DEFAULT_API_KEY, fault=FAULTS[name])
    assert app.fault is FAULTS[name]
    EXPECTATIONS[name](Served.in_process(app))


@pytest.mark.parametrize("name", APPLICABLE)
def test_all_faults_serves_each_fault_on_its_own_job(all_faults_mock: RunningMock, name: str) -> None:
    """`--all-faults` serves `fault-<name>`, whose answers break the fault's rule while the fixtures stay faithful."""
    job_id = fault_job_id(name)
    assert job_id in all_faults_mock.job_ids
    base = FAULT_JOBS[job_id].base
    EXPECTATIONS[name](Served.over_http(all_faults_mock, [job_id], {job_id: FIXTURES[base]}))


def _assert_not_applicable(faults: dict[str, Any], name: str, app: MockGateway, fixtures: dict[str, Any]) -> None:
    """Not applicable: no target, said so in its description, no job of its own, and no body it changes."""
    fault = faults[name]
    assert (fault.applicable, fault.target) == (False, None)
    assert fault.description.startswith("not applicable"), fault.description
    assert fault_job_id(name) not in app.job_ids
    assert all(fault.patch is None or not fault.patch(copy.deepcopy(job)) for job in fixtures.values())
    assert fault_jobs(fixtures, job_name, faults={name: fault}) == {}


@pytest.mark.parametrize("name", NOT_APPLICABLE)
def test_a_fault_the_vendored_spec_has_no_target_for_is_not_applicable(all_faults_mock: RunningMock, name: str) -> None:
    """A fault whose target the vendored spec lacks (say, Money) is reported as not applicable, not served."""
    _assert_not_applicable(FAULTS, name, MockGateway(SPEC, api_key=DEFAULT_API_KEY, all_faults=True), FIXTURES)
    assert fault_job_id(name) not in all_faults_mock.job_ids


def _is_money_shaped(spec: Spec, node: dict[str, Any]) -> bool:
    return {"currencyCode", "units", "nanos"} <= set(spec.resolve(node).get("properties", {}))


def test_money_faults_are_not_applicable_once_the_spec_has_no_money() -> None:
    """Dropping every Money-shaped property from a copy of the spec retires the money-rule faults, and only them."""
    document = copy.deepcopy(SPEC.document)
    spec = Spec(document, SPEC.selection)
    job = document["components"]["schemas"][spec.job_schema_name()]
    job["properties"] = {k: v for k, v in job["properties"].items() if not _is_money_shaped(spec, v)}
    faults, fixtures = build_faults(spec), build_fixtures(spec)
    app = MockGateway(spec, api_key=DEFAULT_API_KEY, all_faults=True)
    money = {name for name, fault in FAULTS.items() if fault.rule == "money"}
    assert money, "the catalogue has no money-rule fault"
    for name in money:
        _assert_not_applicable(faults, name, app, fixtures)
    assert {name for name in faults if not faults[name].applicable} == money | set(NOT_APPLICABLE)


def test_faults_and_all_faults_are_not_combined() -> None:
    """One fault for the whole mock and every fault on its own job contradict: refused before starting."""
    with pytest.raises(ValueError, match="contradict"), running_mock(fault=next(iter(FAULTS)), all_faults=True):
        pass


def test_an_unknown_fault_name_is_refused_before_starting() -> None:
    """running_mock rejects a fault name that is not in the catalogue, listing the valid ones."""
    with pytest.raises(ValueError, match="dataset-missing"), running_mock(fault="no-such-fault"):
        pass


def test_fault_rule_ids_are_the_contract_catalogue() -> None:
    """The mock's list of rule ids (it may not import the suite) is exactly the contract catalogue's."""
    from contract_tests.rules import RULES as CATALOGUE
    from gateway_mock.faults import RULES as FAULT_RULES

    assert list(FAULT_RULES) == [rule.id for rule in CATALOGUE]
