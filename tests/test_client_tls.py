"""TLS: the default SSL context (certifi's CA bundle) is built on the first https connection, not with the client,
and it still verifies. A loopback https server with a self-signed certificate (tests/tls/) stands in for a gateway."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fireworks_gateway import Client
from fireworks_gateway._lib.protocol.bounded_http import _ssl_context
from fireworks_gateway.errors import GatewayClientError

from tests.helpers import LoopbackServer, send_json

TLS = Path(__file__).parent / "tls"
CERT, KEY = TLS / "loopback-cert.pem", TLS / "loopback-key.pem"


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        send_json(self, 200, {})

    def log_message(self, *_: Any) -> None:
        pass


@contextlib.contextmanager
def _serving(tls: bool) -> Iterator[str]:
    server = LoopbackServer(("127.0.0.1", 0), _Ok)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(CERT, KEY)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def ca_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each default SSL context httpx builds (ssl.create_default_context with certifi's bundle), as it is built."""
    built: list[object] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(kwargs.get("cafile") or kwargs.get("capath"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    return built


def test_a_plain_http_client_never_loads_the_ca_bundle(ca_loads: list[object]) -> None:
    with _serving(tls=False) as url, Client(base_url=url) as client:
        assert client.get_httpx_client().get("/v1/anything").status_code == 200
        assert client.get_httpx_client().get("/v1/anything").status_code == 200
    assert ca_loads == []


def test_the_deferred_default_context_verifies_and_is_built_once(ca_loads: list[object]) -> None:
    """A self-signed certificate is refused (a typed error, the default context verifies), once per client."""
    with _serving(tls=True) as url, Client(base_url=url, max_retries=0) as client:
        assert ca_loads == []
        for _ in range(2):
            with pytest.raises(GatewayClientError) as caught:
                client.get_httpx_client().get("/v1/anything")
            assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value) or "certificate verify failed" in str(caught.value)
    assert len(ca_loads) == 1 and ca_loads[0] is not None


def test_an_explicit_context_is_used_as_given(ca_loads: list[object]) -> None:
    """verify_ssl=<an SSLContext> (here one trusting the test certificate) is used as given: no default built."""
    trusting = ssl.create_default_context(cafile=str(CERT))
    with _serving(tls=True) as url, Client(base_url=url, verify_ssl=trusting) as client:
        assert client.get_httpx_client().get("/v1/anything").status_code == 200
    assert len(ca_loads) == 1  # the test's own context: none built by the client


def test_an_async_client_defers_and_verifies_too(ca_loads: list[object]) -> None:
    async def main(url: str) -> None:
        async with Client(base_url=url, max_retries=0) as client:
            assert ca_loads == []
            with pytest.raises(GatewayClientError):
                await client.get_async_httpx_client().get("/v1/anything")

    with _serving(tls=True) as url:
        asyncio.run(main(url))
    assert len(ca_loads) == 1


def test_the_deferred_context_copies_and_answers_only_for_the_context(ca_loads: list[object]) -> None:
    """A copy is a deferred default context too, built on its first use; a private or unknown name is an
    AttributeError, never a walk through its own lookup; attributes are the real context's."""
    deferred = _ssl_context(True, None, trust_env=False)
    copied = copy.copy(deferred)
    assert ca_loads == []
    assert copied.verify_mode == ssl.CERT_REQUIRED and copied.check_hostname is True
    assert len(ca_loads) == 1 and deferred.resolve().verify_mode == ssl.CERT_REQUIRED
    for name in ("_missing", "__setstate__", "no_such_attribute"):
        with pytest.raises(AttributeError):
            getattr(deferred, name)
