"""An in-memory gateway for the client's facade tests: an httpx MockTransport handler, routed by the spec.

Requests are matched to the selected operations by their path templates (gateway_protocol), and each kind answers
as LIFECYCLE.md says; job bodies are built from the spec (every property, zero values where unset, as grpc-gateway
writes them). `script` holds one-shot answers (or exceptions to raise) that come before the normal behaviour, to
stage lost answers, throttling and loops.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from gateway_protocol.job_states import TERMINAL_STATES, UNSPECIFIED_STATE
from gateway_protocol.operations import Operation
from gateway_protocol.spec_view import json_type, schema_key_of
from spec_tools.spec import load_spec
from tests.client_spec_bodies import JOB_PROPERTIES, emit_unpopulated
from tests.helpers import job_name

__all__ = [
    "CREATE_ID",
    "ESTIMATE_FIELD",
    "FIRST_STATE",
    "ITEMS",
    "OPERATIONS",
    "RUNNING_STATES",
    "FakeGateway",
    "status_body",
]

SPEC = load_spec()
OPERATIONS: dict[str, Operation] = {op.method_name: op for op in SPEC.operations}
_STATES: list[str] = JOB_PROPERTIES["state"]["enum"]
# States a job passes through before it ends (the spec's, in its order), and the first of them.
RUNNING_STATES: list[str] = [s for s in _STATES if s not in TERMINAL_STATES and s != UNSPECIFIED_STATE]
FIRST_STATE = RUNNING_STATES[0]
# The create's id parameter (AIP-133), the list answer's array and the estimate answer's one field, from the spec.
CREATE_ID: str = next(p.name for p in OPERATIONS["create"].query_parameters if p.name.endswith("Id"))
ITEMS: str = next(
    name
    for name, prop in SPEC.schemas[OPERATIONS["list"].response_schema_key or ""]["properties"].items()
    if json_type(SPEC.resolve(prop)) == "array"
)
ESTIMATE_FIELD: str = next(iter(SPEC.schemas[OPERATIONS["estimate_cost"].response_schema_key or ""]["properties"]))
_MONEY_KEY = schema_key_of(
    SPEC.schemas[OPERATIONS["estimate_cost"].response_schema_key or ""]["properties"][ESTIMATE_FIELD]
)


def status_body(code: int, message: str) -> dict[str, Any]:
    """A google.rpc.Status error body."""
    return {"code": code, "message": message, "details": []}


def _money() -> dict[str, Any]:
    properties = SPEC.schemas[_MONEY_KEY or ""]["properties"]
    sample = {"string": "USD", "integer": 0}
    body = {name: sample.get(json_type(SPEC.resolve(prop)) or "", "") for name, prop in properties.items()}
    return body | {name: "12" for name, prop in properties.items() if SPEC.resolve(prop).get("format") == "int64"}


Script = Callable[[httpx.Request], httpx.Response | None]


class FakeGateway:
    """The handler of an httpx.MockTransport: jobs of one account, every request recorded."""

    def __init__(self, account: str = "acme", page_size: int = 50) -> None:
        self.account = account
        self.default_page_size = page_size
        self.jobs: dict[str, dict[str, Any]] = {}
        self.requests: list[httpx.Request] = []
        self.script: list[Script | BaseException] = []
        self.tokens: Callable[[int, int], str | None] = lambda start, end: str(end) if end < len(self.jobs) else None

    def seed(self, count: int, **values: Any) -> list[str]:
        ids = [f"job-{index:05d}" for index in range(count)]
        for job_id in ids:
            self.jobs[job_id] = self.job(job_id, **values)
        return ids

    def job(self, job_id: str, **values: Any) -> dict[str, Any]:
        values.setdefault("dataset", f"accounts/{self.account}/datasets/d")
        values.setdefault("state", FIRST_STATE)
        return emit_unpopulated(name=job_name(self.account, job_id), **values)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, BaseException):
                raise step
            answer = step(request)
            if answer is not None:
                return answer
        for name, operation in OPERATIONS.items():
            values = operation.path.match(request.url.raw_path.decode().partition("?")[0])
            if values is not None and operation.method == request.method:
                return getattr(self, f"_{name}")(request, values)
        return httpx.Response(404, json=status_body(5, "no route"))

    def _missing(self, job_id: str) -> httpx.Response:
        return httpx.Response(404, json=status_body(5, f"job {job_id} not found"))

    def _list(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        params = request.url.params
        size = int(params.get("pageSize") or self.default_page_size)
        token = params.get("pageToken") or "0"
        start = int(token) if token.isdigit() else 0
        names = sorted(self.jobs)[start : start + size]
        body: dict[str, Any] = {ITEMS: [self._masked(self.jobs[n], params) for n in names]}
        token = self.tokens(start, start + len(names))
        if token:
            body["nextPageToken"] = token
        body["totalSize"] = len(self.jobs)
        return httpx.Response(200, json=body)

    def _create(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        job_id = request.url.params[CREATE_ID]
        if job_id in self.jobs:
            return httpx.Response(409, json=status_body(6, f"job {job_id} already exists"))
        sent = json.loads(request.content)
        self.jobs[job_id] = self.job(job_id, **sent)
        return httpx.Response(200, json=self.jobs[job_id])

    def _get(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        job_id = values[OPERATIONS["get"].path.variables[-1]]
        if job_id not in self.jobs:
            return self._missing(job_id)
        return httpx.Response(200, json=self._masked(self.jobs[job_id], request.url.params))

    def _delete(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        job_id = values[OPERATIONS["delete"].path.variables[-1]]
        if self.jobs.pop(job_id, None) is None:
            return self._missing(job_id)
        return httpx.Response(200, json={})

    def _cancel(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        job_id = values[OPERATIONS["cancel"].path.variables[-1]]
        if job_id not in self.jobs:
            return self._missing(job_id)
        self.jobs[job_id]["state"] = next(s for s in _STATES if s in TERMINAL_STATES and "CANCEL" in s)
        return httpx.Response(200, json={})

    def _resume(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        job_id = values[OPERATIONS["resume"].path.variables[-1]]
        if job_id not in self.jobs:
            return self._missing(job_id)
        self.jobs[job_id]["state"] = FIRST_STATE
        return httpx.Response(200, json=self.jobs[job_id])

    def _estimate_cost(self, request: httpx.Request, values: dict[str, str]) -> httpx.Response:
        return httpx.Response(200, json={ESTIMATE_FIELD: _money()})

    @staticmethod
    def _masked(job: dict[str, Any], params: httpx.QueryParams) -> dict[str, Any]:
        mask = params.get("readMask")
        if not mask:
            return job
        names = {path.strip().partition(".")[0] for path in mask.split(",")}
        return {name: value for name, value in job.items() if name in names}
