"""`make bench`: every benchmark in one run on one machine, then one table and reports/bench.json.

Each figure is a ratio against a peer measured in the same run (medians of repeats): the machines are shared
and noisy, so absolute numbers move while ratios hold. Never part of `make test`.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPORTS = HERE.parent / "reports"
STEPS = [
    ("mock throughput vs Prism (wrk)", ["bench_mock.py"], "bench-mock.json"),
    ("client per call vs raw httpx and the SDK", ["bench_client.py", "--mock"], "bench-client.json"),
    ("contract suite vs schemathesis run", ["bench_contract.py"], "bench-contract.json"),
    ("make generate wall time", ["bench_generate.py"], "bench-generate.json"),
    ("contract suite vs Prism's dynamic mock", ["contract_vs_prism.py"], "contract-vs-prism.json"),
]


def _load(name: str) -> dict[str, Any]:
    path = REPORTS / name
    return json.loads(path.read_text()) if path.exists() else {}


def _rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    mock = {r["target"]: r for r in results["bench-mock.json"].get("results", [])}
    if "mock: fixture job" in mock:
        r = mock["mock: fixture job"]
        ratio = f"{r['ratio_vs_prism']:.1f}x Prism" if r.get("ratio_vs_prism") else "Prism skipped"
        rows.append(("mock req/s (wrk -t1 -c8)", f"{r['median_requests_per_s']:,.0f}", ratio))
    client = results["bench-client.json"]
    if client:
        rows.append(("client per call vs raw httpx+json.loads", f"{client['ours_vs_raw']:.2f}x", "target <= 1.15x"))
        rows.append(("SDK per call vs ours", f"{client['sdk_vs_ours']:.2f}x", "target >= 1.5x"))
        parse = client.get("parse_only_us", {})
        if parse:
            rows.append(("parse: ours vs json.loads", f"{parse['ours_vs_json_loads']:.2f}x", "per body"))
            rows.append(("parse: SDK model vs ours", f"{parse['sdk_vs_ours']:.2f}x", "per body"))
        page = client.get("page_parse")
        if page:
            ratio = page["page_parse_vs_json_loads"]
            rows.append(("parse a page of 200 vs json.loads", f"{ratio:.2f}x", "target <= 2x"))
        walk = client.get("list_walk")
        if walk:
            rows.append(("list 10,000 jobs vs raw httpx", f"{walk['ours_vs_raw']:.2f}x", "target <= 1.5x"))
            rows.append(("SDK auto-pager vs our list", f"{walk['sdk_vs_ours']:.2f}x", "target >= 1.5x"))
    contract = results["bench-contract.json"]
    if contract:
        c = contract["cases_per_second"]
        rows.append(
            ("contract cases/s vs schemathesis run", f"{c['ratio']:.2f}x", f"{c['ours']} vs {c['schemathesis_run']}")
        )
        rows.append(
            ("suite s by job ids 1/10/100", "/".join(map(str, contract["suite_seconds_by_job_ids"].values())), "")
        )
        rows.append(
            ("suite s by cases 10/40/160", "/".join(map(str, contract["suite_seconds_by_examples"].values())), "")
        )
    generate = results["bench-generate.json"]
    if generate:
        rows.append(("make generate (s)", str(generate["median_seconds"]), "target < 3 s"))
    prism = results["contract-vs-prism.json"]
    if prism:
        rows.append(
            (
                "suite vs Prism dynamic mock",
                "red" if prism["money_caught"] else "MISSED",
                ", ".join(prism["failed_rules"]),
            )
        )
    return rows


def main() -> int:
    started = time.perf_counter()
    failures = []
    for title, command, _report in STEPS:
        print(f"\n== {title}", flush=True)
        if subprocess.run([sys.executable, str(HERE / command[0]), *command[1:]], check=False).returncode != 0:
            failures.append(title)
    results = {report: _load(report) for _title, _command, report in STEPS}
    summary = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
        "failed_steps": failures,
    }
    (REPORTS / "bench.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\n{'figure':<42} {'value':>14}  note")
    for name, value, note in _rows(results):
        print(f"{name:<42} {value:>14}  {note}")
    print(f"\nreports/bench.json written in {time.perf_counter() - started:.0f} s")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
