"""Class names of the generated client: one deterministic rule, on any spec.

The rule (ARCHITECTURE.md and openapi/templates/README.md point here):

1. A `components/schemas` key loses its proto package prefix: the run of lower-case letters and digits before its
   first capital (`gatewaySupervisedFineTuningJob` -> `SupervisedFineTuningJob`, `typeMoney` -> `Money`,
   `googlerpcStatus` -> `Status`). A key that starts with a capital has no package, except grpc-gateway's names of
   inline request bodies, `<Service><Method>Body`, whose service is the API's own package capitalized
   (`GatewayCancelSupervisedFineTuningJobBody` -> `CancelSupervisedFineTuningJobBody`); other capitalized keys
   (`AccountAccountType`) are kept whole.
2. The API's own ("home") package is the one most schema keys of the document carry (`gateway`; a tie goes to the
   alphabetically first).
3. Inline request bodies and answers of an operation, which the generator would name after the whole operationId
   (`Gateway_CancelSupervisedFineTuningJob` -> `GatewayCancelSupervisedFineTuningJobResponse200`), lose the service
   part of the operationId the same way when it is the home package: `CancelSupervisedFineTuningJobBody`,
   `CancelSupervisedFineTuningJobResponse200` (the generator's own suffixes, `Body` and `Response<status>`).
4. Collisions are resolved over the whole document (every schema and every operation, selected or not), so a name
   never changes because the selection grows: when several keys give one name (or one module file), the key of the
   home package keeps it and every other keeps its package as a capitalized prefix (`gatewayStatus` -> `Status`,
   `googlerpcStatus` -> `GooglerpcStatus`); between keys of one standing, the alphabetically first keeps it. A
   name the generated modules import themselves (`Any`, `Response`, `Client`, ...) is treated as taken, so
   `protobufAny` is `ProtobufAny`. Anything still equal after that gets `2`, `3`, ... in key order.

Names are never taken from a `title` (published pages carry proto comments there: `Next ID: 49`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["IMPORTED_NAMES", "InlineSchema", "Names", "class_names", "inline_schemas", "names_for"]

_PACKAGE = re.compile(r"^(?P<package>[a-z][a-z0-9]*)(?=[A-Z])")
_FIELD_PREFIX = "field_"  # the generator's default, used only to make a name a valid identifier
# Names the generated model and endpoint modules import from elsewhere: a model class of that name would shadow
# the import (typing.Any inside protobuf_any.py, the client's Response type in every endpoint module).
IMPORTED_NAMES = frozenset(
    {
        "Any", "AuthenticatedClient", "AuthenticatedClientBase", "Awaitable", "BinaryIO", "Callable", "Client",
        "ClientBase", "Collection", "File", "FileTypes", "Generator", "Generic", "HTTPStatus", "IO", "Literal",
        "Mapping", "MoneyMixin", "MutableMapping", "Response", "Self", "TextIO", "TolerantStrEnum", "TypeVar",
        "UNSET", "Unset",
    }
)  # fmt: skip
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class InlineSchema:
    """An inline (not `$ref`) schema of an operation that the generator makes a class of: a request body, an answer,
    or an enum or object parameter (or the items of an array parameter)."""

    operation_id: str
    part: str  # the generator's own suffix before PascalCase: "body", "response_200", "usageType", "tags_item"
    kind: str  # "body", "response" or "parameter"
    container: dict[str, Any]  # container[key] is the schema (to title it, or to replace it by a $ref)
    key: str

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self.container[self.key]
        return schema


@dataclass(frozen=True)
class Names:
    """Class names by schema key, and by (operationId, part) for inline bodies and answers."""

    schemas: dict[str, str]
    inline: dict[tuple[str, str], str]


@dataclass(frozen=True)
class _Candidate:
    source: str  # the schema key, or "operationId part" for an inline schema (only for ordering)
    package: str
    base: str


# The generator's own casing rules, imported when first needed: the package costs a quarter second of CPU to import
# (pydantic models), and most processes that import the spec tools (a diff, a refused bump) never name a class.
def _class(text: str) -> str:
    from openapi_python_client.strings import ClassName

    return str(ClassName(text, _FIELD_PREFIX))


def _module(class_name: str) -> str:
    from openapi_python_client.strings import PythonIdentifier

    return str(PythonIdentifier(class_name, _FIELD_PREFIX))


def home_package(keys: Iterable[str]) -> str:
    """The package most schema keys carry (ties: the alphabetically first); "" when no key has one."""
    counts = Counter(match.group("package") for key in keys if (match := _PACKAGE.match(key)))
    if not counts:
        return ""
    return min(counts, key=lambda package: (-counts[package], package))


def _split(key: str, home: str) -> tuple[str, str]:
    """(package, rest) of a schema key under rule 1."""
    match = _PACKAGE.match(key)
    if match:
        return match.group("package"), key[match.end() :]
    service = home[:1].upper() + home[1:]
    if home and key.startswith(service) and key[len(service) : len(service) + 1].isupper():
        return service, key[len(service) :]
    return "", key


def _operation_parts(operation_id: str, home: str) -> tuple[str, str]:
    """(service, method) of an operationId `Service_Method`; the service is dropped only when it is home."""
    service, sep, method = operation_id.partition("_")
    if sep and method and service.lower() == home.lower():
        return service, method
    return "", operation_id


def inline_schemas(document: dict[str, Any]) -> Iterator[InlineSchema]:
    """Every inline request body, answer and enum or object parameter schema of every operation with an
    operationId, in document order (a path-level parameter with each operation of its path)."""
    paths = document.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict) or not isinstance(operation.get("operationId"), str):
                continue
            operation_id = operation["operationId"]
            body = _json_media(operation.get("requestBody"))
            if body is not None:
                yield InlineSchema(operation_id, "body", "body", body, "schema")
            responses = operation.get("responses")
            for status, response in responses.items() if isinstance(responses, dict) else ():
                media = _json_media(response)
                if media is not None:
                    yield InlineSchema(operation_id, f"response_{status}", "response", media, "schema")
            for parameter in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
                if isinstance(parameter, dict):
                    yield from _parameter_schemas(operation_id, parameter)


def _json_media(node: Any) -> dict[str, Any] | None:
    """The application/json media object of a body or answer whose schema is inline (not a `$ref`), else None."""
    content = node.get("content") if isinstance(node, dict) else None
    media = content.get("application/json") if isinstance(content, dict) else None
    schema = media.get("schema") if isinstance(media, dict) else None
    return media if isinstance(schema, dict) and "$ref" not in schema else None


def _makes_class(schema: Any) -> bool:
    return isinstance(schema, dict) and "$ref" not in schema and ("enum" in schema or schema.get("type") == "object")


def _parameter_schemas(operation_id: str, parameter: dict[str, Any]) -> Iterator[InlineSchema]:
    name, schema = parameter.get("name"), parameter.get("schema")
    if not isinstance(name, str) or not isinstance(schema, dict):
        return
    if _makes_class(schema):
        yield InlineSchema(operation_id, name, "parameter", parameter, "schema")
    elif isinstance(schema.get("items"), dict) and _makes_class(schema["items"]):
        yield InlineSchema(operation_id, f"{name}_item", "parameter", schema, "items")


def names_for(document: dict[str, Any]) -> Names:
    """The class name of every schema key and every inline body and answer of the document (rules 1-4)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    keys = [str(key) for key in schemas] if isinstance(schemas, dict) else []
    home = home_package(keys)
    candidates: dict[tuple[str, str], _Candidate] = {}
    for key in keys:
        package, rest = _split(key, home)
        candidates[("schema", key)] = _Candidate(key, package, rest)
    for inline in inline_schemas(document):
        service, method = _operation_parts(inline.operation_id, home)
        source = f"{inline.operation_id} {inline.part}"
        candidates[(inline.operation_id, inline.part)] = _Candidate(source, service, f"{method}_{inline.part}")
    resolved = _resolve(candidates, home)
    return Names(
        schemas={key: resolved[("schema", key)] for key in keys},
        inline={ident: name for ident, name in resolved.items() if ident[0] != "schema"},
    )


def class_names(document: dict[str, Any]) -> dict[str, str]:
    """Every schema key of the document -> its class name."""
    return names_for(document).schemas


def _resolve(candidates: dict[tuple[str, str], _Candidate], home: str) -> dict[tuple[str, str], str]:
    def standing(ident: tuple[str, str]) -> tuple[bool, str]:
        candidate = candidates[ident]
        return candidate.package.lower() != home.lower(), candidate.source

    names: dict[tuple[str, str], str] = {}
    primary: set[tuple[str, str]] = set()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ident, candidate in candidates.items():
        groups[_module(_class(candidate.base))].append(ident)
    imported = {_module(name) for name in IMPORTED_NAMES}
    for module, members in groups.items():
        members.sort(key=standing)
        for index, ident in enumerate(members):
            candidate = candidates[ident]
            if index == 0 and module not in imported:
                names[ident] = _class(candidate.base)
                primary.add(ident)
            else:  # rule 4: the package comes back as a capitalized prefix
                names[ident] = _class(candidate.package[:1].upper() + candidate.package[1:] + candidate.base)
    # Whatever still shares a module (no package to restore, or a restored name equal to another): 2, 3, ...
    # The names kept in the first pass are distinct already and go first, so they never move.
    taken: set[str] = set(imported)
    for ident in sorted(names, key=lambda i: (i not in primary, candidates[i].source)):
        name, number = names[ident], 1
        while _module(name) in taken:
            number += 1
            name = _class(f"{names[ident]}{number}")
        names[ident] = name
        taken.add(_module(name))
    return names
