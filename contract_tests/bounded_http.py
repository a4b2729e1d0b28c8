"""HTTP the gateway under test cannot stall or flood: a total deadline per request, capped bodies, a run
budget, waits on 429/503 within a budget, and an optional request rate.

The deadline covers connect, headers and the whole body: every socket read and write gets at most the time
left until it (httpx's own timeouts are per read, so a body trickling a byte a second would never end).
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

__all__ = ["BoundedSender", "Limits", "RunBudgetExceeded", "TransportProblem", "retry_after_seconds"]

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("contract_request_deadline", default=None)
_THROTTLED = (429, 503)
_RETRY_AFTER_MAX = 30.0  # a Retry-After beyond this is not honoured in full (the retry budget bounds the total)
_BACKOFF_FIRST, _BACKOFF_MAX = 0.5, 8.0
_CHUNK = 64 * 1024


class TransportProblem(Exception):
    """A request got no answer that can be checked; the message says what happened, in one sentence."""


class RunBudgetExceeded(Exception):
    """The run as a whole took longer than its budget."""


@dataclass(frozen=True)
class Limits:
    request_deadline: float
    max_body_bytes: int
    run_budget: float
    retry_budget: float
    max_rps: float | None
    retry_throttled: bool  # live runs wait on 429/503; the embedded mock never throttles its fixture jobs


def _left(timeout: float | None) -> float | None:
    """The socket timeout for one read or write: the caller's, cut to what is left of the request deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("request deadline reached")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    # httpx takes no network backend; its pool does. Same settings as httpx's default pool otherwise.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend()
    )
    return transport


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value or len(value) > 64:
        return None  # absent, or too long to be a delay or a date
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        moment = email.utils.parsedate_to_datetime(value)
        return max(0.0, moment.timestamp() - now())
    return None


class BoundedSender:
    """Sends requests within the limits and returns fully read responses (or raises TransportProblem)."""

    def __init__(
        self,
        base_url: str,
        limits: Limits,
        *,
        sleep: Callable[[float], None] = time.sleep,
        started: float | None = None,
    ) -> None:
        self.limits = limits
        self._sleep = sleep
        self._run_deadline = (started if started is not None else time.monotonic()) + limits.run_budget
        self._retry_left = limits.retry_budget
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self.client = httpx.Client(
            base_url=base_url,
            transport=_transport(),
            timeout=httpx.Timeout(limits.request_deadline),
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    def check_budget(self) -> None:
        if time.monotonic() >= self._run_deadline:
            raise RunBudgetExceeded(f"the run took longer than its budget of {self.limits.run_budget:g} s")

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """One request; a 429/503 is retried (Retry-After honoured up to a bound, backoff otherwise) while the
        retry budget lasts, and the last answer is returned for judging."""
        attempt = 0
        while True:
            response = self._once(method, url, params=params, headers=headers, content=content)
            if not self.limits.retry_throttled or response.status_code not in _THROTTLED:
                return response
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is None:
                wait = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2**attempt) * random.uniform(0.5, 1.0)
            wait = min(wait, _RETRY_AFTER_MAX)
            if wait > self._retry_left or time.monotonic() + wait >= self._run_deadline:
                return response  # throttling that outlasts the budget: the caller judges this answer
            self._retry_left -= wait
            attempt += 1
            self._sleep(wait)

    def _pace(self) -> None:
        """CONTRACT_MAX_RPS: requests start at least 1/rps apart, across threads."""
        if self.limits.max_rps is None:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_slot)
            self._next_slot = start + 1.0 / self.limits.max_rps
        if start > now:
            self._sleep(start - now)

    def _once(
        self, method: str, url: str, *, params: Any, headers: dict[str, str] | None, content: bytes | None
    ) -> httpx.Response:
        self.check_budget()
        self._pace()
        deadline = min(time.monotonic() + self.limits.request_deadline, self._run_deadline)
        token = _DEADLINE.set(deadline)
        received, headers_done = 0, False
        try:
            with self.client.stream(method, url, params=params, headers=headers, content=content) as response:
                headers_done = True
                chunks = []
                for chunk in response.iter_bytes(_CHUNK):
                    received += len(chunk)
                    if received > self.limits.max_body_bytes:
                        raise TransportProblem(
                            f"the body exceeded {_mib(self.limits.max_body_bytes)} "
                            "(an endless or oversized answer); reading stopped there"
                        )
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("request deadline reached")
                return httpx.Response(
                    response.status_code,
                    headers=_plain(response.headers),
                    content=b"".join(chunks),
                    request=response.request,
                )
        except httpx.TimeoutException:
            if deadline == self._run_deadline and time.monotonic() >= self._run_deadline:
                raise RunBudgetExceeded(
                    f"the run took longer than its budget of {self.limits.run_budget:g} s"
                ) from None
            where = (
                f"{received} bytes of the body had arrived (a trickling or stalled body)"
                if headers_done
                else "the response headers had not arrived"
            )
            raise TransportProblem(
                f"no complete answer within the {self.limits.request_deadline:g} s request deadline: {where}"
            ) from None
        except httpx.HTTPError as exc:
            raise TransportProblem(f"no answer ({type(exc).__name__}: {str(exc)[:160]})") from None
        finally:
            _DEADLINE.reset(token)


def _plain(headers: httpx.Headers) -> list[tuple[str, str]]:
    # The body is already decoded: the copy must not claim an encoding or a length it no longer has.
    return [(k, v) for k, v in headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB" if size >= 1024 * 1024 else f"{size} bytes"
