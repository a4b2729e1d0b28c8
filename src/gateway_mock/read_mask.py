"""readMask: which field paths a request may name (from the job schema) and how a job is cut down to them."""

from __future__ import annotations

import re
from typing import Any

from gateway_protocol.spec_view import Spec

__all__ = ["ReadMask", "ReadMaskError"]

_ALL = "*"


class ReadMaskError(ValueError):
    """A readMask path that names no field of the job."""


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _aliases(names: list[str]) -> dict[str, str]:
    # grpc-gateway accepts a field by its JSON (camelCase) name and by its proto (snake_case) name.
    aliases = {_snake(name): name for name in names}
    aliases.update({name: name for name in names})
    return aliases


class ReadMask:
    """Parses comma-separated readMask paths (top level, or one nested level such as `jobProgress.percent`)."""

    def __init__(self, spec: Spec) -> None:
        properties: dict[str, Any] = spec.job_schema().get("properties", {})
        self._top = _aliases(list(properties))
        self._nested = {
            name: _aliases(list(spec.resolve(node).get("properties", {})))
            for name, node in properties.items()
            if spec.resolve(node).get("properties")
        }

    def parse(self, raw: str) -> tuple[str, ...] | None:
        """Canonical camelCase paths, or None when the mask is empty or `*` (all fields)."""
        paths = [path.strip() for path in raw.split(",")]
        paths = [path for path in paths if path]
        if not paths or _ALL in paths:
            return None
        canonical: list[str] = []
        for path in paths:
            top, _, rest = path.partition(".")
            field = self._top.get(top)
            if field is None:
                raise ReadMaskError(f'invalid readMask: unknown field path "{path}"')
            if rest:
                nested = self._nested.get(field, {}).get(rest)
                if nested is None:
                    raise ReadMaskError(f'invalid readMask: unknown field path "{path}"')
                canonical.append(f"{field}.{nested}")
            else:
                canonical.append(field)
        return tuple(canonical)

    @staticmethod
    def apply(job: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
        """The job with only the named fields, in the job's own field order."""
        whole = {path for path in paths if "." not in path}
        nested: dict[str, set[str]] = {}
        for path in paths:
            if "." in path:
                top, leaf = path.split(".", 1)
                nested.setdefault(top, set()).add(leaf)
        masked: dict[str, Any] = {}
        for key, value in job.items():
            if key in whole:
                masked[key] = value
            elif key in nested and isinstance(value, dict):
                masked[key] = {leaf: item for leaf, item in value.items() if leaf in nested[key]}
        return masked
