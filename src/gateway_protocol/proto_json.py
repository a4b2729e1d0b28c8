"""Proto3 JSON as grpc-gateway writes it: scalars, zero values and `null`, and field-name casing, defined once.

- Scalars: int32 and uint32 are JSON numbers; int64, uint64 and their fixed/signed variants are decimal strings
  (a number is accepted on read); floats may be the strings "NaN", "Infinity", "-Infinity". Every integer has
  a range, and a decimal string longer than any in range is refused before Python converts it (a 5,000-digit
  string is an answer to refuse, not a conversion to run).
- Zero values and `null` (grpc-gateway's EmitUnpopulated marshaler): an unset message or Timestamp is written as
  `null`, an unset scalar as its zero value ("", 0, "0" for 64-bit integers, false, an enum's first name), an
  unset repeated field as [], an unset map as {}. protojson's default omits them instead.
- Names: a field's JSON name is its proto name in lowerCamelCase (`display_name` -> `displayName`); masks and
  filters may use either.

Schemas are OpenAPI schema objects, already resolved (no `$ref`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from .spec_view import json_type

__all__ = [
    "INT32_RANGE",
    "INT64_RANGE",
    "MESSAGE",
    "NON_FINITE",
    "NULL_MEANS_UNSET",
    "STRING_INTEGER_FORMATS",
    "TIMESTAMP",
    "UINT32_RANGE",
    "UINT64_RANGE",
    "ValueKind",
    "camel_case",
    "float_value",
    "integer_in_range",
    "integer_value",
    "is_default",
    "is_int64_string",
    "is_unpopulated",
    "kind_of",
    "parse_integer_string",
    "range_of",
    "snake_case",
    "zero_value",
]

INT32_RANGE = (-(2**31), 2**31 - 1)
UINT32_RANGE = (0, 2**32 - 1)
INT64_RANGE = (-(2**63), 2**63 - 1)
UINT64_RANGE = (0, 2**64 - 1)
_RANGES: dict[str, tuple[int, int]] = {
    "int32": INT32_RANGE,
    "sint32": INT32_RANGE,
    "sfixed32": INT32_RANGE,
    "uint32": UINT32_RANGE,
    "fixed32": UINT32_RANGE,
    "int64": INT64_RANGE,
    "sint64": INT64_RANGE,
    "sfixed64": INT64_RANGE,
    "uint64": UINT64_RANGE,
    "fixed64": UINT64_RANGE,
}
# 64-bit integers travel as JSON strings (a JavaScript number cannot hold them exactly).
STRING_INTEGER_FORMATS = frozenset({"int64", "sint64", "sfixed64", "uint64", "fixed64"})
NON_FINITE: Mapping[str, float] = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
# A decimal integer as proto3 JSON writes it: no "+", no leading zeros, at most 20 digits (uint64 max has 20).
_INTEGER_STRING = re.compile(r"-?(?:0|[1-9][0-9]{0,19})")
_NUMBER_STRING = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_MAX_NUMBER_STRING = 400  # longer numeric strings are not a double anyone wrote on purpose

ValueKind = Literal["message", "map", "repeated", "enum", "timestamp", "integer", "number", "boolean", "string"]
MESSAGE: ValueKind = "message"
TIMESTAMP: ValueKind = "timestamp"
NULL_MEANS_UNSET: frozenset[ValueKind] = frozenset({MESSAGE, TIMESTAMP})
"""The kinds whose JSON `null` means "unset" (EmitUnpopulated writes it): messages and google.protobuf.Timestamp."""


def kind_of(schema: Mapping[str, Any]) -> ValueKind:
    """What a (resolved) property schema holds, as proto3 JSON sees it."""
    if schema.get("enum"):
        return "enum"
    kind = json_type(schema)
    if kind == "object" or (kind is None and "properties" in schema):
        # A map is an object of additionalProperties with no fields of its own; anything else is a message.
        return "map" if "additionalProperties" in schema and not schema.get("properties") else "message"
    if kind == "array":
        return "repeated"
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if kind == "string":
        if schema.get("format") == "date-time":
            return "timestamp"
        return "integer" if schema.get("format") in STRING_INTEGER_FORMATS else "string"
    return "string"


def range_of(fmt: object) -> tuple[int, int] | None:
    """The (min, max) of an integer format (int32, int64, uint64, ...); None for other formats."""
    return _RANGES.get(fmt) if isinstance(fmt, str) else None


def parse_integer_string(text: object) -> int | None:
    """The integer a proto3 JSON decimal string holds, or None (not a string, not canonical, or over 20 digits)."""
    if not isinstance(text, str) or not _INTEGER_STRING.fullmatch(text):
        return None
    return int(text)


def is_int64_string(value: object) -> bool:
    """An int64 as proto3 JSON writes it: a decimal string within the int64 range."""
    number = parse_integer_string(value)
    return number is not None and INT64_RANGE[0] <= number <= INT64_RANGE[1]


def integer_in_range(value: object, fmt: object) -> bool:
    """An integer (a JSON number, or a decimal string for 64-bit formats) within its format's range.

    A format with no known range accepts any integer; bools are never integers.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        if fmt not in STRING_INTEGER_FORMATS:
            return False
        number = parse_integer_string(value)
        if number is None:
            return False
    elif isinstance(value, int):
        number = value
    else:
        return False
    bounds = range_of(fmt)
    return bounds is None or bounds[0] <= number <= bounds[1]


def integer_value(value: object) -> int | None:
    """An integer field's value as read: a JSON integer, an integral float, or a decimal string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return parse_integer_string(value)


def float_value(value: object) -> float | None:
    """A float field's value as read: a number, a numeric string, or "NaN"/"Infinity"/"-Infinity"; None for
    anything else, an integer too large for a double included (never an OverflowError)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return None
    if isinstance(value, str):
        if value in NON_FINITE:
            return NON_FINITE[value]
        if len(value) <= _MAX_NUMBER_STRING and _NUMBER_STRING.fullmatch(value):
            number = float(value)
            return number if math.isfinite(number) else None
    return None


def zero_value(schema: Mapping[str, Any]) -> Any:
    """What EmitUnpopulated writes for an unset field of this (resolved) schema."""
    kind = kind_of(schema)
    if kind == "enum":
        return schema["enum"][0]
    if kind == "integer":
        return "0" if json_type(schema) == "string" else 0  # 64-bit integers are strings in proto3 JSON
    return {"message": None, "timestamp": None, "map": {}, "repeated": [], "boolean": False, "number": 0}.get(kind, "")


def is_default(value: Any, schema: Mapping[str, Any]) -> bool:
    """A value equal to its field's proto3 default, which protojson's default marshaler leaves out: `null`, "",
    0, "0" (64-bit), false, an enum's first name, [] or an empty map. A set message is never default, even `{}`."""
    if value is None:
        return True
    kind = kind_of(schema)
    if kind == "enum":
        return bool(value == schema["enum"][0])
    if kind == "message":
        return False
    return _is_plain_default(value) or (value == "0" and schema.get("format") in STRING_INTEGER_FORMATS)


def _is_plain_default(value: Any) -> bool:
    if isinstance(value, bool):
        return value is False
    if isinstance(value, int | float):
        return value == 0
    return value in ("", [], {})


def is_unpopulated(value: Any, schema: Mapping[str, Any] | None, resolve: Callable[[Any], Mapping[str, Any]]) -> bool:
    """A value a marshaler may write for a field it leaves unset (outside a read mask): `null`, a default, or a
    message whose fields are all unpopulated. Proto3 cannot tell such a value from "not set".

    `schema` is the field's schema (None when the spec does not know the field: then only the type-free
    defaults, and objects whose values are all such); `resolve` follows `$ref`s. Iterative: any nesting depth.
    """
    pending: list[tuple[Any, Mapping[str, Any] | None]] = [(value, schema)]
    while pending:
        item, node = pending.pop()
        if item is None:
            continue
        resolved = resolve(node) if node is not None else None
        if isinstance(item, dict) and (resolved is None or kind_of(resolved) == "message"):
            properties = (resolved or {}).get("properties") or {}
            pending.extend((inner, properties.get(key)) for key, inner in item.items())
        elif not (is_default(item, resolved) if resolved is not None else _is_plain_default(item)):
            return False
    return True


_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def camel_case(name: str) -> str:
    """The JSON name of a proto field name: `display_name` -> `displayName` (a JSON name comes back as it is)."""
    if "_" not in name:
        return name
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def snake_case(name: str) -> str:
    """The proto name of a JSON field name or verb: `displayName` -> `display_name`, `estimateCost` ->
    `estimate_cost` (a proto name comes back as it is)."""
    return _UPPER.sub("_", name).lower()
