"""Helpers several test modules share: sending raw requests to the mock, loading a script as a module."""

from __future__ import annotations

import asyncio
import email.message
import http.client
import importlib.util
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from gateway_mock.server import RunningMock
from spec_tools import paths

__all__ = ["asgi_request", "load_script", "raw_request"]


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
