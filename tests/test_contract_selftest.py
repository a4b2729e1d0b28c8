"""The contract suite proves itself: green on the clean mock, red on each injected fault naming its rule,
live mode without false alarms, and no secret in any output or report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from gateway_mock.faults import FAULTS
from gateway_mock.fixtures import SIGNED_URL_SIGNATURE
from gateway_mock.server import running_mock
from spec_tools.paths import REPO_ROOT

CONTRACT = REPO_ROOT / "scripts" / "contract.py"
SECRET_KEY = "sk-selftest-5b1d0c9e7a"  # must never appear in output or reports
EXAMPLES = "8"  # generated cases per mode: enough to reach every rule, few enough for make test


@dataclass(frozen=True)
class SuiteRun:
    exit_code: int
    output: str
    report: dict[str, object]
    junit: ET.Element | None

    @property
    def failed_rules(self) -> list[str]:
        rules = self.report.get("failed_rules", [])
        assert isinstance(rules, list)
        return rules

    def failed_test_names(self) -> list[str]:
        assert self.junit is not None
        return [c.attrib["name"] for c in self.junit.iter("testcase") if c.find("failure") is not None]


def run_suite(report_dir: Path, **env: str) -> SuiteRun:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_"))}
    environment.update(CONTRACT_REPORT_DIR=str(report_dir), CONTRACT_EXAMPLES=EXAMPLES, **env)
    result = subprocess.run(
        [sys.executable, str(CONTRACT)], env=environment, capture_output=True, text=True, timeout=240, check=False
    )
    report_path, junit_path = report_dir / "contract.json", report_dir / "contract.xml"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    junit = ET.parse(junit_path).getroot() if junit_path.exists() else None
    return SuiteRun(result.returncode, result.stdout + result.stderr, report, junit)


def all_text(run: SuiteRun, report_dir: Path) -> str:
    return run.output + "".join(p.read_text() for p in report_dir.iterdir() if p.is_file())


@pytest.fixture(scope="module")
def fault_runs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, SuiteRun]:
    """The suite against the mock once per fault (two at a time: the machine has two cores)."""

    def one(fault: str) -> tuple[str, SuiteRun]:
        report_dir = tmp_path_factory.mktemp(f"fault-{fault}")
        return fault, run_suite(report_dir, CONTRACT_MOCK_FAULT=fault, MOCK_API_KEY=SECRET_KEY)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(pool.map(one, FAULTS))
    killed = [name for name, run in runs.items() if run.exit_code == 1 and FAULTS[name].rule in run.failed_rules]
    request.config.stash[KILL_RATE] = (len(killed), len(FAULTS))
    return runs


KILL_RATE = pytest.StashKey[tuple[int, int]]()


def test_clean_mock_is_green(tmp_path: Path) -> None:
    """Against the faithful mock no rule fails, the run exits 0 and writes both reports."""
    run = run_suite(tmp_path, MOCK_API_KEY=SECRET_KEY)
    assert run.exit_code == 0, run.output[-3000:]
    assert run.failed_rules == []
    assert run.junit is not None and run.failed_test_names() == []
    assert SECRET_KEY not in all_text(run, tmp_path)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_suite_detects_fault(fault: str, fault_runs: dict[str, SuiteRun]) -> None:
    """With one injected violation the suite exits 1 and names the rule the fault breaks."""
    run = fault_runs[fault]
    assert run.exit_code == 1, run.output[-3000:]
    assert FAULTS[fault].rule in run.failed_rules, (fault, run.failed_rules)
    assert f"[{FAULTS[fault].rule}] violation" in run.output


def test_no_secret_in_any_faulty_run(fault_runs: dict[str, SuiteRun], tmp_path: Path) -> None:
    """The API key and signed-URL signatures never show in output, JUnit XML or JSON report, whatever fails."""
    for fault, run in fault_runs.items():
        junit = "" if run.junit is None else ET.tostring(run.junit, encoding="unicode")
        for secret in (SECRET_KEY, SIGNED_URL_SIGNATURE):
            assert secret not in run.output, (fault, secret)
            assert secret not in json.dumps(run.report), (fault, secret)
            assert secret not in junit, (fault, secret)


@pytest.fixture(scope="module")
def live_mock() -> Iterator[tuple[str, str]]:
    with running_mock(api_key=SECRET_KEY) as mock:
        yield mock.base_url, mock.account


def _live_env(base_url: str, account: str, job_ids: str) -> dict[str, str]:
    return {
        "CONTRACT_BASE_URL": base_url,
        "FIREWORKS_API_KEY": SECRET_KEY,
        "FIREWORKS_ACCOUNT_ID": account,
        "CONTRACT_JOB_IDS": job_ids,
    }


def test_live_mode_raises_no_false_alarm(live_mock: tuple[str, str], tmp_path: Path) -> None:
    """Live against a correct server: green, only GETs (no 405 probe), job ids in the test names."""
    base_url, account = live_mock
    run = run_suite(tmp_path, **_live_env(base_url, account, "sft-running,sft-minimal"))
    assert run.exit_code == 0, run.output[-3000:]
    assert run.junit is not None
    names = [c.attrib["name"] for c in run.junit.iter("testcase")]
    assert any("sft-running" in n for n in names) and any("sft-minimal" in n for n in names)
    skipped = [c.attrib["name"] for c in run.junit.iter("testcase") if c.find("skipped") is not None]
    assert skipped and all("unrouted_method" in n for n in skipped)
    assert SECRET_KEY not in all_text(run, tmp_path)


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


def test_live_mode_sends_only_gets(live_mock: tuple[str, str], tmp_path: Path) -> None:
    """Live runs probe no other method (schemathesis would try TRACE, QUERY…): every request is a GET."""
    base_url, account = live_mock
    _MethodLog.upstream, _MethodLog.methods = base_url, []
    with ThreadingHTTPServer(("127.0.0.1", 0), _MethodLog) as front:
        thread = threading.Thread(target=front.serve_forever, daemon=True)
        thread.start()
        try:
            run = run_suite(
                tmp_path, **_live_env(f"http://127.0.0.1:{front.server_address[1]}", account, "sft-running")
            )
        finally:
            front.shutdown()
    assert run.exit_code == 0, run.output[-3000:]
    assert _MethodLog.methods and set(_MethodLog.methods) == {"GET"}, sorted(set(_MethodLog.methods))


def test_live_mode_fails_on_the_faulty_jobs_test_case(tmp_path: Path) -> None:
    """Live against a server with a Money violation: red, and the failing cases name the job."""
    with running_mock(api_key=SECRET_KEY, fault="money-sign-mismatch") as mock:
        run = run_suite(tmp_path, **_live_env(mock.base_url, mock.account, "sft-running"))
    assert run.exit_code == 1
    assert run.failed_rules == ["money"]
    failed = [n for n in run.failed_test_names() if n != "test_generated_cases"]
    assert failed and all("sft-running" in name for name in failed)


def test_live_mode_names_missing_settings_without_traceback(tmp_path: Path) -> None:
    """CONTRACT_BASE_URL alone: exit 2 and a message naming each missing setting."""
    run = run_suite(tmp_path, CONTRACT_BASE_URL="http://127.0.0.1:9")
    assert run.exit_code == 2
    for name in ("FIREWORKS_API_KEY", "FIREWORKS_ACCOUNT_ID", "CONTRACT_JOB_IDS"):
        assert name in run.output
    assert "Traceback" not in run.output
