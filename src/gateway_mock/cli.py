"""Command line of the mock: `python -m gateway_mock` and scripts/mock.py (`make mock`)."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import sys

from spec_tools.spec import load_spec

from .app import MockGateway
from .constants import DEFAULT_API_KEY, DEFAULT_HOST, DEFAULT_PORT
from .faults import FAULT_JOB_PREFIX, FAULTS
from .fixtures import EXTRA_JOB_PREFIX, MAX_EXTRA_JOBS
from .marshal import DEFAULT_PROFILE, PROFILES
from .scenarios import __doc__ as scenarios_doc
from .server import DEFAULT_HEADER_TIMEOUT, READY_MARKER, PortInUseError, listen, serve

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
        help="keep the fixtures faithful and also serve every fault at once, each under its own job id fault-<name>",
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
    width = max(len(name) for name in FAULTS)
    rows = [f"{'fault'.ljust(width)}  {'rule':<12}  description"]
    rows += [f"{name.ljust(width)}  {fault.rule:<12}  {fault.description}" for name, fault in FAULTS.items()]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list_faults:
        print(_fault_table())
        return 0
    if args.list_scenarios:
        print((scenarios_doc or "").strip())
        return 0
    if args.fault is not None and args.fault not in FAULTS:
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
    fault = FAULTS[args.fault] if args.fault else None
    try:
        spec = load_spec()
        app = MockGateway(
            spec,
            api_key=args.api_key,
            fault=fault,
            all_faults=args.all_faults,
            extra_jobs=args.extra_jobs,
            marshal=args.marshal,
        )
    except (LookupError, ValueError, OSError) as exc:
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
    faulty = [job_id for job_id in app.job_ids if job_id.startswith(FAULT_JOB_PREFIX)]
    fixtures = [job_id for job_id in app.job_ids if job_id not in extra and job_id not in faulty]
    print(f"fixture jobs: {', '.join(fixtures)}" + (f" (+ {len(extra)} {EXTRA_JOB_PREFIX}NNN jobs)" if extra else ""))
    if args.all_faults:
        absent = [name for name in FAULTS if FAULT_JOB_PREFIX + name not in faulty]
        print(
            f"fault jobs: {', '.join(faulty)}"
            + (f" (not applicable to this spec: {', '.join(absent)})" if absent else "")
        )
    print(f"scenario jobs: see --list-scenarios; marshaling: {args.marshal}")
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
