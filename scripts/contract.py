"""Run the contract suite (`make contract`); the same as `python -m contract_tests`, whose doc lists the settings
and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # contract_tests/ is a suite beside the packages, not an installed package

from contract_tests.cli import run_as_process  # noqa: E402

if __name__ == "__main__":
    run_as_process(sys.argv[1:])
