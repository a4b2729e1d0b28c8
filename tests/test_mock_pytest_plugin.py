"""The `gateway_mock` fixture of the mock's pytest plugin: a running mock per session, reset for each test, with
its clock stopped and under the test's control (the installed wheel registers it through `pytest11`)."""

from __future__ import annotations

import pytest

# Imported here, before pytester's in-process runs snapshot the modules: a run that imported PyYAML for the first
# time would drop it afterwards, and a second import pairs the new package with the old C parser (its nodes then
# match no constructor).
from gateway_mock import pytest_plugin  # noqa: F401

pytest_plugins = ("pytester",)

USERS_TESTS = """
import json
import urllib.request

JOBS = "/v1/accounts/{account}/supervisedFineTuningJobs"


def call(mock, method, path, body=None):
    request = urllib.request.Request(mock.base_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", "Bearer " + mock.api_key)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_create_then_walk_on_the_clock(gateway_mock):
    jobs = JOBS.format(account=gateway_mock.account)
    assert call(gateway_mock, "POST", jobs + "?supervisedFineTuningJobId=mine", {"dataset": "d"})[0] == 200
    assert gateway_mock.clock.state()["mode"] == "manual"
    assert call(gateway_mock, "GET", jobs + "/mine")[1]["state"] == "JOB_STATE_CREATING"
    gateway_mock.clock.advance(1.5)
    assert call(gateway_mock, "GET", jobs + "/mine")[1]["state"] == "JOB_STATE_VALIDATING"
    gateway_mock.clock.run_all()
    assert call(gateway_mock, "GET", jobs + "/mine")[1]["state"] == "JOB_STATE_COMPLETED"
    gateway_mock.clock.instant()


def test_the_next_test_starts_fresh_and_stopped(gateway_mock):
    jobs = JOBS.format(account=gateway_mock.account)
    assert call(gateway_mock, "GET", jobs + "/mine")[0] == 404
    assert gateway_mock.clock.state()["mode"] == "manual"
"""


def test_the_fixture_gives_each_test_a_fresh_mock_with_a_controlled_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USERS_TESTS)
    result = pytester.runpytest("-p", "gateway_mock.pytest_plugin", "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_bad_marshal_setting_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ngateway_mock_marshal = yaml\n")
    pytester.makepyfile(test_users="def test_x(gateway_mock):\n    pass\n")
    result = pytester.runpytest("-p", "gateway_mock.pytest_plugin", "-q", "-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*gateway_mock_marshal*"])
