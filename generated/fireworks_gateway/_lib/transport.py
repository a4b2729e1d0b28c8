"""httpx transports that carry the client's cross-cutting behaviour once, for sync and async alike.

Per request: the credentials are added here (never stored in the httpx client, so never in its repr); each attempt
is bounded as a whole (connect, headers and the entire body) by the request's timeout; the body is read while
streaming up to a size cap; retries follow ``RetryPolicy``; every httpx failure becomes a ``TransportFailure``
whose ``__cause__`` is the httpx exception.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import ssl
import time
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpcore
import httpx

from .errors import ResponseTooLargeError, transport_failure
from .masking import mask_url, remember_secrets
from .retry import RETRIES_EXTENSION, RetryMode, RetryPolicy, retry_mode

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AsyncGatewayTransport",
    "GatewayTransport",
    "Limits",
]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""32 MiB: a job body is about 3 KB; anything near this is not a job."""
# httpx.Client arguments that shape the default transport; they move to it when the client builds its own.
TRANSPORT_ARGS = (
    "verify",
    "cert",
    "http1",
    "http2",
    "limits",
    "proxy",
    "uds",
    "local_address",
    "retries",
    "socket_options",
)
# The smallest socket timeout: 0 would make the socket non-blocking (an OSError, not a timeout).
_MIN_WAIT = 0.001

_CREDENTIAL_HEADER = re.compile(r"auth|key|token|secret|cookie|session|signature|password|credential", re.I)
_logger = logging.getLogger(__name__.split("._lib", 1)[0])
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("gateway_attempt_deadline", default=None)


class Limits(typing.NamedTuple):
    """What bounds each request: the retry policy, the body size cap and how to wait between attempts."""

    policy: RetryPolicy = RetryPolicy()
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


def _clamp(timeout: float | None) -> float | None:
    """A socket operation's timeout, shortened to what is left of the current attempt."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = max(_MIN_WAIT, deadline - time.monotonic())
    return left if timeout is None else min(timeout, left)


def _attempt_seconds(request: httpx.Request) -> float | None:
    """The whole-attempt bound: the largest of the request's timeouts (None: unbounded)."""
    timeouts = request.extensions.get("timeout") or {}
    values = timeouts.values()
    return None if not values or None in values else max(values)


def _late(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the response took longer than the timeout", request=request)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Every connect, read and write of the pool waits at most what is left of the attempt."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_tcp(host, port, _clamp(timeout), local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, _clamp(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _clamp(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _clamp(timeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(await self._backend.connect_unix_socket(path, _clamp(timeout), socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _bound_pool(transport: object, wrap: Callable[[Any], Any]) -> None:
    # httpx builds its pool without a backend argument; httpcore (pinned with httpx) keeps it here.
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _Backend | _AsyncBackend):
        pool._network_backend = wrap(backend)  # type: ignore[union-attr]


class _Base:
    def __init__(self, headers: Mapping[str, str], limits: Limits, origin: httpx.URL | None) -> None:
        self._headers = tuple(headers.items())
        # Credentials go only to the origin they were given for (a followed redirect elsewhere gets none).
        self._origin = None if origin is None else (origin.scheme, origin.host, origin.port)
        self._limits = limits
        self._retries = max(0, limits.policy.max_retries)
        # Values of credential-like headers are redacted wherever they show up (errors, logs); not every header's
        # value: "application/json" must stay readable.
        remember_secrets(value for name, value in self._headers if _CREDENTIAL_HEADER.search(name))

    def _prepare(self, request: httpx.Request) -> int:
        url = request.url
        if self._origin is None or (url.scheme, url.host, url.port) == self._origin:
            for name, value in self._headers:  # item by item: cheaper than Headers.update's copy
                request.headers[name] = value
        return 0 if retry_mode(request) is RetryMode.NEVER else self._retries

    def _too_large(self) -> ResponseTooLargeError:
        cap = self._limits.max_response_bytes
        return ResponseTooLargeError(f"response body exceeds max_response_bytes ({cap} bytes); reading stopped")

    def _next_delay(
        self,
        request: httpx.Request,
        attempt: int,
        retries: int,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> float | None:
        """Seconds to wait before the next attempt; None when the outcome is final. Raises on a final failure."""
        if error is None and response is not None and response.status_code < 400:
            return None  # the common case, decided without the policy
        policy = self._limits.policy
        delay = policy.delay_after(attempt, response, error, retry_mode(request)) if attempt < retries else None
        if delay is None:
            if isinstance(error, httpx.HTTPError):
                raise transport_failure(error, request, attempt + 1) from error
            return None
        reason = type(error).__name__ if error is not None else f"status {response.status_code}"  # type: ignore[union-attr]
        _logger.info(
            "retrying %s %s after %s in %.3f s (retry %d of %d)",
            request.method,
            mask_url(request.url),
            reason,
            delay,
            attempt + 1,
            retries,
        )
        return delay


class GatewayTransport(_Base, httpx.BaseTransport):
    """Wraps an httpx transport (the default HTTPTransport unless given) with the client's behaviour."""

    def __init__(
        self, inner: httpx.BaseTransport, headers: Mapping[str, str], limits: Limits, origin: httpx.URL | None = None
    ) -> None:
        super().__init__(headers, limits, origin)
        _bound_pool(inner, _Backend)
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retries, attempt = self._prepare(request), 0
        while True:
            response: httpx.Response | None = None
            error: Exception | None = None
            seconds = _attempt_seconds(request)
            token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
            try:
                response = self._read(self._inner.handle_request(request), request)
            except httpx.HTTPError as failure:
                error = failure
            finally:
                _deadline.reset(token)
            delay = self._next_delay(request, attempt, retries, response, error)
            if delay is None:
                assert response is not None
                response.extensions[RETRIES_EXTENSION] = attempt  # a create resolves its own 409 after a retry
                return response
            attempt += 1
            self._limits.sleep(delay)

    def _read(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        chunks: list[bytes] = []
        size, cap, deadline = 0, self._limits.max_response_bytes, _deadline.get()
        try:
            for chunk in response.stream:  # type: ignore[union-attr]
                size += len(chunk)
                if size > cap:
                    raise self._too_large()
                if deadline is not None and time.monotonic() > deadline:
                    raise _late(request)
                chunks.append(chunk)
        finally:
            response.stream.close()  # type: ignore[union-attr]
        # The same response, its body now in memory: httpx reads it from there (no second Response to build).
        response.stream = httpx.ByteStream(b"".join(chunks))
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncGatewayTransport(_Base, httpx.AsyncBaseTransport):
    """The asynchronous twin of GatewayTransport: the same policy, waiting with ``async_sleep``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        headers: Mapping[str, str],
        limits: Limits,
        origin: httpx.URL | None = None,
    ) -> None:
        super().__init__(headers, limits, origin)
        _bound_pool(inner, _AsyncBackend)
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retries, attempt = self._prepare(request), 0
        while True:
            response: httpx.Response | None = None
            error: Exception | None = None
            seconds = _attempt_seconds(request)
            token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
            try:
                response = await self._read(await self._inner.handle_async_request(request), request)
            except httpx.HTTPError as failure:
                error = failure
            finally:
                _deadline.reset(token)
            delay = self._next_delay(request, attempt, retries, response, error)
            if delay is None:
                assert response is not None
                response.extensions[RETRIES_EXTENSION] = attempt  # a create resolves its own 409 after a retry
                return response
            attempt += 1
            await self._limits.async_sleep(delay)

    async def _read(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        chunks: list[bytes] = []
        size, cap, deadline = 0, self._limits.max_response_bytes, _deadline.get()
        try:
            async for chunk in response.stream:  # type: ignore[union-attr]
                size += len(chunk)
                if size > cap:
                    raise self._too_large()
                if deadline is not None and time.monotonic() > deadline:
                    raise _late(request)
                chunks.append(chunk)
        finally:
            await response.stream.aclose()  # type: ignore[union-attr]
        response.stream = httpx.ByteStream(b"".join(chunks))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
