"""Live runs and writes, each request recorded by a front outside the suite: a default run sends no write (GETs
and estimate-cost POSTs only); Ctrl-C after the first create cleans the run's job up; jobs a gateway refuses to
delete are listed as left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from contract_tests.operation_facts import api_facts
from gateway_mock.server import running_mock
from gateway_protocol.job_states import DELETION_STATES
from spec_tools.paths import REPO_ROOT
from tests.contract_front import CLOCK_SPEED, DATASET, WAIT, front, held
from tests.helpers import ENTRY, EXAMPLES, SECRET_KEY, SuiteRun, run_suite
from tests.test_contract_selftest import CLEAN_JOBS


def _live_env(base_url: str, account: str, job_ids: str) -> dict[str, str]:
    return {
        "CONTRACT_BASE_URL": base_url,
        "FIREWORKS_API_KEY": SECRET_KEY,
        "FIREWORKS_ACCOUNT_ID": account,
        "CONTRACT_JOB_IDS": job_ids,
    }


@pytest.fixture(scope="module")
def readonly_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteRun, list[tuple[str, str]]]:
    """A default live run (no CONTRACT_WRITES) against the faithful mock, every request it sends recorded."""
    report_dir = tmp_path_factory.mktemp("read-only")
    with running_mock(api_key=SECRET_KEY, clock_speed=CLOCK_SPEED) as mock, front(mock.base_url) as (url, requests):
        run = run_suite(report_dir, **_live_env(url, mock.account, ",".join(CLEAN_JOBS)))
    return run, list(requests)


def test_a_default_live_run_writes_nothing(readonly_run: tuple[SuiteRun, list[tuple[str, str]]]) -> None:
    """Without CONTRACT_WRITES=1 a live run sends GETs and estimate-cost POSTs only (no DELETE, no create, cancel
    or resume; no TRACE or QUERY probes), and the faithful mock gets no violation from it."""
    run, requests = readonly_run
    assert run.exit_code == 0, run.output[-3000:]
    estimate = api_facts().operations["estimate_cost"]
    sent = {(method, estimate.path.match(path.split("?")[0]) is not None) for method, path in requests}
    assert sent == {("GET", False), (estimate.method, True)}, sorted(sent)
    assert run.report["jobs_created"] == [] and run.report["writes"] is False


def _suite_environment(report_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment tests.helpers.run_suite gives the suite, for a run this test controls itself."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP"))}
    return base | {"CONTRACT_REPORT_DIR": str(report_dir), "CONTRACT_EXAMPLES": EXAMPLES} | env


def _writes_env(front_url: str, account: str) -> dict[str, str]:
    return _live_env(front_url, account, ",".join(CLEAN_JOBS)) | {
        "CONTRACT_WRITES": "1",
        "CONTRACT_DATASET": DATASET,
        "CONTRACT_WAIT_SECONDS": WAIT,
    }


def test_ctrl_c_cleans_up_the_runs_jobs(tmp_path: Path) -> None:
    """SIGINT right after the run's first create: the suite stops (exit 2), cancels and deletes the job it made,
    and reports nothing left behind."""
    first_create = threading.Event()
    with running_mock(api_key=SECRET_KEY, clock_speed=CLOCK_SPEED) as mock:
        with front(mock.base_url, first_create) as (url, requests):
            environment = _suite_environment(tmp_path, _writes_env(url, mock.account))
            child = subprocess.Popen(
                [*ENTRY, "-k", "test_job_lifecycle"], env=environment, cwd=REPO_ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            try:
                assert first_create.wait(60), "the run created no job"
                child.send_signal(signal.SIGINT)
                output, _ = child.communicate(timeout=60)
            finally:
                if child.poll() is None:
                    child.kill()
        report = json.loads((tmp_path / "contract.json").read_text())
        created = report["jobs_created"]
        states = {job: held(mock.base_url, *job.split("/", 1)) for job in created}
    assert child.returncode == 2, output[-3000:]
    assert created and report["left_behind"] == [], output[-3000:]
    assert all(state == "gone" or state in DELETION_STATES for state in states.values()), states
    assert any(method == "DELETE" for method, _ in requests)


def test_jobs_that_cannot_be_deleted_are_listed(tmp_path: Path) -> None:
    """A gateway refusing every delete: each job of the run is listed as left behind, with a curl to delete it,
    in the output, contract.json and the step summary; the run does not pass."""
    summary = tmp_path / "step-summary.md"
    with (
        running_mock(api_key=SECRET_KEY, clock_speed=CLOCK_SPEED) as mock,
        front(mock.base_url, refuse="DELETE") as (url, _),
    ):
        env = _suite_environment(tmp_path, _writes_env(url, mock.account) | {"GITHUB_STEP_SUMMARY": str(summary)})
        done = subprocess.run(
            [*ENTRY, "-k", "test_job_lifecycle"], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=240, check=False,
        )  # fmt: skip
    output = done.stdout + done.stderr
    left = json.loads((tmp_path / "contract.json").read_text())["left_behind"]
    assert left and done.returncode != 0, output[-3000:]
    text = summary.read_text()
    for job in left:
        assert job["job_id"].startswith("contract-suite-") and "curl -sS -X DELETE" in job["curl"]
        assert job["job_id"] in output and job["job_id"] in text
