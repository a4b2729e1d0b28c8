"""Job bodies, field lists and enum values derived from the vendored spec, so client tests survive a bump unedited."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from spec_tools.spec import load_spec

__all__ = [
    "JOB_PROPERTIES",
    "MESSAGE_FIELDS",
    "attribute_of",
    "emit_unpopulated",
    "is_message",
    "unknown_value",
    "zero_value",
]

_SPEC = load_spec()
JOB_PROPERTIES: dict[str, dict[str, Any]] = {
    name: _SPEC.resolve(node) for name, node in _SPEC.job_schema()["properties"].items()
}


def attribute_of(json_name: str) -> str:
    """The generated attribute of a camelCase JSON name (createTime -> create_time)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", json_name).lower()


def is_message(schema: dict[str, Any]) -> bool:
    """A proto message in JSON: an object, or google.protobuf.Timestamp (a date-time string)."""
    return schema.get("type") == "object" or (schema.get("type") == "string" and schema.get("format") == "date-time")


# JSON name -> attribute of every message-typed job field.
MESSAGE_FIELDS: dict[str, str] = {name: attribute_of(name) for name, s in JOB_PROPERTIES.items() if is_message(s)}


def zero_value(schema: dict[str, Any]) -> Any:
    """What grpc-gateway's EmitUnpopulated writes for an unset field of this schema."""
    if is_message(schema):
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return "0" if schema.get("format") in ("int64", "uint64") else ""
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def emit_unpopulated(**values: Any) -> dict[str, Any]:
    """A job body with every spec property: `values` where given (by JSON name), zero values elsewhere."""
    return {name: values.get(name, zero_value(schema)) for name, schema in JOB_PROPERTIES.items()}


def unknown_value(enum: type[StrEnum], tag: str = "NEW") -> str:
    """A value of the enum's shape that no spec can define: proto enum names never hold a '-'."""
    prefix = next(iter(enum)).value.partition("_")[0]
    return f"{prefix}_{tag}-NOT-IN-ANY-SPEC"
