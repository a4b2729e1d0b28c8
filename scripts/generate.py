"""Regenerate generated/ from openapi/ (or, with --check, fail when the committed tree differs)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from spec_tools import paths
from spec_tools.codegen import GenerationError, build_client_dist, check_generated, generate, template_diff_lines

# The bound on template overrides (changed lines against the generator's own templates; new files count whole).
MAX_TEMPLATE_DIFF_LINES = 250


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare")
    parser.add_argument(
        "--template-diff", action="store_true", help="count changed lines of openapi/templates against the generator's"
    )
    parser.add_argument("--dist", type=Path, metavar="DIR", help="build the client's wheel and sdist into DIR")
    parser.add_argument("--post", type=int, metavar="N", help="with --dist: a client-only revision, version X.postN")
    parser.add_argument("--spec", type=Path, default=paths.SPEC_PATH)
    parser.add_argument("--config", type=Path, default=paths.GENERATOR_CONFIG)
    parser.add_argument("--templates", type=Path, default=paths.TEMPLATES_DIR)
    parser.add_argument("--generated", type=Path, default=paths.GENERATED_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.template_diff:
        counts = template_diff_lines(args.templates)
        for name, lines in counts.items():
            print(f"{lines:5d}  {name}")
        total = sum(counts.values())
        print(f"{total:5d}  total (at most {MAX_TEMPLATE_DIFF_LINES})")
        return 0 if total <= MAX_TEMPLATE_DIFF_LINES else 1
    try:
        if args.dist:
            staging = paths.REPO_ROOT / "build" / "client"
            built = build_client_dist(args.dist, staging, args.generated, args.spec, post=args.post)
            for path in built:
                print(f"built {path} ({path.stat().st_size:,} bytes)")
            return 0
        if args.check:
            report = check_generated(args.spec, args.config, args.templates, args.generated)
            if report:
                print("generated/ does not match what openapi/ generates (never edit generated/ by hand):")
                print("\n".join(report))
                print("Run `make generate` and commit the result, or revert the hand edit.")
                return 1
            print(f"generated/ is up to date ({time.perf_counter() - started:.1f} s)")
        else:
            target = generate(args.spec, args.config, args.templates, args.generated)
            print(f"generated {target} in {time.perf_counter() - started:.1f} s")
    except GenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
