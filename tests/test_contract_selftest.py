"""The contract suite proves itself in ONE live-mode run, writes on, against a mock serving every fault at once:
each response fault under its own job id, each lifecycle fault and each correct variant of LIFECYCLE.md in its
own account. Every fault fails on its rule and no other, the faithful jobs and every variant account stay clean,
no job of the run is left behind, and no secret shows in any output or report. A second, default (read-only) live
run is recorded request by request: no DELETE, no POST but estimate cost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from contract_tests.lifecycle_rules import LIFECYCLE_ADVISORIES, LIFECYCLE_RULES
from contract_tests.operation_facts import api_facts
from gateway_mock.faults import FAULTS, LIFECYCLE_FAULTS, fault_account, fault_job_id
from gateway_mock.fixtures import SIGNED_URL_SIGNATURE
from gateway_mock.server import serving_in_thread
from gateway_mock.variants import LIFECYCLE_VARIANTS, variant_account
from gateway_protocol.job_states import DELETION_STATES
from tests.contract_front import CLEAN_JOBS, CLOCK_SPEED, DATASET, WAIT, front, held
from tests.helpers import SECRET_KEY, SuiteRun, all_text, live_env, run_suite

KILLED = "contract_fault_killed"  # user property tests/conftest.py counts into the kill rate (xdist-safe)


@dataclass(frozen=True)
class FaultRun:
    """ONE live-mode suite run against a mock serving every fault at once, each under its own job id."""

    run: SuiteRun
    report_dir: Path
    fault_jobs: dict[str, str]  # fault name -> job id, for the faults that apply to the vendored spec
    requests: list[tuple[str, str]]  # (method, path and query) of every request the run sent, seen by a front
    account: str  # the run's own account; the lifecycle faults and variants have theirs
    leftovers: dict[str, str]  # "account/job id" of each job the run created -> what the mock holds after it

    def violations(self) -> list[dict[str, Any]]:
        found = self.run.report.get("violations", [])
        assert isinstance(found, list)
        return found

    def rules_on(self, job_id: str) -> set[str]:
        """The rules failed on one job of the run's own account."""
        return {f["rule"] for f in self.violations() if f["job_id"] == job_id and f["account"] == self.account}

    def rules_in(self, account: str) -> set[str]:
        """The rules failed anywhere in one account."""
        return {f["rule"] for f in self.violations() if f["account"] == account}


LIFECYCLE_ACCOUNTS = {name: fault_account(name) for name in LIFECYCLE_FAULTS}
VARIANT_ACCOUNTS = {name: variant_account(name) for name in LIFECYCLE_VARIANTS}


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    report_dir = tmp_path_factory.mktemp("all-faults")
    with serving_in_thread(all_faults=True, api_key=SECRET_KEY, clock_speed=CLOCK_SPEED) as mock:
        jobs = {name: fault_job_id(name) for name in FAULTS if fault_job_id(name) in mock.job_ids}
        ids = ",".join([*CLEAN_JOBS, *jobs.values()])  # the estimate reads the settings of the first
        accounts = [*LIFECYCLE_ACCOUNTS.values(), *VARIANT_ACCOUNTS.values()]
        summary = report_dir / "step-summary.md"
        with front(mock.base_url) as (front_url, requests):
            env = live_env(front_url, mock.account, ids) | {
                "CONTRACT_ACCOUNTS": ",".join(accounts),
                "CONTRACT_WRITES": "1",
                "CONTRACT_DATASET": DATASET,
                "CONTRACT_MAX_JOBS": str(2 * (len(accounts) + 1)),
                "CONTRACT_WAIT_SECONDS": WAIT,
            }
            run = run_suite(report_dir, **env, GITHUB_STEP_SUMMARY=str(summary))
        leftovers = {
            created: held(mock.base_url, *created.split("/", 1)) for created in run.report.get("jobs_created", [])
        }
    return FaultRun(run, report_dir, jobs, requests, mock.account, leftovers)


def test_the_mock_serves_every_applicable_fault(fault_run: FaultRun) -> None:
    """Each fault whose target the vendored spec has gets its own job; one whose target is gone (a bump removed
    it) gets none and is reported as not applicable instead of failing."""
    applicable = {name for name, fault in FAULTS.items() if fault.applicable}
    assert set(fault_run.fault_jobs) == applicable


@pytest.mark.parametrize("fault", list(LIFECYCLE_FAULTS))
def test_suite_detects_lifecycle_fault(
    fault: str, fault_run: FaultRun, record_property: Callable[[str, object], None]
) -> None:
    """In the same run, each lifecycle fault's account fails on the fault's catalogue rule and on no other."""
    rule, account = LIFECYCLE_FAULTS[fault].rule, LIFECYCLE_ACCOUNTS[fault]
    record_property(KILLED, (fault, fault_run.rules_in(account) == {rule}))
    assert fault_run.rules_in(account) == {rule}, fault_run.run.output[-3000:]
    assert any(
        f"[{rule}] violation on " in line and f" in {account} at " in line for line in fault_run.run.output.splitlines()
    )


@pytest.mark.parametrize("variant", list(LIFECYCLE_VARIANTS))
def test_correct_variants_raise_no_false_alarm(variant: str, fault_run: FaultRun) -> None:
    """A gateway behaving as LIFECYCLE.md allows (hard delete, 200 on cancelling a terminal job, unbound page
    tokens, another first state, resource names expanded) gets no violation, over the same whole lifecycle."""
    assert fault_run.rules_in(VARIANT_ACCOUNTS[variant]) == set(), fault_run.run.output[-3000:]


def test_the_lifecycle_fault_rules_are_catalogue_rules() -> None:
    """The mock's lifecycle faults name the suite's catalogue ids (the mock cannot import the suite)."""
    catalogue = {rule.id for rule in LIFECYCLE_RULES}
    assert {fault.rule for fault in LIFECYCLE_FAULTS.values()} <= catalogue
    assert not {fault.rule for fault in LIFECYCLE_FAULTS.values()} & {rule.id for rule in LIFECYCLE_ADVISORIES}


def test_the_run_leaves_no_job_behind(fault_run: FaultRun) -> None:
    """Every job the run created is gone or being deleted once it ends, and the report lists none left behind. The
    account whose deletes resurrect jobs is aside: its fault is what the run reports, and whether the cleanup's
    read after the delete still sees the job deleting or already running again is a race with the mock's clock
    (50 ms at the run's speed), so its job may be listed, as still running after a delete."""
    resurrecting_account = LIFECYCLE_ACCOUNTS["delete-resurrects"]
    left_behind = fault_run.run.report["left_behind"]
    assert fault_run.leftovers and isinstance(left_behind, list)
    assert [left for left in left_behind if left["account"] != resurrecting_account] == []
    for left in left_behind:
        assert "after a delete answered HTTP 200" in left["reason"], left
    resurrecting = resurrecting_account + "/"
    for created, state in fault_run.leftovers.items():
        if not created.startswith(resurrecting):
            assert state == "gone" or state in DELETION_STATES, (created, state)


def test_writes_touch_only_the_runs_own_jobs(fault_run: FaultRun) -> None:
    """Every create, cancel, resume and delete names an id with this run's prefix (its jobs, the unknown-job
    probe), or a job this run's create was answered with (a gateway that ignores the id asked for)."""
    own = {created.split("/", 1)[1] for created in fault_run.leftovers}
    estimate = api_facts().operations["estimate_cost"]
    writes = [(m, p) for m, p in fault_run.requests if m != "GET" and not estimate.path.match(p.split("?")[0])]
    assert writes
    for method, path in writes:
        assert "contract-suite-" in path or any(f"/{job_id}" in path for job_id in own), (method, path)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_suite_detects_fault(fault: str, fault_run: FaultRun, record_property: Callable[[str, object], None]) -> None:
    """The fault's job fails on the fault's rule and on no other, and its failing test cases carry its id."""
    if fault not in fault_run.fault_jobs:
        record_property(KILLED, (fault, None))
        pytest.skip(f"{fault}: {FAULTS[fault].description}")
    run, job_id = fault_run.run, fault_run.fault_jobs[fault]
    record_property(KILLED, (fault, run.exit_code == 1 and fault_run.rules_on(job_id) == {FAULTS[fault].rule}))
    assert run.exit_code == 1, run.output[-3000:]
    assert fault_run.rules_on(job_id) == {FAULTS[fault].rule}, run.output[-3000:]
    for account in (*LIFECYCLE_ACCOUNTS.values(), *VARIANT_ACCOUNTS.values()):
        assert not any(f["job_id"] == job_id for f in fault_run.violations() if f["account"] == account)
    assert f"[{FAULTS[fault].rule}] violation on {job_id} " in run.output
    failed = [name for name in run.failed_test_names() if name != "test_generated_cases"]
    assert any(job_id in name for name in failed)


def test_the_step_summary_names_each_failing_rule_and_job(fault_run: FaultRun) -> None:
    """GITHUB_STEP_SUMMARY gets the outcome, a table row per (rule, job) and the curl lines, scrubbed."""
    summary = (fault_run.report_dir / "step-summary.md").read_text()
    assert "violations" in summary.splitlines()[0]
    rows = {
        tuple(cell.strip().strip("`") for cell in line.split("|")[1:3])  # each cell a code span
        for line in summary.splitlines()
        if line.startswith("| ")
    }
    for name, job_id in fault_run.fault_jobs.items():
        assert (FAULTS[name].rule, job_id) in rows
    assert "curl -sS" in summary and "$FIREWORKS_API_KEY" in summary
    assert SECRET_KEY not in summary and SIGNED_URL_SIGNATURE not in summary
    assert fault_run.run.report["outcome"] == "violations"


def test_faithful_jobs_beside_the_faults_stay_clean(fault_run: FaultRun) -> None:
    """In the same run the faithful jobs have no finding and no failing test case: each finding is the fault's."""
    for job_id in CLEAN_JOBS:
        assert fault_run.rules_on(job_id) == set()
        assert not any(f"[{job_id}" in name for name in fault_run.run.failed_test_names())


def test_no_secret_in_any_faulty_run(fault_run: FaultRun) -> None:
    """The API key and signed-URL signatures never show in output, JUnit XML or JSON report, whatever fails."""
    text = all_text(fault_run.run, fault_run.report_dir)
    for secret in (SECRET_KEY, SIGNED_URL_SIGNATURE):
        assert secret not in text, secret


def test_live_mode_names_each_job_in_its_test_cases(fault_run: FaultRun) -> None:
    """Every job id shows in JUnit test names; only the 405 probe (not a GET) and the stateful phase (writes) are
    skipped."""
    junit = fault_run.run.junit
    assert junit is not None
    names = [c.attrib["name"] for c in junit.iter("testcase")]
    for job_id in [*fault_run.fault_jobs.values(), *CLEAN_JOBS]:
        assert any(f"[{job_id}" in name for name in names), job_id
    skipped = [c.attrib["name"] for c in junit.iter("testcase") if c.find("skipped") is not None]
    assert skipped and all("unrouted_method" in n or n == "test_stateful_lifecycle" for n in skipped)
