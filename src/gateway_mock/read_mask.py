"""readMask: which field paths a request may name (from the job schema) and how a job is cut down to them.

The syntax and its rules (`*` alone means every field, JSON or proto names, nested paths at any depth) are
`gateway_protocol.field_masks`'s, the same the client and the contract suite read masks with.
"""

from __future__ import annotations

from typing import Any

from gateway_protocol.field_masks import FieldMaskError, apply_mask, keep_tree, parse_paths, resolve_paths
from gateway_protocol.spec_view import Spec

__all__ = ["ReadMask", "ReadMaskError"]

ReadMaskError = FieldMaskError
"""A readMask that names no field of the job, or breaks the syntax (`*` beside other paths)."""


class ReadMask:
    """Parses comma-separated readMask paths against the job schema (`name`, `job_progress.percent`, ...)."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._job = spec.job_schema()

    def parse(self, raw: str) -> tuple[str, ...] | None:
        """Canonical camelCase paths, or None when the mask is empty or `*` (all fields); ReadMaskError for a path
        the job schema does not have or a malformed mask."""
        paths = parse_paths(raw)
        return None if paths is None else resolve_paths(paths, self._job, self._spec.resolve)

    @staticmethod
    def apply(job: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
        """The job with only the named fields, in the job's own field order."""
        return apply_mask(job, keep_tree(paths))
