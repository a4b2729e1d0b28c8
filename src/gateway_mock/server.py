"""Serving the mock with uvicorn (httptools, uvloop), and `running_mock`: the mock as a child process for tests."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway_protocol.spec_view import Spec

from .app import MockGateway
from .clock import CLOCK_MODES, Clock, ClockMode
from .constants import DEFAULT_API_KEY, DEFAULT_HOST, MOCK_ACCOUNT, job_name
from .control import ClockControl
from .faults import ALL_FAULTS, fault_jobs
from .fixtures import build_fixtures, with_extra_jobs
from .marshal import DEFAULT_PROFILE, PROFILES, Marshaler, Profile
from .spec_source import served_spec

__all__ = [
    "DEFAULT_API_KEY",
    "MOCK_ACCOUNT",
    "READY_MARKER",
    "MockStartError",
    "PortInUseError",
    "RunningMock",
    "listen",
    "running_mock",
    "serve",
    "serving_in_thread",
]

READY_MARKER = "gateway-mock listening on "
_P = ParamSpec("_P")
_T = TypeVar("_T")
DEFAULT_HEADER_TIMEOUT = 5.0  # seconds a connection may take to complete a request's headers
_SRC_DIR = Path(__file__).resolve().parents[1]
_STOP_TIMEOUT = 5.0


class PortInUseError(OSError):
    """The address the mock should listen on is taken."""


class MockStartError(RuntimeError):
    """The mock process exited or stayed silent instead of reporting that it listens."""


def listen(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free port, so the caller learns the port before any request is sent."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(exc.errno, f"{host}:{port} is already in use") from None
        raise


class _HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a deadline for each request's headers.

    uvicorn arms no timer before a request's headers are complete (only between keep-alive requests), so a
    client that sends half a request holds its connection forever; enough of them starve the server.
    """

    header_timeout = DEFAULT_HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)


def _raise_open_file_limit() -> None:
    """Idle or half-open connections each hold a descriptor: allow as many as the hard limit does."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536) if hard > 0 else soft, hard))


def serve(
    app: MockGateway,
    sock: socket.socket,
    *,
    stop_when_stdin_closes: bool = False,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
) -> None:
    """Serve until SIGINT/SIGTERM (or, when asked, until the parent closes our stdin)."""
    _raise_open_file_limit()
    server = _uvicorn_server(app, header_timeout, own_process=True)
    if stop_when_stdin_closes:
        # A parent that dies without cleaning up closes the pipe: the mock then stops instead of lingering.
        threading.Thread(target=_stop_on_eof, args=(server,), daemon=True).start()
    server.run(sockets=[sock])


def _uvicorn_server(app: MockGateway, header_timeout: float, *, own_process: bool) -> uvicorn.Server:
    protocol = type("HeaderDeadlineProtocol", (_HeaderDeadlineProtocol,), {"header_timeout": header_timeout})
    config = uvicorn.Config(
        app,
        http=protocol,
        loop="uvloop",
        lifespan="off",
        access_log=False,
        log_level="warning",
        # In a host's thread, the host's logging is its own: uvicorn's dictConfig would replace its handlers.
        log_config=uvicorn.config.LOGGING_CONFIG if own_process else None,
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


def _stop_on_eof(server: uvicorn.Server) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdin.buffer.read()
    server.should_exit = True


@dataclass(frozen=True)
class RunningMock:
    """A mock gateway process serving on loopback."""

    base_url: str
    api_key: str
    account: str
    job_ids: tuple[str, ...]
    fault: str | None
    pid: int

    @property
    def clock(self) -> ClockControl:
        """Control of the mock's clock and store (`/_mock/`): manual(), instant(), advance(s), run_all(), reset()."""
        return ClockControl(self.base_url, self.api_key)


@dataclass(frozen=True, kw_only=True)
class MockOptions:
    """What a mock serves, for `running_mock` and `serving_in_thread` (each option is one of their keywords).

    `extra_jobs` adds `sft-extra-001`... to the served (and reported) job ids, for runs over many ids;
    `all_faults` adds one `fault-<name>` job per applicable response fault and one `fault-<name>` account per
    lifecycle fault (see `MockGateway`); `marshal` picks the marshaling profile (`gateway_mock.marshal`); `clock`
    and `clock_speed` how jobs walk (`gateway_mock.clock`); `seed_jobs` adds `seed-0000001`.. (not reported in
    `job_ids`).
    """

    fault: str | None = None
    all_faults: bool = False
    api_key: str = DEFAULT_API_KEY
    extra_jobs: int = 0
    marshal: Profile = DEFAULT_PROFILE
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    startup_timeout: float = 30.0
    clock: ClockMode = "realtime"
    clock_speed: float = 1.0
    seed_jobs: int = 0

    def __post_init__(self) -> None:
        if self.clock not in CLOCK_MODES:
            raise ValueError(f"unknown clock mode {self.clock!r}; valid: {', '.join(CLOCK_MODES)}")
        if self.marshal not in PROFILES:
            raise ValueError(f"unknown marshal profile {self.marshal!r}; valid: {', '.join(PROFILES)}")
        if self.fault is not None and self.fault not in ALL_FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}; valid faults: {', '.join(ALL_FAULTS)}")
        if self.fault is not None and self.all_faults:
            raise ValueError("fault and all_faults contradict each other; pick one")

    def job_ids(self, spec: Spec) -> tuple[str, ...]:
        """The fixture jobs (with the extra ones) and, under all_faults, the fault jobs: not the seeded ones."""
        fixtures = with_extra_jobs(build_fixtures(spec), self.extra_jobs)
        marshaler = Marshaler(spec, self.marshal)
        faulty = tuple(fault_jobs(fixtures, job_name, marshaler.full)) if self.all_faults else ()
        return tuple(fixtures) + faulty


def _keywords_of(options: Callable[_P, MockOptions]) -> Callable[[Callable[..., _T]], Callable[_P, _T]]:
    """Type a starter as taking exactly `options`' keywords, so that mypy checks each call's names and value types
    against `MockOptions` itself (at run time the starter is unchanged: `MockOptions(**options)` checks them)."""

    def typed(starter: Callable[..., _T]) -> Callable[_P, _T]:
        return starter

    return typed


@_keywords_of(MockOptions)
@contextlib.contextmanager
def running_mock(**options: Any) -> Iterator[RunningMock]:
    """Start `python -m gateway_mock` on a free loopback port, wait until it listens, stop it on exit.

    The keywords are `MockOptions`' (a wrong one is a TypeError, a wrong value a ValueError, before anything
    starts).
    """
    with _in_process(MockOptions(**options)) as running:
        yield running


# `running_mock`'s mock, served from a thread of this process on a free loopback port: the same app, store and HTTP
# stack, without a process to start (its imports and spec load cost more than most tests). For a host that does not
# need the mock apart: a load test or a test of the process itself wants `running_mock`.
@_keywords_of(MockOptions)
@contextlib.contextmanager
def serving_in_thread(**options: Any) -> Iterator[RunningMock]:
    """`running_mock`'s mock served from a thread of this process (the same keywords); stopped on exit."""
    with _in_thread(MockOptions(**options)) as running:
        yield running


@contextlib.contextmanager
def _in_process(options: MockOptions) -> Iterator[RunningMock]:
    # `--api-key=KEY` in one word: a key may start with "-", which argparse would take for an option.
    command = [sys.executable, "-m", "gateway_mock", "--host", DEFAULT_HOST, "--port", "0"]
    command += [f"--api-key={options.api_key}", "--extra-jobs", str(options.extra_jobs), "--stop-when-stdin-closes"]
    job_ids = options.job_ids(served_spec())  # raises on a bad count, early
    command += [*(["--fault", options.fault] if options.fault else [])]
    command += [*(["--all-faults"] if options.all_faults else []), "--marshal", options.marshal]
    command += ["--header-timeout", str(options.header_timeout), "--clock", options.clock]
    command += ["--clock-speed", repr(options.clock_speed), "--seed-jobs", str(options.seed_jobs)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_SRC_DIR), env.get("PYTHONPATH")]))
    # stderr is inherited: the child's warnings and errors show where the caller's own output goes.
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    try:
        base_url = _await_ready(process, options.startup_timeout)
        yield RunningMock(base_url, options.api_key, MOCK_ACCOUNT, job_ids, options.fault, process.pid)
    finally:
        _stop(process)


@contextlib.contextmanager
def _in_thread(options: MockOptions) -> Iterator[RunningMock]:
    if not options.api_key:
        raise ValueError("api_key must not be empty (the mock always requires a bearer key)")
    spec = served_spec()
    job_ids = options.job_ids(spec)
    app = MockGateway(
        spec,
        api_key=options.api_key,
        fault=ALL_FAULTS[options.fault] if options.fault else None,
        all_faults=options.all_faults,
        extra_jobs=options.extra_jobs,
        marshal=options.marshal,
        clock=Clock(options.clock, speed=options.clock_speed),
        seed_jobs=options.seed_jobs,
    )
    sock = listen(DEFAULT_HOST, 0)
    server = _uvicorn_server(app, options.header_timeout, own_process=False)
    failed: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, name="gateway-mock", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + options.startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise MockStartError(f"the mock thread did not start listening: {failed[0] if failed else 'timeout'}")
            time.sleep(0.005)
        host, port = sock.getsockname()[:2]
        url_host = f"[{host}]" if ":" in host else host
        yield RunningMock(
            f"http://{url_host}:{port}", options.api_key, MOCK_ACCOUNT, job_ids, options.fault, os.getpid()
        )
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        sock.close()


def _await_ready(process: subprocess.Popen[str], timeout: float) -> str:
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        with contextlib.suppress(OSError, ValueError):
            for line in process.stdout:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise MockStartError(f"the mock did not report that it listens within {timeout:.0f} s") from None
        if line is None:
            code = process.wait()
            raise MockStartError(f"the mock exited with code {code} before listening (its stderr is above)")
        if line.startswith(READY_MARKER):
            return line[len(READY_MARKER) :].strip()


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
