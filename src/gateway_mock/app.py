"""The mock gateway as a raw ASGI app: precomputed bodies, a dictionary lookup per fixture request.

Order of checks, as the real gateway's router and interceptors apply them: unknown path -> 404; another method
on the job path -> 405 (`Allow: GET`, code 12); missing or wrong bearer -> 401 (code 16); unknown account or job
-> 404 (code 5); bad readMask -> 400 (code 3). HTTP statuses come from the spec's Code -> HTTP mapping.
"""

from __future__ import annotations

import asyncio
import copy
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

from spec_tools.spec import Spec

from .constants import JOB_COLLECTION, MOCK_ACCOUNT, job_name
from .faults import ErrorStyle, Fault, build_faults, fault_jobs
from .fixtures import build_fixtures, with_extra_jobs
from .marshal import DEFAULT_PROFILE, Marshaler, Profile
from .read_mask import ReadMask, ReadMaskError
from .rpc_status import StatusCodes, status_body
from .scenarios import Outcome, Scenarios

__all__ = ["MockGateway"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
_Response = tuple[dict[str, Any], dict[str, Any]]
_Headers = tuple[tuple[bytes, bytes], ...]

_NEEDED_CODES = ("INVALID_ARGUMENT", "NOT_FOUND", "RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE")
_METHOD_NOT_ALLOWED = 405  # grpc-gateway answers a wrong method with 405 and code 12, outside the code mapping
_BAD_GATEWAY_HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
_SCENARIO_BASE = "sft-running"
_CACHE_LIMIT = 4096


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _response(status: int, body: bytes, content_type: bytes, extra: _Headers = ()) -> _Response:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


def _segment(raw: bytes) -> str:
    return unquote_to_bytes(raw).decode("utf-8", "replace")


@dataclass(frozen=True)
class _Behaviour:
    """What the server does right, or (under a fault) wrong: for the whole mock, or for one fault job."""

    check_auth: bool = True
    honour_mask: bool = True
    error_style: ErrorStyle = "status"
    json_type: bytes = b"application/json"

    @classmethod
    def of(cls, fault: Fault | None) -> _Behaviour:
        if fault is None:
            return cls()
        return cls(fault.check_auth, fault.honour_read_mask, fault.error_style, fault.json_content_type.encode())


class MockGateway:
    """ASGI app serving the fixture jobs of a spec, optionally with one fault injected.

    `fault` breaks the whole mock; `all_faults` keeps the fixtures faithful and adds one job per applicable
    fault (`fault-<name>`), whose answers, and only theirs, break that fault's rule.
    """

    def __init__(
        self,
        spec: Spec,
        *,
        api_key: str,
        fault: Fault | None = None,
        all_faults: bool = False,
        account: str = MOCK_ACCOUNT,
        extra_jobs: int = 0,
        marshal: Profile = DEFAULT_PROFILE,
    ) -> None:
        self.account = account
        self.fault = fault
        self._marshal = Marshaler(spec, marshal)
        self._fixtures = with_extra_jobs(build_fixtures(spec), extra_jobs)
        # Clean bodies (set fields only); what goes on the wire is marshaled, then the job's fault edits it.
        self._jobs = dict(self._fixtures)
        self._behaviour = _Behaviour.of(fault)
        self._job_behaviour: dict[str, _Behaviour] = {}
        self._job_fault: dict[str, Fault | None] = {}
        if all_faults:
            rename = lambda i: job_name(i, account)  # noqa: E731
            for job_id, served in fault_jobs(self._fixtures, rename, self._marshal.full, build_faults(spec)).items():
                self._jobs[job_id] = served.body
                self._job_behaviour[job_id] = _Behaviour.of(served.fault)
                self._job_fault[job_id] = served.fault
        self.job_ids = tuple(self._jobs)
        self._codes = StatusCodes.from_spec(spec, _NEEDED_CODES)
        self._mask = ReadMask(spec)
        self._scenarios = Scenarios()
        self._token = api_key.encode()
        prefix = f"/v1/accounts/{quote(account, safe='')}/{JOB_COLLECTION}/"
        self._fast_paths = {(prefix + quote(job_id, safe="")).encode(): job_id for job_id in self._jobs}
        self._full = {
            job_id: self._ok(self._wire(job_id, job, None), self._behaviour_of(job_id))
            for job_id, job in self._jobs.items()
        }
        self._masked: dict[tuple[str, str], _Response] = {}
        self._scenario_jobs: dict[str, dict[str, Any]] = {}
        self._no_route = self._error("NOT_FOUND", "Not Found")
        self._not_allowed = self._error(
            "UNIMPLEMENTED", "Method Not Allowed", status=_METHOD_NOT_ALLOWED, extra=((b"allow", b"GET"),)
        )

    def _wire(self, job_id: str, job: dict[str, Any], paths: tuple[str, ...] | None) -> dict[str, Any]:
        """The body as sent: marshaled by the profile, edited by the job's fault if any, then cut to the mask."""
        body = self._marshal.full(job)
        fault = self._job_fault.get(job_id, self.fault)
        if fault is not None and fault.patch is not None:
            body = copy.deepcopy(body)
            fault.patch(body)
        return self._marshal.masked(body, paths)

    def _behaviour_of(self, job_id: str | None) -> _Behaviour:
        return self._job_behaviour.get(job_id, self._behaviour) if job_id is not None else self._behaviour

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        # The hot path: a fixture job, no query string, the right key.
        job_id = self._fast_paths.get(scope.get("raw_path") or b"")
        if (
            job_id is not None
            and scope["method"] == "GET"
            and not scope["query_string"]
            and self._authorized(scope, self._behaviour_of(job_id))
        ):
            start, body = self._full[job_id]
            await send(start)
            await send(body)
            return
        start, body = await self._respond(scope)
        await send(start)
        await send(body)

    def _authorized(self, scope: Scope, behaviour: _Behaviour) -> bool:
        if not behaviour.check_auth:
            return True
        header: bytes
        for name, header in scope["headers"]:
            if name == b"authorization":
                # Constant-time: how long a refusal takes must not tell how much of a guessed key was right.
                scheme, _, token = header.partition(b" ")
                # The auth scheme is case-insensitive (RFC 9110); the token is not.
                return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), self._token)
        return False

    async def _respond(self, scope: Scope) -> _Response:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        segments = raw_path.split(b"/")
        if (
            len(segments) != 6
            or segments[:3] != [b"", b"v1", b"accounts"]
            or segments[4] != JOB_COLLECTION.encode()
            or not segments[3]
            or not segments[5]
        ):
            return self._no_route
        if scope["method"] != "GET":
            return self._not_allowed
        account, job_id = _segment(segments[3]), _segment(segments[5])
        behaviour = self._behaviour_of(job_id if account == self.account else None)
        if not self._authorized(scope, behaviour):
            return self._error("UNAUTHENTICATED", "missing or invalid bearer token", behaviour=behaviour)
        if account != self.account:
            return self._error("NOT_FOUND", f'account "{account}" not found')
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        mask = ",".join(value for key, value in query if key in ("readMask", "read_mask"))
        if job_id in self._jobs:
            return self._job(job_id, self._jobs[job_id], mask, behaviour)
        outcome = self._scenarios.resolve(job_id, next((v for k, v in query if k == "delayMs"), None))
        if outcome is None:
            return self._error("NOT_FOUND", f'supervised fine-tuning job "{job_name(job_id, account)}" not found')
        return await self._scenario(job_id, outcome, mask)

    async def _scenario(self, job_id: str, outcome: Outcome, mask: str) -> _Response:
        if outcome.kind == "rate-limited":
            return self._error(
                "RESOURCE_EXHAUSTED", "rate limit exceeded, retry later", extra=((b"retry-after", b"1"),)
            )
        if outcome.kind == "unavailable":
            return self._error("UNAVAILABLE", "the service is currently unavailable")
        if outcome.kind == "bad-gateway":
            return _response(502, _BAD_GATEWAY_HTML, b"text/html")
        if outcome.kind == "invalid":
            return self._error("INVALID_ARGUMENT", outcome.message)
        if outcome.delay:
            await asyncio.sleep(outcome.delay)
        return self._job(job_id, self._scenario_job(job_id), mask, self._behaviour)

    def _scenario_job(self, job_id: str) -> dict[str, Any]:
        job = self._scenario_jobs.get(job_id)
        if job is None:
            base = self._fixtures.get(_SCENARIO_BASE) or next(iter(self._fixtures.values()))
            # The fault applies after the rename (in _wire), so that name-mismatch still shows on scenario jobs.
            job = {**base, "name": job_name(job_id, self.account)}
            if len(self._scenario_jobs) < _CACHE_LIMIT:
                self._scenario_jobs[job_id] = job
        return job

    def _job(self, job_id: str, job: dict[str, Any], mask: str, behaviour: _Behaviour) -> _Response:
        if not mask or not behaviour.honour_mask:
            return self._full.get(job_id) or self._ok(self._wire(job_id, job, None), behaviour)
        cached = self._masked.get((job_id, mask))
        if cached is not None:
            return cached
        try:
            paths = self._mask.parse(mask)
        except ReadMaskError as exc:
            return self._error("INVALID_ARGUMENT", str(exc), behaviour=behaviour)
        response = self._ok(self._wire(job_id, job, paths), behaviour)
        if len(self._masked) < _CACHE_LIMIT:
            self._masked[(job_id, mask)] = response
        return response

    def _ok(self, job: dict[str, Any], behaviour: _Behaviour) -> _Response:
        return _response(200, _dumps(job), behaviour.json_type)

    def _error(
        self,
        code_name: str,
        message: str,
        *,
        status: int | None = None,
        extra: _Headers = (),
        behaviour: _Behaviour | None = None,
    ) -> _Response:
        behaviour = behaviour or self._behaviour
        code = self._codes.number(code_name)
        http_status = status or self._codes.status(code_name)
        if behaviour.error_style == "not-status":
            body = _dumps({"error": message})
        else:
            if behaviour.error_style == "code-mismatch":
                # A code whose documented HTTP mapping is not the status sent: 3 (400) on a 404, 5 (404) on a 400.
                code = self._codes.number("NOT_FOUND" if http_status == 400 else "INVALID_ARGUMENT")
            body = status_body(code, message)
        return _response(http_status, body, behaviour.json_type, extra)
