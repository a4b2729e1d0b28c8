"""The one deadline- and size-bounded HTTP reader, shared by the client (`_lib.protocol.bounded_http`) and the suite.

The one module of this package that needs more than the standard library: httpx and httpcore, the client's own
dependencies (its wheel requires httpx, which requires httpcore). Everything here uses their public API only.

- `BoundedTransport` / `AsyncBoundedTransport`: httpx transports over httpcore connection pools built with
  httpcore's public `network_backend` argument. Their backend gives every connect, TLS handshake, read and write
  at most the time left until the deadline set with `deadline_at()`, so a body trickling a byte a second ends at
  the deadline too (httpx's own timeouts are per read). Same arguments as `httpx.HTTPTransport`.
- `read_body()` / `aread_body()`: read a response body from its raw (still encoded) chunks, decoding gzip and
  deflate here, within a cap on the *decoded* size: a 1 MB gzip that would inflate to 1 GiB stops at the cap with
  at most the cap in memory. The deadline is checked between chunks, for transports without our backend.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import threading
import time
import typing
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import httpcore
import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "AsyncBoundedTransport",
    "BodyError",
    "BodyTooLarge",
    "BodyUndecodable",
    "BoundedTransport",
    "aread_body",
    "deadline_at",
    "decoded_headers",
    "read_body",
]

ACCEPT_ENCODING = "gzip, deflate"
"""The content codings `read_body` decodes: what a bounded client should advertise."""

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("bounded_http_deadline", default=None)


class BodyError(Exception):
    """A response body that cannot be read within bounds or decoded; the message says which, in one sentence."""


class BodyTooLarge(BodyError):
    """The body, as received or once decoded, exceeds the cap; reading stopped there."""


class BodyUndecodable(BodyError):
    """The body's Content-Encoding is unsupported or its compressed data is corrupt."""


@contextlib.contextmanager
def deadline_at(moment: float | None) -> Iterator[None]:
    """Bound every socket operation started inside this block (this thread or task) by `time.monotonic()` =
    `moment`; None lifts the bound. Blocks nest: the inner one applies inside it."""
    token = _deadline.set(moment)
    try:
        yield
    finally:
        _deadline.reset(token)


def _left(timeout: float | None, late: type[Exception]) -> float | None:
    """A socket operation's timeout: the caller's, cut to what is left of the deadline; `late` once it passed."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise late("the deadline passed")
    return left if timeout is None else min(timeout, left)


# --- the network backends -------------------------------------------------------------------------------------


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(_resolved(ssl_context), server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own sync backend, each operation bounded by the deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(_resolved(ssl_context), server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    """httpcore's AnyIO backend (asyncio or trio), each operation bounded by the deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


# --- the transports ---------------------------------------------------------------------------------------------

# httpcore's exceptions as httpx's, most specific first (what httpx's own transport raises for each).
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        mapped = next((target for source, target in _EXCEPTIONS if isinstance(error, source)), None)
        if mapped is None:
            raise
        raise mapped(str(error)) from error


class _DeferredSSLContext:
    """httpx's default SSL context (`verify=True`: certifi's CA bundle, about 20 ms of CPU to load), built on its
    first use: a client of a plain-http gateway (the mock, a loopback test) never pays for it. httpcore touches its
    `ssl_context` only to reach an https origin or proxy (`set_alpn_protocols`, then our backend's `start_tls`,
    which hands the real context on); every attribute is the real context's. Thread-safe: built once."""

    def __init__(self, trust_env: bool) -> None:
        self._trust_env = trust_env
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def resolve(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = httpx.create_ssl_context(verify=True, trust_env=self._trust_env)
            return self._context

    def __getattr__(self, name: str) -> Any:
        # Only the context's public API: a private name is not the context's, and `copy` asks for `__setstate__`
        # on an object whose own attributes are not set yet (resolving then would look itself up without end).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)


def _resolved(ssl_context: Any) -> Any:
    return ssl_context.resolve() if isinstance(ssl_context, _DeferredSSLContext) else ssl_context


def _ssl_context(verify: ssl.SSLContext | str | bool, cert: Any, trust_env: bool) -> Any:
    """httpx's SSL context for these arguments; the default one deferred (an explicit CA file, certificate or
    context is built now, so that a wrong one is an error at construction, as with httpx)."""
    if verify is True and not cert:
        return _DeferredSSLContext(trust_env)
    return httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


def _pool_arguments(
    verify: ssl.SSLContext | str | bool,
    cert: Any,
    trust_env: bool,
    http1: bool,
    http2: bool,
    limits: httpx.Limits,
    proxy: httpx.Proxy | str | httpx.URL | None,
    uds: str | None,
    local_address: str | None,
    retries: int,
    socket_options: Iterable[Any] | None,
) -> tuple[str, dict[str, Any]]:
    """Which httpcore pool to build ("pool", "http-proxy", "socks-proxy") and its arguments, as httpx builds them."""
    shared: dict[str, Any] = {
        "ssl_context": _ssl_context(verify, cert, trust_env),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": http1,
        "http2": http2,
    }
    if isinstance(proxy, str | httpx.URL):
        proxy = httpx.Proxy(url=proxy)
    extra: dict[str, Any]
    if proxy is None:
        extra = {"uds": uds, "local_address": local_address, "retries": retries, "socket_options": socket_options}
        return "pool", shared | extra
    url = httpcore.URL(
        scheme=proxy.url.raw_scheme, host=proxy.url.raw_host, port=proxy.url.port, target=proxy.url.raw_path
    )
    if proxy.url.scheme in ("http", "https"):
        extra = {
            "proxy_url": url,
            "proxy_auth": proxy.raw_auth,
            "proxy_headers": proxy.headers.raw,
            "proxy_ssl_context": proxy.ssl_context,
            "socket_options": socket_options,
        }
        return "http-proxy", shared | extra
    if proxy.url.scheme in ("socks5", "socks5h"):
        return "socks-proxy", shared | {"proxy_url": url, "proxy_auth": proxy.raw_auth}
    raise ValueError(f"proxy scheme must be http, https, socks5 or socks5h, not {proxy.url.scheme!r}")


def _core_request(request: httpx.Request, content: Any) -> httpcore.Request:
    url = request.url
    target = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
    return httpcore.Request(
        method=request.method, url=target, headers=request.headers.raw, content=content, extensions=request.extensions
    )


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _AsyncResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        aclose = getattr(self._stream, "aclose", None)
        if aclose is not None:
            await aclose()


class _Pooled:
    """The arguments of `httpx.HTTPTransport`, building the httpcore pool (or proxy) of a subclass's kind."""

    _POOLS: ClassVar[Mapping[str, Any]]
    _BACKEND: ClassVar[type[Any]]

    def __init__(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20),  # noqa: B008
        proxy: httpx.Proxy | str | httpx.URL | None = None,
        uds: str | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: Iterable[Any] | None = None,
    ) -> None:
        kind, arguments = _pool_arguments(
            verify, cert, trust_env, http1, http2, limits, proxy, uds, local_address, retries, socket_options
        )
        self._pool = self._POOLS[kind](**arguments, network_backend=self._BACKEND())


class BoundedTransport(_Pooled, httpx.BaseTransport):
    """`httpx.HTTPTransport`'s behaviour and arguments, with every socket operation bounded by `deadline_at()`."""

    _POOLS: ClassVar[Mapping[str, Any]] = {
        "pool": httpcore.ConnectionPool,
        "http-proxy": httpcore.HTTPProxy,
        "socks-proxy": httpcore.SOCKSProxy,
    }
    _BACKEND: ClassVar[type[Any]] = _Backend

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        with _httpx_errors():
            answer = self._pool.handle_request(_core_request(request, request.stream))
        assert isinstance(answer.stream, typing.Iterable)
        return httpx.Response(
            answer.status, headers=answer.headers, stream=_ResponseStream(answer.stream), extensions=answer.extensions
        )

    def close(self) -> None:
        self._pool.close()


class AsyncBoundedTransport(_Pooled, httpx.AsyncBaseTransport):
    """The asynchronous twin of `BoundedTransport` (asyncio or trio, through AnyIO)."""

    _POOLS: ClassVar[Mapping[str, Any]] = {
        "pool": httpcore.AsyncConnectionPool,
        "http-proxy": httpcore.AsyncHTTPProxy,
        "socks-proxy": httpcore.AsyncSOCKSProxy,
    }
    _BACKEND: ClassVar[type[Any]] = _AsyncBackend

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        with _httpx_errors():
            answer = await self._pool.handle_async_request(_core_request(request, request.stream))
        assert isinstance(answer.stream, typing.AsyncIterable)
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=_AsyncResponseStream(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


# --- reading a body -------------------------------------------------------------------------------------------


def _size(cap: int) -> str:
    return f"{cap / 1024 / 1024:g} MiB" if cap >= 1024 * 1024 else f"{cap} bytes"


class _Inflater:
    """One content coding's decompressor, whose output never exceeds the bytes left under the cap."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, room: int, cap: int) -> bytes:
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error as error:
            if self.coding == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib wrapper (httpx accepts both).
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.feed(data, room, cap)
            raise BodyUndecodable(f"the body is not valid {self.coding} ({error})") from None
        self._started = True
        if len(out) > room:
            raise BodyTooLarge(f"the body exceeded {_size(cap)} once decoded ({self.coding}); reading stopped there")
        return out

    def finish(self, data: bytes) -> bytes:
        try:
            return (self._zlib.decompress(data) if data else b"") + self._zlib.flush()
        except zlib.error as error:
            raise BodyUndecodable(f"the body is not valid {self.coding} ({error})") from None


class _Decoder:
    """Decodes a body's Content-Encoding chunk by chunk within the cap (identity, gzip, x-gzip, deflate)."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        unsupported = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
        if unsupported:
            raise BodyUndecodable(f"the body's Content-Encoding {unsupported[0][:40]!r} is not supported")
        self._inflaters = [_Inflater(coding) for coding in reversed(codings)]  # the last applied comes off first
        self._cap = cap
        self._raw = 0
        self._decoded = 0

    def feed(self, chunk: bytes) -> bytes:
        self._raw += len(chunk)
        if self._raw > self._cap:
            raise BodyTooLarge(f"the body exceeded {_size(self._cap)}; reading stopped there")
        last = len(self._inflaters) - 1
        for index, inflater in enumerate(self._inflaters):
            # Each stage stops at the cap; the last one counts what the whole body has decoded to so far.
            room = self._cap - self._decoded if index == last else self._cap
            chunk = inflater.feed(chunk, room, self._cap)
        self._decoded += len(chunk)
        return chunk

    def finish(self) -> bytes:
        """What the decompressors still hold once the raw body has ended."""
        tail = b""
        for inflater in self._inflaters:
            tail = inflater.finish(tail)
        self._decoded += len(tail)
        if self._decoded > self._cap:
            raise BodyTooLarge(f"the body exceeded {_size(self._cap)} once decoded; reading stopped there")
        return tail


def _late() -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the body did not arrive before the deadline")


def _past_deadline() -> bool:
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() > deadline


def read_body(chunks: Iterable[bytes], content_encoding: str | None, max_bytes: int) -> bytes:
    """The whole decoded body from its raw chunks; BodyTooLarge past `max_bytes` (received or decoded),
    BodyUndecodable for a corrupt or unsupported coding, httpx.ReadTimeout past the deadline."""
    decoder = _Decoder(content_encoding, max_bytes)
    parts: list[bytes] = []
    for chunk in chunks:
        parts.append(decoder.feed(chunk))
        if _past_deadline():
            raise _late()
    parts.append(decoder.finish())
    return b"".join(parts)


async def aread_body(chunks: AsyncIterable[bytes], content_encoding: str | None, max_bytes: int) -> bytes:
    """The asynchronous twin of `read_body`."""
    decoder = _Decoder(content_encoding, max_bytes)
    parts: list[bytes] = []
    async for chunk in chunks:
        parts.append(decoder.feed(chunk))
        if _past_deadline():
            raise _late()
    parts.append(decoder.finish())
    return b"".join(parts)


def decoded_headers(headers: httpx.Headers, size: int) -> list[tuple[str, str]]:
    """A response's headers for its decoded body: no Content-Encoding, and the Content-Length of what is held."""
    kept = [(k, v) for k, v in headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]
    return [*kept, ("content-length", str(size))]
