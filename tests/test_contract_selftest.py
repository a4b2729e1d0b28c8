"""The contract suite proves itself: green on the clean mock, red on each injected fault naming its rule (one
run against a mock serving every fault under its own job id), live mode without false alarms, and no secret in
any output or report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from gateway_mock.constants import MINIMAL_JOB_ID
from gateway_mock.faults import FAULTS, fault_job_id
from gateway_mock.fixtures import SIGNED_URL_SIGNATURE
from gateway_mock.server import running_mock
from tests.helpers import SECRET_KEY, SuiteRun, all_text, run_suite

KILLED = "contract_fault_killed"  # user property tests/conftest.py counts into the kill rate (xdist-safe)
CLEAN_JOBS = ("sft-running", MINIMAL_JOB_ID)  # faithful jobs in the same run: no finding may land on them


@dataclass(frozen=True)
class FaultRun:
    """ONE live-mode suite run against a mock serving every fault at once, each under its own job id."""

    run: SuiteRun
    report_dir: Path
    fault_jobs: dict[str, str]  # fault name -> job id, for the faults that apply to the vendored spec
    methods: list[str]  # of every request the run sent, seen by a loopback front

    def rules_on(self, job_id: str) -> set[str]:
        violations = self.run.report.get("violations", [])
        assert isinstance(violations, list)
        return {f["rule"] for f in violations if f["job_id"] == job_id}


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    report_dir = tmp_path_factory.mktemp("all-faults")
    with running_mock(all_faults=True, api_key=SECRET_KEY) as mock:
        jobs = {name: fault_job_id(name) for name in FAULTS if fault_job_id(name) in mock.job_ids}
        ids = ",".join([*jobs.values(), *CLEAN_JOBS])
        summary = report_dir / "step-summary.md"
        _MethodLog.upstream, _MethodLog.methods = mock.base_url, []
        with ThreadingHTTPServer(("127.0.0.1", 0), _MethodLog) as front:
            threading.Thread(target=front.serve_forever, daemon=True).start()
            try:
                front_url = f"http://127.0.0.1:{front.server_address[1]}"
                env = _live_env(front_url, mock.account, ids)
                run = run_suite(report_dir, **env, GITHUB_STEP_SUMMARY=str(summary))
            finally:
                front.shutdown()
    return FaultRun(run, report_dir, jobs, list(_MethodLog.methods))


def test_the_mock_serves_every_applicable_fault(fault_run: FaultRun) -> None:
    """Each fault whose target the vendored spec has gets its own job; one whose target is gone (a bump removed
    it) gets none and is reported as not applicable instead of failing."""
    applicable = {name for name, fault in FAULTS.items() if fault.applicable}
    assert set(fault_run.fault_jobs) == applicable


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


def _live_env(base_url: str, account: str, job_ids: str) -> dict[str, str]:
    return {
        "CONTRACT_BASE_URL": base_url,
        "FIREWORKS_API_KEY": SECRET_KEY,
        "FIREWORKS_ACCOUNT_ID": account,
        "CONTRACT_JOB_IDS": job_ids,
    }


class _MethodLog(BaseHTTPRequestHandler):
    """A loopback front that forwards every request to the mock and notes its method."""

    upstream = ""
    methods: ClassVar[list[str]] = []
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # BaseHTTPRequestHandler dispatches on do_<METHOD>
            return self._forward
        raise AttributeError(name)

    def _forward(self) -> None:
        self.methods.append(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        answer = httpx.request(self.command, self.upstream + self.path, headers=headers,
                               content=self.rfile.read(length) if length else None)  # fmt: skip
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def test_live_mode_sends_only_gets(fault_run: FaultRun) -> None:
    """Live runs probe no other method (schemathesis would try TRACE, QUERY…): every request is a GET."""
    assert fault_run.methods and set(fault_run.methods) == {"GET"}, sorted(set(fault_run.methods))


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
