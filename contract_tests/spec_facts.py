"""What the contract rules need to know, read from the vendored spec rather than kept by hand."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from google.rpc import code_pb2  # type: ignore[import-untyped]

from spec_tools.spec import Spec, load_spec

__all__ = ["SpecFacts", "spec_facts"]

# "- NOT_FOUND: ... HTTP Mapping: 404 Not Found" in gatewayCode's description, one entry per enum value.
_CODE_ENTRY = re.compile(r"(?m)^\s*- ([A-Z_]+):")
_HTTP_MAPPING = re.compile(r"HTTP Mapping: (\d{3})")
_RPC_CODES: dict[str, int] = dict(code_pb2.Code.items())
_SECRET_NAME = re.compile(r"(?i)(api_?key|secret|password|token|credential)")


@dataclass(frozen=True)
class SpecFacts:
    """The job schema and the facts derived from it that the rules share."""

    spec: Spec
    version: str
    job_schema_name: str
    job_properties: dict[str, dict[str, Any]]
    required: tuple[str, ...]
    code_names: tuple[str, ...]
    code_http_status: dict[str, int]
    money_schema_names: frozenset[str]
    root_schema: dict[str, Any] = field(repr=False)

    def code_number(self, name: str) -> int | None:
        """google.rpc.Code's number for a name the spec lists (the spec's order is not the numbering)."""
        return _RPC_CODES.get(name) if name in self.code_names else None

    def code_name(self, number: int) -> str | None:
        return next((name for name in self.code_names if _RPC_CODES.get(name) == number), None)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        return self.spec.resolve(node)

    def property_schema(self, path: tuple[str, ...]) -> dict[str, Any] | None:
        """The resolved schema at a property path of the job (None when the spec does not know it)."""
        node: dict[str, Any] = {"properties": self.job_properties}
        for name in path:
            child = node.get("properties", {}).get(name)
            if child is None:
                return None
            node = self.resolve(child)
        return node

    def walk(
        self, body: Any, schema: dict[str, Any] | None = None, path: tuple[str, ...] = ()
    ) -> Iterator[tuple[tuple[str, ...], Any, dict[str, Any] | None, str | None]]:
        """Yield (path, value, resolved schema or None, schema name) for every value of a job body."""
        if schema is None:
            schema = {"properties": self.job_properties}
        if not isinstance(body, dict):
            return
        for key, value in body.items():
            raw = schema.get("properties", {}).get(key)
            resolved = self.resolve(raw) if raw is not None else None
            name = self.spec.schema_name(raw) if raw is not None else None
            yield (*path, key), value, resolved, name
            if resolved is not None and resolved.get("type") == "object":
                yield from self.walk(value, resolved, (*path, key))

    def is_secret_name(self, name: str) -> bool:
        """Secret-looking property names (apiKey, credentials…); `*Secret` references name a resource, not a value."""
        return bool(_SECRET_NAME.search(name)) and not name.endswith("Secret")


def _is_money(schema: dict[str, Any]) -> bool:
    """google.type.Money's shape: currencyCode, int64 units (a string in JSON), int32 nanos."""
    props = schema.get("properties", {})
    units, nanos = props.get("units", {}), props.get("nanos", {})
    return "currencyCode" in props and units.get("format") == "int64" and nanos.get("format") == "int32"


def _code_http_status(description: str, names: tuple[str, ...]) -> dict[str, int]:
    marks = list(_CODE_ENTRY.finditer(description))
    mapping: dict[str, int] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(description)
        found = _HTTP_MAPPING.search(description, mark.end(), end)
        if mark.group(1) in names and found:
            mapping[mark.group(1)] = int(found.group(1))
    return mapping


def _code_schema_name(spec: Spec, job: dict[str, Any]) -> str | None:
    """The enum behind `status.code` (gatewayCode today)."""
    status = job.get("properties", {}).get("status")
    if status is None:
        return None
    code = spec.resolve(status).get("properties", {}).get("code")
    return spec.schema_name(code) if code is not None else None


def build_facts(spec: Spec) -> SpecFacts:
    job = spec.job_schema()
    code_schema = _code_schema_name(spec, job)
    code_names = spec.enum_values(code_schema) if code_schema else ()
    description = spec.schemas[code_schema].get("description", "") if code_schema else ""
    name = spec.job_schema_name()
    return SpecFacts(
        spec=spec,
        version=spec.version,
        job_schema_name=name,
        job_properties=job.get("properties", {}),
        required=tuple(job.get("required", ())),
        code_names=code_names,
        code_http_status=_code_http_status(description, code_names),
        money_schema_names=frozenset(key for key, schema in spec.schemas.items() if _is_money(schema)),
        # JSON Schema 2020-12 resolves "#/components/..." against this root; OAS 3.1 schemas are 2020-12.
        root_schema={"$ref": f"#/components/schemas/{name}", "components": spec.document.get("components", {})},
    )


@functools.cache
def spec_facts() -> SpecFacts:
    """Facts of the vendored spec (cached)."""
    return build_facts(load_spec())
