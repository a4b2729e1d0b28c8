"""`python -m contract_tests`: the contract suite's entry point (see `contract_tests.cli`)."""

import sys

from .cli import run_as_process

run_as_process(sys.argv[1:])
