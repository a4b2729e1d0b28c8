"""`python -m contract_tests`: the contract suite's entry point (see `contract_tests.cli`)."""

import sys

from .cli import main

sys.exit(main())
