"""The bearer token and custom header values never show in repr/str of the clients; the token never shows in error
text or DEBUG logs (ours, httpx, httpcore)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import attrs
import httpx
import pytest
from fireworks_gateway import AuthenticatedClient, Client
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import APIStatusError, UnauthenticatedError

from tests.helpers import LoopbackServer, send_json

TOKEN = "fw_sEcReT-t0ken-9f8e7d6c5b4a"


class _Gateway(BaseHTTPRequestHandler):
    """Answers jobs: 'ok' gives a job, 'flaky' a 503 first, 'echo' a 401 that quotes the Authorization header."""

    protocol_version = "HTTP/1.1"
    flaky_calls = 0

    def do_GET(self) -> None:
        job_id = self.path.rsplit("/", 1)[-1].split("?")[0]
        if job_id == "flaky" and _Gateway.flaky_calls == 0:
            _Gateway.flaky_calls += 1
            self._send(503, {"code": 14, "message": "busy", "details": []}, retry_after="0")
        elif job_id == "echo":
            received = self.headers.get("Authorization", "")
            self._send(401, {"code": 16, "message": f"bad credentials: {received}", "details": [{"seen": received}]})
        else:
            self._send(200, {"dataset": "accounts/acme/datasets/d", "name": f"accounts/acme/jobs/{job_id}"})

    def _send(self, status: int, body: object, retry_after: str | None = None) -> None:
        send_json(self, status, body, {"Retry-After": retry_after} if retry_after is not None else None)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the stdlib access log."""


@pytest.fixture
def gateway_url() -> Iterator[str]:
    """A real HTTP server on loopback, so that httpx and httpcore run (and log) their real code paths."""
    _Gateway.flaky_calls = 0
    server = LoopbackServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_repr_and_str_never_show_the_token() -> None:
    """repr/str of AuthenticatedClient hide the token before and after the httpx client is built, and after evolve."""
    client = AuthenticatedClient(base_url="https://gateway.test", token=TOKEN)
    assert TOKEN not in repr(client) and TOKEN not in str(client)
    client.get_httpx_client()
    client.get_async_httpx_client()
    assert TOKEN not in repr(client)
    derived = client.with_headers({"X-Trace": "1"}).with_timeout(5.0)
    assert TOKEN not in repr(derived)
    assert TOKEN not in repr(attrs.evolve(client, max_retries=5))
    assert "AuthenticatedClient(" in repr(client)


def test_credential_headers_and_cookies_are_masked_in_repr() -> None:
    """Secrets handed in as headers, cookies or httpx_args (plain Client too) are masked in repr."""
    client = Client(
        base_url="https://gateway.test",
        headers={"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN, "X-Trace": "visible"},
        cookies={"session": TOKEN},
        httpx_args={"auth": ("user", TOKEN)},
    )
    text = repr(client)
    assert TOKEN not in text
    assert "'X-Trace'" in text and "'session'" in text and "'auth'" in text


@pytest.mark.parametrize("client_class", [Client, AuthenticatedClient])
def test_every_header_value_is_masked_in_repr_and_str(client_class: type[Client | AuthenticatedClient]) -> None:
    """Custom headers of any name keep their names but show '***' for their values, in repr and str, also after
    with_headers (a header such as X-Extra may carry a credential no name list anticipates)."""
    kwargs = {"token": TOKEN} if client_class is AuthenticatedClient else {}
    client = client_class("http://x", headers={"X-Extra": "hdr-SECRET"}, **kwargs)
    derived = client.with_headers({"X-Tenant-Key": "tenant-SECRET"})
    for text in (repr(client), str(client), repr(derived), str(derived)):
        assert "SECRET" not in text
    assert "_headers={'X-Extra': '***'}" in repr(client)
    assert "_headers={'X-Extra': '***', 'X-Tenant-Key': '***'}" in repr(derived)


def test_masked_headers_are_still_sent() -> None:
    """Masking is repr-only: the server receives every custom header's real value."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"dataset": "d"})

    client = AuthenticatedClient(
        "http://x", TOKEN, headers={"X-Extra": "hdr-SECRET"}, httpx_args={"transport": httpx.MockTransport(handler)}
    )
    assert get_job.sync("acme", "j1", client=client) is not None
    assert seen[0].headers["X-Extra"] == "hdr-SECRET"


def test_token_is_still_sent(gateway_url: str) -> None:
    """Hiding the token from repr did not stop it being sent: the server sees 'Bearer <token>'."""
    client = AuthenticatedClient(base_url=gateway_url, token=TOKEN, max_retries=0)
    with client, pytest.raises(UnauthenticatedError) as caught:
        get_job.sync("acme", "echo", client=client)
    assert caught.value.response.request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_error_text_redacts_a_token_the_server_echoes(gateway_url: str) -> None:
    """A 401 whose body quotes the Authorization header yields an error whose text, message and details omit it."""
    client = AuthenticatedClient(base_url=gateway_url, token=TOKEN, max_retries=0)
    with client, pytest.raises(APIStatusError) as caught:
        get_job.sync("acme", "echo", client=client)
    error = caught.value
    for text in (str(error), repr(error), error.message, error.body, error.content.decode(), json.dumps(error.details)):
        assert TOKEN not in text
    assert "[REDACTED]" in error.message


def test_debug_logs_never_contain_the_token(gateway_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """With every logger at DEBUG, a request, a retry and an error log nothing that contains the token."""
    client = AuthenticatedClient(base_url=gateway_url, token=TOKEN, sleep=lambda delay: None)
    with caplog.at_level(logging.DEBUG), client:
        assert get_job.sync("acme", "flaky", client=client) is not None
        with pytest.raises(UnauthenticatedError):
            get_job.sync("acme", "echo", client=client)
    loggers = {record.name for record in caplog.records}
    assert {"httpx", "fireworks_gateway"} <= loggers
    assert any(name.startswith("httpcore") for name in loggers), loggers
    for record in caplog.records:
        assert TOKEN not in record.getMessage(), record.name


def test_configuration_error_does_not_echo_other_settings() -> None:
    """from_env's missing-account error names the variable only, even when a token is configured."""
    client = AuthenticatedClient.from_env(environ={"FIREWORKS_API_KEY": TOKEN})
    with pytest.raises(ValueError, match="FIREWORKS_ACCOUNT_ID") as caught:
        _ = client.account_id
    assert TOKEN not in str(caught.value)
