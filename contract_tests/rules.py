"""The contract rules, one plain function each, with a stable id and a one-line doc.

A rule reads one `Exchange` and the spec's facts and yields `Violation`s. Advisories are rules whose
findings are reported but never fail a run. The catalogue `RULES` is what the suite, the schemathesis
checks and the README's rule table are built from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

import jsonschema
import pycountry
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

from gateway_protocol import proto_json
from gateway_protocol.field_masks import KeepTree, keep_tree
from gateway_protocol.money import money_problems
from gateway_protocol.resource_names import ResourceValueError
from gateway_protocol.rpc import code_name

from .exchange import NOT_JSON, Exchange
from .spec_facts import SpecFacts

__all__ = ["ADVISORIES", "RULES", "Rule", "Violation", "check_exchange", "rule_by_id"]

_FRACTION = re.compile(r"T[0-9:]+\.([0-9]+)")


@dataclass(frozen=True)
class Violation:
    """One broken rule: where in the body, what the spec requires, what was received."""

    rule: str
    path: str
    expected: str
    got: str
    advisory: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    doc: str
    check: Callable[[Exchange, SpecFacts], Iterable[Violation]]
    advisory: bool = False


def _json_path(path: Iterable[str | int]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _show(value: Any) -> str:
    # Whole: the recorder scrubs secrets first and shortens after, so no piece of a secret survives a cut.
    return repr(value) if not isinstance(value, str) else f'"{value}"'


def _covered_by_mask(exchange: Exchange, name: str) -> bool:
    tree = keep_tree(exchange.mask_paths)
    return tree is None or name in tree


# --- schema ---------------------------------------------------------------------------------------


def _is_int(value: Any) -> TypeGuard[int]:
    # JSON Schema counts 3.0 as an integer; a proto3 int32 is never written with a fraction.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_integer(_checker: Any, value: Any) -> bool:
    return _is_int(value)


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("int32")
def _int32(value: Any) -> bool:
    return not _is_int(value) or proto_json.integer_in_range(value, "int32")


@_FORMATS.checks("int64")
def _int64(value: Any) -> bool:
    # A string or an integer within int64 (never converting a string longer than any int64).
    return not isinstance(value, str | int) or isinstance(value, bool) or proto_json.integer_in_range(value, "int64")


@_FORMATS.checks("date-time")
def _date_time(value: Any) -> bool:
    # RFC 3339, and at most nanoseconds: a google.protobuf.Timestamp has no finer precision.
    if not isinstance(value, str):
        return True
    fraction = _FRACTION.search(value)
    return bool(validate_rfc3339(value)) and (fraction is None or len(fraction.group(1)) <= 9)


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)  # type: ignore[no-untyped-call]
# Owned by other rules, so a single defect is reported once: `required` by dataset, `enum` by enums.
_OWNED_ELSEWHERE = {"required", "enum"}


def _expected(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "format":
        return f"{schema.get('type', 'value')} in format {error.validator_value}"
    if error.validator == "type":
        return f"type {error.validator_value}" + (f" ({schema['format']})" if "format" in schema else "")
    return f"{error.validator} {_show(error.validator_value)}"


_KEEP, _DROP = object(), object()


def _proto3_json_allowance(value: Any, schema: dict[str, Any] | None) -> Any:
    """What proto3 JSON permits and JSON Schema alone rejects: _DROP for a null (unset) message or Timestamp,
    a number for a float written as "NaN"/"Infinity"/"-Infinity"; _KEEP otherwise."""
    if schema is None:
        return _KEEP
    if value is None and proto_json.kind_of(schema) in proto_json.NULL_MEANS_UNSET:
        return _DROP
    if schema.get("type") == "number" and isinstance(value, str) and value in proto_json.NON_FINITE:
        return 0.0
    return _KEEP


def _normalized(body: Any, facts: SpecFacts) -> Any:
    """The body as JSON Schema should see it, after the proto3 JSON allowances. Only the objects on the way to an
    edit are copied (the rest is shared, whatever its size or depth)."""
    edits = [(path, _proto3_json_allowance(value, schema)) for path, value, schema, _ in facts.walk(body)]
    edits = [(path, edit) for path, edit in edits if edit is not _KEEP]
    if not edits:
        return body
    cleaned = dict(body)
    copied: set[tuple[str, ...]] = {()}
    for path, edit in edits:
        node = cleaned
        for depth, key in enumerate(path[:-1], start=1):
            if path[:depth] not in copied:
                node[key] = dict(node[key])
                copied.add(path[:depth])
            node = node[key]
        if edit is _DROP:
            del node[path[-1]]
        else:
            node[path[-1]] = edit
    return cleaned


def schema_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """The body validates against the job schema, int32/int64 ranges and RFC 3339 date-times included."""
    if not exchange.is_job_read:
        return
    if exchange.body is NOT_JSON:
        yield Violation("schema", "$", "a JSON job object", f"{exchange.body_problem}: {_show(exchange.text)}")
        return
    body = _normalized(exchange.body, facts)
    money = {path for path, _v, _s, name in facts.walk(body) if name in facts.money_schema_names}
    validator = _Validator(facts.root_schema, format_checker=_FORMATS)
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        if error.validator in _OWNED_ELSEWHERE:
            continue
        if error.validator == "format" and tuple(error.absolute_path)[:-1] in money:
            continue  # the money rule reports Money's units, with Money's own words
        yield Violation("schema", _json_path(error.absolute_path), _expected(error), _show(error.instance))


# --- dataset (required fields) ----------------------------------------------------------------------


def dataset_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """`dataset` (every required field) is present and a string whenever the read mask covers it."""
    if not exchange.is_job_read or not isinstance(exchange.body, dict):
        return
    for name in facts.required:
        if not _covered_by_mask(exchange, name):
            continue
        kind = facts.resolve(facts.job_properties.get(name, {})).get("type", "string")
        if name not in exchange.body:
            yield Violation("dataset", _json_path([name]), f"required {kind}", "absent")
        elif kind == "string" and not isinstance(exchange.body[name], str):
            yield Violation("dataset", _json_path([name]), "required string", _show(exchange.body[name]))


# --- enums ------------------------------------------------------------------------------------------


def enums_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """`state`, `status.code`, `purpose` (every enum field) hold names from the spec's enums."""
    if not exchange.is_job_read:
        return
    for path, value, schema, name in facts.walk(exchange.body):
        if schema is None or "enum" not in schema or value in schema["enum"]:
            continue
        yield Violation(
            "enums",
            _json_path(path),
            f"one of {name or 'the enum'} in spec {facts.version}",
            f"{_show(value)} (enum drift: a value the spec does not know)",
        )


# --- money ------------------------------------------------------------------------------------------


def _is_iso4217(code: str) -> bool:
    # pycountry looks codes up case-insensitively; the shape check (three upper-case letters) comes first.
    return pycountry.currencies.get(alpha_3=code) is not None


def _money_violations(path: tuple[str, ...], money: Any) -> Iterator[Violation]:
    """Every Money rule (`gateway_protocol.money`) the value breaks, with the ISO 4217 list behind the code."""
    if not isinstance(money, dict):
        return
    units, nanos, currency = money.get("units"), money.get("nanos"), money.get("currencyCode")
    for problem in money_problems(units, nanos, currency, is_currency=_is_iso4217):
        yield Violation("money", _json_path((*path, problem.field)), problem.expected, problem.got_text())


def money_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """Every Money: int64-string units, nanos within ±999,999,999 and of units' sign, ISO 4217 currency."""
    if not exchange.is_job_read:
        return
    for path, value, _schema, name in facts.walk(exchange.body):
        if name in facts.money_schema_names:
            yield from _money_violations(path, value)


# --- progress ---------------------------------------------------------------------------------------


def progress_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """`jobProgress.percent` lies within 0..100."""
    # The doc (README's rule table) names today's field; the rule reads every percent the spec bounds to 0..100
    # (facts.percent_paths), so a bump that moves or drops it needs no edit here.
    if not exchange.is_job_read or not isinstance(exchange.body, dict):
        return
    for path in facts.percent_paths:
        value: Any = exchange.body
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if _is_int(value) and not 0 <= value <= 100:
            yield Violation("progress", _json_path(path), "a percent within 0..100", _show(value))


# --- mask -------------------------------------------------------------------------------------------


def _unmasked(
    body: dict[str, Any], schema: dict[str, Any], tree: KeepTree, facts: SpecFacts
) -> Iterator[tuple[str, ...]]:
    """Paths of the fields outside the mask that hold a value (not one a marshaler writes for an unset field),
    at any depth the mask reaches."""
    properties: dict[str, Any] = facts.resolve(schema).get("properties") or {}
    pending: list[tuple[dict[str, Any], dict[str, Any], KeepTree, tuple[str, ...]]] = [(body, properties, tree, ())]
    while pending:
        node, props, keep, where = pending.pop()
        for key, value in node.items():
            if key in keep:
                inner = keep[key]
                if inner is not None and isinstance(value, dict):
                    resolved = facts.resolve(props[key]) if key in props else {}
                    pending.append((value, resolved.get("properties") or {}, inner, (*where, key)))
                continue  # kept, whole or in part
            if not proto_json.is_unpopulated(value, props.get(key), facts.resolve):
                yield (*where, key)


def mask_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """With a `readMask`, the body holds no field outside the mask."""
    tree = keep_tree(exchange.mask_paths)
    if not exchange.is_job_read or tree is None or not isinstance(exchange.body, dict):
        return
    expected = f"only fields in readMask {exchange.read_mask!r} (others absent or zero-valued)"
    outside = sorted(_unmasked(exchange.body, {"properties": facts.job_properties}, tree, facts))
    for path in outside:
        value: Any = exchange.body
        for key in path:
            value = value[key]
        yield Violation("mask", _json_path(path), expected, _show(value))


# --- name -------------------------------------------------------------------------------------------


def name_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """`name`, when present, is `accounts/{account}/supervisedFineTuningJobs/{job}` of the request."""
    if not exchange.is_job_read or not isinstance(exchange.body, dict) or "name" not in exchange.body:
        return
    try:
        want = facts.job_name(exchange.account or "", exchange.job_id or "")
    except ResourceValueError:
        return  # an id no resource name can hold (an encoded `/`): the other rules judge that answer
    if exchange.body["name"] == "" and not _covered_by_mask(exchange, "name"):
        return  # masked out, written as its zero value
    if exchange.body["name"] != want:
        yield Violation("name", "$.name", _show(want), _show(exchange.body["name"]))


# --- errors -----------------------------------------------------------------------------------------

_UNROUTED_METHOD = (405, "UNIMPLEMENTED")  # grpc-gateway answers an unrouted method so


def errors_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """A non-2xx body is a google.rpc.Status whose code maps to the HTTP status (spec's gatewayCode text)."""
    if exchange.status < 400:
        return
    body = exchange.body
    if not isinstance(body, dict):
        got = "a non-JSON body" if body is NOT_JSON else f"JSON {type(body).__name__}"
        yield Violation("errors", "$", 'a google.rpc.Status {"code", "message", "details"}', got)
        return
    code = body.get("code")
    name = code_name(code)
    name = name if name in facts.code_names else None
    if name is None:
        yield Violation("errors", "$.code", "an integer google.rpc.Code 0-16 or its name", _show(code))
    if not isinstance(body.get("message"), str):
        yield Violation("errors", "$.message", "a string", _show(body["message"]) if "message" in body else "absent")
    if "details" in body and not isinstance(body["details"], list):
        yield Violation("errors", "$.details", "a list", _show(body["details"]))
    if name is not None and (exchange.status, name) != _UNROUTED_METHOD:
        mapped = facts.code_http_status.get(name)
        if mapped is not None and mapped != exchange.status:
            yield Violation(
                "errors", "$.code", f"HTTP {mapped} for {name} (spec's gatewayCode mapping)", f"HTTP {exchange.status}"
            )


# --- auth -------------------------------------------------------------------------------------------


def auth_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """A request with no bearer token, or a wrong one, gets 401."""
    if exchange.credentials != "valid" and exchange.status != 401:
        yield Violation(
            "auth",
            "HTTP status",
            f"401 for a request with {exchange.credentials} credentials",
            f"HTTP {exchange.status}",
        )
    elif exchange.credentials == "valid" and exchange.status == 401:
        yield Violation("auth", "HTTP status", "the configured API key to be accepted", "HTTP 401")


# --- content-type -----------------------------------------------------------------------------------


def content_type_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """JSON bodies (and every 200) come with `Content-Type: application/json`."""
    if exchange.body is NOT_JSON and exchange.status != 200:
        return
    media = (exchange.content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        yield Violation("content-type", "Content-Type", "application/json", _show(exchange.content_type or "absent"))


# --- advisories -------------------------------------------------------------------------------------


def unknown_fields_advisory(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """Fields the spec does not know: allowed, but drift to plan the next bump for."""
    if not exchange.is_job_read:
        return
    for path, _value, schema, _name in facts.walk(exchange.body):
        if schema is None:
            yield Violation(
                "unknown-field", _json_path(path), f"a property of spec {facts.version}", "unknown field", advisory=True
            )


def secret_values_advisory(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """A job carrying secret-looking values (wandbConfig.apiKey, credentials) in clear."""
    if not exchange.is_job_read:
        return
    for path, value, _schema, _name in facts.walk(exchange.body):
        if facts.is_secret_name(path[-1]) and isinstance(value, str) and value:
            yield Violation(
                "secret-value", _json_path(path), "no secret in a read response", "[redacted]", advisory=True
            )


def base_model_and_warm_start_advisory(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """Both `baseModel` and `warmStartFrom` set, which the spec says should not happen."""
    body = exchange.body
    if exchange.is_job_read and isinstance(body, dict) and body.get("baseModel") and body.get("warmStartFrom"):
        yield Violation(
            "base-model-and-warm-start",
            "$.warmStartFrom",
            "only one of baseModel, warmStartFrom",
            "both set",
            advisory=True,
        )


RULES: tuple[Rule, ...] = tuple(
    Rule(rule_id, (check.__doc__ or "").strip(), check)
    for rule_id, check in (
        ("schema", schema_rule),
        ("dataset", dataset_rule),
        ("enums", enums_rule),
        ("money", money_rule),
        ("progress", progress_rule),
        ("mask", mask_rule),
        ("name", name_rule),
        ("errors", errors_rule),
        ("auth", auth_rule),
        ("content-type", content_type_rule),
    )
)
ADVISORIES: tuple[Rule, ...] = tuple(
    Rule(rule_id, (check.__doc__ or "").strip(), check, advisory=True)
    for rule_id, check in (
        ("unknown-field", unknown_fields_advisory),
        ("secret-value", secret_values_advisory),
        ("base-model-and-warm-start", base_model_and_warm_start_advisory),
    )
)


def rule_by_id(rule_id: str) -> Rule:
    return next(rule for rule in RULES + ADVISORIES if rule.id == rule_id)


def check_exchange(
    exchange: Exchange,
    facts: SpecFacts,
    rules: Iterable[Rule] = RULES + ADVISORIES,
    check: Callable[[], None] | None = None,
) -> list[Violation]:
    """Every finding of the given rules on one exchange, rules in catalogue order; `check` is called before each
    rule (it may raise to stop a run whose budget is spent)."""
    found: list[Violation] = []
    for rule in rules:
        if check is not None:
            check()
        found.extend(rule.check(exchange, facts))
    return found
