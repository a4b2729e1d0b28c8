"""References in a spec from outside: local `#/...` pointers only.

A `$ref` to a file, a URL or a relative path would make the OpenAPI validator open or fetch it (and quote what it
read in its errors); `$id`, `$schema` and dynamic refs change the base such a fetch starts from. All are refused
before anything else looks at the document, and the validator is handed resolvers that refuse every scheme anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NoReturn

__all__ = ["NO_RETRIEVAL", "ExternalReference", "non_local_references"]

# Keywords that make a JSON Schema / OpenAPI resolver look outside the document.
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
_BASE_KEYWORDS = ("$id", "$schema")
_ROOT_KEYWORDS = ("jsonSchemaDialect", "$self")


class ExternalReference(LookupError):
    """A resolver was asked for something outside the document."""


def non_local_references(document: Any) -> Iterator[tuple[list[str | int], str, object]]:
    """(path, keyword, value) of every reference or base URI that could lead outside the document."""
    if isinstance(document, dict):
        for keyword in _ROOT_KEYWORDS:
            if keyword in document:
                yield [], keyword, document[keyword]
    stack: list[tuple[list[str | int], Any]] = [([], document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for keyword in _REFERENCE_KEYWORDS:
                value = node.get(keyword)
                if keyword in node and not (isinstance(value, str) and _is_local(value)):
                    yield path, keyword, value
            for keyword in _BASE_KEYWORDS:
                if keyword in node:
                    yield path, keyword, node[keyword]
            stack.extend(([*path, key], value) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(([*path, index], value) for index, value in reversed(list(enumerate(node))))


def _is_local(ref: str) -> bool:
    return ref == "#" or ref.startswith("#/")


def _refuse(uri: str) -> NoReturn:
    raise ExternalReference(f"refused to retrieve {uri[:100]!r}: only local #/ references are followed")


class _RefuseEveryScheme(dict[str, Any]):
    """A resolver-handler table that claims every URI scheme and retrieves none (jsonschema-path looks a scheme up
    with `in` and `[]`, and falls back to urlopen for a scheme it does not find)."""

    def __getitem__(self, scheme: str) -> Any:
        return _refuse

    def __contains__(self, scheme: object) -> bool:
        return True

    def get(self, scheme: str, default: Any = None) -> Any:
        return _refuse


NO_RETRIEVAL: dict[str, Any] = _RefuseEveryScheme()
