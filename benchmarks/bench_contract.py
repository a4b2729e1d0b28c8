"""The contract suite's speed: generated cases per second against `schemathesis run`, and how its time grows.

Method: one mock gateway process on loopback serves every run (both tools aim at the same target). Our suite
runs in live mode against it (`scripts/contract.py -k generated_cases`), `schemathesis run` with the same spec,
seed, modes and `--max-examples`; each tool's wall time includes its own process start. Cases per second =
generated cases reported by the tool / wall seconds. Repeats are interleaved; medians are reported.
Growth: whole-suite wall time against 1, 10 and 100 job ids, and against 10, 40 and 160 cases per mode.
Writes reports/bench-contract.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gateway_mock.server import running_mock

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "openapi" / "gateway.yaml"
REPORT = REPO / "reports" / "bench-contract.json"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SEED = "4259"
# What `schemathesis run` checks here: its checks that do not flag a correct gateway's 404/400/405 answers.
ST_CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_"))}
    env.update(extra)
    return env


def ours(
    base_url: str, key: str, account: str, job_ids: list[str], examples: int, only_generated: bool
) -> tuple[float, int]:
    """Wall seconds and generated cases of one run of our suite in live mode against `base_url`."""
    with tempfile.TemporaryDirectory() as reports:
        env = _env(
            CONTRACT_BASE_URL=base_url,
            FIREWORKS_API_KEY=key,
            FIREWORKS_ACCOUNT_ID=account,
            CONTRACT_JOB_IDS=",".join(job_ids),
            CONTRACT_EXAMPLES=str(examples),
            CONTRACT_SEED=SEED,
            CONTRACT_REPORT_DIR=reports,
        )
        command = [sys.executable, str(REPO / "scripts" / "contract.py")]
        if only_generated:
            command += ["-k", "generated_cases"]
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False, timeout=600)
        wall = time.perf_counter() - started
        report = json.loads((Path(reports) / "contract.json").read_text())
    return wall, int(report["generated_cases"])


def schemathesis_run(base_url: str, key: str, examples: int) -> tuple[float, int]:
    """Wall seconds and generated cases of `schemathesis run` on the same spec and target."""
    command = [
        str(SCHEMATHESIS), "run", str(SPEC), "--url", base_url, "-H", f"Authorization: Bearer {key}",
        "--max-examples", str(examples), "--seed", SEED, "--mode", "all", "--checks", ST_CHECKS,
        "--continue-on-failure", "--no-color",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as cwd:  # no schemathesis.toml of ours is picked up
        started = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=600)
        wall = time.perf_counter() - started
    found = re.search(r"(\d+) generated", result.stdout)
    if found is None:
        raise RuntimeError(f"could not read the case count from schemathesis run:\n{result.stdout[-2000:]}")
    return wall, int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--examples", type=int, default=40)
    args = parser.parse_args(argv)
    key = "bench-key"
    results: dict[str, Any] = {"method": __doc__, "repeats": args.repeats, "examples": args.examples}
    with running_mock(api_key=key, extra_jobs=100) as mock:
        ids = list(mock.job_ids)
        ours_runs, st_runs = [], []
        for _ in range(args.repeats):
            ours_runs.append(ours(mock.base_url, key, mock.account, ids[:20], args.examples, only_generated=True))
            st_runs.append(schemathesis_run(mock.base_url, key, args.examples))
        ours_rate = statistics.median(cases / wall for wall, cases in ours_runs)
        st_rate = statistics.median(cases / wall for wall, cases in st_runs)
        results["cases_per_second"] = {
            "ours": round(ours_rate, 1),
            "schemathesis_run": round(st_rate, 1),
            "ratio": round(ours_rate / st_rate, 2),
            "ours_cases": [c for _, c in ours_runs],
            "schemathesis_cases": [c for _, c in st_runs],
        }
        growth_ids = {}
        for count in (1, 10, 100):
            walls = [ours(mock.base_url, key, mock.account, ids[:count], args.examples, False)[0]
                     for _ in range(args.repeats)]  # fmt: skip
            growth_ids[str(count)] = round(statistics.median(walls), 2)
        growth_cases = {}
        for examples in (10, 40, 160):
            walls = [ours(mock.base_url, key, mock.account, ids[:1], examples, False)[0] for _ in range(args.repeats)]
            growth_cases[str(examples)] = round(statistics.median(walls), 2)
        results["suite_seconds_by_job_ids"] = growth_ids
        results["suite_seconds_by_examples"] = growth_cases
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=2) + "\n")
    c = results["cases_per_second"]
    print(
        f"contract suite: {c['ours']} cases/s vs schemathesis run {c['schemathesis_run']} cases/s "
        f"(ratio {c['ratio']}x, medians of {args.repeats})"
    )
    print(f"suite wall s by job ids: {growth_ids}; by cases per mode: {growth_cases}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
