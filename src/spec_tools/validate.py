"""Take a candidate spec from outside: read, extract, parse, assemble pages, validate; hold what we use to the full
standard and only report defects elsewhere.

Every refusal is one `SpecInputError` paragraph that names the file and where in it the problem is
(line/column and the JSON path), because the person running a bump needs to fix the input, not read a traceback.

Real specs have defects in operations this project does not use (4.259.0's `Gateway_GetApiKey` declares a path
parameter `keyId` its path lacks, and openapi-spec-validator refuses the whole document for it, naming no line).
So the selected operations (openapi/operations.yaml), and every component they reach, must pass
openapi-spec-validator in full; a defect anywhere else is a `SpecWarning` naming the operation (or schema) and the
line, and does not refuse the spec.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway_protocol.operations import iter_raw_operations

from . import validation_cache
from .refs import NO_RETRIEVAL, ExternalReference, non_local_references
from .safe_text import inline
from .selection import load_selection, select_document
from .sources import Source, SourceError, assemble, list_sources, page_file_name, read_source
from .spec import Spec, parse_spec_text
from .versions import VERSION_RULE, is_version

__all__ = ["Candidate", "SpecInputError", "SpecWarning", "load_candidate", "render_spec"]

_MAX_MESSAGE = 300
_MAX_WARNINGS = 50  # a spec with thousands of defects elsewhere still gets a readable report
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class SpecInputError(ValueError):
    """The input is not a spec we can vendor; the message says what is wrong and where."""


@dataclass(frozen=True)
class SpecWarning:
    """A defect outside what this project uses: reported, never a reason to refuse the spec."""

    subject: str  # the operation (`Gateway_GetApiKey (GET /v1/...)`) or schema the defect is in
    where: str  # the file, and the line when known
    message: str

    def __str__(self) -> str:
        return f"{self.subject}, {self.where}: {self.message}"


@dataclass(frozen=True)
class Candidate:
    """A validated spec: the text to vendor, its parsed document, the files it came from and what was reported."""

    sources: tuple[Source, ...]
    text: str
    spec: Spec
    warnings: tuple[SpecWarning, ...] = ()

    @property
    def document(self) -> dict[str, Any]:
        return self.spec.document

    @property
    def assembled(self) -> bool:
        """True when the spec was put together from several files (its text is ours, the pages are theirs)."""
        return len(self.sources) > 1

    @property
    def pages(self) -> tuple[Source, ...]:
        """The docs pages to keep verbatim beside the spec: every file of a set, or a single docs page."""
        return self.sources if self.assembled or self.sources[0].is_page else ()

    @property
    def source(self) -> Path:
        """The file it came from, or the first page of a set."""
        return self.sources[0].path

    @property
    def label(self) -> str:
        """How the changelog and provenance name the input: the file name, or `N pages (first … last)`."""
        if not self.assembled:
            return self.source.name
        first, last = (page_file_name(self.sources[i].path) for i in (0, -1))
        return f"{len(self.sources)} pages ({first} … {last})"


def load_candidate(
    inputs: Path | Sequence[Path],
    selection: Sequence[str] | None = None,
    *,
    require_selection: bool = True,
    check_rest: bool = True,
) -> Candidate:
    """Read and validate a spec file, a docs page, or several pages of one version (files or folders).

    `selection` (default: openapi/operations.yaml) names the operations held to the full standard; with
    `require_selection` (a bump), an input that lacks one of them is refused naming it. Without `check_rest`
    the operations outside the selection are not validated and give no warnings (the old side of a diff, which
    only compares the selection: it saves about a second on the whole API). Raises SpecInputError.
    """
    paths = [inputs] if isinstance(inputs, Path) else list(inputs)
    selected = tuple(selection) if selection is not None else load_selection()
    try:
        sources = tuple(read_source(path) for path in list_sources(paths))
    except SourceError as exc:
        raise SpecInputError(str(exc)) from None
    for source in sources:
        _require_local_references(source)  # before anything (the validator) could follow one
        _require_openapi_31(source)
        _require_version(source)
        _require_resolvable_refs(source)
    try:
        document = assemble(sources)
    except SourceError as exc:
        raise SpecInputError(f"{exc}.") from None
    text = sources[0].text if len(sources) == 1 else render_spec(document)
    label = sources[0].where if len(sources) == 1 else f"the {len(sources)} pages given"
    present = _present(document, selected, label, require_selection, sources)
    warnings = _validate(document, present, sources, label, check_rest=check_rest)
    spec = Spec(document, selected if require_selection else present)
    if require_selection:
        _require_job_operation(spec, sources, label)
    return Candidate(sources=sources, text=text, spec=spec, warnings=warnings)


def render_spec(document: dict[str, Any]) -> str:
    """The YAML text of an assembled spec (what is vendored when the input was several pages)."""
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    if parse_spec_text(text) != document:  # a page value YAML cannot write back as it read it
        raise SpecInputError("the assembled spec does not read back as the pages say; vendor a whole spec instead.")
    return text


# --- per file ----------------------------------------------------------------------------------------------------


def _require_local_references(source: Source) -> None:
    for path, keyword, value in non_local_references(source.document):
        shown = f"'{inline(value, 100)}'" if isinstance(value, str) else f"a {type(value).__name__}"
        raise SpecInputError(
            f"{source.where} has a {keyword} that leads outside the document: {shown}"
            f"{_at(source.text, [*path, keyword])}; "
            "only local references (#/...) are followed, and nothing outside the page is opened or fetched."
        )


def _require_version(source: Source) -> None:
    info = source.document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    if not is_version(version):
        shown = f"'{inline(version, 40)}'" if isinstance(version, str) else f"a {type(version).__name__}"
        raise SpecInputError(
            f"{source.where} has an info.version that is not a version: {shown}"
            f"{_at(source.text, ['info', 'version'])}; expected {VERSION_RULE}."
        )


def _require_openapi_31(source: Source) -> None:
    declared = source.document.get("openapi")
    if not isinstance(declared, str) or not declared.startswith("3.1."):
        found = "no `openapi` field" if declared is None else f"`openapi: {inline(declared, 40)}`"
        raise SpecInputError(
            f"{source.where} is not an OpenAPI 3.1 document: it has {found}{_at(source.text, ['openapi'])}; "
            "expected `openapi: 3.1.x` at the top level."
        )


def _require_resolvable_refs(source: Source) -> None:
    # Checked before the validator, which stops with a bare exception on the first dangling $ref.
    spec = Spec(source.document)
    for path, node in _walk(source.document, []):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            try:
                spec.resolve({"$ref": ref})
            except (KeyError, TypeError, IndexError, ValueError):
                raise SpecInputError(
                    f"{source.where} has a $ref that points nowhere: {inline(ref, 120)!r}"
                    f"{_at(source.text, [*path, '$ref'])}."
                ) from None


# --- the selection -----------------------------------------------------------------------------------------------


def _present(
    document: dict[str, Any], selected: tuple[str, ...], label: str, required: bool, sources: Sequence[Source]
) -> tuple[str, ...]:
    """The selected operationIds the document holds; with `required`, a missing one is refused by name."""
    found = [raw["operationId"] for _, _, _, raw in iter_raw_operations(document)]
    duplicate = next((op for op in selected if found.count(op) > 1), None)
    if duplicate is not None:
        raise SpecInputError(
            f"{label} defines the operationId {inline(duplicate, 100)} twice, so nothing can say which one is meant."
        )
    missing = [op for op in selected if op not in found]
    if missing and required:
        more = f" (and {len(missing) - 1} more: {', '.join(missing[1:4])}{'…' if len(missing) > 4 else ''})"
        hint = " (add the page of that operation)" if any(source.is_page for source in sources) else ""
        raise SpecInputError(
            f"{label} lacks the operation {missing[0]}{more if len(missing) > 1 else ''}, which "
            f"openapi/operations.yaml selects{hint}: a bump must keep every operation the client, the mock and the "
            "suite are built on."
        )
    return tuple(op for op in selected if op in found)


def _require_job_operation(spec: Spec, sources: Sequence[Source], label: str) -> None:
    try:
        schema = spec.job_schema()
    except (LookupError, ValueError) as exc:
        raise SpecInputError(f"{label} is valid OpenAPI but not the spec this project is built on: {exc}.") from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise SpecInputError(
            f"{label}: the 200 response of {spec.job_operation().operation_id} is not an object schema with "
            "properties, so there is no job to generate a client for."
        )


# --- OpenAPI validation ------------------------------------------------------------------------------------------


def _validate(
    document: dict[str, Any], selected: tuple[str, ...], sources: Sequence[Source], label: str, *, check_rest: bool
) -> tuple[SpecWarning, ...]:
    """Refuse any defect in the selected operations and what they reach; warn about the others (`check_rest`)."""
    scope = _Scope(document, selected)
    for error in _errors(select_document(document, selected)):
        raise _invalid(_error_path(document, error), error, sources, label)
    if not check_rest:
        return ()
    warnings: list[SpecWarning] = []
    try:
        errors = list(_errors(document))  # about 1 s for the whole API
    except SpecInputError as exc:  # the validator broke on something the selection does not use
        return (SpecWarning("the rest of the document", label, f"not checked: {exc}"),)
    for error in errors:
        path = _error_path(document, error)
        subject = scope.subject(path)
        if subject is None:  # in the selection after all (a defect only the whole document shows)
            raise _invalid(path, error, sources, label)
        where, at = _place(path, sources, label, with_path=False)
        warnings.append(SpecWarning(subject, f"{where}{at}", _first_line(error)))
        if len(warnings) == _MAX_WARNINGS:
            break
    return tuple(warnings)


def _errors(document: dict[str, Any]) -> Iterator[Any]:
    """openapi-spec-validator's errors for `document`. A document validated to the end before in this process (a
    bump validates the selection, then the whole, and tests and verification repeat the same specs) gives back the
    errors found then, and one found valid in an earlier process (`validation_cache`) gives none: validation is a
    function of the content alone, and costs up to a second."""
    key = _content_key(document)
    known = None
    if key is not None:
        with _KNOWN_LOCK:
            known = _KNOWN.get(key)
            if known is not None:
                _KNOWN.move_to_end(key)
        if known is None and validation_cache.known_valid(key):
            known = ()
            _keep(key, known)
    if known is not None:
        yield from known
        return
    found: list[Any] = []
    for error in _validator_errors(document):
        found.append(error)
        yield error
    if key is not None:  # only a run to the end: a caller that stopped at its first error did not see them all
        _keep(key, tuple(found))
        if not found:
            validation_cache.remember_valid(key)


def _keep(key: str, errors: tuple[Any, ...]) -> None:
    with _KNOWN_LOCK:
        _KNOWN[key] = errors
        _KNOWN.move_to_end(key)
        while len(_KNOWN) > _MAX_KNOWN:
            _KNOWN.popitem(last=False)


_MAX_KNOWN = 32
_KNOWN: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
_KNOWN_LOCK = threading.Lock()


def _content_key(document: dict[str, Any]) -> str | None:
    """The SHA-256 of the document's repr: it tells a key `200` from `"200"`, a date from its text and a list from a
    tuple, which JSON would not. None (validated afresh) for a document too deep to write."""
    try:
        text = repr(document)
    except RecursionError:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _validator_errors(document: dict[str, Any]) -> Iterator[Any]:
    from openapi_spec_validator import OpenAPIV31SpecValidator  # slow import (~0.6 s): only when validating

    class LocalOnlyValidator(OpenAPIV31SpecValidator):
        resolver_handlers = NO_RETRIEVAL  # a second lock: even a $ref missed above is never retrieved

    try:
        yield from LocalOnlyValidator(document).iter_errors()
    except Exception as exc:  # the validator raises instead of reporting on some malformed inputs
        refusal = _external_reference_in(exc)
        if refusal is not None:
            raise SpecInputError(f"the spec could not be validated as OpenAPI 3.1: {refusal}.") from None
        raise SpecInputError(f"the spec could not be validated as OpenAPI 3.1: {_first_line(exc)}.") from None


def _external_reference_in(exc: BaseException) -> ExternalReference | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ExternalReference):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class _Scope:
    """Which operation or schema a place in the document belongs to, and whether the selection uses it."""

    def __init__(self, document: dict[str, Any], selected: tuple[str, ...]) -> None:
        self.document = document
        self.selected = set(selected)
        self.reached = set(Spec(document, selected).selected_schemas) if selected else set()

    def subject(self, path: list[str | int]) -> str | None:
        """What `path` is in, when the selection does not use it; None when it does."""
        if not path:  # a check that names no place: the selection alone passed, so it is elsewhere
            return "outside the selected operations (the validator names no place)"
        paths = self.document.get("paths") or {}
        if len(path) >= 2 and path[0] == "paths" and isinstance(paths.get(path[1]), dict):
            item = paths[path[1]]
            methods = [path[2]] if len(path) >= 3 and path[2] in _METHODS else [m for m in _METHODS if m in item]
            operations = [(m, item[m]) for m in methods if isinstance(item.get(m), dict)]
            if any(op.get("operationId") in self.selected for _, op in operations):
                return None
            if not operations:
                return f"path {inline(path[1], 150)}"
            method, operation = operations[0]
            return f"{inline(operation.get('operationId', '?'), 100)} ({method.upper()} {inline(path[1], 150)})"
        if len(path) >= 3 and path[:2] == ["components", "schemas"]:
            return None if path[2] in self.reached else f"schema {inline(path[2], 100)}"
        return None


def _error_path(document: dict[str, Any], error: Any) -> list[str | int]:
    """Where in the document an error is: its JSON path, or, for the validator's checks that carry none
    (a path parameter its path lacks, a duplicate operationId), the operation and parameter its message names."""
    relative = list(getattr(error, "path", None) or [])
    if relative:
        found = _absolute_path(document, relative, getattr(error, "instance", None))
        if found is not None:
            return found
    return _path_in_message(document, str(getattr(error, "message", "") or error))


_QUOTED = re.compile(r"'([^']{1,500})'")


def _path_in_message(document: dict[str, Any], message: str) -> list[str | int]:
    quoted = _QUOTED.findall(message)
    paths = document.get("paths") or {}
    path = next((q for q in quoted if q in paths), None)
    if path is None:
        return []
    item = paths[path]
    method = next((q for q in quoted if q in _METHODS and isinstance(item.get(q), dict)), None)
    if method is None:
        return ["paths", path]
    operation = item[method]
    for index, parameter in enumerate(operation.get("parameters") or []):
        if isinstance(parameter, dict) and parameter.get("name") in quoted:
            return ["paths", path, method, "parameters", index]
    return ["paths", path, method]


def _place(path: list[str | int], sources: Sequence[Source], label: str, *, with_path: bool = True) -> tuple[str, str]:
    """(the file, ` at line L, column C ($.json.path)`) of the first source holding `path`."""
    source = next((s for s in sources if path and _follow(s.document, path)[0]), None)
    if source is None:
        return (sources[0].where if len(sources) == 1 else label), ""
    return source.where, _at(source.text, path, with_path=with_path)


def _invalid(path: list[str | int], error: object, sources: Sequence[Source], label: str) -> SpecInputError:
    where, at = _place(path, sources, label)
    return SpecInputError(f"{where} is not valid OpenAPI 3.1: {_first_line(error)}{at}.")


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


def _at(text: str, path: list[str | int], *, with_path: bool = True) -> str:
    """' at line L, column C (JSON path $.a.b)' for the deepest node of `path` present in the YAML text."""
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{inline(p, 80)}" for p in path)
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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
    return f" at line {mark.line + 1}, column {mark.column + 1}" + (f" ({json_path})" if with_path else "")


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


def _first_line(error: object) -> str:
    message = str(getattr(error, "message", None) or error)
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return inline(line, _MAX_MESSAGE)
