"""The mock gateway against Prism 5.16's static mock, and at scale, in one run on one machine.

Throughput: each server runs as its own process on loopback; `wrk -t1 -c8 -d5s` sends one request over and over
with the bearer header: GET of a fixture job, the same with a read mask, and a list page of 50 (the same
operation on both servers: `GET .../supervisedFineTuningJobs?pageSize=50`; Prism answers its static example, one
job, the mock 50 real ones). Targets are measured round-robin (a 1 s warm-up first), 3 repeats, the median
reported. A bare uvicorn ASGI app returning a constant body is measured too, as the ceiling of the stack.

Scale: the mock serves 100,000 jobs in one account (`--seed-jobs`). A walk of filtered, ordered pages of 50 is
prepared (its page tokens collected), then every page is fetched again, one request at a time over one
keep-alive connection, 3 rounds: the p50/p99/max of those latencies, the first (cold) request of each query, which
sorts and counts the account, and the mock's RSS (now and peak) from /proc.

Writes reports/bench-mock.json and prints each target met or missed. Needs wrk (`apt-get install -y wrk`) and, for
the Prism rows, npm (Prism is installed pinned into the ignored .bench/prism on first use).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from peer_prism import ensure_prism, running_prism, stop

from gateway_mock.constants import DEFAULT_API_KEY
from gateway_mock.server import running_mock

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "reports" / "bench-mock.json"
COLLECTION = "/v1/accounts/mock-account/supervisedFineTuningJobs"
JOB_PATH = COLLECTION + "/sft-running"
LIST_PATH = COLLECTION + "?pageSize=50"
AUTH = f"Authorization: Bearer {DEFAULT_API_KEY}"
SCALE_JOBS = 100_000
# Filtered, ordered queries of the scale run: one matching about 1 job in 19, one about 1 in 10.
SCALE_QUERIES = (
    {"filter": 'state = "JOB_STATE_COMPLETED"', "orderBy": "createTime desc", "pageSize": "50"},
    {
        "filter": 'create_time > "2026-01-05T10:00:00Z" AND '
        '(display_name = "seed job 00*" OR state = "JOB_STATE_RUNNING")',
        "orderBy": "displayName,create_time desc",
        "pageSize": "50",
    },
)
TARGET_RATIO = 5.0
TARGET_P99_MS = 50.0
TARGET_RSS_BYTES = 1024**3

# A constant-body ASGI app on the same uvicorn stack as the mock: what "no work per request" costs.
BARE_APP = """
import socket, sys, uvicorn
body = b'{"name":"constant"}'
start = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
async def app(scope, receive, send):
    if scope["type"] == "http":
        await send(start)
        await send({"type": "http.response.body", "body": body})
sock = socket.create_server(("127.0.0.1", 0))
print(sock.getsockname()[1], flush=True)
config = uvicorn.Config(app, http="httptools", loop="uvloop", lifespan="off", access_log=False, log_level="warning")
uvicorn.Server(config).run(sockets=[sock])
"""


@dataclass
class Target:
    name: str
    url: str
    runs: list[dict[str, float]] = field(default_factory=list)


@contextlib.contextmanager
def _bare_uvicorn() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-c", BARE_APP], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)
        if process.stdout is not None:
            process.stdout.close()


def _wrk(url: str, *, threads: int, connections: int, seconds: int) -> dict[str, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-H", AUTH, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or latency is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]
    return {
        "requests_per_s": float(rate.group(1)),
        "latency_avg_ms": float(latency.group(1)) * scale,
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": float(sum(int(n) for n in errors.groups())) if errors else 0.0,
    }


def _version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "unavailable"
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else ""


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc (Linux)."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found


class _Connection:
    """One keep-alive connection to the mock, timing each request."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)

    def get(self, path: str) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        self._connection.request("GET", path, headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
        response = self._connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path[:120]} answered {response.status}: {body[:300]!r}")
        return elapsed, json.loads(body)

    def close(self) -> None:
        self._connection.close()


def _scale(base_url: str, pid: int, rounds: int, max_pages: int) -> dict[str, Any]:
    connection = _Connection(base_url)
    queries = []
    try:
        for query in SCALE_QUERIES:
            paths = [COLLECTION + "?" + urlencode(query)]
            cold, page = connection.get(paths[0])
            total = page.get("totalSize", 0)
            while page.get("nextPageToken") and len(paths) < max_pages:
                paths.append(COLLECTION + "?" + urlencode({**query, "pageToken": page["nextPageToken"]}))
                _, page = connection.get(paths[-1])
            latencies = [connection.get(path)[0] * 1000 for _ in range(rounds) for path in paths]
            latencies.sort()
            queries.append(
                {
                    "query": query,
                    "matching_jobs": total,
                    "pages": len(paths),
                    "requests": len(latencies),
                    "cold_first_ms": round(cold * 1000, 2),
                    "p50_ms": round(statistics.median(latencies), 2),
                    "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
                    "max_ms": round(latencies[-1], 2),
                }
            )
            print(f"scale: {queries[-1]}", flush=True)
    finally:
        connection.close()
    memory = _memory(pid)
    return {
        "jobs": SCALE_JOBS,
        "queries": queries,
        "rss_bytes": memory.get("VmRSS"),
        "peak_rss_bytes": memory.get("VmHWM"),
        "method": f"{rounds} rounds over each query's first {max_pages} pages (tokens collected first), one request "
        "at a time on one keep-alive connection; p99 over all those requests; cold = the query's first request",
    }


def _targets(medians: dict[str, float], scale: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its figure and whether it is met (None: not measured, e.g. Prism skipped)."""
    prism_get, prism_list = medians.get("prism: GET job"), medians.get("prism: list page of 50")
    rows: list[dict[str, Any]] = []

    def ratio(ours: str, theirs: float | None) -> float | None:
        return medians[ours] / theirs if theirs else None

    for name, value in (
        ("mock GET vs Prism >= 5x", ratio("mock: GET job", prism_get)),
        ("mock list page of 50 vs Prism >= 5x", ratio("mock: list page of 50", prism_list)),
    ):
        rows.append({"target": name, "value": value, "met": None if value is None else value >= TARGET_RATIO})
    p99 = max((q["p99_ms"] for q in scale["queries"]), default=None)
    rows.append(
        {
            "target": "filtered, ordered page of 50 at 100,000 jobs: p99 <= 50 ms",
            "value": p99,
            "met": None if p99 is None else p99 <= TARGET_P99_MS,
        }
    )
    peak = scale.get("peak_rss_bytes")
    rows.append(
        {
            "target": "mock RSS at 100,000 jobs <= 1 GiB",
            "value": peak,
            "met": None if peak is None else peak <= TARGET_RSS_BYTES,
        }
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="scale: passes over each query's pages")
    parser.add_argument("--max-pages", type=int, default=60, help="scale: pages walked per query")
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk not found; install it with: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    notes: list[str] = []
    with_prism, note = (False, "Prism skipped (--no-prism)") if args.no_prism else ensure_prism()
    if note:
        notes.append(note)
        print(f"note: {note}", flush=True)
    wrk = {"threads": args.threads, "connections": args.connections, "seconds": args.seconds}
    with contextlib.ExitStack() as stack:
        started = time.perf_counter()
        mock = stack.enter_context(running_mock(seed_jobs=SCALE_JOBS, startup_timeout=300))
        seeded_s = time.perf_counter() - started
        print(f"mock with {SCALE_JOBS:,} jobs up in {seeded_s:.1f} s (pid {mock.pid})", flush=True)
        scale = _scale(mock.base_url, mock.pid, args.rounds, args.max_pages)
        scale["startup_s"] = round(seeded_s, 1)
        targets = [
            Target("mock: GET job", mock.base_url + JOB_PATH),
            Target("mock: GET job, readMask", mock.base_url + JOB_PATH + "?readMask=name,state,jobProgress.percent"),
            Target("mock: list page of 50", mock.base_url + LIST_PATH),
            Target("bare uvicorn ASGI (ceiling)", stack.enter_context(_bare_uvicorn())),
        ]
        if with_prism:
            prism = stack.enter_context(running_prism())
            targets += [Target("prism: GET job", prism + JOB_PATH), Target("prism: list page of 50", prism + LIST_PATH)]
        for target in targets:
            _wrk(target.url, **{**wrk, "seconds": 1})  # warm-up (Node's JIT, connection setup)
        for repeat in range(args.repeats):
            for target in targets:
                target.runs.append(_wrk(target.url, **wrk))
                print(f"repeat {repeat + 1}: {target.name}: {target.runs[-1]['requests_per_s']:,.0f} req/s", flush=True)
        scale.update({k: v for k, v in (("rss_after_wrk_bytes", _memory(mock.pid).get("VmHWM")),) if v})
        scale["peak_rss_bytes"] = max(scale.get("peak_rss_bytes") or 0, scale.get("rss_after_wrk_bytes") or 0) or None
    medians = {t.name: statistics.median(run["requests_per_s"] for run in t.runs) for t in targets}
    print(f"\n{'target':<32} {'median req/s':>13} {'avg latency':>12} {'vs prism':>9}")
    for target in targets:
        latency = statistics.median(run["latency_avg_ms"] for run in target.runs)
        peer = medians.get("prism: list page of 50" if "list" in target.name else "prism: GET job")
        ratio = f"{medians[target.name] / peer:.1f}x" if peer else "-"
        print(f"{target.name:<32} {medians[target.name]:>13,.0f} {latency:>10.2f}ms {ratio:>9}")
    checks = _targets(medians, scale)
    print()
    for check in checks:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[check["met"]]
        print(f"{verdict:>12}: {check['target']} ({check['value']})")
    for note in notes:
        print(f"note: {note}")
    report = {
        "method": f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s with a bearer header, targets "
        f"round-robin after a 1 s warm-up, median of {args.repeats} repeats; the mock holds {SCALE_JOBS:,} jobs",
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": _version(["wrk", "--version"]),
            "node": _version(["node", "--version"]) if with_prism else None,
        },
        "results": [
            {
                "target": target.name,
                "median_requests_per_s": medians[target.name],
                "runs": target.runs,
                "ratio_vs_prism": (
                    medians[target.name] / peer
                    if (peer := medians.get("prism: list page of 50" if "list" in target.name else "prism: GET job"))
                    else None
                ),
            }
            for target in targets
        ],
        "scale": scale,
        "targets": checks,
        "missed": [check["target"] for check in checks if check["met"] is False],
        "notes": notes,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {REPORT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
