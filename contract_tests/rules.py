"""The contract rules, one plain function each, with a stable id and a one-line doc.

A rule reads one `Exchange` and the spec's facts and yields `Violation`s. Advisories are rules whose
findings are reported but never fail a run. The catalogue `RULES` is what the suite, the schemathesis
checks and the README's rule table are built from.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

import jsonschema
import pycountry
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

from .exchange import NOT_JSON, Exchange, job_resource_name
from .spec_facts import SpecFacts

__all__ = ["ADVISORIES", "RULES", "Rule", "Violation", "check_exchange", "rule_by_id"]

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
NANOS = (-999_999_999, 999_999_999)
_INTEGER_STRING = re.compile(r"-?(0|[1-9][0-9]*)")
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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _covered_by_mask(exchange: Exchange, name: str) -> bool:
    paths = exchange.mask_paths
    return paths is None or any(_camel(p.split(".")[0]) == name for p in paths)


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
    return not isinstance(value, int) or INT32[0] <= value <= INT32[1]


@_FORMATS.checks("int64")
def _int64(value: Any) -> bool:
    if isinstance(value, str):
        return _INTEGER_STRING.fullmatch(value) is not None and INT64[0] <= int(value) <= INT64[1]
    return not isinstance(value, int) or INT64[0] <= value <= INT64[1]


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
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def _is_message(schema: dict[str, Any]) -> bool:
    """Proto3 message fields (objects, google.protobuf.Timestamp) that grpc-gateway writes as null when unset."""
    return schema.get("type") == "object" or schema.get("format") == "date-time"


def _proto3_json_allowance(value: Any, schema: dict[str, Any] | None) -> Any:
    """What proto3 JSON permits and JSON Schema alone rejects: _DROP for a null (unset) message or Timestamp,
    a number for a float written as "NaN"/"Infinity"/"-Infinity"; _KEEP otherwise."""
    if schema is None:
        return _KEEP
    if value is None and _is_message(schema):
        return _DROP
    if schema.get("type") == "number" and value in _NON_FINITE:
        return 0.0
    return _KEEP


def _normalized(body: Any, facts: SpecFacts) -> Any:
    """The body as JSON Schema should see it, after the proto3 JSON allowances."""
    edits = [(path, _proto3_json_allowance(value, schema)) for path, value, schema, _ in facts.walk(body)]
    edits = [(path, edit) for path, edit in edits if edit is not _KEEP]
    if not edits:
        return body
    cleaned = copy.deepcopy(body)
    for path, edit in edits:
        node = cleaned
        for key in path[:-1]:
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
        yield Violation("schema", "$", "a JSON job object", _show(exchange.text))
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


def _money_violations(path: tuple[str, ...], money: Any) -> Iterator[Violation]:
    if not isinstance(money, dict):
        return
    units, nanos, currency = money.get("units"), money.get("nanos"), money.get("currencyCode")
    units_value: int | None = 0 if units is None else None
    if units is not None:
        if isinstance(units, str) and _INTEGER_STRING.fullmatch(units) and INT64[0] <= int(units) <= INT64[1]:
            units_value = int(units)
        else:
            yield Violation("money", _json_path((*path, "units")), "an int64 as a JSON string", _show(units))
    nanos_ok = nanos is None or (_is_int(nanos) and NANOS[0] <= nanos <= NANOS[1])
    if not nanos_ok:
        yield Violation("money", _json_path((*path, "nanos")), "an integer in [-999999999, 999999999]", _show(nanos))
    opposite = units_value is not None and nanos_ok and nanos is not None and units_value * nanos < 0
    if opposite:
        yield Violation(
            "money",
            _json_path((*path, "nanos")),
            "the sign of units (units > 0 => nanos >= 0; units < 0 => nanos <= 0)",
            f"units {units_value}, nanos {nanos}",
        )
    if currency not in (None, "") and not _is_iso4217(currency):
        yield Violation("money", _json_path((*path, "currencyCode")), "an ISO 4217 currency code", _show(currency))


def _is_iso4217(code: Any) -> bool:
    # pycountry looks codes up case-insensitively; ISO 4217 alphabetic codes are upper case.
    return isinstance(code, str) and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


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


def _is_zero(value: Any, schema: dict[str, Any] | None, facts: SpecFacts) -> bool:
    """Proto3 cannot tell an unset field from its zero value; EmitUnpopulated writes masked-out fields so."""
    if value is None:
        return True
    resolved = facts.resolve(schema) if schema is not None else {}
    if resolved.get("enum"):
        return bool(value == resolved["enum"][0])  # an enum's zero value is its first name (…_UNSPECIFIED)
    if isinstance(value, dict):
        props = resolved.get("properties", {})
        return all(_is_zero(inner, props.get(key), facts) for key, inner in value.items())
    if resolved.get("format") == "int64" and value == "0":
        return True
    return value in ("", 0, False) or value == []


def mask_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """With a `readMask`, the body holds no field outside the mask."""
    paths = exchange.mask_paths
    if not exchange.is_job_read or paths is None or not isinstance(exchange.body, dict):
        return
    allowed: dict[str, set[str] | None] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        head = _camel(head)
        if not rest:
            allowed[head] = None
        elif allowed.get(head, set()) is not None:
            allowed.setdefault(head, set()).add(_camel(rest.split(".")[0]))  # type: ignore[union-attr]
    expected = f"only fields in readMask {exchange.read_mask!r} (others absent or zero-valued)"
    for key, value in exchange.body.items():
        schema = facts.job_properties.get(key)
        if key not in allowed:
            if not _is_zero(value, schema, facts):
                yield Violation("mask", _json_path([key]), expected, f"{_show(value)}")
        elif allowed[key] is not None and isinstance(value, dict):
            inner_schemas = facts.resolve(schema).get("properties", {}) if schema is not None else {}
            for inner in sorted(set(value) - allowed[key]):  # type: ignore[operator]
                if not _is_zero(value[inner], inner_schemas.get(inner), facts):
                    yield Violation("mask", _json_path([key, inner]), expected, f"{_show(value[inner])}")


# --- name -------------------------------------------------------------------------------------------


def name_rule(exchange: Exchange, facts: SpecFacts) -> Iterator[Violation]:
    """`name`, when present, is `accounts/{account}/supervisedFineTuningJobs/{job}` of the request."""
    if not exchange.is_job_read or not isinstance(exchange.body, dict) or "name" not in exchange.body:
        return
    want = job_resource_name(exchange.account, exchange.job_id)
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
    name = facts.code_name(code) if _is_int(code) else code if code in facts.code_names else None
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


def check_exchange(exchange: Exchange, facts: SpecFacts, rules: Iterable[Rule] = RULES + ADVISORIES) -> list[Violation]:
    """Every finding of the given rules on one exchange, rules in catalogue order."""
    return [violation for rule in rules for violation in rule.check(exchange, facts)]
