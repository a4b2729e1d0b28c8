"""The lifecycle rules and advisories of LIFECYCLE.md: one plain function each, over immutable observations.

A rule reads one observation (what the suite asked and saw across several requests: a list walk, a create, the
reads after a cancel) and the spec's facts (`operation_facts.ApiFacts`), and yields `LifecycleViolation`s naming
the operation, the job or the page, and the request that shows it (its curl line). Advisories are reported and
never fail a run. `LIFECYCLE_RULES` and `LIFECYCLE_ADVISORIES` are the catalogue; `check_observation` runs every
entry that reads an observation's type. The drivers fill the observations from real exchanges; nothing here sends
a request.

Observations: `Call` (one request and its answer: the rules on single answers read it), `Create`,
`DuplicateCreate`, `JobReads` (successive reads of one job), `ListWalk` (the pages of one walk with its
`SuiteFilter`), `PageTokenProbe`, `UnknownJob`, `Delete`, `Cancel`, `Estimate` and `CostPair`.

Levels follow LIFECYCLE.md: where it lists several acceptable behaviours (a hard or soft delete, a 200 or code 9
for cancelling a terminal job, bound or unbound page tokens, any non-terminal first state, resource names sent
short and answered in full), each passes; a behaviour it does not list and no MUST forbids is an advisory.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from gateway_protocol.job_states import DELETION_STATES, is_terminal
from gateway_protocol.proto_json import camel_case as camel
from gateway_protocol.proto_json import snake_case as snake
from gateway_protocol.resource_names import ResourceValueError

from .exchange import NOT_JSON, Exchange
from .operation_facts import ApiFacts, OperationFacts, parse_order_by
from .rules import ADVISORIES, RULES, Rule, Violation, check_exchange

__all__ = [
    "LIFECYCLE_ADVISORIES",
    "LIFECYCLE_RULES",
    "Call",
    "Cancel",
    "CostPair",
    "Create",
    "Delete",
    "DuplicateCreate",
    "Estimate",
    "JobReads",
    "LifecycleRule",
    "LifecycleViolation",
    "ListWalk",
    "PageTokenProbe",
    "SuiteFilter",
    "UnknownJob",
    "answer_rule_violations",
    "check_observation",
    "instant",
    "lifecycle_rule_by_id",
]

_MAX_SHOWN = 200  # a value quoted in a message; the recorder scrubs and shortens again
_CACHE_LIMIT = 20_000  # distinct (mask, job body) findings kept by answer_rule_violations' cache
_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE)
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


# --- observations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the suite sent and what came back: the unit every observation is made of.

    `url` is the URL as sent (percent-encoded path and query); `body` the parsed JSON answer (`NOT_JSON` when
    there is none); `sent` the JSON body sent, or None.
    """

    operation_id: str
    method: str
    url: str
    status: int
    body: Any = field(default=NOT_JSON, repr=False)
    sent: Any = field(default=None, repr=False)
    credentials: Literal["valid", "missing", "wrong"] = "valid"

    @classmethod
    def of(cls, operation_id: str, exchange: Exchange, sent: Any = None) -> Call:
        """From an exchange the run already holds, with the body it sent."""
        return cls(
            operation_id, exchange.method, exchange.url, exchange.status, exchange.body, sent, exchange.credentials
        )

    @property
    def raw_path(self) -> str:
        return urlsplit(self.url).path

    def param(self, name: str) -> str | None:
        """A query parameter's value; repeated ones add up, comma-joined (as repeated readMask parameters do)."""
        values = parse_qs(urlsplit(self.url).query, keep_blank_values=True).get(name)
        return ",".join(values) if values else None

    def int_param(self, name: str) -> int | None:
        value = self.param(name)
        return int(value) if value is not None and _INTEGER.fullmatch(value.strip()) else None

    def curl(self) -> str:
        """A command that repeats the request, the key written as $FIREWORKS_API_KEY, the body sent included."""
        parts = ["curl", "-sS"] + (["-X", self.method] if self.method != "GET" else [])
        command = " ".join(parts)
        if self.credentials == "valid":
            command += ' -H "Authorization: Bearer $FIREWORKS_API_KEY"'
        if self.sent is not None:
            command += " -H 'Content-Type: application/json' -d " + shlex.quote(json.dumps(self.sent, sort_keys=True))
        return f"{command} {shlex.quote(self.url)}"


@dataclass(frozen=True)
class Create:
    """A create: the call (its body and `?{resource}Id=` as sent) and the job ids the account had before it."""

    call: Call
    existing_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DuplicateCreate:
    """A create with the id of an existing job, between a read of that job before and one after."""

    before: Call
    create: Call
    after: Call


@dataclass(frozen=True)
class JobReads:
    """Successive answers about one job, in the order they came (gets, and the create or resume answer)."""

    reads: tuple[Call, ...]


@dataclass(frozen=True)
class SuiteFilter:
    """A filter the suite built from what it saw: one comparison on a job field, in AIP-160 syntax.

    `field` is the JSON path (`state`, `createTime`, `jobProgress.percent`); the text names it as the proto does
    (`create_time`), as AIP-132 and AIP-160 write field paths.
    """

    field: str
    operator: Literal["=", "!=", "<", "<=", ">", ">="]
    value: str | int | bool

    @property
    def text(self) -> str:
        path = ".".join(snake(part) for part in self.field.split("."))
        literal = json.dumps(self.value) if not isinstance(self.value, bool) else str(self.value).lower()
        return f"{path} {self.operator} {literal}"

    def matches(self, job: Any, facts: ApiFacts) -> bool | None:
        """Whether a job satisfies the filter; None when the job does not carry the field (a masked listing)."""
        value, schema = _field_value(job, self.field, facts)
        if value is None or schema is None:
            return None
        left, right = _sort_key(value, schema), _sort_key(self.value, schema)
        if left is None or right is None:
            return None
        return _OPERATORS[self.operator](left, right)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


@dataclass(frozen=True)
class ListWalk:
    """The pages of one walk, each request and answer in order, and what the suite knew around it.

    `known`: jobs the account is known to hold during the walk (bodies of GETs); `gets`: GETs of listed jobs;
    `stable`: the account did not change during the walk (the repeat, completeness and total checks need it);
    `page_bound`: the most pages the walker would follow (a walk cut there proves nothing about its end unless
    the bound exceeds what the jobs seen could fill); `filter`: the filter the pages were asked with, if any.
    """

    pages: tuple[Call, ...]
    known: tuple[Any, ...] = ()
    gets: tuple[Call, ...] = ()
    stable: bool = True
    page_bound: int | None = None
    filter: SuiteFilter | None = None


@dataclass(frozen=True)
class PageTokenProbe:
    """A list call with a page token that is malformed, or that came from a walk with another filter or order."""

    call: Call
    tampering: Literal["malformed", "other-filter", "other-order"]


@dataclass(frozen=True)
class UnknownJob:
    """A call on a job id the account does not have."""

    call: Call


@dataclass(frozen=True)
class Delete:
    """A delete, the reads of the job after it in order, and a second delete if one was sent."""

    delete: Call
    after: tuple[Call, ...] = ()
    again: Call | None = None


@dataclass(frozen=True)
class Cancel:
    """A cancel between a read before it and the reads after it, polled for `waited` seconds in all."""

    before: Call
    cancel: Call
    after: tuple[Call, ...] = ()
    waited: float = 0.0


@dataclass(frozen=True)
class Estimate:
    """An estimate, with the job ids listed before it and the jobs listed after it (None: not listed)."""

    estimate: Call
    ids_before: frozenset[str] | None = None
    listed_after: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class CostPair:
    """Two estimates of the same job settings but the number of epochs."""

    fewer: Call
    more: Call


Observation = (
    Call
    | Create
    | DuplicateCreate
    | JobReads
    | ListWalk
    | PageTokenProbe
    | UnknownJob
    | Delete
    | Cancel
    | Estimate
    | CostPair
)


# --- findings and the catalogue --------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleViolation:
    """One broken lifecycle rule: on which operation and job (or page), where, what is required, what came."""

    rule: str
    operation: str
    subject: str  # "job abc123", "page 2", "job abc123 on page 2"
    path: str
    expected: str
    got: str
    call: Call = field(repr=False)  # the request that shows it
    job_id: str | None = None
    advisory: bool = False

    def message(self) -> str:
        label = "advisory" if self.advisory else "violation"
        return (
            f"[{self.rule}] {label} on {self.operation} {self.subject} at {self.path}: expected {self.expected}; "
            f"got {self.got}\n    reproduce: {self.call.curl()}"
        )

    def as_violation(self) -> Violation:
        """The catalogue's plain `Violation`, for the recorder and the reports."""
        return Violation(self.rule, self.path, self.expected, self.got, self.advisory)


Check = Callable[[Any, ApiFacts], Iterable[LifecycleViolation]]


@dataclass(frozen=True)
class LifecycleRule:
    id: str
    doc: str
    observes: tuple[type, ...]
    check: Check
    advisory: bool = False


# --- helpers ---------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = f'"{value}"' if isinstance(value, str) else json.dumps(value) if value is not NOT_JSON else "a non-JSON body"
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _op(call: Call, facts: ApiFacts) -> OperationFacts:
    return facts.by_id(call.operation_id)


def _path_values(call: Call, facts: ApiFacts) -> dict[str, str]:
    return _op(call, facts).path_values(call.raw_path) or {}


def _job_id(call: Call, facts: ApiFacts) -> str | None:
    """The job a call is about: its path's job id, the id a create asked for, or the name its answer carries."""
    op = _op(call, facts)
    values = _path_values(call, facts)
    if facts.resource.id_variable in values:
        return values[facts.resource.id_variable]
    if op.resource_id_parameter is not None and call.param(op.resource_id_parameter):
        return call.param(op.resource_id_parameter)
    if op.answer_is_resource and isinstance(call.body, dict):
        parsed = facts.resource.parse_name(call.body.get(facts.resource.name_field or ""))
        return parsed.get(facts.resource.id_variable) if parsed else None
    return None


def _finding(
    rule: str,
    call: Call,
    facts: ApiFacts,
    path: str,
    expected: str,
    got: str,
    *,
    subject: str | None = None,
    job_id: str | None = None,
    advisory: bool = False,
    judged: Call | None = None,
) -> LifecycleViolation:
    """A finding on the operation `judged` (the call itself unless another call shows it: the GET after a cancel)."""
    job_id = job_id if job_id is not None else _job_id(call, facts)
    if subject is None:
        subject = f"job {job_id}" if job_id is not None else f"({_op(call, facts).method_name} request)"
    operation = (judged or call).operation_id
    return LifecycleViolation(rule, operation, subject, path, expected, got, call, job_id, advisory)


def _code_name(call: Call, facts: ApiFacts) -> str | None:
    return facts.code_name(call.body.get("code")) if isinstance(call.body, dict) else None


def _is_status(call: Call, facts: ApiFacts, code: str) -> bool:
    """The answer is the google.rpc error `code` (by number or name) with the HTTP status the spec maps it to."""
    return call.status == facts.rpc_code(code).http_status and _code_name(call, facts) == code


def _answer(call: Call, facts: ApiFacts) -> str:
    code = _code_name(call, facts)
    return f"HTTP {call.status}" + (f" with code {code}" if code else "")


def _expected_error(facts: ApiFacts, code: str) -> str:
    rpc = facts.rpc_code(code)
    return f"HTTP {rpc.http_status} with a google.rpc.Status of code {rpc.number} ({code})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _instant(value: Any) -> tuple[int, int] | None:
    """An RFC 3339 timestamp as (seconds since the epoch, nanoseconds): exact to the nanosecond."""
    if not isinstance(value, str):
        return None
    found = _RFC3339.fullmatch(value.strip())
    if found is None:
        return None
    zone = "+00:00" if found.group(3).upper() == "Z" else found.group(3)
    try:
        seconds = int(datetime.fromisoformat(found.group(1) + zone).timestamp())
    except ValueError:
        return None
    return seconds, int((found.group(2) or "").ljust(9, "0"))


def instant(value: Any) -> tuple[int, int] | None:
    """An RFC 3339 timestamp as (seconds since the epoch, nanoseconds), None when it is not one."""
    return _instant(value)


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0]) if math.isfinite(value) else value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value.replace("Infinity", "inf"))
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _sort_key(value: Any, schema: Mapping[str, Any]) -> Any:
    """A comparable form of a value of this schema (timestamps by instant, int64 strings as numbers, enums by
    their place in the spec's list); None when the value does not fit the schema."""
    enum = schema.get("enum")
    if enum:
        return enum.index(value) if value in enum else None
    if schema.get("format") == "date-time":
        return _instant(value)
    kind = schema.get("type")
    if kind == "integer" or schema.get("format") in ("int64", "uint64"):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return int(value) if isinstance(value, str) and _INTEGER.fullmatch(value) else None
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        return int(value) if isinstance(value, bool) else None
    return value if isinstance(value, str) else None


def _field_value(job: Any, path: str, facts: ApiFacts) -> tuple[Any, dict[str, Any] | None]:
    """The value at a dotted JSON path of a job, and its resolved schema (None when the spec does not know it)."""
    node: Any = job
    schema: dict[str, Any] | None = {"properties": facts.resource.properties}
    for part in path.split("."):
        props: dict[str, Any] = (schema or {}).get("properties") or {}
        schema = facts.spec_facts.resolve(props[part]) if part in props else None
        node = node.get(part) if isinstance(node, dict) else None
    return node, schema


def _is_zero(value: Any, schema: Mapping[str, Any], facts: ApiFacts) -> bool:
    """Proto3 JSON cannot tell an unset field from its zero value: absent, null, "", 0, "0", false, the enum's
    first name, an empty list, a message of zero values."""
    if value is None or value in ("", 0, False) or value == []:
        return True
    if schema.get("enum"):
        return bool(value == schema["enum"][0])
    if schema.get("format") in ("int64", "uint64") and value == "0":
        return True
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        return all(
            _is_zero(v, facts.spec_facts.resolve(props[k]) if k in props else {}, facts) for k, v in value.items()
        )
    return False


def _equal(a: Any, b: Any, schema: Mapping[str, Any], facts: ApiFacts, *, float32: bool = False) -> bool:
    """Equal as proto3 values: zero values alike, timestamps by instant, int64 strings by number, floats of
    `format: float` after rounding to float32; messages field by field, leaving out their output-only and
    secret-named fields (a gateway may hide a secret in one answer and not another)."""
    if _is_zero(a, schema, facts) and _is_zero(b, schema, facts):
        return True
    if schema.get("type") == "object" and isinstance(a, dict | None) and isinstance(b, dict | None):
        a, b = a or {}, b or {}
        props = schema.get("properties") or {}
        for key in set(a) | set(b):
            sub = facts.spec_facts.resolve(props[key]) if key in props else {}
            if sub.get("readOnly") or (props.get(key) or {}).get("readOnly") or facts.spec_facts.is_secret_name(key):
                continue
            if not _equal(a.get(key), b.get(key), sub, facts, float32=sub.get("format") == "float"):
                return False
        return True
    left, right = _sort_key(a, schema), _sort_key(b, schema)
    if left is not None and right is not None:
        if float32 and isinstance(left, float) and isinstance(right, float):
            return _float32(left) == _float32(right) or (math.isnan(left) and math.isnan(right))
        return bool(left == right)
    return bool(a == b)


def _same_field(a: Any, b: Any, name: str, facts: ApiFacts) -> bool:
    schema = facts.resource.schema_of(name)
    return _equal(a, b, schema, facts, float32=name in facts.resource.float32_fields)


def _mask(call: Call, facts: ApiFacts) -> str | None:
    """The read mask a call asked with, if its operation takes one."""
    param = _op(call, facts).read_mask_param
    return call.param(param) if param is not None else None


def _full_read(call: Call, facts: ApiFacts) -> bool:
    """A 200 carrying the whole job: no read mask, or one asking for every field."""
    mask = _mask(call, facts)
    return call.status == 200 and isinstance(call.body, dict) and (mask is None or mask.strip() in ("", "*"))


def _mask_covers_state(call: Call, facts: ApiFacts) -> bool:
    state = facts.resource.state_field
    return state is not None and _mask_covers(_mask(call, facts), state)


def _state(body: Any, facts: ApiFacts) -> Any:
    return body.get(facts.resource.state_field) if isinstance(body, dict) and facts.resource.state_field else None


def _mask_covers(mask: str | None, name: str) -> bool:
    """Whether a read mask asks for a top-level field (every field for none, empty or `*`)."""
    if mask is None or mask.strip() in ("", "*"):
        return True
    return any(camel(path.strip().split(".")[0]) == name for path in mask.split(","))


def _differences(before: Any, after: Any, facts: ApiFacts, mask: str | None = None) -> Iterator[str]:
    """The fields a running job cannot change that differ between two answers about it."""
    for name in facts.resource.stable_fields:
        if _mask_covers(mask, name) and not _same_field(before.get(name), after.get(name), name, facts):
            yield name


# --- single answers (Call) -------------------------------------------------------------------------


def required_field_rule(call: Call, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A create or estimate whose body lacks `dataset` (a required field of its body) answers 400 with code 3."""
    op = _op(call, facts)
    if not op.required_body_fields or not isinstance(call.sent, dict):
        return
    schemas = facts.resource.properties if op.request_is_resource else {}
    missing = [
        name
        for name in op.required_body_fields
        if name not in call.sent or _is_zero(call.sent[name], schemas.get(name, {}), facts)
    ]
    if missing and not _is_status(call, facts, "INVALID_ARGUMENT"):
        yield _finding(
            "required-field",
            call,
            facts,
            "HTTP status",
            f"{_expected_error(facts, 'INVALID_ARGUMENT')} for a body without {', '.join(missing)}",
            _answer(call, facts),
            subject="(body without " + ", ".join(missing) + ")",
        )


def negative_page_size_rule(call: Call, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A list with a negative `pageSize` answers 400 with code 3."""
    listing = facts.list
    if listing is None or listing.page_size_param is None or _op(call, facts).kind != "list":
        return
    size = call.int_param(listing.page_size_param)
    if size is not None and size < 0 and not _is_status(call, facts, "INVALID_ARGUMENT"):
        yield _finding(
            "list-negative-page-size",
            call,
            facts,
            "HTTP status",
            f"{_expected_error(facts, 'INVALID_ARGUMENT')} for {listing.page_size_param}={size}",
            _answer(call, facts),
            subject=f"page 1 ({listing.page_size_param}={size})",
        )


def empty_answer_rule(call: Call, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Delete and cancel (every operation whose 200 answer the spec declares as `{}`) answer 200 with `{}`."""
    if call.status != 200 or not _op(call, facts).answer_is_empty:
        return
    if not (isinstance(call.body, dict) and not call.body):
        yield _finding(
            "empty-answer", call, facts, "$", "the empty object {} (the spec's 200 answer)", _show(call.body)
        )


def resource_names_rule(call: Call, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Every job in a list, create or resume answer is named `accounts/{account}/<collection>/{id}` under the
    account asked, and a resume answer is the job the request named."""
    op = _op(call, facts)
    name_field = facts.resource.name_field
    if call.status != 200 or op.kind == "get" or name_field is None:
        return
    values = _path_values(call, facts)
    parents = {name: values[name] for name in facts.resource.parent_variables if name in values}
    requested = values.get(facts.resource.id_variable)
    template = facts.resource.name_template.name_template
    for path, job in op.jobs_in(call.body):
        name = job.get(name_field) if isinstance(job, dict) else None
        if name in (None, "") and not _mask_covers(_mask(call, facts), name_field):
            continue  # a listing whose read mask leaves the name out
        parsed = facts.resource.parse_name(name)
        if parsed is None or any(parsed.get(k) != v for k, v in parents.items()):
            where = ", ".join(f"{k}={v}" for k, v in parents.items())
            tail = name.rsplit("/", 1)[-1] if isinstance(name, str) and name else None
            yield _finding(
                "resource-names",
                call,
                facts,
                f"{path}.{name_field}",
                f"a resource name {template} under {where}",
                _show(name) if name is not None else "absent",
                job_id=requested or tail,
                subject=f"job {requested or tail}" if requested or tail else f"job at {path}",
            )
        elif requested is not None and parsed.get(facts.resource.id_variable) != requested:
            yield _finding(
                "resource-names",
                call,
                facts,
                f"{path}.{name_field}",
                f"the job the request named ({requested})",
                _show(name),
            )


# Held on the exchange itself (auth, errors, content-type), or by resource-names for jobs inside other answers.
_HTTP_LEVEL = frozenset({"auth", "errors", "content-type", "name"})


def answer_rule_violations(
    call: Call,
    facts: ApiFacts,
    rules: Iterable[Rule] = RULES + ADVISORIES,
    cache: dict[tuple[str | None, str], list[Violation]] | None = None,
) -> list[LifecycleViolation]:
    """The per-answer catalogue (schema, dataset, enums, money, progress, mask, advisories) on every job inside a
    list, create or resume answer, each finding's path inside the answer (`$.supervisedFineTuningJobs[3].state`).

    A GET's answer is an exchange the catalogue already reads whole; this covers the jobs other answers carry.
    `cache` (the caller's, for the default rules) keeps each distinct job body's findings under its read mask: a
    walk lists the same jobs many times.
    """
    op = _op(call, facts)
    if call.status != 200 or op.kind == "get":
        return []
    chosen = [rule for rule in rules if rule.id not in _HTTP_LEVEL]
    mask = _mask(call, facts)
    found: list[LifecycleViolation] = []
    for path, job in op.jobs_in(call.body):
        parsed = facts.resource.parse_name(job.get(facts.resource.name_field or "") if isinstance(job, dict) else None)
        job_id = parsed.get(facts.resource.id_variable) if parsed else None
        key = (mask, json.dumps(job, sort_keys=True))
        inner = cache.get(key) if cache is not None else None
        if inner is None:
            exchange = Exchange(
                method="GET",  # a job read, as the catalogue's rules select their answers
                url=call.url,
                status=200,
                content_type="application/json",
                text="",
                credentials="valid",
                account=None,
                job_id=job_id or "",
                read_mask=mask,
                body=job,
            )
            inner = check_exchange(exchange, facts.spec_facts, chosen)
            if cache is not None and len(cache) < _CACHE_LIMIT:
                cache[key] = inner
        for violation in inner:
            where = violation.path[1:] if violation.path.startswith("$") else f".{violation.path}"
            found.append(
                _finding(
                    violation.rule,
                    call,
                    facts,
                    path + where,
                    violation.expected,
                    violation.got,
                    job_id=job_id,
                    subject=f"job {job_id}" if job_id else f"job at {path}",
                    advisory=violation.advisory,
                )
            )
    return found


# --- create ----------------------------------------------------------------------------------------


def create_name_rule(observation: Create, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A created job carries the id asked for (`?supervisedFineTuningJobId=`) or, when none was, a new one."""
    call = observation.call
    op = _op(call, facts)
    if call.status != 200 or not isinstance(call.body, dict) or facts.resource.name_field is None:
        return
    name = call.body.get(facts.resource.name_field)
    parsed = facts.resource.parse_name(name)
    asked = call.param(op.resource_id_parameter) if op.resource_id_parameter else None
    got_id = parsed.get(facts.resource.id_variable) if parsed else None
    path = f"$.{facts.resource.name_field}"
    if got_id is None:
        return  # not a resource name at all: resource-names reports it
    if asked:
        if got_id != asked:
            yield _finding(
                "create-name", call, facts, path, f"a job named with the id asked for ({asked})", _show(name)
            )
    elif got_id in observation.existing_ids:
        yield _finding(
            "create-name", call, facts, path, "a new id (none was asked for)", f"the existing job's id {got_id}"
        )


def create_first_state_rule(observation: Create, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A created job starts in a non-terminal state, whatever `state` the body sent (output-only, AIP-203)."""
    call = observation.call
    state = _state(call.body, facts)
    if call.status == 200 and is_terminal(state):
        sent = _state(call.sent, facts)
        why = f" (the body sent {sent}, an output-only field)" if sent else ""
        yield _finding(
            "create-first-state",
            call,
            facts,
            f"$.{facts.resource.state_field}",
            f"a non-terminal state{why}",
            _show(state),
        )


def create_output_only_rule(observation: Create, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Output-only fields sent in a create's body (every `readOnly` property) are ignored: none comes back as sent."""
    call = observation.call
    if call.status != 200 or not isinstance(call.body, dict) or not isinstance(call.sent, dict):
        return
    op = _op(call, facts)
    asked = call.param(op.resource_id_parameter) if op.resource_id_parameter else None
    values = _path_values(call, facts)
    try:
        own_name = facts.resource.resource_name(values, asked) if asked else None
    except ResourceValueError:  # an id no resource name can hold (`a/b`, `..`): it names no job the body could
        own_name = None
    for name in facts.resource.output_only:
        if name == facts.resource.state_field or name not in call.sent:
            continue  # the state is judged by create-first-state: a legitimate first state may equal what was sent
        sent = call.sent[name]
        if name == facts.resource.name_field and sent == own_name:
            continue  # the name the id asked for gives: ignored or not, the answer is the same
        if not _is_zero(sent, facts.resource.schema_of(name), facts) and _same_field(
            sent, call.body.get(name), name, facts
        ):
            yield _finding(
                "create-output-only",
                call,
                facts,
                f"$.{name}",
                "the value sent ignored (an output-only field)",
                f"{_show(call.body.get(name))}, as sent",
            )


def create_echo_rule(observation: Create, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """The writable scalars a create sends come back unchanged; a field naming another resource may come back as
    the full name ending with the value sent (`dataset`, `baseModel`, ...)."""
    call = observation.call
    if call.status != 200 or not isinstance(call.body, dict) or not isinstance(call.sent, dict):
        return
    for name in facts.resource.echo_fields:
        if name not in call.sent or _is_zero(call.sent[name], facts.resource.schema_of(name), facts):
            continue  # proto3's zero is unset: the gateway may fill in its default
        sent, got = call.sent[name], call.body.get(name)
        if _same_field(sent, got, name, facts) or (got is None and name in facts.resource.required):
            continue  # a required field missing from the answer is the dataset rule's (reported once)
        if facts.resource.is_expanded_name(name, sent, got):
            continue
        if name in facts.resource.reference_fields and isinstance(sent, str):
            expected = f"{_show(sent)}, or a full resource name ending with /{sent}"
        else:
            expected = f"{_show(sent)} as sent"
        yield _finding("create-echo", call, facts, f"$.{name}", expected, _show(got) if got is not None else "absent")


def create_duplicate_rule(observation: DuplicateCreate, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A create with the id of an existing job answers 409 with code 6 (ALREADY_EXISTS) and changes nothing."""
    call = observation.create
    if not _is_status(call, facts, "ALREADY_EXISTS"):
        yield _finding(
            "create-duplicate",
            call,
            facts,
            "HTTP status",
            f"{_expected_error(facts, 'ALREADY_EXISTS')} for an id the account already has",
            _answer(call, facts),
        )
    before, after = observation.before, observation.after
    if _full_read(before, facts) and _full_read(after, facts):
        for name in _differences(before.body, after.body, facts):
            yield _finding(
                "create-duplicate",
                after,
                facts,
                f"$.{name}",
                f"the existing job unchanged: {_show(before.body.get(name))}",
                f"{_show(after.body.get(name))} after the duplicate create",
                judged=call,
            )


# --- reads of one job ------------------------------------------------------------------------------


def _timestamps(observation: JobReads, facts: ApiFacts, name: str | None) -> list[tuple[Call, tuple[int, int]]]:
    found = []
    for call in observation.reads:
        if name is not None and _full_read(call, facts):
            instant = _instant(call.body.get(name))
            if instant is not None:
                found.append((call, instant))
    return found


def create_time_stable_rule(observation: JobReads, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """`createTime` never changes between reads of a job."""
    name = facts.resource.create_time_field
    seen = _timestamps(observation, facts, name)
    for (first, instant), (call, later) in pairwise(seen):
        if later != instant:
            yield _finding(
                "create-time-stable",
                call,
                facts,
                f"$.{name}",
                f"{_show(first.body.get(name))} as an earlier read answered",
                _show(call.body.get(name)),
            )
            return


def update_time_monotonic_rule(observation: JobReads, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """`updateTime` never goes backwards between reads of a job."""
    name = facts.resource.update_time_field
    seen = _timestamps(observation, facts, name)
    for (first, instant), (call, later) in pairwise(seen):
        if later < instant:
            yield _finding(
                "update-time-monotonic",
                call,
                facts,
                f"$.{name}",
                f"at or after {_show(first.body.get(name))} (an earlier read)",
                _show(call.body.get(name)),
            )


def completed_time_advisory(observation: JobReads, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """`completedTime` is set exactly when the job is in a terminal state (a job being deleted is not judged)."""
    name = facts.resource.completed_time_field
    if name is None or facts.resource.state_field is None:
        return
    for call in observation.reads:
        if not _full_read(call, facts) or facts.resource.state_field not in call.body:
            continue
        state, stamp = _state(call.body, facts), call.body.get(name)
        if state in DELETION_STATES and not is_terminal(state):
            continue  # a job being deleted keeps the completion time it had, or none
        if is_terminal(state) != (_instant(stamp) is not None):
            expected = "set, the job being terminal" if is_terminal(state) else "unset while the job runs"
            yield _finding(
                "completed-time", call, facts, f"$.{name}", f"{expected} ({state})", _show(stamp), advisory=True
            )


def progress_monotonic_advisory(observation: JobReads, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """`jobProgress.percent` never decreases while the job runs (between reads in non-terminal states)."""
    full = [call for call in observation.reads if _full_read(call, facts)]
    for path in facts.resource.percent_paths:
        dotted = ".".join(path)
        for earlier, call in pairwise(full):
            if is_terminal(_state(earlier.body, facts)) or is_terminal(_state(call.body, facts)):
                continue
            before, _ = _field_value(earlier.body, dotted, facts)
            now, _ = _field_value(call.body, dotted, facts)
            if isinstance(before, int) and isinstance(now, int) and now < before:
                yield _finding(
                    "progress-monotonic",
                    call,
                    facts,
                    f"$.{dotted}",
                    f"at least {before} (an earlier read, the job still running)",
                    str(now),
                    advisory=True,
                )


# --- list ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    index: int
    call: Call
    jobs: tuple[Any, ...]
    token: str | None  # the next page token; None when omitted (or empty, proto3's unset string)


def _pages(walk: ListWalk, facts: ApiFacts) -> list[_Page]:
    listing = facts.list
    if listing is None:
        return []
    pages = []
    for index, call in enumerate(walk.pages):
        if call.status != 200 or not isinstance(call.body, dict):
            continue
        items = call.body.get(listing.items_field)
        token = call.body.get(listing.next_token_field) if listing.next_token_field else None
        pages.append(_Page(index, call, tuple(items) if isinstance(items, list) else (), token if token else None))
    return pages


def _before_loop(walk: ListWalk, facts: ApiFacts) -> list[_Page]:
    """The pages up to the one whose next token was seen before in the walk (that page excluded): a looping walk's
    repeats and disorder are the loop's, reported once, by list-token-loop."""
    listing = facts.list
    seen: set[str] = set()
    kept = []
    for page in _pages(walk, facts):
        asked = page.call.param(listing.page_token_param) if listing and listing.page_token_param else None
        if asked:
            seen.add(asked)
        if page.token is not None and page.token in seen:
            break
        kept.append(page)
        if page.token is not None:
            seen.add(page.token)
    return kept


def _page(page: _Page) -> str:
    return f"page {page.index + 1}"


def _name(job: Any, facts: ApiFacts) -> str | None:
    name = job.get(facts.resource.name_field or "") if isinstance(job, dict) else None
    return name if isinstance(name, str) and name else None


def _id_of(name: str | None, facts: ApiFacts) -> str | None:
    parsed = facts.resource.parse_name(name)
    return parsed.get(facts.resource.id_variable) if parsed else None


def _ended(walk: ListWalk, pages: list[_Page]) -> bool:
    return bool(pages) and len(pages) == len(walk.pages) and pages[-1].token is None


def list_page_size_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A page holds at most `pageSize` jobs: 50 when unset, and at most 200 whatever is asked (values coerced)."""
    listing = facts.list
    if listing is None or listing.page_size_param is None:
        return
    for page in _pages(walk, facts):
        asked = page.call.int_param(listing.page_size_param)
        limit = listing.page_limit(asked)
        if limit is not None and len(page.jobs) > limit:
            why = f"{listing.page_size_param}={asked}" if asked else f"no {listing.page_size_param}: the default"
            yield _finding(
                "list-page-size",
                page.call,
                facts,
                f"$.{listing.items_field}",
                f"at most {limit} jobs ({why}; the spec's maximum is {listing.max_page_size})",
                f"{len(page.jobs)} jobs",
                subject=_page(page),
            )


def list_token_loop_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Following `nextPageToken` never comes back to a token already seen in the walk (a loop)."""
    listing = facts.list
    if listing is None or listing.next_token_field is None:
        return
    seen: dict[str, int] = {}
    for page in _pages(walk, facts):
        asked = page.call.param(listing.page_token_param) if listing.page_token_param else None
        if asked:
            seen.setdefault(asked, page.index)
        if page.token is not None and page.token in seen:
            yield _finding(
                "list-token-loop",
                page.call,
                facts,
                f"$.{listing.next_token_field}",
                "a token not seen before in this walk (or none on the last page)",
                f"the token that page {seen[page.token] + 1} was asked with",
                subject=_page(page),
            )
            return
        if page.token is not None:
            seen.setdefault(page.token, page.index + 1)


def list_token_ends_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """The walk ends: `nextPageToken` is omitted on the last page, before more pages than the jobs could fill."""
    listing = facts.list
    pages = _pages(walk, facts)
    if listing is None or not pages or _ended(walk, pages) or walk.page_bound is None:
        return
    if len(walk.pages) < walk.page_bound or len(pages) != len(walk.pages):
        return  # the walker stopped for another reason (an error page): nothing to say about the tokens
    asked = pages[0].call.int_param(listing.page_size_param) if listing.page_size_param else None
    limit = listing.page_limit(asked) or 1
    distinct = len({name for page in pages for job in page.jobs if (name := _name(job, facts)) is not None})
    fill = max(1, math.ceil(distinct / limit))
    if walk.page_bound > fill + 1:
        last = pages[-1]
        yield _finding(
            "list-token-ends",
            last.call,
            facts,
            f"$.{listing.next_token_field}",
            f"omitted on the last page: the {distinct} distinct jobs listed fit in {fill} page(s) of {limit}",
            f"still a token after {len(pages)} pages",
            subject=_page(last),
        )


def list_empty_last_page_advisory(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """The last page with jobs omits `nextPageToken`, rather than pointing at an empty page."""
    listing = facts.list
    pages = _pages(walk, facts)
    if listing is None or len(pages) < 2 or not _ended(walk, pages) or pages[-1].jobs or not pages[-2].jobs:
        return
    yield _finding(
        "list-empty-last-page",
        pages[-2].call,
        facts,
        f"$.{listing.next_token_field}",
        "omitted on the last page holding jobs",
        f"a token leading to an empty page {pages[-1].index + 1}",
        subject=_page(pages[-2]),
        advisory=True,
    )


def list_no_repeats_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Over an account that does not change during the walk, no job is listed twice (pages before a token loop)."""
    listing = facts.list
    if listing is None or not walk.stable:
        return
    first_seen: dict[str, int] = {}
    for page in _before_loop(walk, facts):
        for position, job in enumerate(page.jobs):
            name = _name(job, facts)
            if name is None:
                continue
            if name in first_seen:
                yield _finding(
                    "list-no-repeats",
                    page.call,
                    facts,
                    f"$.{listing.items_field}[{position}]",
                    "each job once in a walk over an unchanging account",
                    f"{name} again, first listed on page {first_seen[name] + 1}",
                    subject=f"job {_id_of(name, facts)} on {_page(page)}",
                    job_id=_id_of(name, facts),
                )
            else:
                first_seen[name] = page.index


def list_complete_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Over an unchanging account, the pages together hold every job the account has (that the filter selects)."""
    listing = facts.list
    pages = _pages(walk, facts)
    if listing is None or not walk.stable or not _ended(walk, pages):
        return
    listed = {_name(job, facts) for page in pages for job in page.jobs}
    for job in walk.known:
        name = _name(job, facts)
        if name is None or name in listed or _state(job, facts) in DELETION_STATES:
            continue
        if walk.filter is not None and walk.filter.matches(job, facts) is not True:
            continue
        yield _finding(
            "list-complete",
            pages[0].call,
            facts,
            f"$.{listing.items_field}",
            f"{name} among the jobs listed (a GET answers it, state {_state(job, facts)})",
            f"absent from all {len(pages)} page(s)",
            subject=f"job {_id_of(name, facts)}",
            job_id=_id_of(name, facts),
        )


def _total(value: Any) -> int | None:
    # Zero is proto3's unset int32: an EmitUnpopulated gateway that does not count writes 0, not a wrong total.
    if isinstance(value, int) and not isinstance(value, bool):
        return value or None
    return int(value) or None if isinstance(value, str) and _INTEGER.fullmatch(value) else None


def list_total_size_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """`totalSize`, when present, is the number of jobs the whole walk lists (over an unchanging account)."""
    listing = facts.list
    pages = _pages(walk, facts)
    if listing is None or listing.total_size_field is None or not walk.stable or not _ended(walk, pages):
        return
    count = len({_name(job, facts) for page in pages for job in page.jobs})
    for page in pages:
        total = _total(page.call.body.get(listing.total_size_field))
        if total is not None and total != count:
            yield _finding(
                "list-total-size",
                page.call,
                facts,
                f"$.{listing.total_size_field}",
                f"{count}, the jobs the walk listed",
                str(total),
                subject=_page(page),
            )
            return


def _order_keys(call: Call, facts: ApiFacts) -> tuple[tuple[str, bool], ...]:
    listing = facts.list
    assert listing is not None
    text = call.param(listing.order_by_param) if listing.order_by_param else None
    return parse_order_by(text) if text and text.strip() else listing.default_order


def _out_of_order(a: Any, b: Any, keys: tuple[tuple[str, bool], ...], facts: ApiFacts) -> str | None:
    """The key by which `b` sorts strictly before `a`, or None (in order, tied, or not comparable)."""
    for path, descending in keys:
        (left, schema), (right, _) = _field_value(a, path, facts), _field_value(b, path, facts)
        if schema is None:
            return None
        left_key, right_key = _sort_key(left, schema), _sort_key(right, schema)
        if left_key is None or right_key is None:
            return None
        if left_key == right_key:
            continue
        wrong = left_key < right_key if descending else left_key > right_key
        return f"{path}{' desc' if descending else ''}" if wrong else None
    return None


def list_order_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Jobs come in `orderBy` order (comma-separated, ` desc`, dotted subfields), by `name` ascending by default;
    across pages too when the account did not change during the walk."""
    listing = facts.list
    pages = _before_loop(walk, facts)
    if listing is None or not pages:
        return
    keys = _order_keys(pages[0].call, facts)
    previous: tuple[_Page, int, Any] | None = None
    for page in pages:
        for position, job in enumerate(page.jobs):
            if previous is not None and (previous[0] is page or walk.stable):
                broken = _out_of_order(previous[2], job, keys, facts)
                if broken is not None:
                    where = "earlier on this page" if previous[0] is page else f"on {_page(previous[0])}"
                    order = ", ".join(f"{p}{' desc' if d else ''}" for p, d in keys)
                    yield _finding(
                        "list-order",
                        page.call,
                        facts,
                        f"$.{listing.items_field}[{position}]",
                        f"jobs in the order {order!r}",
                        f"{_name(job, facts)} after {_name(previous[2], facts)} ({where}), out of order by {broken}",
                        subject=_page(page),
                    )
                    return
            previous = (page, position, job)


def list_filter_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Every job a filtered list returns matches the filter (checked on filters the suite builds from what it saw)."""
    listing = facts.list
    if listing is None or walk.filter is None:
        return
    for page in _pages(walk, facts):
        for position, job in enumerate(page.jobs):
            if walk.filter.matches(job, facts) is False:
                value, _ = _field_value(job, walk.filter.field, facts)
                name = _name(job, facts)
                yield _finding(
                    "list-filter",
                    page.call,
                    facts,
                    f"$.{listing.items_field}[{position}].{walk.filter.field}",
                    f"only jobs matching filter {walk.filter.text!r}",
                    _show(value),
                    subject=f"job {_id_of(name, facts)} on {_page(page)}",
                    job_id=_id_of(name, facts),
                )


def list_filter_unsupported_advisory(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A filter the suite built from what it saw was refused with 400: the gateway's filter grammar is smaller."""
    if walk.filter is None:
        return
    for index, call in enumerate(walk.pages):
        if call.status == 400:
            yield _finding(
                "list-filter-unsupported",
                call,
                facts,
                "HTTP status",
                f"filter {walk.filter.text!r} (AIP-160) answered",
                _answer(call, facts),
                subject=f"page {index + 1}",
                advisory=True,
            )
            return


def list_matches_get_rule(walk: ListWalk, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A listed job equals a GET of it in every field a running job cannot change (name, dataset, createTime and
    every writable field), within the list's read mask."""
    listing = facts.list
    if listing is None:
        return
    by_name = {_name(get.body, facts): get for get in walk.gets if _full_read(get, facts)}
    for page in _pages(walk, facts):
        mask = _mask(page.call, facts)
        for position, job in enumerate(page.jobs):
            name = _name(job, facts)
            get = by_name.get(name) if name is not None else None
            if get is None or not isinstance(job, dict):
                continue
            for differing in _differences(get.body, job, facts, mask):
                yield _finding(
                    "list-matches-get",
                    page.call,
                    facts,
                    f"$.{listing.items_field}[{position}].{differing}",
                    f"{_show(get.body.get(differing))} as a GET of the job answers",
                    _show(job.get(differing)) if differing in job else "absent",
                    subject=f"job {_id_of(name, facts)} on {_page(page)}",
                    job_id=_id_of(name, facts),
                )


def list_bad_token_advisory(probe: PageTokenProbe, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A malformed `pageToken`, or one sent with another `filter` or `orderBy`, answers 400 with code 3 (AIP-158
    SHOULD; a gateway whose tokens are not bound to their query may serve the page)."""
    call = probe.call
    if not _is_status(call, facts, "INVALID_ARGUMENT"):
        what = {"malformed": "a malformed page token", "other-filter": "a page token of another filter"}.get(
            probe.tampering, "a page token of another order"
        )
        yield _finding(
            "list-bad-token",
            call,
            facts,
            "HTTP status",
            f"{_expected_error(facts, 'INVALID_ARGUMENT')} for {what}",
            _answer(call, facts),
            subject=f"({probe.tampering} token)",
            advisory=True,
        )


# --- unknown jobs, delete, cancel --------------------------------------------------------------------


def unknown_job_rule(probe: UnknownJob, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A get, delete, cancel or resume of a job the account does not have answers 404 with code 5 (NOT_FOUND)."""
    if not _is_status(probe.call, facts, "NOT_FOUND"):
        yield _finding(
            "unknown-job",
            probe.call,
            facts,
            "HTTP status",
            f"{_expected_error(facts, 'NOT_FOUND')} for a job the account does not have",
            _answer(probe.call, facts),
        )


def delete_after_rule(observation: Delete, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """After a delete, a GET answers 404 with code 5 or shows the job in a deletion state (DELETING,
    DELETING_CLEANING_UP, DELETED), never again in another state."""
    if observation.delete.status != 200:
        return
    allowed = ", ".join(sorted(DELETION_STATES))
    for call in observation.after:
        if _is_status(call, facts, "NOT_FOUND"):
            continue
        state = _state(call.body, facts) if call.status == 200 else None
        if call.status == 200 and (state in DELETION_STATES or not _mask_covers_state(call, facts)):
            continue
        got = f"state {state}" if call.status == 200 else _answer(call, facts)
        yield _finding(
            "delete-after",
            call,
            facts,
            f"$.{facts.resource.state_field}" if call.status == 200 else "HTTP status",
            f"{_expected_error(facts, 'NOT_FOUND')}, or one of {allowed}, after a delete answered 200",
            got,
            judged=observation.delete,
        )


def delete_again_advisory(observation: Delete, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """A second delete of the same job answers 200 or 404 (code 5)."""
    call = observation.again
    if call is None or observation.delete.status != 200:
        return
    if call.status != 200 and not _is_status(call, facts, "NOT_FOUND"):
        yield _finding(
            "delete-again",
            call,
            facts,
            "HTTP status",
            f"HTTP 200, or {_expected_error(facts, 'NOT_FOUND')}, for a second delete",
            _answer(call, facts),
            advisory=True,
        )


def _terminal_reads(observation: Cancel, facts: ApiFacts) -> list[tuple[Call, Any]]:
    return [
        (call, _state(call.body, facts))
        for call in observation.after
        if call.status == 200 and _mask_covers_state(call, facts)
    ]


def cancel_reaches_terminal_rule(observation: Cancel, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """After a cancel answered 200, a job that was running reaches a terminal state within the run's bound."""
    before = _state(observation.before.body, facts) if observation.before.status == 200 else None
    reads = _terminal_reads(observation, facts)
    if observation.cancel.status != 200 or before is None or is_terminal(before) or not reads:
        return
    if any(is_terminal(state) or state in DELETION_STATES for _, state in reads):
        return  # reached; a later relapse is cancel-stays-stopped's
    call, state = reads[-1]
    yield _finding(
        "cancel-reaches-terminal",
        call,
        facts,
        f"$.{facts.resource.state_field}",
        f"a terminal state within {observation.waited:g} s of the cancel ({_count(len(reads), 'read')})",
        f"still {state}",
        judged=observation.cancel,
    )


def cancel_stays_stopped_rule(observation: Cancel, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Once a cancelled job shows a terminal state, it never shows a running one again (unless resumed)."""
    stopped: Any = None
    for call, state in _terminal_reads(observation, facts):
        if stopped is None and is_terminal(state):
            stopped = state
        elif stopped is not None and not is_terminal(state) and state not in DELETION_STATES:
            yield _finding(
                "cancel-stays-stopped",
                call,
                facts,
                f"$.{facts.resource.state_field}",
                f"a terminal state, the job having reached {stopped} after the cancel",
                _show(state),
                judged=observation.cancel,
            )
            return


def cancel_terminal_job_rule(observation: Cancel, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Cancelling a job already in a terminal state changes nothing: a 200 leaves its state and fields as they were
    (code 9, FAILED_PRECONDITION, is the other acceptable answer)."""
    before = observation.before
    state = _state(before.body, facts) if before.status == 200 else None
    if observation.cancel.status != 200 or not is_terminal(state) or not _full_read(before, facts):
        return
    for call in observation.after:
        if not _full_read(call, facts):
            continue
        now = _state(call.body, facts)
        if now != state:
            yield _finding(
                "cancel-terminal-job",
                call,
                facts,
                f"$.{facts.resource.state_field}",
                f"{state} unchanged (a cancel of a terminal job answered 200)",
                _show(now),
                judged=observation.cancel,
            )
            return
        for name in _differences(before.body, call.body, facts):
            yield _finding(
                "cancel-terminal-job",
                call,
                facts,
                f"$.{name}",
                f"{_show(before.body.get(name))} unchanged by a cancel of a terminal job",
                _show(call.body.get(name)),
                judged=observation.cancel,
            )
            return


def cancel_terminal_answer_advisory(observation: Cancel, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """Cancelling a job in a terminal state answers 200, or 400 with code 9 (FAILED_PRECONDITION)."""
    before, call = observation.before, observation.cancel
    if not is_terminal(_state(before.body, facts) if before.status == 200 else None):
        return
    if call.status != 200 and not _is_status(call, facts, "FAILED_PRECONDITION"):
        yield _finding(
            "cancel-terminal-answer",
            call,
            facts,
            "HTTP status",
            f"HTTP 200, or {_expected_error(facts, 'FAILED_PRECONDITION')}",
            _answer(call, facts),
            advisory=True,
        )


# --- estimate cost ---------------------------------------------------------------------------------


def _money_problems(path: tuple[str, ...], money: Any) -> Iterator[Violation]:
    # The one place the Money rules are borrowed from: rules.py today, gateway_protocol once the Money facts move.
    from .rules import _money_violations

    return _money_violations(path, money)


def _amount(money: Any) -> Decimal | None:
    if not isinstance(money, dict):
        return None
    units, nanos = money.get("units") or "0", money.get("nanos") or 0
    if not (isinstance(units, str) and _INTEGER.fullmatch(units)) or not isinstance(nanos, int):
        return None
    return Decimal(units) + Decimal(nanos) / Decimal(10**9)


def estimate_cost_rule(observation: Estimate, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """An estimate's `estimatedCost` is a Money that follows every Money rule, and it is not negative."""
    call = observation.estimate
    op = _op(call, facts)
    if call.status != 200:
        return
    body = call.body if isinstance(call.body, dict) else {}
    for name in op.answer_money_fields:
        money = body.get(name)
        if not isinstance(money, dict):
            yield _finding(
                "estimate-cost", call, facts, f"$.{name}", "a Money", _show(money) if money is not None else "absent"
            )
            continue
        problems = list(_money_problems((name,), money))
        for problem in problems:
            yield _finding("estimate-cost", call, facts, problem.path, problem.expected, problem.got)
        amount = _amount(money)
        if not problems and amount is not None and amount < 0:
            yield _finding(
                "estimate-cost",
                call,
                facts,
                f"$.{name}",
                "a cost that is not negative",
                f"{amount} {money.get('currencyCode', '')}".strip(),
            )


def estimate_creates_nothing_rule(observation: Estimate, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """An estimate creates no job: nothing listed after it is new and carries the settings it was sent."""
    call = observation.estimate
    if observation.ids_before is None or observation.listed_after is None:
        return
    sent = call.sent if isinstance(call.sent, dict) else {}
    markers = {name: sent[name] for name in facts.resource.echo_fields if name in sent and sent[name] not in (None, "")}
    for job in observation.listed_after:
        job_id = _id_of(_name(job, facts), facts)
        if job_id is None or job_id in observation.ids_before or not isinstance(job, dict):
            continue
        # Another user's new job on a live account does not carry the settings this estimate sent.
        if all(
            _same_field(value, job.get(name), name, facts)
            or facts.resource.is_expanded_name(name, value, job.get(name))
            for name, value in markers.items()
        ):
            yield _finding(
                "estimate-creates-nothing",
                call,
                facts,
                "$",
                "no job created by an estimate (the list unchanged)",
                f"a new job {job_id} with the settings the estimate sent",
                subject=f"job {job_id}",
                job_id=job_id,
            )


def estimate_epochs_advisory(pair: CostPair, facts: ApiFacts) -> Iterator[LifecycleViolation]:
    """More epochs never cost less (two estimates of the same settings but `epochs`)."""
    name = facts.resource.epochs_field
    op = _op(pair.more, facts)
    if name is None or pair.fewer.status != 200 or pair.more.status != 200 or not op.answer_money_fields:
        return
    fewer_epochs = pair.fewer.sent.get(name) if isinstance(pair.fewer.sent, dict) else None
    more_epochs = pair.more.sent.get(name) if isinstance(pair.more.sent, dict) else None
    if not (isinstance(fewer_epochs, int) and isinstance(more_epochs, int) and more_epochs > fewer_epochs):
        return
    money = op.answer_money_fields[0]
    cheap = pair.fewer.body.get(money) if isinstance(pair.fewer.body, dict) else None
    dear = pair.more.body.get(money) if isinstance(pair.more.body, dict) else None
    low, high = _amount(cheap), _amount(dear)
    same_currency = (
        isinstance(cheap, dict) and isinstance(dear, dict) and cheap.get("currencyCode") == dear.get("currencyCode")
    )
    if low is not None and high is not None and same_currency and high < low:
        yield _finding(
            "estimate-epochs",
            pair.more,
            facts,
            f"$.{money}",
            f"at least {low} (the estimate for {fewer_epochs} {name})",
            f"{high} for {more_epochs} {name}",
            subject=f"({name}={more_epochs})",
            advisory=True,
        )


# --- the catalogue ---------------------------------------------------------------------------------


def _entries(
    entries: Iterable[tuple[str, type | tuple[type, ...], Check]], *, advisory: bool = False
) -> tuple[LifecycleRule, ...]:
    return tuple(
        LifecycleRule(
            rule_id,
            " ".join((check.__doc__ or "").split()),
            observes if isinstance(observes, tuple) else (observes,),
            check,
            advisory,
        )
        for rule_id, observes, check in entries
    )


LIFECYCLE_RULES: tuple[LifecycleRule, ...] = _entries(
    [
        ("required-field", Call, required_field_rule),
        ("empty-answer", Call, empty_answer_rule),
        ("resource-names", Call, resource_names_rule),
        ("list-negative-page-size", Call, negative_page_size_rule),
        ("create-name", Create, create_name_rule),
        ("create-first-state", Create, create_first_state_rule),
        ("create-output-only", Create, create_output_only_rule),
        ("create-echo", Create, create_echo_rule),
        ("create-duplicate", DuplicateCreate, create_duplicate_rule),
        ("create-time-stable", JobReads, create_time_stable_rule),
        ("update-time-monotonic", JobReads, update_time_monotonic_rule),
        ("list-page-size", ListWalk, list_page_size_rule),
        ("list-token-loop", ListWalk, list_token_loop_rule),
        ("list-token-ends", ListWalk, list_token_ends_rule),
        ("list-no-repeats", ListWalk, list_no_repeats_rule),
        ("list-complete", ListWalk, list_complete_rule),
        ("list-total-size", ListWalk, list_total_size_rule),
        ("list-order", ListWalk, list_order_rule),
        ("list-filter", ListWalk, list_filter_rule),
        ("list-matches-get", ListWalk, list_matches_get_rule),
        ("unknown-job", UnknownJob, unknown_job_rule),
        ("delete-after", Delete, delete_after_rule),
        ("cancel-reaches-terminal", Cancel, cancel_reaches_terminal_rule),
        ("cancel-stays-stopped", Cancel, cancel_stays_stopped_rule),
        ("cancel-terminal-job", Cancel, cancel_terminal_job_rule),
        ("estimate-cost", Estimate, estimate_cost_rule),
        ("estimate-creates-nothing", Estimate, estimate_creates_nothing_rule),
    ]
)
LIFECYCLE_ADVISORIES: tuple[LifecycleRule, ...] = _entries(
    [
        ("list-empty-last-page", ListWalk, list_empty_last_page_advisory),
        ("list-filter-unsupported", ListWalk, list_filter_unsupported_advisory),
        ("list-bad-token", PageTokenProbe, list_bad_token_advisory),
        ("delete-again", Delete, delete_again_advisory),
        ("cancel-terminal-answer", Cancel, cancel_terminal_answer_advisory),
        ("estimate-epochs", CostPair, estimate_epochs_advisory),
        ("completed-time", JobReads, completed_time_advisory),
        ("progress-monotonic", JobReads, progress_monotonic_advisory),
    ],
    advisory=True,
)


def lifecycle_rule_by_id(rule_id: str) -> LifecycleRule:
    """The catalogue entry with this id; KeyError naming it when there is none."""
    for rule in LIFECYCLE_RULES + LIFECYCLE_ADVISORIES:
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no lifecycle rule {rule_id!r}")


def check_observation(
    observation: Observation,
    facts: ApiFacts,
    rules: Iterable[LifecycleRule] = LIFECYCLE_RULES + LIFECYCLE_ADVISORIES,
) -> list[LifecycleViolation]:
    """Every finding of the catalogue entries that read this observation's type, in catalogue order."""
    return [
        finding
        for rule in rules
        if isinstance(observation, rule.observes)
        for finding in rule.check(observation, facts)
    ]
