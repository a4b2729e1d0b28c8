"""Read-only views of a parsed OpenAPI document: its version, schemas, `$ref` resolution and operations.

Parsing text into a document (bounded YAML) is the spec tools' job (`spec_tools.spec.load_spec`); everything here
works on the resulting mapping and needs nothing beyond the standard library, so the mock can ship it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .operations import ApiModel, Operation

__all__ = ["Spec", "json_type", "schema_key_of"]

_SCHEMA_REF = "#/components/schemas/"


def json_type(schema: dict[str, Any]) -> str | None:
    """A schema's JSON type; of a type list (OpenAPI 3.1 `[string, "null"]`), the first that is not null."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return str(kinds[0]) if kinds else None
    return str(kind) if kind is not None else None


def schema_key_of(node: object) -> str | None:
    """The `components/schemas` key a node refers to (`{"$ref": "#/components/schemas/typeMoney"}` -> typeMoney)."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref[len(_SCHEMA_REF) :] if isinstance(ref, str) and ref.startswith(_SCHEMA_REF) else None


def _refs(node: object) -> set[str]:
    """The schema keys a node refers to anywhere inside it."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            key = schema_key_of(item)
            if key is not None:
                found.add(key)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


class Spec:
    """Read-only views of an OpenAPI document that the mock, the suite, the client's generation and the bump share.

    `selection` names the operations this project covers (operationIds); None covers every operation of the
    document. `operations` is the one parsed model of them.
    """

    def __init__(self, document: dict[str, Any], selection: Sequence[str] | None = None) -> None:
        self.document = document
        self.selection = tuple(selection) if selection is not None else None

    @property
    def version(self) -> str:
        return str(self.document.get("info", {}).get("version", "unknown"))

    @property
    def schemas(self) -> dict[str, Any]:
        schemas: dict[str, Any] = self.document.get("components", {}).get("schemas", {})
        return schemas

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local `$ref` (``#/components/schemas/X``) to its schema; other nodes come back as they are."""
        seen: set[str] = set()
        while "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or ref in seen or not ref.startswith("#/"):
                raise ValueError(f"cannot resolve $ref {str(ref)[:120]!r}")
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                try:
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                except (KeyError, TypeError, IndexError):
                    raise ValueError(f"cannot resolve $ref {ref[:120]!r}: nothing there") from None
            if not isinstance(target, dict):
                raise ValueError(f"cannot resolve $ref {ref[:120]!r}: not a schema")
            node = target
        return node

    def schema_name(self, node: dict[str, Any]) -> str | None:
        """The last part of a node's `$ref` (its schema key), or None for an inline schema."""
        ref = node.get("$ref")
        return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None

    @functools.cached_property
    def operations(self) -> ApiModel:
        """The selected operations, parsed once (see `gateway_protocol.operations`)."""
        from .operations import ApiModel

        return ApiModel.from_document(self.document, self.selection)

    @functools.cached_property
    def selected_schemas(self) -> dict[str, Any]:
        """The `components/schemas` the selected operations reach through `$ref`s (every schema when nothing is
        selected), in the document's order: what the client is generated from and the mock and suite see."""
        if self.selection is None:
            return self.schemas
        roots = [(op.request_schema, op.response_schema, [p.schema for p in op.parameters]) for op in self.operations]
        seen: set[str] = set()
        pending = [key for key in _refs(roots)]
        while pending:
            key = pending.pop()
            if key in seen or key not in self.schemas:
                continue
            seen.add(key)
            pending.extend(_refs(self.schemas[key]) - seen)
        return {key: schema for key, schema in self.schemas.items() if key in seen}

    def job_operation(self) -> Operation:
        """The operation that reads one job: the selected operation of kind `get`."""
        return self.operations.single("get")

    def job_schema_name(self) -> str:
        """The schema key of the job: the answer of the selected `get`."""
        operation = self.job_operation()
        name = operation.response_schema_key
        if name is None:
            raise LookupError(f"{operation.operation_id}: the 200 answer is inline, not a $ref to components")
        return name

    def job_schema(self) -> dict[str, Any]:
        """The 200 answer schema of the job's `get`, resolved."""
        return self.resolve(self.schemas[self.job_schema_name()])

    def enum_values(self, schema_name: str) -> tuple[str, ...]:
        return tuple(self.schemas[schema_name].get("enum", ()))
