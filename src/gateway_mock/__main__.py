"""`python -m gateway_mock`: serve the mock gateway (see `gateway_mock.cli`)."""

import sys

from .cli import main

sys.exit(main())
