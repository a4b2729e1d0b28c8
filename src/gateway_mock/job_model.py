"""What the spec says about the job resource, read once: its schema, output-only and required fields, the state
enum, its resource name template, and how a request body becomes a job (proto3 JSON input rules).

Nothing here names a field: output-only fields are the schema's `readOnly` properties, required ones its
`required` list, and a bump that adds, removes or retypes a property changes what is accepted with no edit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway_protocol.proto_json import snake_case
from gateway_protocol.resource_names import PathTemplate
from gateway_protocol.spec_view import Spec, json_type

from .clock import parse_timestamp

__all__ = ["FieldPathError", "InputError", "JobModel"]

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_UINT = {"uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1)}
_INT64_FORMATS = ("int64", "uint64", "fixed64", "sfixed64", "sint64")
_FLOAT_WORDS = {"NaN", "Infinity", "-Infinity"}
_MAX_DEPTH = 16
_SHOWN = 60  # characters of a client's value quoted back in an error


class InputError(ValueError):
    """A request body the gateway would refuse (400, INVALID_ARGUMENT): the message names the field."""


class FieldPathError(ValueError):
    """A field path (in a filter or orderBy) that names no field of the job."""


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


@dataclass(frozen=True)
class _Field:
    name: str  # JSON name
    schema: dict[str, Any]  # resolved


class JobModel:
    """The job resource as the selected operations see it."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        get = spec.job_operation()
        self.template: PathTemplate = get.path
        if self.template.last_variable is None:
            raise LookupError(f"{get.operation_id}: the path does not end in the job's id variable")
        self.id_variable: str = self.template.last_variable
        self.parent_variables = tuple(v for v in self.template.variables if v != self.id_variable)
        self.schema = spec.job_schema()
        self.properties: dict[str, dict[str, Any]] = {
            name: spec.resolve(node) for name, node in self.schema.get("properties", {}).items()
        }
        self.output_only = frozenset(
            name for name, node in self.schema.get("properties", {}).items() if _read_only(node, spec)
        )
        self.required = tuple(str(name) for name in self.schema.get("required", ()))
        state = self.properties.get("state")
        if state is None or not state.get("enum"):
            raise LookupError("the job schema has no `state` enum: the mock's lifecycle walks it")
        self.states: tuple[str, ...] = tuple(str(value) for value in state["enum"])
        self._aliases = {snake_case(name): name for name in self.properties} | {n: n for n in self.properties}

    # --- names ------------------------------------------------------------------------------------------

    def name(self, parent: tuple[str, ...], job_id: str) -> str:
        """The job's resource name (`accounts/a/supervisedFineTuningJobs/j`)."""
        values = dict(zip(self.parent_variables, parent, strict=True))
        values[self.id_variable] = job_id
        return self.template.resource_name(values)

    def quoted_name(self, parent: tuple[str, ...], job_id: str) -> str:
        """The name as error messages quote it: like `name`, but any value (a `/` in an id too) fits."""
        text = self.template.name_template
        values = dict(zip(self.parent_variables, parent, strict=True))
        values[self.id_variable] = job_id
        for variable, value in values.items():
            text = text.replace("{" + variable + "}", value[:200])
        return text

    def parent_of(self, values: Mapping[str, str]) -> tuple[str, ...]:
        """The collection's key (the account) from a matched path's values."""
        return tuple(values[v] for v in self.parent_variables)

    # --- field paths --------------------------------------------------------------------------------------

    def field(self, path: str) -> tuple[str, dict[str, Any]]:
        """A dotted field path by proto or JSON names (`create_time`, `jobProgress.percent`) -> (canonical JSON
        path, resolved schema); FieldPathError naming the part that is no field."""
        canonical: list[str] = []
        properties, aliases = self.properties, self._aliases
        schema: dict[str, Any] = {}
        for depth, part in enumerate(path.split(".")):
            if depth >= _MAX_DEPTH or not part:
                raise FieldPathError(f"{_quote(path)} is not a field path")
            name = aliases.get(part)
            if name is None:
                raise FieldPathError(f"the job has no field {_quote('.'.join([*canonical, part]))}")
            canonical.append(name)
            schema = properties[name]
            properties = {k: self.spec.resolve(v) for k, v in schema.get("properties", {}).items()}
            aliases = {snake_case(k): k for k in properties} | {k: k for k in properties}
        return ".".join(canonical), schema

    # --- request bodies -----------------------------------------------------------------------------------

    def job_input(self, body: object) -> dict[str, Any]:
        """A request body as the job it asks for: unknown fields discarded (grpc-gateway's unmarshaler does),
        output-only fields ignored (AIP-203), scalars normalised to proto3 JSON (int64 as strings). InputError
        names a value the unmarshaler would refuse. Required fields are not checked here (see `missing`)."""
        if not isinstance(body, dict):
            raise InputError("the request body must be a JSON object (a job)")
        return self._message(body, self.schema, "", 0)

    def missing(self, job: Mapping[str, Any]) -> list[str]:
        """The required fields a job lacks (absent or the empty string, proto3's unset)."""
        return [name for name in self.required if job.get(name) in (None, "")]

    def output_only_sent(self, body: object) -> dict[str, Any]:
        """The output-only top-level fields a body sets, by JSON name (what a faulty gateway would keep)."""
        if not isinstance(body, dict):
            return {}
        found: dict[str, Any] = {}
        for key, value in body.items():
            name = self._aliases.get(key)
            if name is not None and name in self.output_only and value is not None:
                found[name] = value
        return found

    def _message(self, value: dict[str, Any], schema: dict[str, Any], prefix: str, depth: int) -> dict[str, Any]:
        if depth > _MAX_DEPTH:
            raise InputError(f"{prefix or 'the body'} is nested too deeply")
        properties: dict[str, Any] = schema.get("properties", {})
        aliases = {snake_case(k): k for k in properties} | {k: k for k in properties}
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = aliases.get(key)
            if name is None:
                continue  # unknown: discarded, as grpc-gateway's unmarshaler does
            node = properties[name]
            if _read_only(node, self.spec):
                continue  # output-only: ignored (AIP-203)
            if item is None:
                continue  # null is unset in proto3 JSON
            if name in out:
                raise InputError(f"field {prefix}{name} is set twice (by its JSON and its proto name)")
            out[name] = self._value(item, self.spec.resolve(node), f"{prefix}{name}", depth)
        return out

    def _value(self, item: Any, schema: dict[str, Any], path: str, depth: int) -> Any:
        kind = json_type(schema)
        if "enum" in schema:
            values = [str(v) for v in schema["enum"]]
            if isinstance(item, str) and item in values:
                return item
            if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(values):
                return values[item]
            raise InputError(f"invalid value for enum field {path}: {_quote(item)}")
        if kind == "object" or "properties" in schema:
            if not isinstance(item, dict):
                raise InputError(f"invalid value for message field {path}: expected an object, got {_quote(item)}")
            if "properties" not in schema and "additionalProperties" in schema:
                return dict(item)
            return self._message(item, schema, path + ".", depth + 1)
        if kind == "array":
            if not isinstance(item, list):
                raise InputError(f"invalid value for repeated field {path}: expected a list")
            inner = self.spec.resolve(schema.get("items", {}))
            return [self._value(element, inner, f"{path}[]", depth + 1) for element in item]
        fmt = schema.get("format")
        if kind == "boolean":
            if not isinstance(item, bool):
                raise InputError(f"invalid value for bool field {path}: {_quote(item)}")
            return item
        if kind == "integer" or (kind == "string" and fmt in _INT64_FORMATS):
            number = _integer(item, path)
            low, high = _UINT.get(str(fmt), _INT64 if fmt in _INT64_FORMATS else _INT32)
            if not low <= number <= high:
                raise InputError(f"value for field {path} is out of range for {fmt or 'int32'}: {_quote(item)}")
            return str(number) if kind == "string" else number
        if kind == "number":
            if isinstance(item, str) and item in _FLOAT_WORDS:
                return item
            if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
                raise InputError(f"invalid value for float field {path}: {_quote(item)}")
            return item
        if kind == "string":
            if not isinstance(item, str):
                raise InputError(f"invalid value for string field {path}: expected a string, got {_quote(item)}")
            if fmt == "date-time":
                try:
                    parse_timestamp(item)
                except ValueError as exc:
                    raise InputError(f"invalid value for timestamp field {path}: {exc}") from None
            return item
        return item


def _integer(item: Any, path: str) -> int:
    """proto3 JSON integers: a number without a fraction, or a decimal string."""
    if isinstance(item, bool):
        raise InputError(f"invalid value for integer field {path}: {_quote(item)}")
    if isinstance(item, int):
        return item
    if isinstance(item, float) and item.is_integer():
        return int(item)
    if isinstance(item, str) and re.fullmatch(r"-?\d{1,20}", item):
        return int(item)
    raise InputError(f"invalid value for integer field {path}: {_quote(item)}")


def _read_only(node: Any, spec: Spec) -> bool:
    """A property's `readOnly`, on the property itself or on the schema it refers to."""
    if not isinstance(node, dict):
        return False
    if node.get("readOnly") is True:
        return True
    return "$ref" in node and spec.resolve(node).get("readOnly") is True
