"""The mock holds against hostile clients: half-sent requests are cut off after the header deadline, idle and
half-open connections piling up do not stop it answering well-formed requests, keys compare in constant time."""

from __future__ import annotations

import ast
import inspect
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from gateway_mock import app as mock_app
from gateway_mock.server import RunningMock, running_mock
from tests.helpers import job_path, raw_request

JOB = job_path("mock-account", "sft-running")
HEADER_TIMEOUT = 0.5
PILE = 500  # connections left idle or half-open at once


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock(header_timeout=HEADER_TIMEOUT) as running:
        yield running


def _connect(mock: RunningMock) -> socket.socket:
    url = urlsplit(mock.base_url)
    return socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=10)


def test_a_half_sent_request_is_closed_after_the_header_deadline(mock: RunningMock) -> None:
    """Headers that never complete: the mock closes the connection (EOF) soon after its deadline, not never."""
    with _connect(mock) as sock:
        sock.sendall(b"GET " + JOB.encode() + b" HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.settimeout(HEADER_TIMEOUT * 10)
        assert sock.recv(1024) == b""  # closed by the server; a timeout here raises instead


def test_a_silent_connection_is_closed_too(mock: RunningMock) -> None:
    """A connection that sends nothing at all is closed after the same deadline."""
    with _connect(mock) as sock:
        sock.settimeout(HEADER_TIMEOUT * 10)
        assert sock.recv(1024) == b""


def test_well_formed_requests_are_answered_while_half_open_connections_pile_up(mock: RunningMock) -> None:
    """Hundreds of idle and half-sent connections at once: a normal request still gets its 200 at once."""
    pile = []
    try:
        for index in range(PILE):
            sock = _connect(mock)
            if index % 2:
                sock.sendall(b"GET " + JOB.encode() + b" HTTP/1.1\r\nHost: x\r\n")  # never finished
            pile.append(sock)
        for _ in range(5):
            status, _, _ = raw_request(mock, JOB, timeout=10)
            assert status == 200
    finally:
        for sock in pile:
            sock.close()


def test_the_key_is_compared_in_constant_time() -> None:
    """The bearer token is compared with hmac.compare_digest, never with == (a timing oracle on the key)."""
    source = inspect.getsource(mock_app.MockGateway._authorized)
    tree = ast.parse(source.strip() if source.startswith(" ") else source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert any(ast.unparse(call.func) == "hmac.compare_digest" for call in calls)
    compares = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)]
    assert not any("_token" in ast.unparse(node) for node in compares)


@pytest.mark.parametrize("auth", ["Bearer wrong", "Bearer mock-api-ke", "bearer mock-api-key", None])
def test_the_key_check_still_accepts_only_the_key(mock: RunningMock, auth: str | None) -> None:
    """The constant-time check keeps the behaviour: the exact key (scheme in any case) and nothing else."""
    status = raw_request(mock, JOB, auth=auth)[0]
    assert status == (200 if auth == "bearer mock-api-key" else 401)
