"""`python -m contract_tests`: honest exit codes, reports that never lie, settings that contradict refused, and
429/503 waited for in live runs."""

from __future__ import annotations

import gc
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests import cli
from contract_tests.bounded_http import BoundedSender, Limits
from contract_tests.run import PreflightError, start_run
from contract_tests.settings import settings_from_env
from gateway_mock.server import RunningMock, serving_in_thread
from spec_tools.paths import REPO_ROOT
from tests.helpers import job_path

KEY = "sk-entry-7c1e9f0b3a"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP"))}
    env.update(CONTRACT_EXAMPLES="4", **extra)
    return env


def _live(mock_url: str, job_ids: str, **extra: str) -> dict[str, str]:
    return _env(
        CONTRACT_BASE_URL=mock_url,
        FIREWORKS_API_KEY=KEY,
        FIREWORKS_ACCOUNT_ID="mock-account",
        CONTRACT_JOB_IDS=job_ids,
        **extra,
    )


def _run(env: dict[str, str], cwd: Path = REPO_ROOT, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "contract_tests", *args] if cwd == REPO_ROOT else [
        sys.executable, str(REPO_ROOT / "scripts" / "contract.py"), *args
    ]  # fmt: skip
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _report(report_dir: Path) -> dict[str, object]:
    return dict(json.loads((report_dir / "contract.json").read_text()))


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread(api_key=KEY) as running:
        yield running


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_gateway_exits_2_and_replaces_a_stale_green_report(tmp_path: Path) -> None:
    """Exit 2 with one sentence; the previous run's green reports are gone and contract.json says error."""
    (tmp_path / "contract.json").write_text('{"outcome": "passed"}')
    (tmp_path / "contract.xml").write_text("<testsuites/>")
    url = f"http://127.0.0.1:{_closed_port()}"
    result = _run(_live(url, "abc", CONTRACT_REPORT_DIR=str(tmp_path)))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "cannot reach" in result.stderr and "Traceback" not in result.stderr
    assert _report(tmp_path)["outcome"] == "error" and "cannot reach" in str(_report(tmp_path)["reason"])
    assert not (tmp_path / "contract.xml").exists()


@pytest.mark.parametrize(
    ("env", "words"),
    [
        (
            {"CONTRACT_MOCK_FAULT": "bad-currency", "CONTRACT_BASE_URL": "https://gw.example"},
            "CONTRACT_MOCK_FAULT",
        ),
        ({"CONTRACT_BASE_URL": "https://api.fireworks.ai/v1"}, "drop '/v1' and use https://api.fireworks.ai"),
        ({"CONTRACT_BASE_URL": "https://gw.example/?x=1"}, "without a path or query"),
        ({"CONTRACT_BASE_URL": "https://user:hunter2@gw.example"}, "must not carry credentials"),
        ({"CONTRACT_MOCK_MARSHAL": "emit"}, "CONTRACT_MOCK_MARSHAL"),
        ({"CONTRACT_REQUEST_DEADLINE": "nan"}, "CONTRACT_REQUEST_DEADLINE"),
        ({"CONTRACT_MAX_RPS": "0"}, "CONTRACT_MAX_RPS"),
    ],
)
def test_contradicting_or_misleading_settings_exit_2_with_a_sentence(
    env: dict[str, str], words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before anything is sent: exit 2, the reason in one line and in contract.json, no secret echoed."""
    for name in list(os.environ):
        if name.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP")):
            monkeypatch.delenv(name)
    live = {"FIREWORKS_API_KEY": KEY, "FIREWORKS_ACCOUNT_ID": "a", "CONTRACT_JOB_IDS": "j"}
    for name, value in {**live, **env, "CONTRACT_REPORT_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and "hunter2" not in err
    assert _report(tmp_path)["outcome"] == "error" and words in str(_report(tmp_path)["reason"])
    assert "error" in summary.read_text().splitlines()[0] and "hunter2" not in summary.read_text()


def test_a_job_throttled_three_times_then_served_passes(mock: RunningMock, tmp_path: Path) -> None:
    """429 with Retry-After three times, then 200: waited for, the final answer judged, exit 0."""
    flaky = f"scenario-flaky-429-3-{uuid.uuid4().hex[:12]}"
    result = _run(
        _live(mock.base_url, f"sft-running,{flaky}", CONTRACT_REPORT_DIR=str(tmp_path)), REPO_ROOT, "-k", "job"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert _report(tmp_path)["outcome"] == "passed"


def _preflight_error(env: dict[str, str]) -> str:
    """The run's start in-process (settings, then preflight), as the plugin does it: the PreflightError's text,
    which the plugin turns into exit 2 (the unreachable-gateway test above proves that mapping end to end)."""
    with pytest.raises(PreflightError) as raised:
        stop = start_run(settings_from_env(env))
        stop.close()
    return str(raised.value)


def test_throttling_past_the_retry_budget_is_a_could_not_check(mock: RunningMock, tmp_path: Path) -> None:
    """A job that is always 429: once the retry budget is spent it is exit 2 naming the throttling, not a rule."""
    env = _live(mock.base_url, "scenario-rate-limited", CONTRACT_REPORT_DIR=str(tmp_path), CONTRACT_RETRY_BUDGET="0")
    assert "kept throttling (HTTP 429) reading scenario-rate-limited" in _preflight_error(env)


def _limits(**changes: object) -> Limits:
    base = {"request_deadline": 5.0, "max_body_bytes": 1 << 20, "run_budget": 60.0, "retry_budget": 30.0,
            "max_rps": None, "retry_throttled": True}  # fmt: skip
    return Limits(**{**base, **changes})  # type: ignore[arg-type]


def test_retry_after_is_honoured_and_backoff_used_without_it(mock: RunningMock) -> None:
    """The mock's Retry-After: 1 is waited exactly; a 503 without it backs off; the budget bounds the total."""
    waits: list[float] = []
    sender = BoundedSender(mock.base_url, _limits(), sleep=waits.append)
    auth = {"Authorization": f"Bearer {KEY}"}
    jobs = job_path("mock-account", "_").removesuffix("_")
    try:
        assert (
            sender.send("GET", jobs + f"scenario-flaky-429-2-{uuid.uuid4().hex[:8]}", headers=auth).status_code == 200
        )
        assert waits == [1.0, 1.0]
        waits.clear()
        assert (
            sender.send("GET", jobs + f"scenario-flaky-503-2-{uuid.uuid4().hex[:8]}", headers=auth).status_code == 200
        )
        assert len(waits) == 2 and all(0 < w <= 8 for w in waits)
        waits.clear()
        tight = BoundedSender(mock.base_url, _limits(retry_budget=2.5), sleep=waits.append)
        assert tight.send("GET", jobs + "scenario-rate-limited", headers=auth).status_code == 429
        assert waits == [1.0, 1.0] and sum(waits) <= 2.5
        tight.close()
    finally:
        sender.close()


def test_max_rps_spaces_requests(mock: RunningMock) -> None:
    """CONTRACT_MAX_RPS=4: request k starts k x 0.25 s after the first. The clock is a fake that only `sleep`
    moves, so the waits are exact whatever the machine's load."""
    now = [1000.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    sender = BoundedSender(mock.base_url, _limits(max_rps=4.0), sleep=sleep, clock=lambda: now[0])
    try:
        for _ in range(3):
            sender.send("GET", job_path("mock-account", "sft-running"))
    finally:
        sender.close()
    assert waits == [0.25, 0.25]


@pytest.mark.timeout(30)  # the bound on "not a hang": a time-out, not an assertion on wall time
def test_a_run_over_its_budget_stops(mock: RunningMock, tmp_path: Path) -> None:
    """CONTRACT_RUN_BUDGET bounds the whole run, preflight included: a 1 s budget against a 1 s answer stops the
    run saying so (exit 2), not a hang and not a rule violation."""
    env = _live(mock.base_url, "scenario-slow", CONTRACT_REPORT_DIR=str(tmp_path), CONTRACT_RUN_BUDGET="1")
    assert "budget of 1 s" in _preflight_error(env)


def test_the_entry_point_exits_with_mains_code_its_imports_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`run_as_process` (both entry points' body) hands the arguments to `main` and exits with its code, having
    moved what the imports built out of the garbage collector's reach first."""
    seen: list[tuple[list[str], int]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append((argv, gc.get_freeze_count()))
        return 3

    monkeypatch.setattr(cli, "main", fake_main)
    gc.unfreeze()  # this worker's own freeze (tests/conftest.py) would hide the entry point's
    try:
        with pytest.raises(SystemExit) as exited:
            cli.run_as_process(["-k", "x"])
    finally:
        gc.collect()  # as tests/conftest.py left the worker: garbage collected, the rest frozen
        gc.freeze()
    assert exited.value.code == 3
    assert seen[0][0] == ["-k", "x"] and seen[0][1] > 0
