"""The mock's own control endpoints, under `/_mock/` (no path of the spec can start there), and a client for them.

They need the same bearer key as the API. JSON in, JSON out:

| request | effect | answer |
|---|---|---|
| `GET /_mock/clock` | - | `{"mode", "speed", "now", "pending"}` |
| `POST /_mock/clock` `{"mode": "manual"}` | virtual time stands still until advanced | the clock |
| `POST /_mock/clock` `{"mode": "instant"}` | every scheduled step has happened by the next request | the clock |
| `POST /_mock/clock` `{"mode": "realtime", "speed": 2}` | time runs at twice the wall clock's pace | the clock |
| `POST /_mock/clock` `{"advanceSeconds": 3.5}` | virtual time moves 3.5 s on; what fell due is applied | the clock |
| `POST /_mock/clock` `{"runAll": true}` | every scheduled step happens now, time moving to each | the clock |
| `POST /_mock/reset` | back to the seeded jobs, nothing scheduled | `{"jobs": N}` |

`mode`/`speed`, `advanceSeconds` and `runAll` may be combined in one request, applied in that order. In-process,
`MockGateway.clock` and `MockGateway.store` do the same (`ClockControl` wraps either).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from .clock import CLOCK_MODES

if TYPE_CHECKING:
    from .app import MockGateway

__all__ = ["ClockControl", "Control", "ControlError"]

_Response = tuple[dict[str, Any], dict[str, Any]]
_MAX_BODY = 4096


class ControlError(RuntimeError):
    """A control request the mock refused, or one that could not be sent."""


def _json(status: int, value: Any) -> _Response:
    body = json.dumps(value, separators=(",", ":")).encode()
    return (
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        },
        {"type": "http.response.body", "body": body},
    )


class Control:
    """The `/_mock/` endpoints of one MockGateway."""

    def __init__(self, app: MockGateway) -> None:
        self._app = app

    def clock_state(self) -> dict[str, Any]:
        state = self._app.clock.state().to_json()
        state["pending"] = self._app.store.pending()
        return state

    async def answer(
        self, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[MutableMapping[str, Any]]], path: str
    ) -> _Response:
        app = self._app
        if not app.authorized(scope):
            return app.error("UNAUTHENTICATED", "missing or invalid bearer token")
        method = scope["method"]
        if path == "/_mock/clock" and method == "GET":
            app.store.catch_up()
            return _json(200, self.clock_state())
        if path not in ("/_mock/clock", "/_mock/reset"):
            return app.error("NOT_FOUND", "Not Found")
        if method != "POST":
            return app.error("INVALID_ARGUMENT", f"{path} takes POST")
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if len(raw) > _MAX_BODY:
                return app.error("INVALID_ARGUMENT", "control request body too large")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if path == "/_mock/reset":
            app.store.reset()
            return _json(200, {"jobs": sum(len(app.store.job_ids(p)) for p in app.store.collections())})
        try:
            request = json.loads(raw or b"{}")
            if not isinstance(request, dict):
                raise ValueError("not an object")
            self.apply(request)
        except (ValueError, TypeError) as exc:
            return app.error("INVALID_ARGUMENT", f"invalid clock request: {exc}")
        return _json(200, self.clock_state())

    def apply(self, request: dict[str, Any]) -> None:
        """A clock request (see the module's table); ValueError naming what is wrong."""
        unknown = set(request) - {"mode", "speed", "advanceSeconds", "runAll"}
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; known: mode, speed, advanceSeconds, runAll")
        clock, store = self._app.clock, self._app.store
        mode = request.get("mode")
        speed = request.get("speed")
        if speed is not None and (isinstance(speed, bool) or not isinstance(speed, int | float)):
            raise ValueError("speed must be a number")
        if mode is not None:
            if mode not in CLOCK_MODES:
                raise ValueError(f"mode must be one of {', '.join(CLOCK_MODES)}")
            store.catch_up()  # what was due under the old mode happens first
            clock.configure(mode, speed)
        elif speed is not None:
            clock.configure(clock.mode, speed)
        seconds = request.get("advanceSeconds")
        if seconds is not None:
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ValueError("advanceSeconds must be a number")
            clock.advance(float(seconds))
            store.catch_up()
        if request.get("runAll") is True:
            store.run_all()
        store.catch_up()


class ClockControl:
    """Drives a running mock's clock and store over HTTP (`/_mock/`), with the standard library only."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self._base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._api_key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                answer = json.loads(response.read(1 << 16) or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read(2048).decode("utf-8", "replace")
            raise ControlError(f"the mock refused {method} {path}: HTTP {exc.code} {detail}") from None
        except (OSError, ValueError) as exc:
            raise ControlError(f"cannot reach the mock's control endpoint {path}: {exc}") from None
        if not isinstance(answer, dict):
            raise ControlError(f"unexpected answer from {path}")
        return answer

    def state(self) -> dict[str, Any]:
        """`{"mode", "speed", "now", "pending"}`."""
        return self._send("GET", "/_mock/clock")

    def manual(self) -> dict[str, Any]:
        """Stop time: it moves only when advanced."""
        return self._send("POST", "/_mock/clock", {"mode": "manual"})

    def instant(self) -> dict[str, Any]:
        """Every scheduled step happens before the next request is answered."""
        return self._send("POST", "/_mock/clock", {"mode": "instant"})

    def realtime(self, speed: float = 1.0) -> dict[str, Any]:
        """Time follows the wall clock, `speed` times as fast (1.0: a job completes in about 10 s)."""
        return self._send("POST", "/_mock/clock", {"mode": "realtime", "speed": speed})

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move virtual time `seconds` on, applying what falls due (deterministic steps)."""
        return self._send("POST", "/_mock/clock", {"advanceSeconds": seconds})

    def run_all(self) -> dict[str, Any]:
        """Make every scheduled step happen now (jobs complete, cancels end, deletes finish)."""
        return self._send("POST", "/_mock/clock", {"runAll": True})

    def reset(self) -> int:
        """Back to the seeded jobs; returns how many jobs there are."""
        return int(self._send("POST", "/_mock/reset", {}).get("jobs", 0))
