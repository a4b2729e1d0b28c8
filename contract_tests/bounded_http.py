"""HTTP the gateway under test cannot stall or flood: a total deadline per request, capped bodies, a run
budget, waits on 429/503 within a budget, and an optional request rate.

The network layer is `gateway_protocol.bounded_http`, the one the client reads with: the deadline covers
connect, headers and the whole body (every socket read and write gets at most the time left until it, so a body
trickling a byte a second ends there too), and the body cap counts decoded bytes as well as received ones.
Retry-After and the backoff are `gateway_protocol.rpc`'s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from gateway_protocol.bounded_http import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    BodyUndecodable,
    BoundedTransport,
    deadline_at,
    decoded_headers,
    read_body,
)
from gateway_protocol.rpc import backoff_delay, parse_retry_after

__all__ = ["BoundedSender", "Limits", "RunBudgetExceeded", "TransportProblem"]

_THROTTLED = (429, 503)
_RETRY_AFTER_MAX = 30.0  # a Retry-After beyond this is not honoured in full (the retry budget bounds the total)
_BACKOFF_FIRST, _BACKOFF_MAX = 0.5, 8.0


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


class BoundedSender:
    """Sends requests within the limits and returns fully read responses (or raises TransportProblem)."""

    def __init__(
        self,
        base_url: str,
        limits: Limits,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        started: float | None = None,
    ) -> None:
        """`sleep` and `clock` pace the requests (CONTRACT_MAX_RPS) and the retries; tests inject a clock that only
        their `sleep` moves. Deadlines and the run budget always read the real monotonic clock."""
        self.limits = limits
        self._sleep = sleep
        self._clock = clock
        self._run_deadline = (started if started is not None else time.monotonic()) + limits.run_budget
        self._retry_left = limits.retry_budget
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self.client = httpx.Client(
            base_url=base_url,
            transport=BoundedTransport(),
            timeout=httpx.Timeout(limits.request_deadline),
            headers={"Accept-Encoding": ACCEPT_ENCODING},
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
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is None:
                wait = backoff_delay(attempt, _BACKOFF_FIRST, _BACKOFF_MAX)
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
            now = self._clock()
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
        received, headers_done = 0, False
        try:
            with (
                deadline_at(deadline),
                self.client.stream(method, url, params=params, headers=headers, content=content) as response,
            ):
                headers_done = True

                def chunks() -> Iterator[bytes]:
                    nonlocal received
                    for chunk in response.iter_raw():
                        received += len(chunk)
                        yield chunk

                body = read_body(chunks(), response.headers.get("content-encoding"), self.limits.max_body_bytes)
                return httpx.Response(
                    response.status_code,
                    headers=decoded_headers(response.headers, len(body)),
                    content=body,
                    request=response.request,
                )
        except BodyTooLarge as problem:
            raise TransportProblem(f"{problem} (an endless or oversized answer)") from None
        except BodyUndecodable as problem:
            raise TransportProblem(str(problem)) from None
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
