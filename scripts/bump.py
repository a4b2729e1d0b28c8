"""Bump the vendored spec: validate SPEC, report the changes, vendor it, regenerate, verify; or change nothing.

SPEC is a whole spec (.yaml/.json), a docs page (.md), or the per-operation docs pages of one version: several
files, or a folder. (One argument naming no file but holding spaces is split into names, shell-style.)

Exit codes: 0 bumped or already current, 1 regeneration/verification failed (tree restored), 2 invalid input,
3 refused (same version with different content, or an older version; FORCE=1 or --force overrides),
130 interrupted (tree restored).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from spec_tools import paths
from spec_tools.bump import DEFAULT_VERIFY, VERIFY_TIMEOUT, BumpFailed, BumpRefused, Project, bump
from spec_tools.sources import SourceError, expand_arguments
from spec_tools.validate import SpecInputError

_TRUE = {"1", "true", "yes", "on"}


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM restores the tree like Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "spec", nargs="+", help="a .yaml/.json spec, a .md docs page, or several pages of one version (files or folder)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        default=os.environ.get("FORCE", "").strip().lower() in _TRUE,
        help="vendor even a same-version or older spec (env FORCE=1)",
    )
    parser.add_argument(
        "--verify",
        default=os.environ.get("BUMP_VERIFY") or DEFAULT_VERIFY,
        help=f"shell command run in the root after regenerating (env BUMP_VERIFY; default {DEFAULT_VERIFY!r})",
    )
    parser.add_argument(
        "--verify-timeout",
        type=float,
        default=os.environ.get("BUMP_VERIFY_TIMEOUT") or VERIFY_TIMEOUT,
        help=f"seconds the verification may run before it is stopped (env BUMP_VERIFY_TIMEOUT; {VERIFY_TIMEOUT:g})",
    )
    parser.add_argument("--root", type=Path, default=paths.REPO_ROOT, help="the project to bump (default: this repo)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        bump(
            expand_arguments(args.spec),
            Project(args.root.resolve()),
            force=args.force,
            verify=args.verify,
            verify_timeout=args.verify_timeout,
        )
    except (SpecInputError, SourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BumpRefused as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except BumpFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: openapi/ and generated/ restored", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
