"""The client against raw httpx + json.loads and the official fireworks-ai SDK: one call, one page, a whole list.

- one call: sequential keep-alive GETs of one job (``client.jobs.get``) from a server on loopback (a small uvicorn
  app in a child process serving a fixed realistic body, or the mock gateway with --mock);
- parsing a page: a page of 200 jobs, json.loads alone against json.loads + our typed, checked models (the list
  path, _lib.bulk) and against json.loads + from_dict per job (the one-object path);
- a list walk: 10,000 jobs in pages of 200 through ``client.jobs.list``, a raw httpx loop with json.loads over the
  same pages, and the SDK's auto-pager; from the mock's list endpoint when it can seed jobs (``--seed-jobs``),
  else from the loopback stub, which serves the same pages.

Rounds interleave the contenders so drift hits all of them; per contender the median over rounds, and for each
pair the median of the per-round ratios (robust to load from other processes on a small machine).

    .venv/bin/python benchmarks/bench_client.py [--calls 200] [--rounds 45] [--mock] [--list-jobs 10000]
        [--list-rounds 7] [--parse-rounds 31] [--only call,parse,list] [--output PATH]

Writes reports/bench-client.json by default. Targets: one call <= 1.15x raw, the SDK >= 1.5x ours per call;
a page parsed <= 2x json.loads; a list walk <= 1.5x raw, the SDK's >= 1.5x ours.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
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
from urllib.parse import parse_qs

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
TARGET_PAGE_PARSE = 2.0
TARGET_LIST_VS_RAW = 1.5
PAGE_SIZE = 200  # the spec's largest page
COLLECTION = "supervisedFineTuningJobs"

# The mock's completed fixture, renamed to this server's job: realistic proto3 JSON, every field present.
JOB = build_fixtures(load_spec())["sft-completed"] | {"name": f"accounts/{ACCOUNT}/supervisedFineTuningJobs/{JOB_ID}"}


def list_jobs(count: int) -> list[dict[str, Any]]:
    """`count` jobs like JOB, each its own name (job-00000...): what the list contenders walk over."""
    return [JOB | {"name": f"accounts/{ACCOUNT}/{COLLECTION}/job-{index:05d}"} for index in range(count)]


def page_body(jobs: list[dict[str, Any]], start: int, size: int) -> bytes:
    """A list answer as the gateway writes it: the jobs, the next offset as the page token, the total."""
    body: dict[str, Any] = {COLLECTION: jobs[start : start + size], "totalSize": len(jobs)}
    if start + size < len(jobs):
        body["nextPageToken"] = str(start + size)
    return json.dumps(body).encode()


def make_app(count: int) -> Callable[..., Any]:
    """ASGI: GET of the collection answers pages of `count` jobs (built once per page); any other GET, the job."""
    jobs = list_jobs(count)
    pages: dict[tuple[int, int], bytes] = {}

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        body = _BODY
        if scope["path"].endswith(COLLECTION):
            query = parse_qs(scope["query_string"].decode())
            size = min(int(query.get("pageSize", ["50"])[0]), PAGE_SIZE)
            start = int(query.get("pageToken", ["0"])[0])
            body = pages.get((start, size)) or pages.setdefault((start, size), page_body(jobs, start, size))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


_BODY = json.dumps(JOB).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def fixed_body_server(list_jobs_count: int = 0) -> Iterator[tuple[str, str, str]]:
    """uvicorn (httptools) in a child process on loopback, serving JOB and pages of `list_jobs_count` jobs;
    yields (base_url, api_key, account)."""
    port = _free_port()
    command = [sys.executable, __file__, "--serve", str(port), "--list-jobs", str(list_jobs_count)]
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
def mock_server(seed_jobs: int = 0) -> Iterator[tuple[str, str, str]]:
    """The project's mock gateway (src/gateway_mock), seeded with `seed_jobs` jobs when asked."""
    from gateway_mock.server import running_mock

    with running_mock(**({"seed_jobs": seed_jobs} if seed_jobs else {})) as mock:  # type: ignore[arg-type]
        yield mock.base_url, mock.api_key, mock.account


def listed_count(base_url: str, api_key: str, account: str) -> int:
    """How many jobs a walk over the account's list sees (raw httpx, pages of 200)."""
    seen, token = 0, None
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}) as raw:
        while True:
            params: dict[str, Any] = {"pageSize": PAGE_SIZE} | ({"pageToken": token} if token else {})
            page = json.loads(raw.get(f"/v1/accounts/{account}/{COLLECTION}", params=params).content)
            seen += len(page.get(COLLECTION, ()))
            token = page.get("nextPageToken")
            if not token:
                return seen


@contextlib.contextmanager
def seeded_mock(count: int) -> Iterator[tuple[str, str, str]]:
    """The mock seeded so that its list holds at least `count` jobs: seeded jobs in a deleted state are left out
    of a list (the mock's soft delete), so a second start seeds that many more."""
    seed = count
    for _ in range(3):
        with mock_server(seed) as (base_url, api_key, account):
            seen = listed_count(base_url, api_key, account)
            if seen >= count or seed >= count * 2:
                yield base_url, api_key, account
                return
        seed = -(-seed * count // max(seen, 1))
    raise RuntimeError(f"the mock lists fewer than {count} jobs however many it seeds")


def mock_can_seed_jobs() -> bool:
    """Whether the mock serves a seeded list (`running_mock(seed_jobs=...)`, the stateful mock's)."""
    from gateway_mock.server import running_mock

    return "seed_jobs" in inspect.signature(running_mock).parameters


def contenders(base_url: str, api_key: str, account: str, job_id: str) -> dict[str, tuple[Callable[[], object], Any]]:
    """name -> (one call, object to close): each returns the parsed job."""
    from fireworks import Fireworks
    from fireworks_gateway import AuthenticatedClient

    raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"})
    path = f"/v1/accounts/{account}/{COLLECTION}/{job_id}"

    def raw_call() -> object:
        return json.loads(raw.get(path).content)

    ours = AuthenticatedClient(base_url=base_url, token=api_key, account_id=account)

    def ours_call() -> object:
        return ours.jobs.get(job_id)

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
        return _paired(samples, slower, faster)

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


def _paired(samples: dict[str, list[float]], slower: str, faster: str) -> float:
    """The median of per-round ratios: load from other processes hits both sides of a pair alike."""
    return round(statistics.median(a / b for a, b in zip(samples[slower], samples[faster], strict=True)), 3)


def parse_page(rounds: int, repeats: int = 10) -> dict[str, Any]:
    """A page of 200 jobs: json.loads alone; + our page parse (what client.jobs.list does, _lib.bulk); + from_dict
    job by job. Each round times `repeats` parses of each, interleaved; medians of per-round ratios."""
    from fireworks_gateway._lib.bulk import BulkParser
    from fireworks_gateway.models import SupervisedFineTuningJob

    body = page_body(list_jobs(PAGE_SIZE), 0, PAGE_SIZE)
    parser = BulkParser(SupervisedFineTuningJob)

    def loads() -> object:
        return json.loads(body)

    def page() -> object:
        return parser.parse(json.loads(body)[COLLECTION])

    def each() -> object:
        return [SupervisedFineTuningJob.from_dict(item) for item in json.loads(body)[COLLECTION]]

    table = {"json_loads": loads, "page_parse": page, "from_dict_each": each}
    assert page() == each()
    samples: dict[str, list[float]] = {name: [] for name in table}
    for round_index in range(rounds):
        names = list(table)[round_index % 3 :] + list(table)[: round_index % 3]
        for name in names:
            samples[name].append(measure(table[name], repeats))
    return {
        "per_page_ms": {name: round(statistics.median(values) * 1e3, 3) for name, values in samples.items()},
        "page_parse_vs_json_loads": _paired(samples, "page_parse", "json_loads"),
        "from_dict_each_vs_json_loads": _paired(samples, "from_dict_each", "json_loads"),
        "rounds": rounds,
        "parses_per_round": repeats,
        "jobs_per_page": PAGE_SIZE,
    }


def list_walk(base_url: str, api_key: str, account: str, count: int, rounds: int) -> dict[str, Any]:
    """Every job of the account in pages of 200: raw httpx + json.loads following nextPageToken, our
    client.jobs.list, the SDK's auto-pager; interleaved rounds, medians of per-round ratios."""
    from fireworks import Fireworks
    from fireworks_gateway import AuthenticatedClient

    raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"})
    path = f"/v1/accounts/{account}/{COLLECTION}"

    def raw_walk() -> int:
        seen, token = 0, None
        while True:
            params: dict[str, Any] = {"pageSize": PAGE_SIZE} | ({"pageToken": token} if token else {})
            page = json.loads(raw.get(path, params=params).content)
            seen += len(page.get(COLLECTION, ()))
            token = page.get("nextPageToken")
            if not token:
                return seen

    ours = AuthenticatedClient(base_url=base_url, token=api_key, account_id=account)

    def ours_walk() -> int:
        return sum(1 for _ in ours.jobs.list(page_size=PAGE_SIZE))

    sdk = Fireworks(api_key=api_key, base_url=base_url, account_id=account)

    def sdk_walk() -> int:
        return sum(1 for _ in sdk.supervised_fine_tuning_jobs.list(page_size=PAGE_SIZE))

    table = {"raw": raw_walk, "ours": ours_walk, "sdk": sdk_walk}
    counts = {name: walk() for name, walk in table.items()}  # warm-up, and every contender sees every job
    # The mock lists what it seeded less its deleted jobs (soft delete), plus its fixtures: not exactly `count`.
    if len(set(counts.values())) != 1 or counts["raw"] < count // 2:
        raise RuntimeError(f"the contenders saw different jobs: {counts} (about {count} seeded)")
    samples: dict[str, list[float]] = {name: [] for name in table}
    for round_index in range(rounds):
        names = list(table)[round_index % 3 :] + list(table)[: round_index % 3]
        for name in names:
            samples[name].append(measure(table[name], 1))
    raw.close()
    ours.get_httpx_client().close()
    sdk.close()
    return {
        "per_walk_s": {name: round(statistics.median(values), 3) for name, values in samples.items()},
        "ours_vs_raw": _paired(samples, "ours", "raw"),
        "sdk_vs_ours": _paired(samples, "sdk", "ours"),
        "jobs": counts["raw"],
        "page_size": PAGE_SIZE,
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per contender per round")
    parser.add_argument("--rounds", type=int, default=45, help="interleaved rounds; medians are reported")
    parser.add_argument("--mock", action="store_true", help="use the mock gateway instead of the fixed-body server")
    parser.add_argument("--list-jobs", type=int, default=10_000, help="jobs in the account the list walks cover")
    parser.add_argument("--list-rounds", type=int, default=7, help="interleaved rounds of list walks")
    parser.add_argument("--parse-rounds", type=int, default=31, help="interleaved rounds of page parses")
    parser.add_argument("--only", default="call,parse,list", help="comma-separated: call, parse, list")
    parser.add_argument("--output", type=Path, default=REPORT, help="where to write the JSON report")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        import uvicorn

        uvicorn.run(
            make_app(args.list_jobs),
            host="127.0.0.1",
            port=args.serve,
            http="httptools",
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        return 0

    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    result: dict[str, Any] = {}
    meets: list[bool] = []
    if "call" in parts:
        server = mock_server if args.mock else fixed_body_server
        job_id = "sft-running" if args.mock else JOB_ID
        with server() as (base_url, api_key, account):
            result |= run(base_url, api_key, account, job_id, args.calls, args.rounds)
        result |= {
            "parse_only_us": parse_only(),
            "method": (
                "sequential keep-alive GETs of one job over loopback (client.jobs.get for ours); each round runs "
                "every contender for `calls` calls (rotating order); per_call_us is the median over rounds of the "
                "mean per-call wall time, the ratios are medians of the per-round ratios"
            ),
            "server": "gateway mock" if args.mock else "uvicorn+httptools child process, fixed realistic body",
            "calls_per_round": args.calls,
            "rounds": args.rounds,
        }
        meets += [result["ours_vs_raw"] <= TARGET_VS_RAW, result["sdk_vs_ours"] >= TARGET_SDK_SLOWDOWN]
    if "parse" in parts:
        result["page_parse"] = parse_page(args.parse_rounds)
        meets.append(result["page_parse"]["page_parse_vs_json_loads"] <= TARGET_PAGE_PARSE)
    if "list" in parts:
        seeded = args.mock and mock_can_seed_jobs()
        if args.mock and not seeded:
            print(
                "note: the mock has no seeded list endpoint yet (running_mock(seed_jobs=...), the stateful mock's "
                "--seed-jobs): the list walk runs against the loopback stub, which serves the same pages"
            )
        server_cm = seeded_mock(args.list_jobs) if seeded else fixed_body_server(args.list_jobs)
        with server_cm as (base_url, api_key, account):
            walk = list_walk(base_url, api_key, account, args.list_jobs, args.list_rounds)
        walk["server"] = "gateway mock, seeded" if seeded else "uvicorn+httptools child process, pages of fixed jobs"
        result["list_walk"] = walk
        meets += [walk["ours_vs_raw"] <= TARGET_LIST_VS_RAW, walk["sdk_vs_ours"] >= TARGET_SDK_SLOWDOWN]
    import fireworks

    result |= {
        "targets": {
            "ours_vs_raw_at_most": TARGET_VS_RAW,
            "sdk_vs_ours_at_least": TARGET_SDK_SLOWDOWN,
            "page_parse_vs_json_loads_at_most": TARGET_PAGE_PARSE,
            "list_walk_ours_vs_raw_at_most": TARGET_LIST_VS_RAW,
            "list_walk_sdk_vs_ours_at_least": TARGET_SDK_SLOWDOWN,
        },
        "meets_targets": all(meets),
        "environment": {
            "python": platform.python_version(),
            "httpx": httpx.__version__,
            "fireworks-ai": fireworks.__version__,
            "cpus": os.cpu_count(),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    summary = ("per_call_us", "ours_vs_raw", "sdk_vs_ours", "sdk_vs_raw", "page_parse", "list_walk", "meets_targets")
    print(json.dumps({key: result[key] for key in summary if key in result}, indent=1))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
