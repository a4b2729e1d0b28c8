"""Command line of the mock: `python -m gateway_mock` and scripts/mock.py (`make mock`)."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import sys

from .app import MockGateway
from .clock import CLOCK_MODES, Clock
from .constants import DEFAULT_API_KEY, DEFAULT_HOST, DEFAULT_PORT
from .faults import ALL_FAULTS, FAULT_JOB_PREFIX, FAULTS, LIFECYCLE_FAULTS, fault_account
from .fixtures import EXTRA_JOB_PREFIX, MAX_EXTRA_JOBS, MAX_SEED_JOBS, SEED_JOB_PREFIX
from .lifecycle import walk_seconds
from .marshal import DEFAULT_PROFILE, PROFILES
from .scenarios import __doc__ as scenarios_doc
from .server import DEFAULT_HEADER_TIMEOUT, READY_MARKER, PortInUseError, listen, serve
from .spec_source import SpecSourceError, served_spec

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock.py",
        description="Serve the mock Fireworks Gateway (supervised fine-tuning jobs) in the foreground.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"0 picks a free port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help=f"the accepted bearer key (default {DEFAULT_API_KEY})"
    )
    parser.add_argument("--fault", metavar="NAME", help="inject one contract violation (see --list-faults)")
    parser.add_argument(
        "--all-faults",
        action="store_true",
        help="keep the fixtures faithful and also serve every fault at once: each response fault under its own job "
        "id fault-<name>, each lifecycle fault in its own account fault-<name>",
    )
    parser.add_argument(
        "--marshal",
        choices=PROFILES,
        default=DEFAULT_PROFILE,
        help="how jobs are written: emit-unpopulated (grpc-gateway's default: every field, unset messages null, "
        "masked-out fields as zero values) or omit-unpopulated (protojson's default: unset and masked-out fields "
        f"absent); default {DEFAULT_PROFILE}",
    )
    parser.add_argument(
        "--extra-jobs", type=int, default=0, metavar="N", help="also serve sft-extra-001..N (copies of the state jobs)"
    )
    parser.add_argument(
        "--seed-jobs",
        type=int,
        default=0,
        metavar="N",
        help=f"also keep N jobs {SEED_JOB_PREFIX}0000001.. in the account, for scale runs (at most {MAX_SEED_JOBS:,})",
    )
    parser.add_argument(
        "--clock",
        choices=CLOCK_MODES,
        default="realtime",
        help="how job walks move: realtime (at --clock-speed), manual (only when advanced through /_mock/clock) or "
        "instant (every scheduled step has happened by the next request); default realtime",
    )
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1.0,
        metavar="X",
        help="realtime clock speed: 1 makes a new job complete in about 10 s, 10 in about 1 s (default 1)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="S",
        help="close a connection whose request headers are not complete within S seconds "
        f"(default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    parser.add_argument("--list-faults", action="store_true", help="print the fault catalogue and exit")
    parser.add_argument("--list-scenarios", action="store_true", help="print the reserved scenario job ids and exit")
    # Used by running_mock: stop when the parent process goes away.
    parser.add_argument("--stop-when-stdin-closes", action="store_true", help=argparse.SUPPRESS)
    return parser


def _fault_table() -> str:
    width = max(len(name) for name in ALL_FAULTS)
    rule_width = max(len(fault.rule) for fault in ALL_FAULTS.values())
    rows = [f"{'fault'.ljust(width)}  {'rule'.ljust(rule_width)}  where --all-faults serves it: description"]
    for name, fault in ALL_FAULTS.items():
        where = f"account {fault_account(name)}" if fault.lifecycle else f"job {FAULT_JOB_PREFIX}{name}"
        rows.append(f"{name.ljust(width)}  {fault.rule.ljust(rule_width)}  {where}: {fault.description}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list_faults:
        print(_fault_table())
        return 0
    if args.list_scenarios:
        print((scenarios_doc or "").strip())
        return 0
    if args.fault is not None and args.fault not in ALL_FAULTS:
        print(f"error: unknown fault {args.fault!r}; valid faults:\n{_fault_table()}", file=sys.stderr)
        return 2
    if args.fault is not None and args.all_faults:
        print("error: --fault and --all-faults contradict each other; pick one", file=sys.stderr)
        return 2
    if not args.api_key:
        print("error: --api-key must not be empty (the mock always requires a bearer key)", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"error: --port {args.port} is not a TCP port (0-65535)", file=sys.stderr)
        return 2
    if not 0.05 <= args.header_timeout <= 600:
        print(f"error: --header-timeout {args.header_timeout} is not between 0.05 and 600 seconds", file=sys.stderr)
        return 2
    if not 0 <= args.extra_jobs <= MAX_EXTRA_JOBS:
        print(f"error: --extra-jobs {args.extra_jobs} is not between 0 and {MAX_EXTRA_JOBS}", file=sys.stderr)
        return 2
    if not 0 <= args.seed_jobs <= MAX_SEED_JOBS:
        print(f"error: --seed-jobs {args.seed_jobs} is not between 0 and {MAX_SEED_JOBS}", file=sys.stderr)
        return 2
    if not 0 < args.clock_speed <= 1_000_000:
        print(f"error: --clock-speed {args.clock_speed} is not above 0 and at most 1000000", file=sys.stderr)
        return 2
    fault = ALL_FAULTS[args.fault] if args.fault else None
    try:
        spec = served_spec()
        app = MockGateway(
            spec,
            api_key=args.api_key,
            fault=fault,
            all_faults=args.all_faults,
            extra_jobs=args.extra_jobs,
            marshal=args.marshal,
            clock=Clock(args.clock, speed=args.clock_speed),
            seed_jobs=args.seed_jobs,
        )
    except (LookupError, ValueError, OSError, SpecSourceError) as exc:
        print(f"error: cannot build the mock from the vendored spec: {exc}", file=sys.stderr)
        return 1
    try:
        sock = listen(args.host, args.port)
    except PortInUseError:
        print(
            f"error: {args.host}:{args.port} is already in use (another mock?); "
            "stop it or pick another port: make mock MOCK_PORT=8081",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    host, port = sock.getsockname()[:2]
    if not _is_loopback(args.host):
        print(
            f"warning: listening on {args.host}, not loopback: the mock is reachable from other hosts", file=sys.stderr
        )
    print(f"mock gateway for spec {spec.version}: account {app.account}, Authorization: Bearer <--api-key>")
    extra = [job_id for job_id in app.job_ids if job_id.startswith(EXTRA_JOB_PREFIX)]
    seeded = [job_id for job_id in app.job_ids if job_id.startswith(SEED_JOB_PREFIX)]
    faulty = [job_id for job_id in app.job_ids if job_id.startswith(FAULT_JOB_PREFIX)]
    others = {*extra, *faulty, *seeded}
    fixtures = [job_id for job_id in app.job_ids if job_id not in others]
    print(f"fixture jobs: {', '.join(fixtures)}" + (f" (+ {len(extra)} {EXTRA_JOB_PREFIX}NNN jobs)" if extra else ""))
    if seeded:
        print(f"seed jobs: {seeded[0]} .. {seeded[-1]} ({len(seeded):,})")
    if args.all_faults:
        absent = [name for name in FAULTS if FAULT_JOB_PREFIX + name not in faulty]
        print(
            f"fault jobs: {', '.join(faulty)}"
            + (f" (not applicable to this spec: {', '.join(absent)})" if absent else "")
        )
        print(f"fault accounts: {', '.join(fault_account(name) for name in LIFECYCLE_FAULTS)}")
    print(f"scenario jobs: see --list-scenarios; marshaling: {args.marshal}")
    speed = f" at speed {args.clock_speed:g}" if args.clock == "realtime" else ""
    walk = walk_seconds() / args.clock_speed
    print(f"clock: {args.clock}{speed} (a new job completes in {walk:g} s at realtime); control: /_mock/clock")
    print(f"fault: {args.fault} (rule {fault.rule}): {fault.description}" if fault else "fault: none")
    url_host = f"[{host}]" if ":" in host else host
    print(f"{READY_MARKER}http://{url_host}:{port}", flush=True)
    # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal: that is a normal stop, not an error.
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, sock, stop_when_stdin_closes=args.stop_when_stdin_closes, header_timeout=args.header_timeout)
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
