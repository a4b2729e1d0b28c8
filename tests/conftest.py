"""Reports the contract suite's kill rate (faults caught / faults injected) at the end of the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    from tests.test_contract_selftest import KILL_RATE

    if KILL_RATE in config.stash:
        killed, total = config.stash[KILL_RATE]
        terminalreporter.write_line(f"contract self-test kill rate: {killed}/{total} faults ({killed / total:.0%})")
