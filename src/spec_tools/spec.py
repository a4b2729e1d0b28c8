"""The vendored spec, parsed within bounds, with the project's operation selection; views are `gateway_protocol`'s."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from gateway_protocol.spec_view import Spec, json_type

from .parse_cache import cached_parse
from .paths import SPEC_PATH
from .safe_yaml import load_bounded_yaml

__all__ = ["Spec", "json_type", "load_spec", "parse_spec_text"]


def parse_spec_text(text: str) -> dict[str, Any]:
    """Parse YAML (or JSON, a YAML subset) into a mapping; raise ValueError with the location or the bound broken.
    A whole spec parsed before, in any process of this virtualenv, is read back from `spec_tools.parse_cache`."""
    return cached_parse(text, _parse)


def _parse(text: str) -> dict[str, Any]:
    document = load_bounded_yaml(text)  # size, alias expansion and nesting bounded; safe tags only
    if not isinstance(document, dict):
        raise ValueError(f"not an OpenAPI document: the top level is a {type(document).__name__}, not a mapping")
    return document


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """A spec file with the operations selected beside it (the vendored spec: `openapi/operations.yaml`), or every
    operation when it has no list beside it (cached: it does not change while a process runs)."""
    from .selection import selection_beside

    return Spec(parse_spec_text(path.read_bytes().decode("utf-8")), selection_beside(path))
