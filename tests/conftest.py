"""Reports the contract suite's kill rate (faults caught / faults injected) at the end of the run.

The self-test records each fault's verdict as a user property of its test report, which pytest-xdist carries
from the workers to the controller, where this plugin counts them.
"""

from __future__ import annotations

import pytest

_KILLED = "contract_fault_killed"  # tests/test_contract_selftest.py records (fault, killed) under this name
_VERDICTS: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        for name, value in report.user_properties:
            if name == _KILLED:
                fault, killed = value
                _VERDICTS[str(fault)] = bool(killed)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _VERDICTS:
        killed, total = sum(_VERDICTS.values()), len(_VERDICTS)
        missed = sorted(name for name, ok in _VERDICTS.items() if not ok)
        tail = f"; missed: {', '.join(missed)}" if missed else ""
        terminalreporter.write_line(
            f"contract self-test kill rate: {killed}/{total} faults ({killed / total:.0%}){tail}"
        )
