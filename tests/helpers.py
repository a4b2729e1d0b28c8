"""Helpers several test modules share: sending raw requests to the mock, loading a script as a module."""

from __future__ import annotations

import asyncio
import email.message
import functools
import http.client
import http.server
import importlib.util
import json
import os
import ssl
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway_mock.server import RunningMock
from gateway_protocol.proto_json import snake_case
from spec_tools import paths
from spec_tools.paths import REPO_ROOT
from spec_tools.spec import load_spec

__all__ = [
    "SECRET_KEY",
    "MaskSamples",
    "SuiteRun",
    "all_text",
    "asgi_request",
    "job_name",
    "job_path",
    "jobs_prefix",
    "live_env",
    "load_script",
    "mask_samples",
    "raw_request",
    "run_suite",
]


def job_path(account: str, job_id: str) -> str:
    """The URL path of a job read, from the vendored spec's path template (ids percent-encoded whole)."""
    template = load_spec().job_operation().path
    return template.expand(dict(zip(template.variables, (account, job_id), strict=True)))


def live_env(base_url: str, account: str, job_ids: str) -> dict[str, str]:
    """The settings of a live-mode suite run against `base_url` with the test key."""
    return {
        "CONTRACT_BASE_URL": base_url,
        "FIREWORKS_API_KEY": SECRET_KEY,
        "FIREWORKS_ACCOUNT_ID": account,
        "CONTRACT_JOB_IDS": job_ids,
    }


def jobs_prefix(account: str) -> str:
    """The URL path of a job read without the job id (`.../{account}/<collection>/`), from the spec's template."""
    return job_path(account, "x")[:-1]


def job_name(account: str, job_id: str) -> str:
    """A job's resource name, from the vendored spec's path template."""
    template = load_spec().job_operation().path
    return template.resource_name(dict(zip(template.variables, (account, job_id), strict=True)))


def _is_zero(value: Any) -> bool:
    return value in (None, "", 0, "0", False, [], {})


@dataclass(frozen=True)
class MaskSamples:
    """Read-mask paths for one fixture job, found in the spec and the job (not by name), so a bump re-aims them.

    `scalar`: a multi-word top-level property the job sets to a non-zero non-message value (`displayName`);
    `message`: a multi-word message property the job sets, Money first (`estimatedCost`);
    `nested`, `leaves`: a message property the job sets with two non-zero scalar leaves (`jobProgress`:
    `percent`, `epoch`), or None when the job has none.
    """

    scalar: str
    message: str
    nested: str | None
    leaves: tuple[str, str] | None

    @staticmethod
    def snake(path: str) -> str:
        return ".".join(snake_case(part) for part in path.split("."))


def mask_samples(
    properties: dict[str, dict[str, Any]], job: dict[str, Any], money: tuple[str, ...] = ()
) -> MaskSamples:
    """`properties`: the job schema's properties, resolved; `job`: a fixture job as the mock serves it."""
    multiword = [name for name in properties if snake_case(name) != name and not _is_zero(job.get(name))]
    scalar = next(n for n in multiword if not isinstance(job[n], dict) and not {"enum", "format"} & set(properties[n]))
    messages = [n for n in multiword if isinstance(job[n], dict)]
    message = next((n for n in money if n in messages), messages[0])
    nested = [
        (name, tuple(k for k, v in job[name].items() if not isinstance(v, dict | list) and not _is_zero(v)))
        for name in properties
        if isinstance(job.get(name), dict)
    ]
    # Integer leaves first (the most telling: a zero is unmistakable), Money last (its own rule reads it).
    ranked = sorted(
        ((name not in money, all(isinstance(job[name][leaf], int) for leaf in leaves[:2]), -i), name, leaves[:2])
        for i, (name, leaves) in enumerate(nested)
        if len(leaves) >= 2
    )
    pick = (ranked[-1][1], ranked[-1][2]) if ranked else None
    return MaskSamples(scalar, message, *(pick if pick else (None, None)))  # type: ignore[arg-type]


def raw_request(
    mock: RunningMock,
    path: str,
    *,
    method: str = "GET",
    auth: str | None = "default",
    headers: dict[str, str] | None = None,
    timeout: float = 15,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """Send the path byte for byte (no client-side normalisation of %2F or dots); `auth` None sends no bearer,
    "default" the mock's key, anything else that Authorization value."""
    url = urlsplit(mock.base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
    sent = dict(headers or {})
    if auth is not None:
        sent["Authorization"] = f"Bearer {mock.api_key}" if auth == "default" else auth
    try:
        connection.request(method, path, headers=sent)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def write_answer(
    handler: http.server.BaseHTTPRequestHandler, status: int, data: bytes, headers: Mapping[str, str] | None = None
) -> None:
    """A JSON answer from a stub server's handler: status, Content-Type and Content-Length, `headers`, the bytes."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


class LoopbackServer(http.server.ThreadingHTTPServer):
    """The tests' stub servers: a client that resets its connection (a timeout, a cap, a killed suite run: what
    many of these tests provoke) is expected, not a traceback on the terminal; any other handler error still is."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def send_json(
    handler: http.server.BaseHTTPRequestHandler, status: int, body: Any, headers: Mapping[str, str] | None = None
) -> None:
    """`body` as JSON, through `write_answer`."""
    write_answer(handler, status, json.dumps(body).encode(), headers)


@functools.cache
def _loopback_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def loopback_request(method: str, url: str, **options: Any) -> httpx.Response:
    """One request from the tests to one of their loopback servers, on a connection of its own: `httpx.request`
    with a TLS context built once per worker, where each call would load the CA bundle again (20 ms)."""
    return httpx.request(method, url, verify=_loopback_tls(), timeout=30, **options)


@functools.cache
def sdk_module() -> ModuleType:
    """The official SDK (`fireworks`), imported on first use: a third of a second that only the workers running its
    tests pay. (A module attribute would not do: pytest reads every attribute of a test module while collecting.)"""
    return importlib.import_module("fireworks")


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module, so its main() can be called in-process."""
    spec = importlib.util.spec_from_file_location(f"_script_{name}", paths.REPO_ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def asgi_request(
    app: Any, path: str, *, method: str = "GET", authorization: str | None = None
) -> tuple[int, email.message.Message, bytes]:
    """One request straight into an ASGI app, in-process (no server, no port): for checks over many app
    configurations that would each cost a process start. Returns what `raw_request` returns."""
    raw_path, _, query = path.partition("?")
    headers = [(b"authorization", authorization.encode())] if authorization is not None else []
    scope = {
        "type": "http",
        "method": method,
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "headers": headers,
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start, *bodies = sent
    parsed = email.message.Message()
    for name, value in start["headers"]:
        parsed[name.decode()] = value.decode()
    return start["status"], parsed, b"".join(b.get("body", b"") for b in bodies)


ENTRY = [sys.executable, "-m", "contract_tests"]  # the entry point CI uses
SECRET_KEY = "sk-selftest-5b1d0c9e7a"  # must never appear in output or reports
EXAMPLES = "8"  # generated cases per mode: enough to reach every rule, few enough for make test


@dataclass(frozen=True)
class SuiteRun:
    exit_code: int
    output: str
    report: dict[str, object]
    junit: ET.Element | None

    @property
    def failed_rules(self) -> list[str]:
        rules = self.report.get("failed_rules", [])
        assert isinstance(rules, list)
        return rules

    def failed_test_names(self) -> list[str]:
        assert self.junit is not None
        return [c.attrib["name"] for c in self.junit.iter("testcase") if c.find("failure") is not None]


def run_suite(report_dir: Path, cwd: Path = REPO_ROOT, **env: str) -> SuiteRun:
    """The suite in a child process: `python -m contract_tests` from the root, scripts/contract.py elsewhere."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP_SUMMARY", "HYPOTHESIS_STORAGE_DIRECTORY"))
    }  # the suite's own default for hypothesis' storage (a private temporary folder) is what users get
    environment.update({"CONTRACT_REPORT_DIR": str(report_dir), "CONTRACT_EXAMPLES": EXAMPLES, **env})
    command = ENTRY if cwd == REPO_ROOT else [sys.executable, str(REPO_ROOT / "scripts" / "contract.py")]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=240, check=False, cwd=cwd)
    report_dir = cwd / report_dir if not report_dir.is_absolute() else report_dir
    report_path, junit_path = report_dir / "contract.json", report_dir / "contract.xml"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    junit = ET.parse(junit_path).getroot() if junit_path.exists() else None
    return SuiteRun(result.returncode, result.stdout + result.stderr, report, junit)


def all_text(run: SuiteRun, report_dir: Path) -> str:
    """Everything a run printed and wrote, for secret checks."""
    return run.output + "".join(p.read_text() for p in report_dir.iterdir() if p.is_file())
