"""Take a candidate spec from a file: extract, parse, validate as OpenAPI 3.1, require the job GET.

Every refusal is one `SpecInputError` paragraph that names the file and where in it the problem is
(line/column and the JSON path), because the person running a bump needs to fix the input, not read a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .extract import SpecSourceError, read_spec_source
from .refs import NO_RETRIEVAL, ExternalReference, non_local_references
from .safe_text import inline
from .selection import load_selection
from .spec import Spec, parse_spec_text
from .versions import VERSION_RULE, is_version

__all__ = ["Candidate", "SpecInputError", "load_candidate"]

_MAX_MESSAGE = 300


class SpecInputError(ValueError):
    """The input is not a spec we can vendor; the message says what is wrong and where."""


@dataclass(frozen=True)
class Candidate:
    """A validated spec: the exact text to vendor, its parsed document, and where it came from."""

    source: Path
    text: str
    spec: Spec

    @property
    def document(self) -> dict[str, Any]:
        return self.spec.document


def load_candidate(source: Path) -> Candidate:
    """Read `source` (spec file or docs page) and validate it; raise SpecInputError otherwise."""
    try:
        spec_source = read_spec_source(source)
    except SpecSourceError as exc:
        message = str(exc) if inline(source) in str(exc) else f"{inline(source)}: {exc}"
        raise SpecInputError(f"{message}.") from None
    text = spec_source.text
    where = _describe_source(source, spec_source.first_line, spec_source.is_page)
    try:
        document = parse_spec_text(text)
    except ValueError as exc:
        raise SpecInputError(f"{where} is {exc}.") from None
    _require_local_references(document, text, where)  # before anything (the validator) could follow one
    _require_openapi_31(document, text, where)
    _require_version(document, text, where)
    _require_resolvable_refs(document, text, where)
    _validate_openapi(document, text, where)
    spec = Spec(document, load_selection())
    _require_job_operation(spec, text, where)
    return Candidate(source=source, text=text, spec=spec)


def _describe_source(source: Path, first_line: int, is_page: bool) -> str:
    # Line numbers in errors count from the yaml block, so say where the block starts on a docs page.
    if not is_page:
        return inline(source)
    return f"{inline(source)} (its ```yaml block, whose line 1 is page line {first_line})"


def _require_local_references(document: dict[str, Any], text: str, where: str) -> None:
    for path, keyword, value in non_local_references(document):
        shown = f"'{inline(value, 100)}'" if isinstance(value, str) else f"a {type(value).__name__}"
        raise SpecInputError(
            f"{where} has a {keyword} that leads outside the document: {shown}{_at(text, [*path, keyword])}; "
            "only local references (#/...) are followed, and nothing outside the page is opened or fetched."
        )


def _require_version(document: dict[str, Any], text: str, where: str) -> None:
    info = document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    if not is_version(version):
        shown = f"'{inline(version, 40)}'" if isinstance(version, str) else f"a {type(version).__name__}"
        raise SpecInputError(
            f"{where} has an info.version that is not a version: {shown}{_at(text, ['info', 'version'])}; "
            f"expected {VERSION_RULE}."
        )


def _require_openapi_31(document: dict[str, Any], text: str, where: str) -> None:
    declared = document.get("openapi")
    if not isinstance(declared, str) or not declared.startswith("3.1."):
        found = "no `openapi` field" if declared is None else f"`openapi: {declared}`"
        raise SpecInputError(
            f"{where} is not an OpenAPI 3.1 document: it has {found}{_at(text, ['openapi'])}; "
            "expected `openapi: 3.1.x` at the top level."
        )


def _require_resolvable_refs(document: dict[str, Any], text: str, where: str) -> None:
    # Checked before the validator, which stops with a bare exception on the first dangling $ref.
    spec = Spec(document)
    for path, node in _walk(document, []):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            try:
                spec.resolve({"$ref": ref})
            except (KeyError, TypeError, IndexError, ValueError):
                raise SpecInputError(
                    f"{where} has a $ref that points nowhere: {ref!r}{_at(text, [*path, '$ref'])}."
                ) from None


def _validate_openapi(document: dict[str, Any], text: str, where: str) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator  # slow import (~0.6 s): only when validating

    class LocalOnlyValidator(OpenAPIV31SpecValidator):
        resolver_handlers = NO_RETRIEVAL  # a second lock: even a $ref missed above is never retrieved

    try:
        error = next(iter(LocalOnlyValidator(document).iter_errors()), None)
    except Exception as exc:  # the validator raises instead of reporting on some malformed inputs
        refusal = _external_reference_in(exc)
        if refusal is not None:
            raise SpecInputError(f"{where} could not be validated as OpenAPI 3.1: {refusal}.") from None
        raise SpecInputError(f"{where} could not be validated as OpenAPI 3.1: {_first_line(str(exc))}.") from None
    if error is None:
        return
    path = _absolute_path(document, list(error.path), error.instance)
    raise SpecInputError(
        f"{where} is not valid OpenAPI 3.1: {_first_line(error.message)}{_at(text, path) if path else ''}."
    )


def _external_reference_in(exc: BaseException) -> ExternalReference | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ExternalReference):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _require_job_operation(spec: Spec, text: str, where: str) -> None:
    try:
        schema = spec.job_schema()
    except (LookupError, ValueError) as exc:
        raise SpecInputError(
            f"{where} is valid OpenAPI but not the spec this project is built on: {exc}{_at(text, ['paths'])}."
        ) from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise SpecInputError(
            f"{where}: the 200 response of {spec.job_operation().operation_id} is not an object schema with "
            "properties, so there is no job to generate a client for."
        )


def _walk(node: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, [*path, index])


def _follow(node: Any, path: list[str | int]) -> tuple[bool, Any]:
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, node


def _absolute_path(document: dict[str, Any], path: list[str | int], instance: Any) -> list[str | int] | None:
    """The document path of a validator error (schema errors come relative to the schema that failed)."""
    # Schema keywords (properties, type, ...) are never top-level OpenAPI keys, so a root key means a root path.
    if path and path[0] in document:
        return path
    for prefix, node in _walk(document, []):
        found, value = _follow(node, path)
        if found and value == instance:
            return [*prefix, *path]
    return None


def _at(text: str, path: list[str | int]) -> str:
    """' at line L, column C (JSON path $.a.b)' for the deepest node of `path` present in the YAML text."""
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return f" (at {json_path})"
    mark = node.start_mark if node is not None else None
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        node, mark = child
    if mark is None:
        return f" (at {json_path})"
    return f" at line {mark.line + 1}, column {mark.column + 1} ({json_path})"


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Mark] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part or (isinstance(part, str) and str(key.value) == part):
                # Point at the key for mappings (where a person looks), at the value for scalars.
                return value, (value.start_mark if isinstance(value, yaml.ScalarNode) else key.start_mark)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item, item.start_mark
    return None


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return inline(line, _MAX_MESSAGE)
