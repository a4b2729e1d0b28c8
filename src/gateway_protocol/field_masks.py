"""Read masks (AIP-157) as google.protobuf.FieldMask paths (AIP-161): parsing, `*`, nested paths, either name form.

The rules, as AIP-157, AIP-161 and grpc-gateway give them:
- A mask is comma-separated paths; repeated `readMask` parameters add up (grpc-gateway appends them). Blank
  paths are dropped, so an empty mask asks for every field, as an absent one does.
- `*` alone asks for every field (AIP-157: "an explicit value of `*` should be supported, and must return all
  fields"). `*` beside other paths is refused ("'*' must not be used with other paths", as AIP-161 validators
  such as aip-go say), and so is `*` as a path segment anywhere but after a repeated or map field.
- A path is field names joined by `.` (`jobProgress.percent`). Each name may be the JSON (lowerCamelCase) or the
  proto (snake_case) form; both mean the same field, and paths come back canonical, in JSON names.

`parse_paths` checks the syntax alone; `resolve_paths` also checks each path against a schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .proto_json import camel_case, kind_of

__all__ = [
    "ALL",
    "FieldMaskError",
    "KeepTree",
    "apply_mask",
    "covered_fields",
    "keep_tree",
    "parse_paths",
    "resolve_paths",
]

ALL = "*"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_SHOWN = 80

KeepTree = dict[str, "KeepTree | None"]
"""`{"name": None, "jobProgress": {"percent": None}}`: None keeps the whole field, a tree keeps those sub-fields."""


class FieldMaskError(ValueError):
    """A read mask that names no field, or breaks the syntax; the message quotes the path (shortened)."""


def _shown(path: str) -> str:
    return path if len(path) <= _MAX_SHOWN else path[: _MAX_SHOWN - 3] + "..."


def _split(raw: str | Iterable[str]) -> list[str]:
    values = [raw] if isinstance(raw, str) else list(raw)
    return [path.strip() for value in values for path in value.split(",") if path.strip()]


def parse_paths(raw: str | Iterable[str]) -> tuple[str, ...] | None:
    """The canonical paths (JSON names) of a mask given as text or as repeated parameter values; None when it asks
    for every field (empty, or `*` alone). FieldMaskError for a syntax error or a misplaced `*`."""
    paths = _split(raw)
    if not paths or paths == [ALL]:
        return None
    canonical: list[str] = []
    for path in paths:
        if path == ALL:
            raise FieldMaskError(f'invalid readMask: "{ALL}" must not be used with other paths')
        segments = path.split(".")
        for index, segment in enumerate(segments):
            if segment == ALL and index > 0:
                continue  # after a repeated or map field only: resolve_paths checks that against the schema
            if not _NAME.fullmatch(segment):
                raise FieldMaskError(f'invalid readMask: malformed field path "{_shown(path)}"')
        canonical.append(".".join(segment if segment == ALL else camel_case(segment) for segment in segments))
    return tuple(dict.fromkeys(canonical))


def resolve_paths(
    paths: Iterable[str], schema: Mapping[str, Any], resolve: Callable[[Any], Mapping[str, Any]]
) -> tuple[str, ...]:
    """`paths` (from `parse_paths`) checked against a message schema at any depth: each name a property of the
    message it is in; `*` only after a repeated or map field, where it means that whole field.

    FieldMaskError names the first path that does not resolve.
    """
    resolved: list[str] = []
    for path in paths:
        node: Mapping[str, Any] = resolve(schema)
        names: list[str] = []
        for segment in path.split("."):
            kind = kind_of(node) if names else "message"
            if segment == ALL:
                if kind not in ("repeated", "map"):
                    raise FieldMaskError(f'invalid readMask: "{ALL}" may only follow a repeated or map field: "{path}"')
                break  # `labels.*`: the whole map, as far as a JSON body can be cut
            properties = node.get("properties") if kind == "message" else None
            child = properties.get(segment) if isinstance(properties, Mapping) else None
            if child is None:
                raise FieldMaskError(f'invalid readMask: unknown field path "{_shown(path)}"')
            names.append(segment)
            node = resolve(child)
        resolved.append(".".join(names))
    return tuple(dict.fromkeys(resolved))


def keep_tree(paths: Iterable[str] | None) -> KeepTree | None:
    """The fields a mask keeps, as a tree (`a.b` and `a.c` -> `{"a": {"b": None, "c": None}}`); a whole field wins
    over its sub-fields (`a`, `a.b` -> `{"a": None}`); None keeps everything."""
    if paths is None:
        return None
    tree: KeepTree = {}
    for path in paths:
        names = [name for name in path.split(".") if name != ALL]
        node: KeepTree | None = tree
        for depth, name in enumerate(names):
            assert node is not None
            if depth == len(names) - 1:
                node[name] = None
                break
            if name in node and node[name] is None:
                break  # the whole field is already kept
            node = node.setdefault(name, {})
    return tree


def covered_fields(paths: Iterable[str] | None) -> frozenset[str] | None:
    """The top-level fields a mask keeps, wholly or in part; None for every field."""
    tree = keep_tree(paths)
    return None if tree is None else frozenset(tree)


def apply_mask(body: Mapping[str, Any], tree: KeepTree | None) -> dict[str, Any]:
    """The body with only the fields the tree keeps, in the body's own order (protojson's projection)."""
    if tree is None:
        return dict(body)
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key not in tree:
            continue
        inner = tree[key]
        out[key] = value if inner is None or not isinstance(value, Mapping) else apply_mask(value, inner)
    return out
