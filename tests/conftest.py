"""Reports the contract suite's kill rate (faults caught / faults injected) at the end of the run, and keeps the
garbage collector off what collection built.

The self-test records each fault's verdict as a user property of its test report, which pytest-xdist carries
from the workers to the controller, where this plugin counts them.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

# hypothesis (and schemathesis through it) keeps its caches in the virtualenv, not loose in the tree, also when
# pytest is run directly rather than through make (which exports the same).
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(__file__).resolve().parents[1] / ".venv" / ".hypothesis")
)

_KILLED = "contract_fault_killed"  # tests/test_contract_selftest.py records (fault, killed) under this name
_VERDICTS: dict[str, bool | None] = {}  # None: not applicable to the vendored spec


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, parsed specs, test items) lives until the end: move it out of the collector's
    generations, so that each full collection during the tests no longer walks it (a second of CPU over the four
    workers), and collect young objects less often (the tests build many short-lived dicts)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when in ("call", "setup"):
        for name, value in report.user_properties:
            if name == _KILLED:
                fault, killed = value
                _VERDICTS[str(fault)] = None if killed is None else bool(killed)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    applicable = {name: ok for name, ok in _VERDICTS.items() if ok is not None}
    if applicable:
        killed, total = sum(applicable.values()), len(applicable)
        missed = sorted(name for name, ok in applicable.items() if not ok)
        absent = sorted(name for name, ok in _VERDICTS.items() if ok is None)
        tail = f"; missed: {', '.join(missed)}" if missed else ""
        tail += f"; not applicable to this spec: {', '.join(absent)}" if absent else ""
        terminalreporter.write_line(
            f"contract self-test kill rate: {killed}/{total} faults ({killed / total:.0%}){tail}"
        )
