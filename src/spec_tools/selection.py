"""The operations this project covers (`openapi/operations.yaml`), and the spec cut down to them.

The vendored spec is the whole Gateway REST API; the client, the mock and the suite cover only the selected
operations. `select_document` is the derived copy that holds those operations and every component they reach,
and nothing else: what the generator is fed, and what the mock ships.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from gateway_protocol.operations import ApiModel, iter_raw_operations
from gateway_protocol.spec_view import Spec

from .paths import SELECTION_PATH
from .safe_yaml import load_bounded_yaml

__all__ = ["SelectionError", "load_selection", "select_document", "selection_beside"]

_MAX_SELECTED = 1000


class SelectionError(ValueError):
    """The operation list is missing, malformed, or names an operation the spec lacks."""


def load_selection(path: Path = SELECTION_PATH) -> tuple[str, ...]:
    """The selected operationIds, in the file's order; SelectionError naming the problem."""
    try:
        data = load_bounded_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SelectionError(f"{path.name}: cannot read the operation list ({str(exc)[:200]})") from None
    operations = data.get("operations") if isinstance(data, dict) else None
    if not isinstance(operations, list) or not operations or len(operations) > _MAX_SELECTED:
        raise SelectionError(f"{path.name}: expected `operations:`, a list of 1 to {_MAX_SELECTED} operationIds")
    if not all(isinstance(item, str) and item.isidentifier() for item in operations):
        raise SelectionError(f"{path.name}: every operation is an operationId (letters, digits, underscores)")
    if len(set(operations)) != len(operations):
        raise SelectionError(f"{path.name}: an operationId is listed twice")
    return tuple(operations)


def selection_beside(spec_path: Path) -> tuple[str, ...] | None:
    """The operation list kept beside a spec (`openapi/operations.yaml` beside `openapi/gateway.yaml`); None, meaning
    every operation, for a spec without one (a test's small spec, a docs page of one operation)."""
    candidate = spec_path.parent / SELECTION_PATH.name
    return load_selection(candidate) if candidate.is_file() else None


def select_document(document: dict[str, Any], selection: tuple[str, ...] | None) -> dict[str, Any]:
    """A copy of the document with only the selected operations (every one when None) and the schemas they reach.

    Path-level parameters stay with the paths kept; other components (security schemes) and top-level keys are
    kept as they are. Raises `gateway_protocol.operations.SelectionError` naming a selected operation the
    document lacks.
    """
    ApiModel.from_document(document, selection)  # every selected operation exists, once
    wanted = set(selection) if selection is not None else None
    paths: dict[str, Any] = {}
    for path, method, item, raw in iter_raw_operations(document):
        if wanted is not None and raw["operationId"] not in wanted:
            continue
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k in ("parameters", "summary", "servers")})
        kept[method] = raw
    derived = {key: value for key, value in document.items() if key not in ("paths", "components")}
    derived["paths"] = paths
    components = dict(document.get("components") or {})
    schemas = components.get("schemas") or {}
    reached = Spec(document, selection).selected_schemas
    components["schemas"] = {key: schema for key, schema in schemas.items() if key in reached}
    derived["components"] = components
    return copy.deepcopy(derived)
