"""Run the contract suite: against the embedded mock, or a live gateway when CONTRACT_BASE_URL is set.

Settings (environment): CONTRACT_BASE_URL, FIREWORKS_API_KEY, FIREWORKS_ACCOUNT_ID, CONTRACT_JOB_IDS (live);
CONTRACT_SEED, CONTRACT_EXAMPLES (generated cases per mode), CONTRACT_REPORT_DIR (default reports/);
CONTRACT_MOCK_FAULT (mock started with one injected contract violation, for proving the suite).
Extra arguments go to pytest (e.g. `-k money`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # contract_tests/ is a suite beside the packages, not an installed package

from contract_tests.settings import SettingsError, settings_from_env  # noqa: E402


def main(argv: list[str]) -> int:
    try:
        settings = settings_from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        settings.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot use CONTRACT_REPORT_DIR {settings.report_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    os.chdir(ROOT)  # schemathesis reads schemathesis.toml from the working directory
    args = [
        str(ROOT / "contract_tests"),
        f"--junitxml={settings.report_dir / 'contract.xml'}",
        "-o", "junit_suite_name=contract",
        "-o", "junit_family=xunit2",
        "-p", "no:cacheprovider",
        "--tb=no",  # the contract section prints each finding once, with its curl
        "--assert=plain",  # nothing here asserts bare; rewriting the plugins' modules costs seconds per run
        "-q",
        "-rN",  # the contract section below lists each failure; the per-test list would repeat it
        *argv,
    ]  # fmt: skip
    code = pytest.main(args)
    # A target that cannot be checked as configured is a usage error: exit 2, like a missing setting.
    return 2 if code == pytest.ExitCode.USAGE_ERROR else int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
