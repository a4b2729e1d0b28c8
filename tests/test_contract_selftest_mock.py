"""The contract suite proves itself against the embedded mock: green on the faithful mock (from any working
directory), red with a mock fault, and settings problems named without a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from contract_tests import cli
from gateway_mock.faults import FAULTS
from spec_tools.paths import REPO_ROOT
from tests.helpers import SECRET_KEY, all_text, run_suite


def test_clean_mock_is_green_with_reports_together_whatever_the_cwd(tmp_path: Path) -> None:
    """Against the faithful mock no rule fails and the run exits 0; started from another directory with a relative
    CONTRACT_REPORT_DIR, both reports land in that one folder and the printed paths are theirs. Nothing else is
    left behind: no hypothesis database or cache in the checkout the suite runs from."""
    started = time.time()
    run = run_suite(Path("out"), tmp_path, CONTRACT_REPORT_DIR="out", MOCK_API_KEY=SECRET_KEY)
    assert run.exit_code == 0, run.output[-3000:]
    assert (run.report["outcome"], run.failed_rules) == ("passed", [])
    assert run.junit is not None and run.failed_test_names() == []
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} == {"contract.json", "contract.xml"}
    assert f"{out / 'contract.xml'}, {out / 'contract.json'}" in run.output
    assert SECRET_KEY not in all_text(run, out)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    for folder in (REPO_ROOT / ".hypothesis", REPO_ROOT / ".schemathesis"):
        written = [p for p in folder.rglob("*") if p.stat().st_mtime >= started] if folder.is_dir() else []
        assert written == [], written[:5]


def test_a_mock_fault_turns_the_run_red(tmp_path: Path) -> None:
    """CONTRACT_MOCK_FAULT breaks the whole embedded mock: exit 1, and the fault's rule is named."""
    name = next(iter(FAULTS))
    # A response fault: the job reads show it; the other checks (their own proof is the all-faults run) are left
    # out to keep this run short.
    run = run_suite(tmp_path, CONTRACT_MOCK_FAULT=name, MOCK_API_KEY=SECRET_KEY, PYTEST_ADDOPTS="-k test_job_contract")
    assert run.exit_code == 1, run.output[-3000:]
    assert (run.report["outcome"], run.failed_rules) == ("violations", [FAULTS[name].rule])
    assert f"[{FAULTS[name].rule}] violation" in run.output


def test_live_mode_names_missing_settings_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CONTRACT_BASE_URL alone: exit 2 and a message naming each missing setting, no traceback."""
    for name in list(os.environ):
        if name.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONTRACT_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CONTRACT_REPORT_DIR", str(tmp_path))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    for name in ("FIREWORKS_API_KEY", "FIREWORKS_ACCOUNT_ID", "CONTRACT_JOB_IDS"):
        assert name in err
    assert "Traceback" not in err
    assert "\\n" not in err and "for example CONTRACT_BASE_URL=" in err  # one readable line, no escaped newline


def test_hypothesis_caches_go_to_the_environment_never_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a virtualenv, its own `.hypothesis`; outside one, the user's cache folder; neither writable, the run's
    temporary folder. None of them is the working tree the suite runs from."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    venv, base = tmp_path / "venv", tmp_path / "base"
    venv.mkdir()
    monkeypatch.setattr(cli.sys, "prefix", str(venv))
    monkeypatch.setattr(cli.sys, "base_prefix", str(base))
    assert cli._hypothesis_storage(tmp_path / "private") == venv / ".hypothesis"
    monkeypatch.setattr(cli.sys, "base_prefix", str(venv))
    assert (
        cli._hypothesis_storage(tmp_path / "private")
        == tmp_path / "cache" / "fireworks-gateway-contract" / "hypothesis"
    )
    (tmp_path / "blocked").write_text("a file, not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert cli._hypothesis_storage(tmp_path / "private") == tmp_path / "private" / "hypothesis"
