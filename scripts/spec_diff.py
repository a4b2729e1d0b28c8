"""Compare two specs (each a spec file or a docs page) for a client reading responses.

Writes reports/spec-diff.json and reports/spec-diff.md and prints the summary.
Exit codes: 0 nothing breaking, 1 something breaking (for CI gates), 2 invalid input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec_tools import paths
from spec_tools.diff import Severity, diff_specs, summary_line, write_reports
from spec_tools.safe_text import inline
from spec_tools.validate import SpecInputError, load_candidate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path, help="the spec before (e.g. openapi/gateway.yaml)")
    parser.add_argument("new", type=Path, help="the spec after (a .yaml/.json spec or a .md docs page)")
    parser.add_argument("--reports", type=Path, default=paths.REPO_ROOT / "reports", help="where to write the reports")
    args = parser.parse_args(argv)
    try:
        old, new = load_candidate(args.old).spec, load_candidate(args.new).spec
    except SpecInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changes = diff_specs(old, new)
    try:
        json_path, md_path = write_reports(changes, args.reports, old.version, new.version)
    except OSError as exc:
        print(f"error: cannot write the reports into {inline(args.reports)}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{inline(old.version, 64)} -> {inline(new.version, 64)}: {summary_line(changes)}")
    for change in changes:
        print(f"  {change.severity.value:<12} {inline(change.location)}: {change.change}")
    print(f"reports: {inline(json_path)}, {inline(md_path)}")
    return 1 if any(c.severity is Severity.BREAKING for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
