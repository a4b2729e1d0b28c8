"""Throughput of the mock gateway against Prism 5.16's static mock, with wrk, in one run on one machine.

Method: each server runs as its own process on loopback; `wrk -t1 -c8 -d5s` GETs one fixture job with the
bearer header; targets are measured round-robin (a short warm-up first), 3 repeats, the median reported.
A bare uvicorn ASGI app returning a constant body is measured too, as the ceiling of the stack.
Writes reports/bench-mock.json. Needs wrk (`apt-get update && apt-get install -y wrk`); Prism is installed
with `npm install --prefix .bench/prism @stoplight/prism-cli@5.16` and skipped, with a note, without npm.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from peer_prism import ensure_prism, running_prism, stop

from gateway_mock.constants import DEFAULT_API_KEY
from gateway_mock.server import running_mock

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "openapi" / "gateway.yaml"
REPORT = REPO / "reports" / "bench-mock.json"
JOB_PATH = "/v1/accounts/mock-account/supervisedFineTuningJobs/sft-running"
AUTH = f"Authorization: Bearer {DEFAULT_API_KEY}"

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("error: wrk not found; install it with: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    notes: list[str] = []
    with_prism, note = (False, "Prism skipped (--no-prism)") if args.no_prism else ensure_prism()
    if note:
        notes.append(note)
    wrk = {"threads": args.threads, "connections": args.connections, "seconds": args.seconds}
    with contextlib.ExitStack() as stack:
        mock = stack.enter_context(running_mock())
        targets = [
            Target("mock: fixture job", mock.base_url + JOB_PATH),
            Target("mock: readMask (cached)", mock.base_url + JOB_PATH + "?readMask=name,state,jobProgress.percent"),
            Target("bare uvicorn ASGI (ceiling)", stack.enter_context(_bare_uvicorn())),
        ]
        if with_prism:
            targets.append(Target("prism 5.16 static mock", stack.enter_context(running_prism()) + JOB_PATH))
        for target in targets:
            _wrk(target.url, **{**wrk, "seconds": 1})  # warm-up (Node's JIT, connection setup)
        for repeat in range(args.repeats):
            for target in targets:
                target.runs.append(_wrk(target.url, **wrk))
                print(f"repeat {repeat + 1}: {target.name}: {target.runs[-1]['requests_per_s']:,.0f} req/s", flush=True)
    medians = {t.name: statistics.median(run["requests_per_s"] for run in t.runs) for t in targets}
    prism_rate = medians.get("prism 5.16 static mock")
    print(f"\n{'target':<30} {'median req/s':>13} {'avg latency':>12} {'vs prism':>9}")
    for target in targets:
        latency = statistics.median(run["latency_avg_ms"] for run in target.runs)
        ratio = f"{medians[target.name] / prism_rate:.1f}x" if prism_rate else "-"
        print(f"{target.name:<30} {medians[target.name]:>13,.0f} {latency:>10.2f}ms {ratio:>9}")
    for note in notes:
        print(f"note: {note}")
    report = {
        "method": f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, GET {JOB_PATH} with a bearer header, "
        f"targets round-robin after a 1 s warm-up, median of {args.repeats} repeats",
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
                "ratio_vs_prism": medians[target.name] / prism_rate if prism_rate else None,
            }
            for target in targets
        ],
        "notes": notes,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {REPORT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
