"""Each `--fault` injects exactly the contract violation its catalogue entry declares, and only under that fault."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pycountry
import pytest
from jsonschema import FormatChecker

from gateway_mock.constants import job_name
from gateway_mock.faults import FAULTS, RULES
from gateway_mock.fixtures import build_fixtures
from gateway_mock.rpc_status import CODE_NUMBERS, http_status_by_code
from gateway_mock.server import RunningMock, running_mock
from spec_tools.spec import load_spec
from tests.helpers import raw_request

JOBS = "/v1/accounts/mock-account/supervisedFineTuningJobs/"
SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
HTTP_STATUS = http_status_by_code(SPEC)
CODE_BY_NUMBER = {number: name for name, number in CODE_NUMBERS.items()}
MISSING = object()
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


def every_job_breaks(mock: RunningMock, path: str, broken: Callable[[Any], bool]) -> None:
    """In every fixture job that has `path`, the served value there satisfies `broken`."""
    applicable = [job_id for job_id in mock.job_ids if _at(FIXTURES[job_id], path) is not MISSING]
    assert applicable
    for job_id in applicable:
        status, _, body = raw_request(mock, JOBS + job_id)
        assert status == 200
        value = _at(json.loads(body), path)
        assert broken(value), f"{job_id}: {path} = {value!r}"


def _name_mismatch(mock: RunningMock) -> None:
    for job_id in mock.job_ids:
        served = json.loads(raw_request(mock, JOBS + job_id)[2])
        assert served["name"] != job_name(job_id), job_id


def _money_sign_mismatch(mock: RunningMock) -> None:
    every_job_breaks(mock, "estimatedCost", lambda m: int(m["units"]) * m["nanos"] < 0)


def _readmask_ignored(mock: RunningMock) -> None:
    status, _, body = raw_request(mock, JOBS + "sft-running?readMask=name")
    assert status == 200 and set(json.loads(body)) > {"name"}
    assert raw_request(mock, JOBS + "sft-running?readMask=bogus")[0] == 200


def _auth_ignored(mock: RunningMock) -> None:
    assert raw_request(mock, JOBS + "sft-running", auth=None)[0] == 200
    assert raw_request(mock, JOBS + "sft-running", auth="Bearer wrong")[0] == 200


def _error_not_status(mock: RunningMock) -> None:
    status, _, body = raw_request(mock, JOBS + "no-such-job")
    assert status == 404 and set(json.loads(body)) != {"code", "message", "details"}


def _status_code_mismatch(mock: RunningMock) -> None:
    for path in (JOBS + "no-such-job", JOBS + "sft-running?readMask=bogus"):
        status, _, body = raw_request(mock, path)
        error = json.loads(body)
        assert set(error) == {"code", "message", "details"}
        assert HTTP_STATUS[CODE_BY_NUMBER[error["code"]]] != status, (status, error)


def _wrong_content_type(mock: RunningMock) -> None:
    assert raw_request(mock, JOBS + "sft-running")[1]["Content-Type"] != "application/json"
    assert raw_request(mock, JOBS + "no-such-job")[1]["Content-Type"] != "application/json"


EXPECTATIONS: dict[str, Callable[[RunningMock], None]] = {
    "dataset-missing": lambda mock: every_job_breaks(mock, "dataset", lambda value: value is MISSING),
    "unknown-enum": lambda mock: every_job_breaks(
        mock, "state", lambda value: value not in SPEC.enum_values("gatewayJobState")
    ),
    "money-sign-mismatch": _money_sign_mismatch,
    "nanos-out-of-range": lambda mock: every_job_breaks(mock, "estimatedCost.nanos", lambda n: abs(n) > 999_999_999),
    "units-not-int64-string": lambda mock: every_job_breaks(
        mock, "estimatedCost.units", lambda units: re.fullmatch(r"-?\d+", units) is None
    ),
    "bad-currency": lambda mock: every_job_breaks(
        mock, "estimatedCost.currencyCode", lambda code: pycountry.currencies.get(alpha_3=code) is None
    ),
    "int32-overflow": lambda mock: every_job_breaks(
        mock, "epochs", lambda epochs: isinstance(epochs, int) and epochs > 2**31 - 1
    ),
    "bad-timestamp": lambda mock: every_job_breaks(
        mock, "createTime", lambda stamp: not FormatChecker().conforms(stamp, "date-time")
    ),
    "progress-out-of-range": lambda mock: every_job_breaks(
        mock, "jobProgress.percent", lambda percent: not 0 <= percent <= 100
    ),
    "name-mismatch": _name_mismatch,
    "readmask-ignored": _readmask_ignored,
    "auth-ignored": _auth_ignored,
    "error-not-status": _error_not_status,
    "status-code-mismatch": _status_code_mismatch,
    "wrong-content-type": _wrong_content_type,
}


@pytest.fixture(scope="module")
def clean_mock() -> Iterator[RunningMock]:
    with running_mock() as running:
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


@pytest.mark.parametrize("name", list(FAULTS))
def test_no_expectation_holds_against_the_clean_mock(clean_mock: RunningMock, name: str) -> None:
    """Each expectation below detects its fault: it fails against the mock started without `--fault`."""
    with pytest.raises(AssertionError):
        EXPECTATIONS[name](clean_mock)


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_fault_visibly_breaks_its_rule(name: str) -> None:
    """`--fault NAME` makes the served responses break the declared rule, in every fixture job it applies to."""
    with running_mock(fault=name) as mock:
        assert mock.fault == name
        EXPECTATIONS[name](mock)


def test_an_unknown_fault_name_is_refused_before_starting() -> None:
    """running_mock rejects a fault name that is not in the catalogue, listing the valid ones."""
    with pytest.raises(ValueError, match="dataset-missing"), running_mock(fault="no-such-fault"):
        pass


def test_fault_rule_ids_are_the_contract_catalogue() -> None:
    """The mock's list of rule ids (it may not import the suite) is exactly the contract catalogue's."""
    from contract_tests.rules import RULES as CATALOGUE
    from gateway_mock.faults import RULES as FAULT_RULES

    assert list(FAULT_RULES) == [rule.id for rule in CATALOGUE]
