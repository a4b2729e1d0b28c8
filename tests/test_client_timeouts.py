"""The client has a finite default timeout (60 s, 10 s to connect); waiting forever must be asked for explicitly."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient, Client
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.client import DEFAULT_TIMEOUT, NO_TIMEOUT
from fireworks_gateway.errors import GatewayTimeoutError


def test_default_timeout_is_finite() -> None:
    """Without a timeout argument the httpx clients get 60 s read/write/pool and 10 s connect."""
    client = AuthenticatedClient(base_url="https://gateway.test", token="t")
    expected = httpx.Timeout(60.0, connect=10.0)
    assert client.timeout == expected == DEFAULT_TIMEOUT
    assert client.get_httpx_client().timeout == expected
    assert client.get_async_httpx_client().timeout == expected


def test_none_means_the_default_not_forever() -> None:
    """timeout=None (the stock meaning: no timeout) now gives the finite default, on construction and with_timeout."""
    assert Client(base_url="https://gateway.test", timeout=None).timeout == DEFAULT_TIMEOUT
    client = Client(base_url="https://gateway.test", timeout=5.0).with_timeout(None)
    assert client.timeout == DEFAULT_TIMEOUT


def test_no_timeout_must_be_explicit() -> None:
    """NO_TIMEOUT (httpx.Timeout(None)) is how to wait forever; it reaches the httpx client unchanged."""
    client = AuthenticatedClient(base_url="https://gateway.test", token="t", timeout=NO_TIMEOUT)
    timeout = client.get_httpx_client().timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (None, None, None, None)


def test_timeout_is_configurable() -> None:
    """A number applies to every phase; an httpx.Timeout is used as given; with_timeout updates a built client."""
    assert AuthenticatedClient(base_url="https://x.test", token="t", timeout=2.5).timeout == httpx.Timeout(2.5)
    custom = httpx.Timeout(3.0, connect=1.0)
    client = AuthenticatedClient(base_url="https://x.test", token="t", timeout=custom)
    assert client.get_httpx_client().timeout == custom
    updated = client.with_timeout(7.0)
    assert client.get_httpx_client().timeout == httpx.Timeout(7.0)
    assert updated.timeout == httpx.Timeout(7.0)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def test_read_timeout_is_enforced_and_retried(silent_server: str) -> None:
    """Against a server that never answers, each attempt times out; after 1 + max_retries, GatewayTimeoutError."""
    waits: list[float] = []
    client = AuthenticatedClient(base_url=silent_server, token="t", timeout=0.2, max_retries=1, sleep=waits.append)
    with client, pytest.raises(GatewayTimeoutError) as caught:
        get_job.sync("acme", "j1", client=client)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert "2 attempts" in str(caught.value) and len(waits) == 1
