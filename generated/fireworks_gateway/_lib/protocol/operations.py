"""The spec parsed once into operations: method, path template, parameters, request body, answer, AIP kind.

The mock's routes, the client's facade, the suite's checks and the spec diff all read this one model (as
schemathesis drives every phase from its `APIOperation`s). An operation's kind is the AIP standard method its
method and path make (AIP-131 get, 132 list, 133 create, 134 update, 135 delete) or, with a `:verb`, a custom
method (AIP-136) on a resource or on a collection.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .resource_names import PathTemplate
from .spec_view import schema_key_of

__all__ = ["ApiModel", "Operation", "OperationKind", "Parameter", "SelectionError"]

OperationKind = Literal["get", "list", "create", "update", "delete", "custom"]
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class SelectionError(LookupError):
    """An operationId the selection names is not in the document (or appears twice)."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation, as the spec declares it (its schema unresolved)."""

    name: str
    location: str  # "path", "query", "header" or "cookie"
    required: bool
    schema: dict[str, Any] = field(repr=False)
    description: str = field(default="", repr=False)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec."""

    operation_id: str
    method: str  # upper case
    path: PathTemplate
    parameters: tuple[Parameter, ...]
    request_schema: dict[str, Any] | None = field(repr=False)  # application/json body, unresolved
    request_required: bool
    response_schema: dict[str, Any] | None = field(repr=False)  # 200 application/json answer, unresolved
    summary: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def kind(self) -> OperationKind:
        """The AIP method kind: a `:verb` makes a custom method; otherwise the HTTP method and whether the path
        ends in a resource (a variable) or in a collection (a literal)."""
        if self.path.verb is not None:
            return "custom"
        on_resource = self.path.last_variable is not None
        kinds: dict[tuple[str, bool], OperationKind] = {
            ("GET", True): "get",
            ("GET", False): "list",
            ("POST", False): "create",
            ("PATCH", True): "update",
            ("PUT", True): "update",
            ("DELETE", True): "delete",
        }
        return kinds.get((self.method, on_resource), "custom")

    @property
    def verb(self) -> str | None:
        """The custom verb (`cancel`, `estimateCost`), or None for a standard method."""
        return self.path.verb

    @property
    def on_collection(self) -> bool:
        """True when the path ends in the collection (list, create, `jobs:estimateCost`), not in one resource."""
        return self.path.last_variable is None

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def request_schema_key(self) -> str | None:
        """The schema key of the request body, when it is a `$ref` (the job, for create and estimate cost)."""
        return schema_key_of(self.request_schema)

    @property
    def response_schema_key(self) -> str | None:
        """The schema key of the 200 answer, when it is a `$ref`; None for an inline answer such as `{}`."""
        return schema_key_of(self.response_schema)

    @property
    def empty_response(self) -> bool:
        """True when the 200 answer is an inline object with no properties (`{}`: delete, cancel)."""
        schema = self.response_schema
        return (
            isinstance(schema, dict)
            and "$ref" not in schema
            and schema.get("type") == "object"
            and not schema.get("properties")
        )

    @property
    def method_name(self) -> str:
        """The facade's name for it: the AIP kind, or the custom verb in snake case (`estimate_cost`)."""
        if self.kind != "custom" or self.verb is None:
            return self.kind
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in self.verb).lstrip("_")


def _json_body(node: Any) -> tuple[dict[str, Any] | None, bool]:
    if not isinstance(node, dict):
        return None, False
    schema = ((node.get("content") or {}).get("application/json") or {}).get("schema")
    return (schema if isinstance(schema, dict) else None), node.get("required") is True


def _parameters(path_item: dict[str, Any], operation: dict[str, Any]) -> tuple[Parameter, ...]:
    # Operation-level parameters override path-level ones of the same name and location (OpenAPI 3.1).
    merged: dict[tuple[str, str], Parameter] = {}
    for raw in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            continue
        location = str(raw.get("in", ""))
        schema = raw.get("schema")
        description = raw.get("description")
        merged[(raw["name"], location)] = Parameter(
            name=raw["name"],
            location=location,
            required=raw.get("required") is True or location == "path",
            schema=schema if isinstance(schema, dict) else {},
            description=description if isinstance(description, str) else "",
        )
    return tuple(merged.values())


def _operation(path: str, method: str, path_item: dict[str, Any], raw: dict[str, Any]) -> Operation:
    request_schema, request_required = _json_body(raw.get("requestBody"))
    ok = (raw.get("responses") or {}).get("200")
    response_schema, _ = _json_body(ok)
    summary = raw.get("summary")
    return Operation(
        operation_id=str(raw["operationId"]),
        method=method.upper(),
        path=PathTemplate(path),
        parameters=_parameters(path_item, raw),
        request_schema=request_schema,
        request_required=request_required,
        response_schema=response_schema,
        summary=summary if isinstance(summary, str) else "",
        raw=raw,
    )


def iter_raw_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(path, method, path item, operation) for every operation of a document that has an operationId."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            raw = item.get(method)
            if isinstance(raw, dict) and isinstance(raw.get("operationId"), str):
                yield str(path), method, item, raw


@dataclass(frozen=True)
class ApiModel:
    """The selected operations of a document, by operationId, in the selection's order (document order if none)."""

    operations: dict[str, Operation]

    @classmethod
    def from_document(cls, document: dict[str, Any], selection: Sequence[str] | None = None) -> ApiModel:
        """Parse the operations `selection` names (every operation when None).

        SelectionError names the first selected operationId the document lacks; an operationId used twice is
        refused too, since nothing could say which of the two is meant.
        """
        found: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {}
        wanted = set(selection) if selection is not None else None
        for path, method, item, raw in iter_raw_operations(document):
            operation_id = raw["operationId"]
            if wanted is not None and operation_id not in wanted:
                continue
            if operation_id in found:
                raise SelectionError(f"operationId {operation_id!r} appears twice in the document")
            found[operation_id] = (path, method, item, raw)
        order = list(selection) if selection is not None else list(found)
        missing = [operation_id for operation_id in order if operation_id not in found]
        if missing:
            raise SelectionError(f"the spec has no operation {missing[0]!r} (selected in the operation list)")
        return cls({operation_id: _operation(*found[operation_id]) for operation_id in order})

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations.values())

    def __len__(self) -> int:
        return len(self.operations)

    def __getitem__(self, operation_id: str) -> Operation:
        return self.operations[operation_id]

    def of_kind(self, kind: OperationKind) -> tuple[Operation, ...]:
        return tuple(op for op in self if op.kind == kind)

    def single(self, kind: OperationKind) -> Operation:
        """The one selected operation of a kind; LookupError when there is none or more than one."""
        matches = self.of_kind(kind)
        if len(matches) != 1:
            names = ", ".join(op.operation_id for op in matches) or "none"
            raise LookupError(f"expected one selected operation of kind {kind!r}, found {names}")
        return matches[0]

    def custom(self, verb: str) -> Operation | None:
        """The selected custom method with this verb (`cancel`), if any."""
        return next((op for op in self if op.verb == verb), None)
