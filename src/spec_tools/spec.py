"""The vendored spec, parsed: the job schema, its enums, and `$ref` resolution."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from .paths import SPEC_PATH
from .safe_yaml import load_bounded_yaml

__all__ = [
    "JOB_OPERATION_ID",
    "JOB_PATH",
    "Spec",
    "json_type",
    "load_spec",
    "parse_spec_text",
]

JOB_PATH = "/v1/accounts/{account_id}/supervisedFineTuningJobs/{supervised_fine_tuning_job_id}"
JOB_OPERATION_ID = "Gateway_GetSupervisedFineTuningJob"


def parse_spec_text(text: str) -> dict[str, Any]:
    """Parse YAML (or JSON, a YAML subset) into a mapping; raise ValueError with the location or the bound broken."""
    document = load_bounded_yaml(text)  # size, alias expansion and nesting bounded; safe tags only
    if not isinstance(document, dict):
        raise ValueError(f"not an OpenAPI document: the top level is a {type(document).__name__}, not a mapping")
    return document


def json_type(schema: dict[str, Any]) -> str | None:
    """A schema's JSON type; of a type list (OpenAPI 3.1 `[string, "null"]`), the first that is not null."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return str(kinds[0]) if kinds else None
    return str(kind) if kind is not None else None


class Spec:
    """Read-only views of an OpenAPI document that the mock, the contract rules and the bump share."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

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
            if ref in seen or not ref.startswith("#/"):
                raise ValueError(f"cannot resolve $ref {ref!r}")
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def schema_name(self, node: dict[str, Any]) -> str | None:
        ref = node.get("$ref")
        return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None

    def job_operation(self) -> dict[str, Any]:
        try:
            operation: dict[str, Any] = self.document["paths"][JOB_PATH]["get"]
        except (KeyError, TypeError):
            raise LookupError(f"the spec has no GET {JOB_PATH}") from None
        return operation

    def job_schema(self) -> dict[str, Any]:
        """The 200 response schema of the job GET, resolved."""
        operation = self.job_operation()
        try:
            node = operation["responses"]["200"]["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            raise LookupError(f"GET {JOB_PATH} has no application/json 200 response") from None
        return self.resolve(node)

    def job_schema_name(self) -> str:
        node = self.job_operation()["responses"]["200"]["content"]["application/json"]["schema"]
        name = self.schema_name(node)
        if name is None:
            raise LookupError("the job response schema is inline, not a $ref to components")
        return name

    def enum_values(self, schema_name: str) -> tuple[str, ...]:
        return tuple(self.schemas[schema_name].get("enum", ()))


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """The vendored spec (cached: it does not change while a process runs)."""
    return Spec(parse_spec_text(path.read_bytes().decode("utf-8")))
