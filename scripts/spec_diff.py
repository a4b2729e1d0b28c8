"""Compare two specs for this project's client: every selected operation (openapi/operations.yaml), request and
answer sides, and the schemas they reach.

OLD and NEW are each a whole spec (.yaml/.json), a docs page (.md), or the per-operation pages of one version (a
folder, or names separated by spaces). Writes reports/spec-diff.json and reports/spec-diff.md and prints the
summary, each change with the operations it touches; NEW's defects outside the selected operations are printed as
warnings. Exit codes: 0 nothing breaking, 1 something breaking (for CI gates), 2 invalid input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec_tools import paths
from spec_tools.diff import Severity, diff_specs, summary_line, touched, write_reports
from spec_tools.safe_text import inline
from spec_tools.selection import SelectionError, load_selection
from spec_tools.sources import SourceError, expand_arguments
from spec_tools.validate import SpecInputError, load_candidate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", help="the spec before (e.g. openapi/gateway.yaml), or a folder of pages")
    parser.add_argument("new", help="the spec after: a .yaml/.json spec, a .md docs page, or a folder of pages")
    parser.add_argument("--reports", type=Path, default=paths.REPO_ROOT / "reports", help="where to write the reports")
    args = parser.parse_args(argv)
    try:
        selection = load_selection()
        # The old side's operations outside the selection are not compared, so not validated (its warnings were
        # never shown); the new side's are, for the warnings printed below.
        old, new = (
            load_candidate(expand_arguments([given]), selection, require_selection=False, check_rest=check_rest)
            for given, check_rest in ((args.old, False), (args.new, True))
        )
    except (SpecInputError, SourceError, SelectionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changes = diff_specs(old.spec, new.spec, selection)
    try:
        json_path, md_path = write_reports(changes, args.reports, old.spec.version, new.spec.version)
    except OSError as exc:
        print(f"error: cannot write the reports into {inline(args.reports)}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for warning in new.warnings:
        print(f"warning: outside the selected operations (reported, not refused): {warning}")
    print(f"{inline(old.spec.version, 64)} -> {inline(new.spec.version, 64)}: {summary_line(changes)}")
    for change in changes:
        print(f"  {change.severity.value:<12} {inline(change.location)}: {change.change} (touches {touched(change)})")
    print(f"reports: {inline(json_path)}, {inline(md_path)}")
    return 1 if any(c.severity is Severity.BREAKING for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
