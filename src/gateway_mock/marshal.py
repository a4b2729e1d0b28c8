"""How the mock writes a job on the wire: one marshaling profile at a time, as one real server would.

- `emit-unpopulated` (default): grpc-gateway's default marshaler (protojson with EmitUnpopulated). Every field
  of the schema is present: unset message fields and Timestamps as `null`, unset scalars as their zero value,
  and fields outside a read mask as zero values too (`"dataset": ""`, `"state": "JOB_STATE_UNSPECIFIED"`).
- `omit-unpopulated`: protojson's default. Unset message fields, zero-valued scalars and fields outside a read
  mask are absent; a set message whose fields are all zero is `{}`.

Zero values come from each property's schema (by `gateway_protocol.proto_json`'s rules), so a spec bump
re-shapes them with no edit.
"""

from __future__ import annotations

from typing import Any, Literal

from gateway_protocol.field_masks import keep_tree
from gateway_protocol.proto_json import is_default, zero_value
from gateway_protocol.spec_view import Spec

__all__ = ["DEFAULT_PROFILE", "PROFILES", "Marshaler", "Profile"]

Profile = Literal["emit-unpopulated", "omit-unpopulated"]
PROFILES: tuple[Profile, ...] = ("emit-unpopulated", "omit-unpopulated")
DEFAULT_PROFILE: Profile = "emit-unpopulated"
_MAX_DEPTH = 8

Paths = tuple[str, ...] | None  # canonical read mask paths (top level or `parent.child`); None = every field


class Marshaler:
    """Writes job bodies (JSON-ready dicts of set fields) by one profile, with an optional read mask."""

    def __init__(self, spec: Spec, profile: Profile = DEFAULT_PROFILE) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown marshal profile {profile!r}; valid: {', '.join(PROFILES)}")
        self.profile = profile
        self._spec = spec
        self._job_schema = spec.job_schema()

    def job(self, job: dict[str, Any], paths: Paths = None) -> dict[str, Any]:
        """A clean job (its set fields) as sent for a read with the given mask."""
        return self.masked(self.full(job), paths)

    def full(self, job: dict[str, Any]) -> dict[str, Any]:
        """A clean job (its set fields) as sent for a read of all fields."""
        return self.message(job, self._job_schema)

    def message(self, value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        """Any message of the spec (a job, a list page, an estimate), its set fields, as the profile sends it."""
        if self.profile == "emit-unpopulated":
            return self._emit(value, schema, 0)
        return self._omit(value, schema, 0)

    def masked(self, body: dict[str, Any], paths: Paths) -> dict[str, Any]:
        """A full body as sent (a fault may have edited it) cut to a read mask: fields outside it become zero
        values (emit-unpopulated) or go (omit-unpopulated); fields the body lacks stay absent."""
        keep = keep_tree(paths)
        return body if keep is None else self._cut(body, self._job_schema, keep)

    def _cut(self, body: dict[str, Any], schema: dict[str, Any], keep: dict[str, Any]) -> dict[str, Any]:
        emit = self.profile == "emit-unpopulated"
        properties: dict[str, Any] = schema.get("properties", {})
        out: dict[str, Any] = {}
        for name, value in body.items():
            node = properties.get(name)
            resolved = self._spec.resolve(node) if node is not None else {}
            inner = keep.get(name, _ABSENT)
            if inner is None:
                out[name] = value
            elif inner is not _ABSENT and isinstance(value, dict):
                out[name] = self._cut(value, resolved, inner)
            elif emit and node is not None:
                out[name] = self.zero(resolved)  # outside the mask: the zero value, as EmitUnpopulated writes it
        return out

    # --- emit-unpopulated -------------------------------------------------------------------------------

    def _emit(self, value: dict[str, Any], schema: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        properties: dict[str, Any] = schema.get("properties", {})
        for name, node in properties.items():
            resolved = self._spec.resolve(node)
            if name not in value:
                out[name] = self.zero(resolved)
            elif isinstance(value[name], dict) and resolved.get("properties") and depth < _MAX_DEPTH:
                out[name] = self._emit(value[name], resolved, depth + 1)
            else:
                out[name] = value[name]
        return out

    def zero(self, schema: dict[str, Any]) -> Any:
        """The proto3 JSON zero value of a property: null for messages and Timestamps."""
        return zero_value(schema)

    # --- omit-unpopulated -------------------------------------------------------------------------------

    def _omit(self, value: dict[str, Any], schema: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        properties: dict[str, Any] = schema.get("properties", {})
        for name, item in value.items():
            if item is None:
                continue
            node = properties.get(name)
            resolved = self._spec.resolve(node) if node is not None else {}
            if isinstance(item, dict) and resolved.get("properties") and depth < _MAX_DEPTH:
                out[name] = self._omit(item, resolved, depth + 1)  # a set message stays, even when {}
            elif node is None or not self._is_zero(item, resolved):
                out[name] = item
        return out

    def _is_zero(self, value: Any, schema: dict[str, Any]) -> bool:
        return is_default(value, schema)


_ABSENT: Any = object()
