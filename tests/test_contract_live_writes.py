"""Live runs and writes, each request recorded by a front outside the suite: a default run sends no write (GETs
and estimate-cost POSTs only); Ctrl-C cleans the run's jobs up, and lists the ones a gateway refuses to
delete."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from contract_tests.operation_facts import api_facts
from gateway_mock.server import serving_in_thread
from gateway_mock.variants import variant_account
from gateway_protocol.job_states import DELETION_STATES
from spec_tools.paths import REPO_ROOT
from tests.contract_front import CLEAN_JOBS, CLOCK_SPEED, DATASET, WAIT, front, held
from tests.helpers import ENTRY, EXAMPLES, SECRET_KEY, SuiteRun, live_env, run_suite

ReadOnly = tuple[SuiteRun, list[tuple[str, str]]]


def _readonly(report_dir: Path) -> ReadOnly:
    """A default live run (no CONTRACT_WRITES) against the faithful mock, every request it sends recorded."""
    with (
        serving_in_thread(api_key=SECRET_KEY, clock_speed=CLOCK_SPEED) as mock,
        front(mock.base_url) as (url, requests),
    ):
        run = run_suite(report_dir, **live_env(url, mock.account, ",".join(CLEAN_JOBS)))
    return run, list(requests)


@pytest.fixture(scope="module")
def readonly_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Future[ReadOnly]]:
    """The read-only run, started in the background: the Ctrl-C test's run goes on beside it (both mostly wait)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(_readonly, tmp_path_factory.mktemp("read-only"))


def _suite_environment(report_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment tests.helpers.run_suite gives the suite, for a run this test controls itself."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP"))}
    return base | {"CONTRACT_REPORT_DIR": str(report_dir), "CONTRACT_EXAMPLES": EXAMPLES} | env


def _writes_env(front_url: str, account: str) -> dict[str, str]:
    return live_env(front_url, account, ",".join(CLEAN_JOBS)) | {
        "CONTRACT_WRITES": "1",
        "CONTRACT_DATASET": DATASET,
        "CONTRACT_WAIT_SECONDS": WAIT,
    }


def test_ctrl_c_cleans_up_and_lists_what_it_could_not(tmp_path: Path, readonly_run: Future[ReadOnly]) -> None:
    """One run over two accounts, the first refusing deletes: SIGINT right after the create in the second stops
    the suite (exit 2); the job there is cancelled and deleted; the first account's job, which cannot be, is
    listed as left behind with a curl that deletes it, in the output, contract.json and the step summary."""
    created, summary = threading.Event(), tmp_path / "step-summary.md"
    # Two accounts of faithful behaviour (correct variants; the main account also holds the response faults).
    first, second = variant_account("cancel-terminal-ok"), variant_account("first-state-pending")
    with serving_in_thread(api_key=SECRET_KEY, clock_speed=CLOCK_SPEED, all_faults=True) as mock:
        refused = f"/accounts/{first}/"
        with front(mock.base_url, (created, f"/accounts/{second}/"), ("DELETE", refused)) as (url, requests):
            env = _writes_env(url, first) | {"CONTRACT_ACCOUNTS": second, "GITHUB_STEP_SUMMARY": str(summary)}
            child = subprocess.Popen(
                [*ENTRY, "-k", "test_job_lifecycle"], env=_suite_environment(tmp_path, env), cwd=REPO_ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            try:
                assert created.wait(60), "the run created no job in the second account"
                child.send_signal(signal.SIGINT)
                output, _ = child.communicate(timeout=60)
            finally:
                if child.poll() is None:
                    child.kill()
        report = json.loads((tmp_path / "contract.json").read_text())
        states = {job: held(mock.base_url, *job.split("/", 1)) for job in report["jobs_created"]}
    assert child.returncode == 2, output[-3000:]
    interrupted = [job for job in states if job.startswith(f"{second}/")]
    assert interrupted and all(states[job] == "gone" or states[job] in DELETION_STATES for job in interrupted)
    assert any(method == "DELETE" and f"/accounts/{second}/" in path for method, path in requests)
    left = report["left_behind"]
    assert left and {job["account"] for job in left} == {first}, output[-3000:]
    text = summary.read_text()
    for job in left:
        assert job["job_id"].startswith("contract-suite-") and "curl -sS -X DELETE" in job["curl"]
        assert job["job_id"] in output and job["job_id"] in text


def test_a_default_live_run_writes_nothing(readonly_run: Future[ReadOnly]) -> None:
    """Without CONTRACT_WRITES=1 a live run sends GETs and estimate-cost POSTs only (no DELETE, no create, cancel
    or resume; no TRACE or QUERY probes), and the faithful mock gets no violation from it."""
    run, requests = readonly_run.result(timeout=300)
    assert run.exit_code == 0, run.output[-3000:]
    estimate = api_facts().operations["estimate_cost"]
    sent = {(method, estimate.path.match(path.split("?")[0]) is not None) for method, path in requests}
    assert sent == {("GET", False), (estimate.method, True)}, sorted(sent)
    assert run.report["jobs_created"] == [] and run.report["writes"] is False
