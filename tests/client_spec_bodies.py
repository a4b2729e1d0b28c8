"""Job bodies, field lists and enum values derived from the vendored spec, so client tests survive a bump unedited."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import fireworks_gateway.models

from gateway_protocol import proto_json
from gateway_protocol.money import is_money_schema
from spec_tools.codegen import class_name_for
from spec_tools.spec import load_spec

__all__ = [
    "ENUM_FIELDS",
    "JOB_PROPERTIES",
    "KNOWN_STATE",
    "MESSAGE_FIELDS",
    "MONEY_FIELDS",
    "MONEY_SCHEMAS",
    "NESTED_SCALAR",
    "SCALAR_SAMPLES",
    "TIMESTAMPS",
    "NestedScalar",
    "attribute_of",
    "emit_unpopulated",
    "is_message",
    "model_class",
    "scalar_property",
    "unknown_value",
    "zero_value",
]

_SPEC = load_spec()
_RAW_PROPERTIES: dict[str, Any] = _SPEC.job_schema()["properties"]
JOB_PROPERTIES: dict[str, dict[str, Any]] = {name: _SPEC.resolve(node) for name, node in _RAW_PROPERTIES.items()}
_REQUIRED = frozenset(_SPEC.job_schema().get("required", ()))
# A job state the vendored spec defines that is not the proto zero value, for bodies of a job in a known state.
KNOWN_STATE: str = JOB_PROPERTIES["state"]["enum"][1]

# A sample non-zero value per scalar JSON type, for bodies built from the spec.
SCALAR_SAMPLES: dict[str, Any] = {"integer": 40, "boolean": True, "string": "probe"}


def model_class(schema_key: str) -> Any:
    """The generated model class of a `components/schemas` key, by the generator's own naming rule."""
    return getattr(fireworks_gateway.models, class_name_for(schema_key))


def attribute_of(json_name: str) -> str:
    """The generated attribute of a camelCase JSON name (createTime -> create_time)."""
    return proto_json.snake_case(json_name)


def is_message(schema: dict[str, Any]) -> bool:
    """A field whose JSON null means unset: a message, or google.protobuf.Timestamp (a date-time string)."""
    return proto_json.kind_of(schema) in proto_json.NULL_MEANS_UNSET


# JSON names of every google.protobuf.Timestamp (date-time) job field.
TIMESTAMPS: tuple[str, ...] = tuple(name for name, s in JOB_PROPERTIES.items() if s.get("format") == "date-time")

# JSON name -> attribute of every message-typed job field.
MESSAGE_FIELDS: dict[str, str] = {name: attribute_of(name) for name, s in JOB_PROPERTIES.items() if is_message(s)}


zero_value = proto_json.zero_value  # what grpc-gateway's EmitUnpopulated writes for an unset field


def emit_unpopulated(**values: Any) -> dict[str, Any]:
    """A job body with every spec property: `values` where given (by JSON name), zero values elsewhere."""
    return {name: values.get(name, zero_value(schema)) for name, schema in JOB_PROPERTIES.items()}


def _is_plain_scalar(schema: dict[str, Any]) -> bool:
    """A scalar with a sample value: no enum, no format that gives it a special shape (int64, date-time)."""
    kind = schema.get("type")
    if schema.get("enum") or kind not in SCALAR_SAMPLES:
        return False
    return kind != "string" or "format" not in schema


def scalar_property(kind: str, exclude: frozenset[str] = frozenset()) -> str | None:
    """The first optional job property of this plain scalar JSON type, or None when the spec has none."""
    return next(
        (
            name
            for name, schema in JOB_PROPERTIES.items()
            if name not in _REQUIRED | exclude and _is_plain_scalar(schema) and schema.get("type") == kind
        ),
        None,
    )


def _enum_fields() -> dict[tuple[str, ...], str]:
    """JSON path -> enum schema key of every enum-typed job property, top-level and one message deep."""
    found: dict[tuple[str, ...], str] = {}
    for name, raw in _RAW_PROPERTIES.items():
        key, schema = _SPEC.schema_name(raw), JOB_PROPERTIES[name]
        if key and schema.get("enum"):
            found[(name,)] = key
        for sub, sub_raw in (schema.get("properties") or {}).items() if schema.get("type") == "object" else ():
            sub_key = _SPEC.schema_name(sub_raw)
            if sub_key and _SPEC.selected_schemas[sub_key].get("enum"):
                found[(name, sub)] = sub_key
    return found


ENUM_FIELDS: dict[tuple[str, ...], str] = _enum_fields()


# Schema keys shaped like google.type.Money, and the job properties (JSON names) holding one.
MONEY_SCHEMAS: tuple[str, ...] = tuple(key for key, schema in _SPEC.selected_schemas.items() if is_money_schema(schema))
MONEY_FIELDS: tuple[str, ...] = tuple(
    name for name, raw in _RAW_PROPERTIES.items() if _SPEC.schema_name(raw) in MONEY_SCHEMAS
)


@dataclass(frozen=True)
class NestedScalar:
    """A message-typed job property and one plain scalar sub-field of it, for nested read masks."""

    message: str
    field: str
    schema_key: str
    sample: Any
    sub_fields: dict[str, dict[str, Any]]

    @property
    def path(self) -> str:
        return f"{self.message}.{self.field}"

    @property
    def snake_path(self) -> str:
        return f"{attribute_of(self.message)}.{attribute_of(self.field)}"

    def body(self) -> dict[str, Any]:
        """The message as EmitUnpopulated writes it: the sample in `field`, zero values elsewhere."""
        return {name: zero_value(s) for name, s in self.sub_fields.items()} | {self.field: self.sample}


def _nested_scalar() -> NestedScalar | None:
    """The first message property with a plain scalar sub-field, integer sub-fields first (the most telling)."""
    found = []
    for name, raw in _RAW_PROPERTIES.items():
        key, schema = _SPEC.schema_name(raw), JOB_PROPERTIES[name]
        if not key or schema.get("type") != "object" or key in MONEY_SCHEMAS:
            continue
        subs = {sub: _SPEC.resolve(node) for sub, node in (schema.get("properties") or {}).items()}
        for sub, sub_schema in subs.items():
            if _is_plain_scalar(sub_schema):
                rank = list(SCALAR_SAMPLES).index(sub_schema["type"])
                found.append((rank, len(found), NestedScalar(name, sub, key, SCALAR_SAMPLES[sub_schema["type"]], subs)))
    return min(found, key=lambda item: item[:2])[2] if found else None


NESTED_SCALAR: NestedScalar | None = _nested_scalar()


def unknown_value(enum: type[StrEnum], tag: str = "NEW") -> str:
    """A value of the enum's shape that no spec can define: proto enum names never hold a '-'."""
    prefix = next(iter(enum)).value.partition("_")[0]
    return f"{prefix}_{tag}-NOT-IN-ANY-SPEC"
