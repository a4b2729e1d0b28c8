"""Per-call cost of the generated client against raw httpx + json.loads and the official fireworks-ai SDK.

Each contender makes sequential keep-alive GETs of one job from a server on loopback (a small uvicorn app in a
child process serving a fixed realistic body, or the mock gateway with --mock). Rounds interleave the contenders
so drift hits all of them; per contender the median over rounds of the mean per-call time, and for each
pair the median of the per-round ratios (robust to load from other processes on a small machine).

    .venv/bin/python benchmarks/bench_client.py [--calls 200] [--rounds 45] [--mock] [--output PATH]

Writes reports/bench-client.json by default. Targets: ours <= 1.15x raw; the SDK >= 1.5x ours.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from gateway_mock.fixtures import build_fixtures
from spec_tools.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "bench-client.json"
API_KEY = "bench-api-key"
ACCOUNT = "acme"
JOB_ID = "abc123"
TARGET_VS_RAW = 1.15
TARGET_SDK_SLOWDOWN = 1.5

# The mock's completed fixture, renamed to this server's job: realistic proto3 JSON, every field present.
JOB = build_fixtures(load_spec())["sft-completed"] | {"name": f"accounts/{ACCOUNT}/supervisedFineTuningJobs/{JOB_ID}"}


async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """ASGI: every GET gets the same job body (the server's own cost is the same for every contender)."""
    body = _BODY
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


_BODY = json.dumps(JOB).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def fixed_body_server() -> Iterator[tuple[str, str, str]]:
    """uvicorn (httptools) in a child process on loopback, serving JOB; yields (base_url, api_key, account)."""
    port = _free_port()
    command = [sys.executable, __file__, "--serve", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base_url}/ready", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.05)
        yield base_url, API_KEY, ACCOUNT
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def mock_server() -> Iterator[tuple[str, str, str]]:
    """The project's mock gateway (src/gateway_mock), if present."""
    from gateway_mock.server import running_mock

    with running_mock() as mock:
        yield mock.base_url, mock.api_key, mock.account


def contenders(base_url: str, api_key: str, account: str, job_id: str) -> dict[str, tuple[Callable[[], object], Any]]:
    """name -> (one call, object to close): each returns the parsed job."""
    from fireworks import Fireworks
    from fireworks_gateway import AuthenticatedClient
    from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job

    raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"})
    path = f"/v1/accounts/{account}/supervisedFineTuningJobs/{job_id}"

    def raw_call() -> object:
        return json.loads(raw.get(path).content)

    ours = AuthenticatedClient(base_url=base_url, token=api_key)

    def ours_call() -> object:
        return get_job.sync(account, job_id, client=ours)

    sdk = Fireworks(api_key=api_key, base_url=base_url, account_id=account)

    def sdk_call() -> object:
        return sdk.supervised_fine_tuning_jobs.get(job_id)

    return {"raw": (raw_call, raw), "ours": (ours_call, ours.get_httpx_client()), "sdk": (sdk_call, sdk)}


def measure(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def run(base_url: str, api_key: str, account: str, job_id: str, calls: int, rounds: int) -> dict[str, Any]:
    table = contenders(base_url, api_key, account, job_id)
    for call, _ in table.values():  # warm-up: connections, imports, caches
        for _ in range(max(50, calls)):
            call()
    samples: dict[str, list[float]] = {name: [] for name in table}
    names = list(table)
    for round_index in range(rounds):
        order = names[round_index % len(names) :] + names[: round_index % len(names)]
        for name in order:
            samples[name].append(measure(table[name][0], calls))
    for _, closable in table.values():
        closable.close()
    median = {name: statistics.median(values) for name, values in samples.items()}

    def paired(slower: str, faster: str) -> float:
        # Ratio within each round, then the median: load from other processes hits both sides of a pair alike.
        return round(statistics.median(a / b for a, b in zip(samples[slower], samples[faster], strict=True)), 3)

    return {
        "per_call_us": {name: round(value * 1e6, 1) for name, value in median.items()},
        "samples_us": {name: [round(value * 1e6, 1) for value in values] for name, values in samples.items()},
        "ours_vs_raw": paired("ours", "raw"),
        "sdk_vs_ours": paired("sdk", "ours"),
        "sdk_vs_raw": paired("sdk", "raw"),
    }


def parse_only() -> dict[str, float]:
    """Parsing alone, per body, in microseconds: json.loads, + our from_dict, + the SDK's model construction."""
    from fireworks._models import construct_type
    from fireworks.types.supervised_fine_tuning_job import SupervisedFineTuningJob as SdkJob
    from fireworks_gateway.models import SupervisedFineTuningJob

    def best(call: Callable[[], object], number: int = 2000) -> float:
        return min(measure(call, number) for _ in range(5)) * 1e6

    loads = best(lambda: json.loads(_BODY))
    ours = best(lambda: SupervisedFineTuningJob.from_dict(json.loads(_BODY)))
    # What the SDK's `.get` does with a body: pydantic construction without validation (construct_type).
    sdk = best(lambda: construct_type(type_=SdkJob, value=json.loads(_BODY)))
    return {
        "json_loads": round(loads, 1),
        "json_loads_and_from_dict": round(ours, 1),
        "json_loads_and_sdk_model": round(sdk, 1),
        "ours_vs_json_loads": round(ours / loads, 2),
        "sdk_vs_ours": round(sdk / ours, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per contender per round")
    parser.add_argument("--rounds", type=int, default=45, help="interleaved rounds; medians are reported")
    parser.add_argument("--mock", action="store_true", help="use the mock gateway instead of the fixed-body server")
    parser.add_argument("--output", type=Path, default=REPORT, help="where to write the JSON report")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        import uvicorn

        uvicorn.run(app, host="127.0.0.1", port=args.serve, http="httptools", log_level="warning", access_log=False)
        return 0

    server = mock_server if args.mock else fixed_body_server
    job_id = "sft-running" if args.mock else JOB_ID
    with server() as (base_url, api_key, account):
        result = run(base_url, api_key, account, job_id, args.calls, args.rounds)
    import fireworks

    result |= {
        "parse_only_us": parse_only(),
        "method": (
            "sequential keep-alive GETs of one job over loopback; each round runs every contender for `calls` "
            "calls (rotating order); per_call_us is the median over rounds of the mean per-call wall time, the "
            "ratios are medians of the per-round ratios"
        ),
        "server": "gateway mock" if args.mock else "uvicorn+httptools child process, fixed realistic body",
        "calls_per_round": args.calls,
        "rounds": args.rounds,
        "targets": {"ours_vs_raw_at_most": TARGET_VS_RAW, "sdk_vs_ours_at_least": TARGET_SDK_SLOWDOWN},
        "meets_targets": result["ours_vs_raw"] <= TARGET_VS_RAW and result["sdk_vs_ours"] >= TARGET_SDK_SLOWDOWN,
        "environment": {
            "python": platform.python_version(),
            "httpx": httpx.__version__,
            "fireworks-ai": fireworks.__version__,
            "cpus": os.cpu_count(),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = ("per_call_us", "ours_vs_raw", "sdk_vs_ours", "sdk_vs_raw", "parse_only_us", "meets_targets")
    print(json.dumps({key: result[key] for key in summary}))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
