"""The mock gateway as a raw ASGI app: a route table from the spec, a store of jobs, a handler per AIP method kind.

Order of checks, as the real gateway's router and interceptors apply them: unknown path -> 404; a known path with
another method -> 405 (`Allow`: the path's methods, code 12); missing or wrong bearer -> 401 (code 16); unknown
account -> 404 (code 5); then the handler of the operation's kind (get, list, create, delete, or a custom verb).
HTTP statuses come from the spec's Code -> HTTP mapping. Every answer, errors included, is written by the
marshal profile. The mock's own control endpoints (clock, reset) live under `/_mock/` (`gateway_mock.control`),
outside any path the spec can have.
"""

from __future__ import annotations

import asyncio
import copy
import hmac
import json
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from gateway_protocol.job_states import TERMINAL_STATES
from gateway_protocol.operations import Operation
from gateway_protocol.proto_json import snake_case
from gateway_protocol.spec_view import Spec

from . import lifecycle as lc
from .clock import Clock
from .constants import MOCK_ACCOUNT
from .control import Control
from .faults import LIFECYCLE_FAULTS, ErrorStyle, Fault, build_faults, fault_account, fault_jobs
from .filtering import Filter, FilterError, Ordering, Querying
from .fixtures import build_fixtures, with_extra_jobs
from .fixtures import seed_jobs as make_seed_jobs
from .job_model import InputError, JobModel
from .marshal import DEFAULT_PROFILE, Marshaler, Profile
from .page_tokens import PageTokenError, PageTokens
from .read_mask import ReadMask, ReadMaskError
from .routes import CONTROL_PREFIX, Resolved, RouteTable
from .rpc_status import StatusCodes
from .scenarios import Outcome, Scenarios
from .store import JobRecord, JobStore, StoreError
from .variants import LIFECYCLE_VARIANTS, expand_names, name_collections, variant_account

__all__ = ["MAX_BODY_BYTES", "MockGateway"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
_Response = tuple[dict[str, Any], dict[str, Any]]
_Headers = tuple[tuple[bytes, bytes], ...]
_Parent = tuple[str, ...]

_NEEDED_CODES = (
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "FAILED_PRECONDITION",
    "RESOURCE_EXHAUSTED",
    "UNAUTHENTICATED",
    "UNAVAILABLE",
    "UNIMPLEMENTED",
)
_METHOD_NOT_ALLOWED = 405  # grpc-gateway answers a wrong method with 405 and code 12, outside the code mapping
_BAD_GATEWAY_HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
_SCENARIO_BASE = "sft-running"
_CACHE_LIMIT = 4096
MAX_BODY_BYTES = 1024 * 1024  # a job is about 3 KB
_NS = 1_000_000_000
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
# AIP-132/158 defaults when the spec's pageSize description does not state them.
_DEFAULT_PAGE_SIZE, _MAX_PAGE_SIZE = 50, 200


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _response(status: int, body: bytes, content_type: bytes, extra: _Headers = ()) -> _Response:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


class _BodyTooLarge(Exception):
    pass


class _Refusal(Exception):
    """An error answer raised from deep in a handler: google.rpc code name and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


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


@dataclass(frozen=True)
class _Call:
    """One API request, routed: what every handler reads."""

    operation: Operation
    parent: _Parent
    job_id: str | None
    query: list[tuple[str, str]]
    body: bytes | None
    behaviour: _Behaviour
    faults: frozenset[str]  # lifecycle faults active here

    def param(self, name: str) -> str | None:
        """A query parameter by its JSON name or its proto name (grpc-gateway takes both); the last one wins."""
        snake = snake_case(name)
        found = None
        for key, value in self.query:
            if key in (name, snake):
                found = value
        return found

    def params(self, name: str) -> list[str]:
        snake = snake_case(name)
        return [value for key, value in self.query if key in (name, snake)]


@dataclass(frozen=True)
class _ListShape:
    """The list answer's fields, from the list operation's answer schema."""

    items: str
    token: str | None
    total: str | None
    others: tuple[tuple[str, dict[str, Any]], ...]
    default_size: int
    max_size: int


class MockGateway:
    """ASGI app serving the jobs of a spec: seeded fixtures, jobs created through the API, a clock they walk on.

    `fault` breaks the whole mock; `all_faults` keeps the fixtures faithful and adds one job per applicable
    response fault (`fault-<name>` in the account) and one account per lifecycle fault (`fault-<name>`, seeded
    with the fixtures), whose answers, and only theirs, break that fault's rule. `seed_jobs` adds that many jobs
    to the account (`seed-0000001`...), for scale runs; `clock` is the clock jobs walk on (realtime by default).
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
        clock: Clock | None = None,
        seed_jobs: int = 0,
    ) -> None:
        self.account = account
        self.fault = fault
        self.model = JobModel(spec)
        self.querying = Querying(self.model)
        self.clock = clock or Clock()
        self.store = JobStore(self.model, self.querying, self.clock)
        self.routes = RouteTable(spec.operations)
        self._spec = spec
        self._marshal = Marshaler(spec, marshal)
        self._tokens = PageTokens()
        self._fixtures = with_extra_jobs(build_fixtures(spec), extra_jobs)
        parent: _Parent = (account,)
        name_in = self.model.name
        jobs = dict(self._fixtures)
        self._behaviour = _Behaviour.of(fault)
        self._job_behaviour: dict[tuple[_Parent, str], _Behaviour] = {}
        self._job_fault: dict[tuple[_Parent, str], Fault | None] = {}
        self._global_faults = frozenset({fault.name} if fault is not None and fault.lifecycle else ())
        self._account_faults: dict[_Parent, frozenset[str]] = {}
        if all_faults:
            rename = lambda i: name_in(parent, i)  # noqa: E731
            for job_id, served in fault_jobs(self._fixtures, rename, self._marshal.full, build_faults(spec)).items():
                jobs[job_id] = served.body
                self._job_behaviour[(parent, job_id)] = _Behaviour.of(served.fault)
                self._job_fault[(parent, job_id)] = served.fault
        jobs.update(make_seed_jobs(self._fixtures, seed_jobs, lambda i: name_in(parent, i)))
        self.store.seed(parent, jobs)
        if all_faults:
            # Each lifecycle fault, and each correct variant (`gateway_mock.variants`), in an account of its own.
            accounts = {fault_account(name): name for name in LIFECYCLE_FAULTS}
            accounts |= {variant_account(name): variant_account(name) for name in LIFECYCLE_VARIANTS}
            for account_id, name in accounts.items():
                fault_parent = (account_id,)
                self.store.seed(
                    fault_parent,
                    {i: {**body, "name": name_in(fault_parent, i)} for i, body in self._fixtures.items()},
                )
                self._account_faults[fault_parent] = frozenset({name})
        writable = tuple(n for n in self.model.properties if n not in self.model.output_only)
        self._name_collections = name_collections(self._fixtures, writable)
        self.job_ids = self.store.job_ids(parent)
        self._codes = StatusCodes.from_spec(spec, _NEEDED_CODES)
        self._mask = ReadMask(spec)
        self._scenarios = Scenarios()
        self._token = api_key.encode()
        self._masked: dict[tuple[_Parent, str, int, str], _Response] = {}
        self._scenario_jobs: dict[str, dict[str, Any]] = {}
        self._list_shape = self._shape_of_list()
        self._create_id = self._create_id_parameter()
        self._handlers: dict[str, Callable[[_Call], Awaitable[_Response]]] = {
            "get": self._get,
            "list": self._list,
            "create": self._create,
            "delete": self._delete,
            "custom": self._custom,
        }
        # The spec does not say what a custom method does: each verb's behaviour is the mock's (lifecycle.py).
        self._verbs: dict[str, Callable[[_Call], JobRecord | dict[str, Any] | None]] = {
            "cancel": self._cancel,
            "resume": self._resume,
            "estimateCost": self._estimate_cost,
        }
        self._no_route = self._error("NOT_FOUND", "Not Found")
        self.control = Control(self)

    # --- what the spec says -------------------------------------------------------------------------------

    def _shape_of_list(self) -> _ListShape | None:
        operations = self._spec.operations.of_kind("list")
        if not operations:
            return None
        operation = operations[0]
        schema = self._spec.resolve(operation.response_schema or {})
        properties = {name: self._spec.resolve(node) for name, node in schema.get("properties", {}).items()}
        job_key = self._spec.job_schema_name()
        items = next(
            (
                name
                for name, node in schema.get("properties", {}).items()
                if self._spec.schema_name(self._spec.resolve(node).get("items", {})) == job_key
            ),
            None,
        )
        if items is None:
            raise LookupError(f"{operation.operation_id}: the answer has no list of jobs")
        # AIP-158's field names; kept only when the spec's answer has them.
        token = "nextPageToken" if "nextPageToken" in properties else None
        total = "totalSize" if "totalSize" in properties else None
        others = tuple((n, s) for n, s in properties.items() if n not in (items, token, total))
        size = operation.parameter("pageSize")
        text = size.description if size is not None else ""
        default = re.search(r"default is (\d+)", text)
        maximum = re.search(r"maximum page_?size is (\d+)", text, re.IGNORECASE)
        return _ListShape(
            items,
            token,
            total,
            others,
            int(default.group(1)) if default else _DEFAULT_PAGE_SIZE,
            int(maximum.group(1)) if maximum else _MAX_PAGE_SIZE,
        )

    def _create_id_parameter(self) -> str | None:
        """The create's id parameter: the job path's id variable in camelCase (AIP-133 `{resource}_id`)."""
        operations = self._spec.operations.of_kind("create")
        if not operations:
            return None
        wanted = self.model.id_variable
        for parameter in operations[0].query_parameters:
            if snake_case(parameter.name) == wanted or parameter.name == wanted:
                return parameter.name
        return None

    # --- ASGI ---------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("latin-1")
        if path.startswith(CONTROL_PREFIX):
            start, body = await self.control.answer(scope, receive, path)
        else:
            start, body = await self._respond(scope, receive, path)
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

    async def _respond(self, scope: Scope, receive: Receive, path: str) -> _Response:
        resolved: Resolved | None = self.routes.resolve(scope["method"], path)
        if resolved is None:
            return self._no_route
        if resolved.route is None:
            allow = ", ".join(resolved.allow).encode()
            return self._error(
                "UNIMPLEMENTED", "Method Not Allowed", status=_METHOD_NOT_ALLOWED, extra=((b"allow", allow),)
            )
        operation = resolved.route.operation
        parent = self.model.parent_of(resolved.values)
        job_id = resolved.values.get(self.model.id_variable)
        behaviour = self._behaviour_of(parent, job_id)
        if not self._authorized(scope, behaviour):
            return self._error("UNAUTHENTICATED", "missing or invalid bearer token", behaviour=behaviour)
        if not self.store.has_collection(parent):
            return self._error("NOT_FOUND", f'account "{"/".join(parent)}" not found', behaviour=behaviour)
        body: bytes | None = None
        if operation.method in _WITH_BODY:
            try:
                body = await _read_body(receive)
            except _BodyTooLarge:
                return self._error("INVALID_ARGUMENT", f"the request body is larger than {MAX_BODY_BYTES} bytes")
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        faults = self._global_faults | self._account_faults.get(parent, frozenset())
        call = _Call(operation, parent, job_id, query, body, behaviour, faults)
        self.store.catch_up()
        try:
            return await self._handlers.get(operation.kind, self._unimplemented)(call)
        except (StoreError, _Refusal) as exc:
            return self._error(exc.code, exc.message, behaviour=behaviour)

    def _behaviour_of(self, parent: _Parent, job_id: str | None) -> _Behaviour:
        if job_id is None:
            return self._behaviour
        return self._job_behaviour.get((parent, job_id), self._behaviour)

    async def _unimplemented(self, call: _Call) -> _Response:
        return self._error("UNIMPLEMENTED", f"the mock has no behaviour for {call.operation.operation_id}")

    # --- get ----------------------------------------------------------------------------------------------

    async def _get(self, call: _Call) -> _Response:
        assert call.job_id is not None
        mask = ",".join(call.params("readMask"))
        record = self.store.get(call.parent, call.job_id)
        if record is not None:
            return self._job(call.parent, record, mask, call.behaviour)
        if call.parent == (self.account,):
            outcome = self._scenarios.resolve(call.job_id, call.param("delayMs"))
            if outcome is not None:
                return await self._scenario(call.job_id, outcome, mask)
        return self._not_found(call.parent, call.job_id)

    def _not_found(self, parent: _Parent, job_id: str) -> _Response:
        return self._error(
            "NOT_FOUND", f'supervised fine-tuning job "{self.model.quoted_name(parent, job_id)}" not found'
        )

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
        return self._scenario_answer(job_id, mask)

    def _scenario_answer(self, job_id: str, mask: str) -> _Response:
        job = self._scenario_jobs.get(job_id)
        if job is None:
            base = self._fixtures.get(_SCENARIO_BASE) or next(iter(self._fixtures.values()))
            # The fault applies after the rename (in _wire), so that name-mismatch still shows on scenario jobs.
            job = {**base, "name": self.model.name((self.account,), job_id)}
            if len(self._scenario_jobs) < _CACHE_LIMIT:
                self._scenario_jobs[job_id] = job
        record = JobRecord(job_id, job["name"], job, ())
        if mask and self._behaviour.honour_mask:
            try:
                paths = self._mask.parse(mask)
            except ReadMaskError as exc:
                return self._error("INVALID_ARGUMENT", str(exc))
        else:
            paths = None
        return self._ok(self._wire((self.account,), record, paths), self._behaviour)

    # --- job answers --------------------------------------------------------------------------------------

    def _wire(
        self, parent: _Parent, record: JobRecord, paths: tuple[str, ...] | None, listed: bool = False
    ) -> dict[str, Any]:
        """The body as sent: marshaled by the profile, edited by the job's fault if any, then cut to the mask."""
        body = self._marshal.full(record.body)
        fault = self._job_fault.get((parent, record.job_id), self.fault)
        if fault is not None and fault.patch is not None:
            body = copy.deepcopy(body)
            fault.patch(body)
        if listed:
            body = self._listed_differently(body)
        return self._marshal.masked(body, paths)

    def _listed_differently(self, body: dict[str, Any]) -> dict[str, Any]:
        """The list-differs-from-get fault: the first writable plain string field changes in List only."""
        for name, schema in self.model.properties.items():
            if (
                name not in self.model.output_only
                and name not in self.model.required
                and schema.get("type") == "string"
                and "format" not in schema
                and "enum" not in schema
                and name in body
            ):
                return {**body, name: f"{body[name] or ''} (listed)"}
        return body

    def _full_body(self, parent: _Parent, record: JobRecord, behaviour: _Behaviour) -> tuple[bytes, _Response]:
        cache = record.cache
        if cache is not None and cache[0] == record.version:
            return cache[1], cache[2]
        payload = _dumps(self._wire(parent, record, None))
        response = _response(200, payload, behaviour.json_type)
        record.cache = (record.version, payload, response)
        return payload, response

    def _job(self, parent: _Parent, record: JobRecord, mask: str, behaviour: _Behaviour) -> _Response:
        if not mask or not behaviour.honour_mask:
            return self._full_body(parent, record, behaviour)[1]
        key = (parent, record.job_id, record.version, mask)
        cached = self._masked.get(key)
        if cached is not None:
            return cached
        try:
            paths = self._mask.parse(mask)
        except ReadMaskError as exc:
            return self._error("INVALID_ARGUMENT", str(exc), behaviour=behaviour)
        response = self._ok(self._wire(parent, record, paths), behaviour)
        if len(self._masked) >= _CACHE_LIMIT:
            self._masked.clear()
        self._masked[key] = response
        return response

    def _ok(self, job: dict[str, Any], behaviour: _Behaviour) -> _Response:
        return _response(200, _dumps(job), behaviour.json_type)

    def _answer(self, call: _Call, result: JobRecord | dict[str, Any] | None) -> _Response:
        """An operation's 200 answer, shaped by its answer schema: `{}`, the job, or another message."""
        operation = call.operation
        if operation.empty_response or result is None:
            return _response(200, b"{}", call.behaviour.json_type)
        if isinstance(result, JobRecord):
            return self._full_body(call.parent, result, call.behaviour)[1]
        schema = self._spec.resolve(operation.response_schema or {})
        return self._ok(self._marshal.message(result, schema), call.behaviour)

    # --- list ---------------------------------------------------------------------------------------------

    async def _list(self, call: _Call) -> _Response:
        shape = self._list_shape
        assert shape is not None
        size = self._page_size(call.param("pageSize"), shape)
        filter_text = call.param("filter") or ""
        order_text = call.param("orderBy") or ""
        mask = ",".join(call.params("readMask"))
        try:
            matcher = self.querying.compile_filter(filter_text)
            ordering = self.querying.compile_order(order_text)
        except FilterError as exc:
            raise _Refusal("INVALID_ARGUMENT", str(exc)) from None
        paths: tuple[str, ...] | None = None
        if mask and call.behaviour.honour_mask:
            try:
                paths = self._mask.parse(mask)
            except ReadMaskError as exc:
                raise _Refusal("INVALID_ARGUMENT", str(exc)) from None
        token = call.param("pageToken") or ""
        after = None
        if token:
            try:
                after = self._tokens.read(token, call.parent, matcher.text, ordering.text)
            except PageTokenError as exc:
                if "variant-unbound-page-tokens" not in call.faults:
                    raise _Refusal("INVALID_ARGUMENT", str(exc)) from None
                after = None  # a token not bound to its query: the first page
        faults = call.faults
        if "list-page-size-ignored" in faults:
            size = shape.default_size
        if "list-filter-ignored" in faults:
            matcher = Filter("", lambda fields: True, matcher.states_named)
        if "list-order-ignored" in faults:
            ordering = Ordering("", ())
        page = self.store.list_page(call.parent, size, matcher, ordering, after)
        next_token = ""
        binding = (call.parent, filter_text, self.querying.compile_order(order_text).text)
        if page.more and page.last_key is not None:
            resume = page.last_key
            if "list-repeats-jobs" in faults:
                resume = page.before_last_key if page.before_last_key is not None else ()
            next_token = self._tokens.issue(*binding, resume)
        elif "list-token-loops" in faults:
            next_token = token or self._tokens.issue(*binding, ())
        listed = "list-differs-from-get" in faults
        items = [self._list_item(call, record, paths, listed) for record in page.records]
        return _response(200, self._envelope(shape, items, next_token, page.total), call.behaviour.json_type)

    def _page_size(self, raw: str | None, shape: _ListShape) -> int:
        if raw is None or raw == "":
            return shape.default_size
        try:
            size = int(raw)
        except ValueError:
            raise _Refusal("INVALID_ARGUMENT", f"invalid pageSize {raw[:20]!r}: not an integer") from None
        if size < 0:
            raise _Refusal("INVALID_ARGUMENT", f"invalid pageSize {size}: must not be negative")
        if size > 2**31 - 1:
            raise _Refusal("INVALID_ARGUMENT", f"invalid pageSize {raw[:20]!r}: out of range for int32")
        return shape.default_size if size == 0 else min(size, shape.max_size)

    def _list_item(self, call: _Call, record: JobRecord, paths: tuple[str, ...] | None, listed: bool) -> bytes:
        behaviour = self._behaviour_of(call.parent, record.job_id)
        if listed:
            return _dumps(self._wire(call.parent, record, paths if behaviour.honour_mask else None, listed=True))
        if paths is None or not behaviour.honour_mask:
            return self._full_body(call.parent, record, behaviour)[0]
        response = self._job(call.parent, record, ",".join(paths), behaviour)
        body: bytes = response[1]["body"]
        return body

    def _envelope(self, shape: _ListShape, items: list[bytes], token: str, total: int) -> bytes:
        """The list answer, written by the profile: emit-unpopulated writes every field (an empty token as ""),
        omit-unpopulated leaves out the empty ones."""
        emit = self._marshal.profile == "emit-unpopulated"
        parts = [b'"' + shape.items.encode() + b'":[' + b",".join(items) + b"]"] if items or emit else []
        if shape.token is not None and (token or emit):
            parts.append(_dumps(shape.token) + b":" + _dumps(token))
        if shape.total is not None and (total or emit):
            parts.append(_dumps(shape.total) + b":" + _dumps(total))
        if emit:
            parts += [_dumps(name) + b":" + _dumps(self._marshal.zero(schema)) for name, schema in shape.others]
        return b"{" + b",".join(parts) + b"}"

    # --- create -------------------------------------------------------------------------------------------

    def _job_from_body(self, call: _Call, *, relax_required: bool = False) -> dict[str, Any]:
        try:
            document = json.loads(call.body or b"{}") if (call.body or b"").strip() else {}
        except (ValueError, RecursionError):
            raise _Refusal("INVALID_ARGUMENT", "the request body is not valid JSON") from None
        try:
            job = self.model.job_input(document)
        except InputError as exc:
            raise _Refusal("INVALID_ARGUMENT", str(exc)) from None
        missing = self.model.missing(job)
        if missing and not relax_required:
            raise _Refusal("INVALID_ARGUMENT", f"missing required field: {', '.join(missing)}")
        for name in missing:
            job[name] = f"accounts/{'/'.join(call.parent)}/datasets/default"
        return job

    async def _create(self, call: _Call) -> _Response:
        job_id = call.param(self._create_id) if self._create_id else None
        if job_id == "":
            job_id = None  # proto3: an empty string is unset
        if job_id is not None and lc.ID_PATTERN.fullmatch(job_id) is None:
            raise _Refusal(
                "INVALID_ARGUMENT",
                f"invalid {self._create_id} {job_id[:70]!r}: want 1-63 lower-case letters, digits and hyphens, "
                "starting with a letter and not ending with a hyphen (AIP-122)",
            )
        faults = call.faults
        job = self._job_from_body(call, relax_required="create-without-dataset" in faults)
        keep: dict[str, Any] = {}
        if "variant-full-resource-names" in faults:
            job = expand_names(job, "/".join(call.parent), self._name_collections)
        if "variant-first-state-pending" in faults and lc.RESUME_STATE in self.model.states:
            keep["state"] = lc.RESUME_STATE  # not the walk's first state: the job waits there until cancelled
        if "create-keeps-output-only" in faults:
            sent = self.model.output_only_sent(_loads_or_empty(call.body))
            if sent.get("state") in self.model.states:
                keep["state"] = sent["state"]
        if "create-ignores-id" in faults and (job_id is None or self.store.get(call.parent, job_id) is None):
            job_id = None  # a taken id is still refused: only the naming is broken
        record = self.store.create(
            call.parent, job_id, job, keep=keep, duplicate_ok="create-duplicate-accepted" in faults
        )
        return self._answer(call, record)

    # --- delete -------------------------------------------------------------------------------------------

    async def _delete(self, call: _Call) -> _Response:
        assert call.job_id is not None
        record = self.store.delete(call.parent, call.job_id, resurrect="delete-resurrects" in call.faults)
        if "variant-hard-delete" in call.faults:
            self.store.collection(call.parent).remove(record)
        return self._answer(call, record)

    # --- custom methods -----------------------------------------------------------------------------------

    async def _custom(self, call: _Call) -> _Response:
        verb = call.operation.verb or ""
        behaviour = self._verbs.get(verb)
        if behaviour is None:
            return self._error("UNIMPLEMENTED", f"the mock has no behaviour for :{verb[:40]}")
        return self._answer(call, behaviour(call))

    def _empty_body(self, call: _Call) -> None:
        """A custom method's request body (`{}` for cancel and resume): JSON or nothing."""
        if (call.body or b"").strip():
            try:
                json.loads(call.body or b"")
            except (ValueError, RecursionError):
                raise _Refusal("INVALID_ARGUMENT", "the request body is not valid JSON") from None

    def _cancel(self, call: _Call) -> JobRecord | None:
        assert call.job_id is not None
        self._empty_body(call)
        record = self.store.get(call.parent, call.job_id)
        terminal = record is not None and record.body.get("state") in TERMINAL_STATES
        if "variant-cancel-terminal-ok" in call.faults and terminal:
            return None  # 200 {} and nothing changes
        return self.store.cancel(call.parent, call.job_id, ignore="cancel-ignored" in call.faults)

    def _resume(self, call: _Call) -> JobRecord:
        assert call.job_id is not None
        self._empty_body(call)
        return self.store.resume(call.parent, call.job_id)

    def _estimate_cost(self, call: _Call) -> dict[str, Any]:
        job = self._job_from_body(call)
        nanos = lc.estimate_nanos(job)
        if "estimate-negative" in call.faults:
            nanos = -max(nanos, _NS)
        if "estimate-creates-job" in call.faults:
            self.store.create(call.parent, None, job)
        schema = self._spec.resolve(call.operation.response_schema or {})
        field = next(iter(schema.get("properties", {})), "estimatedCost")
        units, rest = divmod(abs(nanos), _NS)
        sign = -1 if nanos < 0 else 1
        return {field: {"currencyCode": "USD", "units": str(sign * units), "nanos": sign * rest}}

    # --- errors -------------------------------------------------------------------------------------------

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
            status_fields: dict[str, Any] = {"code": code, "message": message, "details": []}
            if self._marshal.profile == "omit-unpopulated":
                status_fields = {k: v for k, v in status_fields.items() if v not in ("", [])}
            body = _dumps(status_fields)
        return _response(http_status, body, behaviour.json_type, extra)

    def error(self, code_name: str, message: str) -> _Response:
        """An error answer of the mock's own (the control endpoints')."""
        return self._error(code_name, message)

    def authorized(self, scope: Scope) -> bool:
        return self._authorized(scope, _Behaviour())


def _loads_or_empty(body: bytes | None) -> Mapping[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)
