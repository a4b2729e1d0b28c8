"""Serve the mock gateway on loopback in the foreground (`make mock`); --list-faults, --fault NAME."""

from __future__ import annotations

import sys

from gateway_mock.cli import main

if __name__ == "__main__":
    sys.exit(main())
