"""What the contract rules need to know, read from the vendored spec rather than kept by hand."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gateway_protocol.money import is_money_schema
from gateway_protocol.redaction import is_secret_name
from gateway_protocol.resource_names import PathTemplate
from gateway_protocol.rpc import CODE_NUMBERS
from gateway_protocol.spec_codes import code_schema_name, http_status_by_code
from spec_tools.spec import Spec, load_spec

__all__ = ["SpecFacts", "build_facts", "is_percent", "spec_facts"]

# A percent the spec bounds in prose ("Progress percent, within the range from 0 to 100."): the progress rule's
# field, found by what the spec says of it rather than by its name.
_PERCENT = re.compile(r"(?is)\bpercent\b.*\b0 (?:to|and|-|\.\.) ?100\b")


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
    percent_paths: tuple[tuple[str, ...], ...]
    job_path: PathTemplate  # the path template of the job read (the selected get operation)
    root_schema: dict[str, Any] = field(repr=False)

    def job_url_path(self, account: str, job_id: str) -> str:
        """The URL path of a job read, each id percent-encoded whole (ResourceValueError for `.`, `..`, empty)."""
        account_variable, job_variable = self.job_path.variables
        return self.job_path.expand({account_variable: account, job_variable: job_id})

    def job_name(self, account: str, job_id: str) -> str:
        """The job's resource name (`accounts/{account}/supervisedFineTuningJobs/{job}`)."""
        account_variable, job_variable = self.job_path.variables
        return self.job_path.resource_name({account_variable: account, job_variable: job_id})

    def job_of_path(self, raw_path: str) -> tuple[str | None, str | None]:
        """(account, job id) of a raw job URL path, percent-decoded; (None, None) for any other path."""
        values = self.job_path.match(raw_path)
        if values is None:
            return None, None
        account_variable, job_variable = self.job_path.variables
        return values[account_variable], values[job_variable]

    def code_number(self, name: str) -> int | None:
        """google.rpc.Code's number for a name the spec lists (the spec's order is not the numbering)."""
        return CODE_NUMBERS.get(name) if name in self.code_names else None

    def code_name(self, number: int) -> str | None:
        return next((name for name in self.code_names if CODE_NUMBERS.get(name) == number), None)

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
        """Yield (path, value, resolved schema or None, schema name) for every value of a job body, depth first,
        into every object the spec describes (iterative: a hostile nesting depth cannot exhaust the stack)."""
        if not isinstance(body, dict):
            return
        stack = [(iter(body.items()), schema if schema is not None else {"properties": self.job_properties}, path)]
        while stack:
            items, node, where = stack[-1]
            entry = next(items, None)
            if entry is None:
                stack.pop()
                continue
            key, value = entry
            raw = node.get("properties", {}).get(key)
            resolved = self.resolve(raw) if raw is not None else None
            yield (*where, key), value, resolved, self.spec.schema_name(raw) if raw is not None else None
            if resolved is not None and resolved.get("type") == "object" and isinstance(value, dict):
                stack.append((iter(value.items()), resolved, (*where, key)))

    def is_secret_name(self, name: str) -> bool:
        """Secret-looking property names (`apiKey`, `credentials`...): `gateway_protocol.redaction`'s rule."""
        return is_secret_name(name)


def is_percent(schema: dict[str, Any]) -> bool:
    """An integer the spec describes as a percent within 0..100."""
    return schema.get("type") == "integer" and bool(_PERCENT.search(str(schema.get("description", ""))))


def _percent_paths(spec: Spec, properties: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """Property paths (top level, then one message deep) of every percent-within-0..100 field of the job."""
    found: list[tuple[str, ...]] = []
    for name, node in properties.items():
        schema = spec.resolve(node)
        if is_percent(schema):
            found.append((name,))
        for inner, inner_node in (schema.get("properties") or {}).items():
            if is_percent(spec.resolve(inner_node)):
                found.append((name, inner))
    return tuple(found)


def build_facts(spec: Spec) -> SpecFacts:
    job = spec.job_schema()
    code_names = spec.enum_values(code_schema_name(spec))
    name = spec.job_schema_name()
    return SpecFacts(
        spec=spec,
        version=spec.version,
        job_schema_name=name,
        job_properties=job.get("properties", {}),
        required=tuple(job.get("required", ())),
        code_names=code_names,
        code_http_status=http_status_by_code(spec),
        money_schema_names=frozenset(key for key, schema in spec.schemas.items() if is_money_schema(schema)),
        percent_paths=_percent_paths(spec, job.get("properties", {})),
        job_path=spec.job_operation().path,
        # JSON Schema 2020-12 resolves "#/components/..." against this root; OAS 3.1 schemas are 2020-12.
        root_schema={"$ref": f"#/components/schemas/{name}", "components": spec.document.get("components", {})},
    )


@functools.cache
def spec_facts() -> SpecFacts:
    """Facts of the vendored spec, built on first use (a run builds its own with `build_facts`)."""
    return build_facts(load_spec())
