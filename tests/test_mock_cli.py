"""scripts/mock.py gives clear errors, not tracebacks; the mock process never outlives whoever started it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gateway_mock.cli import main
from gateway_mock.faults import FAULTS
from gateway_mock.server import READY_MARKER, running_mock
from tests.helpers import job_path, raw_request

REPO = Path(__file__).resolve().parents[1]
MOCK_SCRIPT = REPO / "scripts" / "mock.py"


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """scripts/mock.py's `main` in this process (what the script runs, without a Python start-up per case; the
    `make mock` test below runs the script itself): its exit code and output, argparse's exits included."""
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_list_faults_prints_every_fault_with_its_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`--list-faults` exits 0 and lists each catalogue entry with its rule id."""
    result = run_main(capsys, "--list-faults")
    assert result.returncode == 0
    for name, fault in FAULTS.items():
        assert any(line.split()[:2] == [name, fault.rule] for line in result.stdout.splitlines()), name


def test_list_scenarios_prints_the_reserved_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """`--list-scenarios` documents the scenario ids without starting a server."""
    result = run_main(capsys, "--list-scenarios")
    assert result.returncode == 0
    assert "scenario-rate-limited" in result.stdout and "scenario-flaky-" in result.stdout


def test_an_unknown_fault_exits_2_listing_the_valid_faults(capsys: pytest.CaptureFixture[str]) -> None:
    """`--fault nope` is a usage error (exit 2) naming every valid fault, with no traceback."""
    result = run_main(capsys, "--fault", "nope", "--port", "0")
    assert result.returncode == 2
    assert "unknown fault 'nope'" in result.stderr
    assert all(name in result.stderr for name in FAULTS)
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    """When the port is taken the script says so and how to pick another, exit 1, no traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_main(capsys, "--port", str(port), "--api-key", "mock-api-key")
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "MOCK_PORT" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--api-key", ""], "--api-key"), (["--port", "70000"], "--port"), (["--extra-jobs", "-1"], "--extra-jobs")],
)
def test_bad_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    """An empty key or an impossible port exits 2 with a one-line reason."""
    result = run_main(capsys, *args)
    assert (result.returncode, message in result.stderr, "Traceback" in result.stderr) == (2, True, False)


def test_the_make_mock_command_line_serves_until_terminated() -> None:
    """`scripts/mock.py --port P --api-key K` (what `make mock` runs) prints the ready line, then stops on SIGTERM."""
    command = [sys.executable, str(MOCK_SCRIPT), "--port", "0", "--api-key", "mock-api-key"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline()]
            while lines[-1] and not lines[-1].startswith(READY_MARKER) and len(lines) < 30:
                lines.append(process.stdout.readline())
            assert lines[-1].startswith(READY_MARKER + "http://127.0.0.1:")
            assert any(line.startswith("clock: realtime") for line in lines)
            assert lines[0].startswith("mock gateway for spec")
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr


def test_running_mock_stops_the_process_on_exit_and_on_error() -> None:
    """The child is gone after the `with` block, also when the block raises."""
    with running_mock() as mock:
        pid = mock.pid
    assert gone(pid)
    with pytest.raises(RuntimeError, match="boom"), running_mock() as mock:
        pid = mock.pid
        raise RuntimeError("boom")
    assert gone(pid)


def test_the_child_stops_when_its_parent_goes_away() -> None:
    """With --stop-when-stdin-closes (what running_mock passes), closing the pipe, as a dying parent does, stops it."""
    command = [sys.executable, "-m", "gateway_mock", "--port", "0", "--stop-when-stdin-closes"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None and process.stdin is not None
            if not any(line.startswith(READY_MARKER) for line in process.stdout):
                pytest.fail("the mock exited without printing its ready line")
            process.stdin.close()
            assert process.wait(timeout=10) == 0  # the time bound: TimeoutExpired fails the test
        finally:
            if process.poll() is None:
                process.kill()


def test_a_key_that_starts_with_a_dash_is_a_key() -> None:
    """Generated keys may start with "-" (token_urlsafe does): running_mock passes it as one word, not an option."""
    with running_mock(api_key="-dash-first-key") as mock:
        status, _, _ = raw_request(mock, job_path("mock-account", "sft-running"))
    assert status == 200
