"""`make bench`: every benchmark in one run on one machine, then one table and reports/bench.json.

Each figure is a ratio against a peer measured in the same run (medians of repeats): the machines are shared
and noisy, so absolute numbers move while ratios hold. Never part of `make test`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPORTS = HERE.parent / "reports"
STEPS = [
    ("mock vs Prism (wrk) and at 100,000 jobs", ["bench_mock.py"], "bench-mock.json"),
    ("client per call vs raw httpx and the SDK", ["bench_client.py", "--mock"], "bench-client.json"),
    ("contract suite vs schemathesis run", ["bench_contract.py"], "bench-contract.json"),
    ("make generate wall time", ["bench_generate.py"], "bench-generate.json"),
    ("contract suite vs Prism's dynamic mock", ["contract_vs_prism.py"], "contract-vs-prism.json"),
]


# The peers the steps measure against: (what, found?, how to get it, the steps that need it).
def _peers() -> list[tuple[str, bool, str, str]]:
    prism = HERE.parent / ".bench" / "prism" / "node_modules" / ".bin" / "prism"
    return [
        ("wrk", shutil.which("wrk") is not None, "apt-get update && apt-get install -y wrk", "mock throughput"),
        (
            "Prism (npm)",
            prism.exists() or (shutil.which("npm") is not None and shutil.which("node") is not None),
            "install Node.js with npm (apt-get install -y nodejs npm); Prism 5.16 is then fetched into .bench/",
            "mock vs Prism, suite vs Prism",
        ),
        (
            "the official SDK (fireworks-ai)",
            importlib.util.find_spec("fireworks") is not None,
            "make bootstrap (it is in the dev extras)",
            "client per call",
        ),
        (
            "schemathesis run",
            importlib.util.find_spec("schemathesis") is not None,
            "make bootstrap",
            "suite vs schemathesis",
        ),
    ]


def _missed(results: dict[str, dict[str, Any]]) -> list[str]:
    """Every target a step reports as missed, named."""
    missed = [f"mock: {name}" for name in results["bench-mock.json"].get("missed", [])]
    client = results["bench-client.json"]
    targets = client.get("targets", {})
    walk, page = client.get("list_walk") or {}, client.get("page_parse") or {}
    # (what, measured, target key, at most?): every target the client step states, judged by its own figure.
    checks = [
        ("client per call vs raw httpx", client.get("ours_vs_raw"), "ours_vs_raw_at_most", True),
        ("SDK per call vs ours", client.get("sdk_vs_ours"), "sdk_vs_ours_at_least", False),
        (
            "a page of 200 parsed vs json.loads",
            page.get("page_parse_vs_json_loads"),
            "page_parse_vs_json_loads_at_most",
            True,
        ),
        ("list walk vs raw httpx", walk.get("ours_vs_raw"), "list_walk_ours_vs_raw_at_most", True),
        ("SDK auto-pager vs our list", walk.get("sdk_vs_ours"), "list_walk_sdk_vs_ours_at_least", False),
    ]
    for what, measured, key, at_most in checks:
        target = targets.get(key)
        if measured is None or target is None:
            continue
        if (measured > target) if at_most else (measured < target):
            missed.append(f"{what}: {measured:.2f}x, target {'<=' if at_most else '>='} {target}x")
    generate = results["bench-generate.json"]
    if generate and generate.get("median_seconds", 0) >= 3:
        missed.append(f"make generate: {generate['median_seconds']} s, target < 3 s")
    prism = results["contract-vs-prism.json"]
    if prism and not prism.get("money_caught", True):
        missed.append("the suite missed the money rule against Prism's dynamic mock")
    return missed


def _load(name: str) -> dict[str, Any]:
    path = REPORTS / name
    return json.loads(path.read_text()) if path.exists() else {}


def _rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    mock = {r["target"]: r for r in results["bench-mock.json"].get("results", [])}
    for name, label in (
        ("mock: GET job", "mock GET req/s (wrk -t1 -c8)"),
        ("mock: list page of 50", "mock list req/s"),
    ):
        if name in mock:
            r = mock[name]
            ratio = f"{r['ratio_vs_prism']:.1f}x Prism" if r.get("ratio_vs_prism") else "Prism skipped"
            rows.append((label, f"{r['median_requests_per_s']:,.0f}", ratio))
    scale = results["bench-mock.json"].get("scale", {})
    if scale.get("queries"):
        p99 = max(q["p99_ms"] for q in scale["queries"])
        rows.append(("filtered page of 50, 100k jobs: p99 ms", f"{p99:.1f}", "target <= 50 ms"))
        if scale.get("peak_rss_bytes"):
            rows.append(("mock peak RSS at 100k jobs (MiB)", f"{scale['peak_rss_bytes'] / 2**20:,.0f}", "<= 1024"))
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
    absent = [(name, how, steps) for name, found, how, steps in _peers() if not found]
    for name, how, steps in absent:
        print(f"missing peer: {name} (needed by: {steps}); to get it: {how}", file=sys.stderr)
    if absent:
        print("the steps that need a missing peer skip its rows or fail; the others run", file=sys.stderr)
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
    missed = _missed(results)
    summary["missed_targets"] = missed
    (REPORTS / "bench.json").write_text(json.dumps(summary, indent=2) + "\n")
    for target in missed:
        print(f"missed target: {target}", file=sys.stderr)
    print(f"\nreports/bench.json written in {time.perf_counter() - started:.0f} s")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures or missed else 0


if __name__ == "__main__":
    sys.exit(main())
