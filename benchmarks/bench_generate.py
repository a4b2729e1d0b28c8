"""Wall time of `make generate`'s work (openapi-python-client + ruff hooks, atomic replace) on a temp copy.

Median of repeats; the repo's own generated/ is never touched. Writes reports/bench-generate.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from spec_tools import paths
from spec_tools.codegen import generate

REPORT = paths.REPO_ROOT / "reports" / "bench-generate.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(paths.OPENAPI_DIR, root / "openapi")
        for _ in range(args.repeats):
            started = time.perf_counter()
            generate(root / "openapi" / "gateway.yaml", root / "openapi" / "generator.yaml",
                     root / "openapi" / "templates", root / "generated")  # fmt: skip
            walls.append(time.perf_counter() - started)
    result = {"median_seconds": round(statistics.median(walls), 2), "runs": [round(w, 2) for w in walls]}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"make generate: median {result['median_seconds']} s over {args.repeats} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
