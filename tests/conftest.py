"""Reports the contract suite's kill rate (faults caught / faults injected) at the end of the run, keeps the
garbage collector off what collection built, and runs the longest test modules first.

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

_SECONDS_KEY = "fireworks-gateway/module-seconds"  # pytest's cache: how long each test module took last time
_SECONDS: dict[str, float] = {}
_KILLED = "contract_fault_killed"  # tests/test_contract_selftest.py records (fault, killed) under this name
_VERDICTS: dict[str, bool | None] = {}  # None: not applicable to the vendored spec


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, parsed specs, test items) lives until the end: move it out of the collector's
    generations, so that each full collection during the tests no longer walks it (a second of CPU over the four
    workers), and collect young objects less often (the tests build many short-lived dicts)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules that took longest last time go first, each whole and in its own order: pytest-xdist hands out
    whole modules (--dist loadfile) in this order, so a long one no longer starts last and leaves the other workers
    idle at the end. Without a record (a fresh checkout) the order is pytest's."""
    cache = getattr(config, "cache", None)
    recorded = cache.get(_SECONDS_KEY, None) if cache is not None else None
    if not isinstance(recorded, dict):
        return
    seconds = {k: float(v) for k, v in recorded.items() if isinstance(k, str) and isinstance(v, int | float)}
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.nodeid.split("::", 1)[0], index)
    items.sort(key=lambda item: (-seconds.get(module := item.nodeid.split("::", 1)[0], 0.0), first[module]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    module = report.nodeid.split("::", 1)[0]
    _SECONDS[module] = _SECONDS.get(module, 0.0) + report.duration
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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Record each module's time for the next run's order, in the process that saw every report (the controller
    under xdist); modules this run did not reach keep their last record."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _SECONDS:
        return
    recorded = cache.get(_SECONDS_KEY, None)
    merged = dict(recorded) if isinstance(recorded, dict) else {}
    merged.update({module: round(seconds, 3) for module, seconds in _SECONDS.items()})
    cache.set(_SECONDS_KEY, merged)
