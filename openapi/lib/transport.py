"""httpx transports that carry the client's cross-cutting behaviour once, for sync and async alike.

Per request: the credentials are added here (never stored in the httpx client, so never in its repr); each attempt
is bounded as a whole (connect, headers and the entire body) by the request's timeout; the body is read and
decoded here within a size cap that counts decoded bytes too; retries follow ``RetryPolicy``; every failure
becomes a ``GatewayClientError`` (an httpx exception is its ``__cause__``). Reading and bounding are
`protocol.bounded_http`'s, the same code the contract suite reads gateways with; its `BoundedTransport` gives
each socket operation only what is left of the attempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
import typing
from collections.abc import Awaitable, Callable, Mapping

import httpx

from .errors import ResponseDecodingError, ResponseTooLargeError, TooManyRedirectsError, transport_failure
from .masking import REDACTOR_EXTENSION, Redactor, mask_url
from .protocol.bounded_http import (
    ACCEPT_ENCODING,
    AsyncBoundedTransport,
    BodyTooLarge,
    BodyUndecodable,
    BoundedTransport,
    aread_body,
    deadline_at,
    decoded_headers,
    read_body,
)
from .retry import RETRIES_EXTENSION, RetryMode, RetryPolicy, retry_mode

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AsyncBoundedTransport",
    "AsyncGatewayTransport",
    "BoundedTransport",
    "GatewayTransport",
    "Limits",
]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""32 MiB: a job body is about 3 KB; anything near this is not a job."""
DEFAULT_MAX_REDIRECTS = 20  # httpx's own default
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
_HOPS = "fireworks_gateway.redirects"  # request extension: redirects followed so far (httpx copies extensions)

_logger = logging.getLogger(__name__.split("._lib", 1)[0])


class Limits(typing.NamedTuple):
    """What bounds each request: the retry policy, the body size cap, how to wait between attempts, and how many
    redirects a followed chain may take."""

    policy: RetryPolicy = RetryPolicy()
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    max_redirects: int = DEFAULT_MAX_REDIRECTS


def _attempt_deadline(request: httpx.Request) -> float | None:
    """When the attempt must end: the largest of the request's timeouts from now (None: unbounded)."""
    timeouts = request.extensions.get("timeout") or {}
    values = timeouts.values()
    return None if not values or None in values else time.monotonic() + max(values)


def _supported_codings(value: str) -> str:
    """An Accept-Encoding value cut to the codings the bounded reader decodes (identity when none is left)."""
    kept = [part for part in value.split(",") if part.split(";")[0].strip().lower() in ("gzip", "deflate", "identity")]
    return ",".join(kept).strip() or "identity"


class _Base:
    def __init__(
        self, headers: Mapping[str, str], limits: Limits, origin: httpx.URL | None, redactor: Redactor | None
    ) -> None:
        self._headers = tuple(headers.items())
        # Credentials go only to the origin they were given for (a followed redirect elsewhere gets none).
        self._origin = None if origin is None else (origin.scheme, origin.host, origin.port)
        self._limits = limits
        self._retries = max(0, limits.policy.max_retries)
        self.redactor = redactor if redactor is not None else Redactor()

    def _prepare(self, request: httpx.Request) -> int:
        url = request.url
        if url.userinfo:
            # httpx has turned it into the Authorization header already; dropped from the URL, it is in no log
            # line (httpx logs each request's URL) and no error text.
            request.url = url = url.copy_with(username=None, password=None)
        if self._origin is None or (url.scheme, url.host, url.port) == self._origin:
            for name, value in self._headers:  # item by item: cheaper than Headers.update's copy
                request.headers[name] = value
        accept = request.headers.get("accept-encoding")
        if accept is not None and accept != ACCEPT_ENCODING:
            request.headers["accept-encoding"] = _supported_codings(accept)
        return 0 if retry_mode(request) is RetryMode.NEVER else self._retries

    def _finish(
        self, request: httpx.Request, response: httpx.Response, body: bytes, content_encoding: str | None
    ) -> httpx.Response:
        """The response with its decoded body in memory (httpx reads it from there), and the client's redactor."""
        if content_encoding is not None:
            response.headers = httpx.Headers(decoded_headers(response.headers, len(body)))
        response.stream = httpx.ByteStream(body)
        response.extensions[REDACTOR_EXTENSION] = self.redactor
        if response.has_redirect_location:
            # With follow_redirects, httpx sends the next hop with a copy of these extensions: count the hops, and
            # end a chain that outlasts max_redirects here, as a GatewayClientError.
            hops = request.extensions.get(_HOPS, 0)
            if hops >= self._limits.max_redirects:
                raise TooManyRedirectsError(
                    f"{request.method} {mask_url(request.url)}: still redirected after {hops} redirects "
                    f"(max_redirects={self._limits.max_redirects}; a redirect loop?)"
                )
            request.extensions[_HOPS] = hops + 1
        return response

    def _body_error(self, problem: BodyTooLarge | BodyUndecodable) -> ResponseTooLargeError | ResponseDecodingError:
        if isinstance(problem, BodyTooLarge):
            cap = self._limits.max_response_bytes
            return ResponseTooLargeError(f"response body exceeds max_response_bytes ({cap} bytes): {problem}")
        return ResponseDecodingError(f"response body cannot be decoded: {problem}")

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
                raise transport_failure(error, request, attempt + 1, self.redactor) from error
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
    """Wraps an httpx transport (a `BoundedTransport` unless given) with the client's behaviour."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        headers: Mapping[str, str],
        limits: Limits,
        origin: httpx.URL | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        super().__init__(headers, limits, origin, redactor)
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retries, attempt = self._prepare(request), 0
        while True:
            response: httpx.Response | None = None
            error: Exception | None = None
            try:
                with deadline_at(_attempt_deadline(request)):
                    response = self._read(self._inner.handle_request(request), request)
            except httpx.HTTPError as failure:
                error = failure
            delay = self._next_delay(request, attempt, retries, response, error)
            if delay is None:
                assert response is not None
                response.extensions[RETRIES_EXTENSION] = attempt  # a create resolves its own 409 after a retry
                return response
            attempt += 1
            self._limits.sleep(delay)

    def _read(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        stream = typing.cast(httpx.SyncByteStream, response.stream)
        coding = response.headers.get("content-encoding")
        try:
            body = read_body(stream, coding, self._limits.max_response_bytes)
        except (BodyTooLarge, BodyUndecodable) as problem:
            raise self._body_error(problem) from None
        finally:
            stream.close()
        return self._finish(request, response, body, coding)

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
        redactor: Redactor | None = None,
    ) -> None:
        super().__init__(headers, limits, origin, redactor)
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retries, attempt = self._prepare(request), 0
        while True:
            response: httpx.Response | None = None
            error: Exception | None = None
            try:
                with deadline_at(_attempt_deadline(request)):
                    response = await self._read(await self._inner.handle_async_request(request), request)
            except httpx.HTTPError as failure:
                error = failure
            delay = self._next_delay(request, attempt, retries, response, error)
            if delay is None:
                assert response is not None
                response.extensions[RETRIES_EXTENSION] = attempt  # a create resolves its own 409 after a retry
                return response
            attempt += 1
            await self._limits.async_sleep(delay)

    async def _read(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        stream = typing.cast(httpx.AsyncByteStream, response.stream)
        coding = response.headers.get("content-encoding")
        try:
            body = await aread_body(stream, coding, self._limits.max_response_bytes)
        except (BodyTooLarge, BodyUndecodable) as problem:
            raise self._body_error(problem) from None
        finally:
            await stream.aclose()
        return self._finish(request, response, body, coding)

    async def aclose(self) -> None:
        await self._inner.aclose()
