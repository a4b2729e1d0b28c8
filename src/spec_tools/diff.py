"""What changed between two specs for this project's client, over every selected operation, both directions.

The scope is the selected operations (openapi/operations.yaml; every operation when there is no list) and the
schemas they reach. Each schema is classified by what the client does with it: it *reads* a schema an answer
reaches, and *writes* one a request body or parameter reaches through fields it may send (a `readOnly` field is
never sent, so what only it reaches is read-only). A change is judged from each side the schema is on, and the
worse verdict is the one reported: a new optional property is harmless to a reader and to a writer, a new required
property breaks a writer, a property that is no longer required breaks a reader.

Each class of change is one `Rule` in `RULES` (its severity and the reason) and is detected by one small function
below. Every `Change` names the operations it touches (`Change.operations`). Locations name the schema and
property (`gatewaySupervisedFineTuningJob.isTurbo`, `[]` for array items), the enum value
(`gatewayJobState.JOB_STATE_X`), or the operation by operationId (`Gateway_GetSupervisedFineTuningJob`,
`... query parameter readMask`, `... request application/json`, `... response 200 application/json`).

change                          severity       why
------------------------------  -------------  ----------------------------------------------------------------------
operation-removed               breaking       calls fail and the generated function disappears
operation-added                 non-breaking   nothing existing changes
operation-moved                 breaking       calls go to the old method or path; the generated function changes
required-parameter-added        breaking       existing calls lack it; the generated function gains a required argument
optional-parameter-added        non-breaking   existing calls stay valid
parameter-removed               warning        the regenerated function drops the argument; callers passing it must
                                               change
parameter-became-required       breaking       calls that omit it are refused
parameter-became-optional       non-breaking   existing calls stay valid
parameter-schema-changed        breaking       the argument's type changes; values sent so far may be refused
required-request-body-added     breaking       existing calls send no body and are refused
request-body-added              non-breaking   an optional body: existing calls stay valid
request-body-removed            breaking       the generated function loses its body argument
request-body-became-required    breaking       calls that send no body are refused
request-body-became-optional    non-breaking   existing calls stay valid
response-removed                breaking       that status/media type is no longer parsed into a model
response-added                  warning        the client may get a status or media type it does not parse
schema-removed                  breaking       the generated class disappears; code importing it fails
schema-added                    non-breaking   a new class; nothing existing changes
class-renamed                   breaking       the generated class changes name; code importing the old one fails
property-removed                breaking       the field is gone from the generated model: readers lose it, and requests
                                               that set it (a writable field) fail
property-added                  non-breaking   readers ignore unknown fields (old clients keep them in
                                               additional_properties), and an optional field need not be sent
required-request-field-added    breaking       a new required field of a request: requests built so far lack it and are
                                               refused
required-removed                breaking       a field readers could rely on may now be absent (Unset)
required-added                  non-breaking   a stronger guarantee: the field is now always present
request-field-became-required   breaking       requests that omit it are refused
request-field-became-optional   non-breaking   requests stay valid
field-became-read-only          breaking       the client no longer sends it (setting it raises): code that sets it
                                               breaks
field-became-writable           non-breaking   it may now be sent; nothing existing changes
type-changed                    breaking       values arrive, or must be sent, as a type the code and model do not
                                               expect
type-widened                    breaking       values may arrive as a type the reader does not handle (e.g. null)
type-narrowed                   non-breaking   every value still is one the reader handles
request-type-narrowed           breaking       values sent so far may now be refused
request-type-widened            non-breaking   every value sent so far is still accepted
ref-changed                     breaking       the field now holds a different schema, so a different generated class
decoded-format-changed          breaking       the generated attribute's Python type changes
format-changed                  warning        same Python type, but the value range or notation changes
enum-value-added                warning        forward-compatible enums keep the unknown value; strict consumers and the
                                               contract suite reject it
enum-value-removed              breaking       the generated enum loses the member, so code naming it breaks (responses
                                               stay readable: the value just stops arriving)
enum-added                      warning        values become an enum class; values outside it are now rejected
enum-removed                    breaking       any string may arrive, and the generated enum class disappears
keyword-changed                 warning        a constraint this report does not classify: review by hand
deprecated                      deprecation    it still works, but it is on its way out: stop relying on it
deprecation-lifted              non-breaking   it is no longer on its way out

Deprecation is `spec_tools.deprecation`'s (the keyword, or a description or title whose first word is
"Deprecated"). Otherwise descriptions, titles, examples and `x-` extensions are documentation and are not reported.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from gateway_protocol.spec_view import schema_key_of

from .deprecation import deprecation_mark
from .naming import class_names
from .safe_text import code_span, inline, markdown_text
from .spec import Spec

__all__ = [
    "RULES",
    "Change",
    "Rule",
    "Severity",
    "count_by_severity",
    "diff_specs",
    "render_markdown",
    "summary_line",
    "touched",
    "write_reports",
]


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    DEPRECATION = "deprecation"  # not breaking: the field still works; a heads-up before it is removed
    NON_BREAKING = "non-breaking"


@dataclass(frozen=True)
class Rule:
    change: str
    severity: Severity
    why: str


@dataclass(frozen=True)
class Change:
    location: str
    change: str
    severity: Severity
    detail: str
    operations: tuple[str, ...] = ()  # the selected operations it touches, by operationId

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "change": self.change,
            "severity": self.severity.value,
            "detail": self.detail,
            "operations": list(self.operations),
        }


_B, _W, _D, _N = Severity.BREAKING, Severity.WARNING, Severity.DEPRECATION, Severity.NON_BREAKING
RULES: dict[str, Rule] = {
    rule.change: rule
    for rule in (
        Rule("operation-removed", _B, "calls fail and the generated function disappears"),
        Rule("operation-added", _N, "nothing existing changes"),
        Rule("operation-moved", _B, "calls go to the old method or path; the generated function changes"),
        Rule(
            "required-parameter-added", _B, "existing calls lack it; the generated function gains a required argument"
        ),
        Rule("optional-parameter-added", _N, "existing calls stay valid"),
        Rule("parameter-removed", _W, "the regenerated function drops the argument; callers passing it must change"),
        Rule("parameter-became-required", _B, "calls that omit it are refused"),
        Rule("parameter-became-optional", _N, "existing calls stay valid"),
        Rule("parameter-schema-changed", _B, "the argument's type changes; values sent so far may be refused"),
        Rule("required-request-body-added", _B, "existing calls send no body and are refused"),
        Rule("request-body-added", _N, "an optional body: existing calls stay valid"),
        Rule("request-body-removed", _B, "the generated function loses its body argument"),
        Rule("request-body-became-required", _B, "calls that send no body are refused"),
        Rule("request-body-became-optional", _N, "existing calls stay valid"),
        Rule("response-removed", _B, "that status/media type is no longer parsed into a model"),
        Rule("response-added", _W, "the client may get a status or media type it does not parse"),
        Rule("schema-removed", _B, "the generated class disappears; code importing it fails"),
        Rule("schema-added", _N, "a new class; nothing existing changes"),
        Rule("class-renamed", _B, "the generated class changes name; code importing the old one fails"),
        Rule(
            "property-removed",
            _B,
            "the field is gone from the generated model: readers lose it, and requests that set it (a writable "
            "field) fail",
        ),
        Rule(
            "property-added",
            _N,
            "readers ignore unknown fields (old clients keep them in additional_properties), and an optional field "
            "need not be sent",
        ),
        Rule(
            "required-request-field-added",
            _B,
            "a new required field of a request: requests built so far lack it and are refused",
        ),
        Rule("required-removed", _B, "a field readers could rely on may now be absent (Unset)"),
        Rule("required-added", _N, "a stronger guarantee: the field is now always present"),
        Rule("request-field-became-required", _B, "requests that omit it are refused"),
        Rule("request-field-became-optional", _N, "requests stay valid"),
        Rule(
            "field-became-read-only", _B, "the client no longer sends it (setting it raises); code that set it breaks"
        ),
        Rule("field-became-writable", _N, "it may now be sent; nothing existing changes"),
        Rule("type-changed", _B, "values arrive, or must be sent, as a type the code and model do not expect"),
        Rule("type-widened", _B, "values may arrive as a type the reader does not handle (e.g. null)"),
        Rule("type-narrowed", _N, "every value still is one the reader handles"),
        Rule("request-type-narrowed", _B, "values sent so far may now be refused"),
        Rule("request-type-widened", _N, "every value sent so far is still accepted"),
        Rule("ref-changed", _B, "the field now holds a different schema, so a different generated class"),
        Rule("decoded-format-changed", _B, "the generated attribute's Python type changes"),
        Rule("format-changed", _W, "same Python type, but the value range or notation changes"),
        Rule(
            "enum-value-added",
            _W,
            "forward-compatible enums keep the unknown value; strict consumers and the contract suite reject it",
        ),
        Rule(
            "enum-value-removed",
            _B,
            "the generated enum loses the member, so code naming it breaks "
            "(responses stay readable: the value just stops arriving)",
        ),
        Rule("enum-added", _W, "values become an enum class; values outside it are now rejected"),
        Rule("enum-removed", _B, "any string may arrive, and the generated enum class disappears"),
        Rule("keyword-changed", _W, "a constraint this report does not classify: review by hand"),
        Rule("deprecated", _D, "it still works, but it is on its way out: stop relying on it"),
        Rule("deprecation-lifted", _N, "it is no longer on its way out"),
    )
}

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Formats openapi-python-client decodes into a Python type other than str/int/float.
_DECODED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
_DOC_ONLY = frozenset({"description", "title", "example", "examples", "externalDocs", "$comment"})
_HANDLED = frozenset(
    {"$ref", "type", "nullable", "format", "enum", "required", "properties", "items", "deprecated", "readOnly"}
)
_SEVERITY_ORDER = {_B: 0, _W: 1, _D: 2, _N: 3}

Node = dict[str, Any]


@dataclass(frozen=True)
class _Context:
    """How the client uses the node being compared: read (an answer reaches it), written (a request reaches it
    through fields it may send), and by which operations."""

    read: bool
    write: bool
    operations: tuple[str, ...]


NodeRule = Callable[[str, Node, Node, _Context], Iterator[Change]]


def _change(change: str, location: str, detail: str, context: _Context) -> Change:
    rule = RULES[change]
    return Change(location, change, rule.severity, f"{detail}; {rule.why}", context.operations)


def diff_specs(old: Spec, new: Spec, selection: Sequence[str] | None = None) -> list[Change]:
    """Every classified change from `old` to `new` within the selected operations (`selection`, else the specs'
    own selection, else every operation) and the schemas they reach: breaking first, then by location."""
    if selection is None:
        selection = new.selection if new.selection is not None else old.selection
    before, after = _Usage(old, selection), _Usage(new, selection)
    changes = [*_operation_changes(before, after), *_schema_changes(before, after)]
    return sorted(changes, key=lambda c: (_SEVERITY_ORDER[c.severity], c.location, c.change))


# --- what the selection uses -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Operation:
    label: str  # the operationId, or `METHOD path` for one without
    method: str
    path: str
    item: Node = field(repr=False)
    raw: Node = field(repr=False)


class _Usage:
    """The selected operations of one spec and, for each schema they reach, which of them read and write it."""

    def __init__(self, spec: Spec, selection: Sequence[str] | None) -> None:
        self.spec = spec
        wanted = set(selection) if selection is not None else None
        self.operations: dict[str, _Operation] = {}
        for path, item in (spec.document.get("paths") or {}).items():
            for method in _METHODS:
                raw = item.get(method) if isinstance(item, dict) else None
                if not isinstance(raw, dict):
                    continue
                operation_id = raw.get("operationId")
                label = operation_id if isinstance(operation_id, str) else f"{method.upper()} {path}"
                if wanted is None or label in wanted:
                    self.operations[label] = _Operation(label, method.upper(), str(path), item, raw)
        # Operations are listed in the selection's order (the document's when every operation counts).
        ranked = [*(selection or ()), *self.operations]
        self.rank = {label: index for index, label in reversed(list(enumerate(ranked)))}
        self.readers: dict[str, set[str]] = {}
        self.writers: dict[str, set[str]] = {}
        for operation in self.operations.values():
            for key in self._reach(_answer_schemas(operation.raw), writing=False):
                self.readers.setdefault(key, set()).add(operation.label)
            for key in self._reach(self._request_schemas(operation), writing=True):
                self.writers.setdefault(key, set()).add(operation.label)

    def _request_schemas(self, operation: _Operation) -> list[Any]:
        roots = [media.get("schema") for media in _content(self.resolved(operation.raw.get("requestBody")))]
        return roots + [self.resolved(p).get("schema") for p in _raw_parameters(operation)]

    def resolved(self, node: Any) -> Node:
        try:
            return self.spec.resolve(node) if isinstance(node, dict) else {}
        except ValueError:
            return {}

    def _reach(self, roots: list[Any], *, writing: bool) -> set[str]:
        """Schema keys reachable from `roots`; writing, not through `readOnly` properties (never sent)."""
        seen: set[str] = set()
        stack: list[Any] = list(roots)
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            key = schema_key_of(node)
            if key is not None and key not in seen and key in self.spec.schemas:
                seen.add(key)
                stack.append(self.spec.schemas[key])
            for name, value in node.items():
                if name == "properties" and isinstance(value, dict):
                    stack.extend(v for v in value.values() if not (writing and _read_only(v)))
                elif name != "$ref":
                    stack.append(value)
        return seen

    def context(self, key: str) -> _Context:
        readers, writers = self.readers.get(key, set()), self.writers.get(key, set())
        return _Context(bool(readers), bool(writers), tuple(sorted(readers | writers, key=self.order)))

    def order(self, label: str) -> int:
        return self.rank.get(label, len(self.rank))

    @property
    def schemas_used(self) -> set[str]:
        return set(self.readers) | set(self.writers)


def _merge(before: _Usage, after: _Usage, key: str) -> _Context:
    """A schema's context over both specs: read or written in either, touching the operations of both."""
    old, new = before.context(key), after.context(key)
    operations = tuple(dict.fromkeys([*new.operations, *old.operations]))
    return _Context(old.read or new.read, old.write or new.write, operations)


def _read_only(node: Any) -> bool:
    return isinstance(node, dict) and node.get("readOnly") is True


def _content(node: Node) -> list[Node]:
    content = node.get("content")
    return [media for media in content.values() if isinstance(media, dict)] if isinstance(content, dict) else []


def _answer_schemas(operation: Node) -> list[Any]:
    responses = operation.get("responses")
    return [
        media.get("schema")
        for response in (responses.values() if isinstance(responses, dict) else ())
        if isinstance(response, dict)
        for media in _content(response)
    ]


def _raw_parameters(operation: _Operation) -> list[Any]:
    return [*(operation.item.get("parameters") or []), *(operation.raw.get("parameters") or [])]


# --- operations, parameters, bodies, responses -------------------------------------------------------------------


def _operation_changes(before: _Usage, after: _Usage) -> Iterator[Change]:
    for label in [label for label in before.operations if label not in after.operations]:
        yield _change("operation-removed", label, "operation removed", _Context(False, False, (label,)))
    for label in [label for label in after.operations if label not in before.operations]:
        only = _Context(True, True, (label,))
        operation = after.operations[label]
        yield _change("operation-added", label, f"operation added ({operation.method} {operation.path})", only)
        yield from _newly_deprecated(label, {}, operation.raw, only)
    for label in [label for label in after.operations if label in before.operations]:
        old, new = before.operations[label], after.operations[label]
        here = _Context(True, True, (label,))
        if (old.method, old.path) != (new.method, new.path):
            detail = f"{old.method} {old.path} → {new.method} {new.path}"
            yield _change("operation-moved", label, detail, here)
        yield from _newly_deprecated(label, old.raw, new.raw, here)
        yield from _parameter_changes(label, _parameters(before, old), _parameters(after, new), here)
        yield from _request_changes(label, before, old, after, new)
        yield from _response_changes(label, _responses(before, old), _responses(after, new), here)


def _parameters(usage: _Usage, operation: _Operation) -> dict[tuple[str, str], Node]:
    # Operation-level parameters override path-level ones with the same name and location.
    merged: dict[tuple[str, str], Node] = {}
    for raw in _raw_parameters(operation):
        param = usage.resolved(raw)
        merged[(str(param.get("in")), str(param.get("name")))] = param
    return merged


def _parameter_changes(
    label: str, before: dict[tuple[str, str], Node], after: dict[tuple[str, str], Node], context: _Context
) -> Iterator[Change]:
    def where(key: tuple[str, str]) -> str:
        return f"{label} {key[0]} parameter {key[1]}"

    for key in sorted(before.keys() - after.keys()):
        yield _change("parameter-removed", where(key), "parameter removed", context)
    for key in sorted(after.keys() - before.keys()):
        required = bool(after[key].get("required"))
        kind = "required-parameter-added" if required else "optional-parameter-added"
        yield _change(kind, where(key), f"{'required' if required else 'optional'} parameter added", context)
        yield from _newly_deprecated(where(key), {}, after[key], context)
    for key in sorted(before.keys() & after.keys()):
        yield from _newly_deprecated(where(key), before[key], after[key], context)
        was, now = bool(before[key].get("required")), bool(after[key].get("required"))
        if was != now:
            kind = "parameter-became-required" if now else "parameter-became-optional"
            yield _change(kind, where(key), f"required: {str(was).lower()} → {str(now).lower()}", context)
        old_shape, new_shape = _shape(before[key].get("schema") or {}), _shape(after[key].get("schema") or {})
        if old_shape != new_shape:
            yield _change("parameter-schema-changed", where(key), f"schema {old_shape} → {new_shape}", context)


def _request_changes(label: str, before: _Usage, old: _Operation, after: _Usage, new: _Operation) -> Iterator[Change]:
    here = _Context(False, True, (label,))
    old_body, new_body = before.resolved(old.raw.get("requestBody")), after.resolved(new.raw.get("requestBody"))
    where = f"{label} request"
    if old_body and not new_body:
        yield _change("request-body-removed", where, "request body removed", here)
        return
    if new_body and not old_body:
        required = new_body.get("required") is True
        kind = "required-request-body-added" if required else "request-body-added"
        yield _change(kind, where, f"{'required' if required else 'optional'} request body added", here)
        return
    if not new_body:
        return
    was, now = old_body.get("required") is True, new_body.get("required") is True
    if was != now:
        kind = "request-body-became-required" if now else "request-body-became-optional"
        yield _change(kind, where, f"required: {str(was).lower()} → {str(now).lower()}", here)
    old_media, new_media = _media_schemas(old_body), _media_schemas(new_body)
    for media in sorted(old_media.keys() - new_media.keys()):
        yield _change("request-body-removed", f"{where} {media}", f"media type {media} no longer accepted", here)
    for media in sorted(new_media.keys() - old_media.keys()):
        yield _change("request-body-added", f"{where} {media}", f"media type {media} also accepted", here)
    for media in sorted(old_media.keys() & new_media.keys()):
        yield from _diff_node(f"{where} {media}", old_media[media], new_media[media], here)


def _media_schemas(node: Node) -> dict[str, Node]:
    content = node.get("content")
    if not isinstance(content, dict):
        return {}
    found: dict[str, Node] = {}
    for media, body in content.items():
        schema = body.get("schema") if isinstance(body, dict) else None
        found[str(media)] = schema if isinstance(schema, dict) else {}
    return found


def _responses(usage: _Usage, operation: _Operation) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for status, raw in (operation.raw.get("responses") or {}).items():
        response = usage.resolved(raw)
        schemas = _media_schemas(response)
        if not schemas:
            found[f"response {status}"] = {}
        for media, schema in schemas.items():
            found[f"response {status} {media}"] = schema
    return found


def _response_changes(
    label: str, before: dict[str, Node], after: dict[str, Node], context: _Context
) -> Iterator[Change]:
    reading = replace(context, read=True, write=False)
    for key in sorted(before.keys() - after.keys()):
        yield _change("response-removed", f"{label} {key}", "response removed", reading)
    for key in sorted(after.keys() - before.keys()):
        yield _change("response-added", f"{label} {key}", "response added", reading)
    for key in sorted(before.keys() & after.keys()):
        yield from _diff_node(f"{label} {key}", before[key], after[key], reading)


# --- schemas -----------------------------------------------------------------------------------------------------


def _schema_changes(before: _Usage, after: _Usage) -> Iterator[Change]:
    old_schemas, new_schemas = before.spec.schemas, after.spec.schemas
    used = before.schemas_used | after.schemas_used
    old_names = class_names(before.spec.document) if used else {}
    new_names = class_names(after.spec.document) if used else {}
    for key in sorted(used):
        context = _merge(before, after, key)
        if key in old_schemas and key not in new_schemas:
            yield _change("schema-removed", key, "schema removed", context)
        elif key in new_schemas and key not in old_schemas:
            yield _change("schema-added", key, "schema added", context)
            yield from _newly_deprecated(key, {}, new_schemas[key], context)
        elif key in old_schemas:
            if old_names.get(key) != new_names.get(key):
                detail = f"class {old_names.get(key)} → {new_names.get(key)}"
                yield _change("class-renamed", key, detail, context)
            yield from _diff_node(key, old_schemas[key], new_schemas[key], context)


def _diff_node(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    """Apply every node rule; a changed $ref is one change (the target schema is diffed under its own name)."""
    if old.get("$ref") != new.get("$ref"):
        yield _change("ref-changed", location, f"{_shape(old)} → {_shape(new)}", context)
        return
    for rule in _NODE_RULES:
        yield from rule(location, old, new, context)


def _ref_name(node: Node) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _shape(node: Node) -> str:
    """A short human description of a schema node: `$ref X`, `string/date-time`, `enum[3]`, `any`."""
    name = _ref_name(node)
    if name is not None:
        return f"$ref {name}"
    types = sorted(_types(node) - ({"integer"} if "number" in _types(node) else set()))
    text = "|".join(types) or "any"
    if node.get("format"):
        text += f"/{node['format']}"
    if isinstance(node.get("enum"), list):
        text += f" enum[{len(node['enum'])}]"
    return text


def _types(node: Node) -> frozenset[str]:
    declared = node.get("type")
    types = set([declared] if isinstance(declared, str) else declared or [])
    if node.get("nullable") is True:  # OpenAPI 3.0 spelling of "null"
        types.add("null")
    if "number" in types:  # every integer is a number, so integer -> number widens and number -> integer narrows
        types.add("integer")
    return frozenset(types)


def _type_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    before, after = _types(old), _types(new)
    if before == after:
        return
    detail = f"type {_shape(_type_and_format(old))} → {_shape(_type_and_format(new))}"
    if not after or (before and after > before):  # no type at all accepts anything
        yield _change("type-widened" if context.read else "request-type-widened", location, detail, context)
    elif not before or after < before:
        yield _change("request-type-narrowed" if context.write else "type-narrowed", location, detail, context)
    else:
        yield _change("type-changed", location, detail, context)


def _type_and_format(node: Node) -> Node:
    return {key: node[key] for key in ("type", "nullable", "format") if key in node}


def _format_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    before, after = old.get("format"), new.get("format")
    if before == after or _types(old) != _types(new):  # a new type makes the old format moot: one change, not two
        return
    detail = f"format {before or 'none'} → {after or 'none'}"
    decoded = {before, after} & _DECODED_FORMATS
    yield _change("decoded-format-changed" if decoded else "format-changed", location, detail, context)


def _enum_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None:
        yield _change("enum-added", location, f"values restricted to {len(after or [])} enum values", context)
        return
    if after is None:
        yield _change("enum-removed", location, f"enum of {len(before)} values removed", context)
        return
    for value in [v for v in after if v not in before]:
        yield _change("enum-value-added", f"{location}.{value}", f"enum value {value} added", context)
    for value in [v for v in before if v not in after]:
        yield _change("enum-value-removed", f"{location}.{value}", f"enum value {value} removed", context)


def _required_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    # Only properties present on both sides: an added or removed property is its own, larger change.
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    common = old_props.keys() & new_props.keys()
    before, after = set(old.get("required") or []) & common, set(new.get("required") or []) & common
    for name in sorted(before - after):
        kind = "required-removed" if context.read else "request-field-became-optional"
        yield _change(kind, f"{location}.{name}", "no longer required", context)
    for name in sorted(after - before):
        sent = context.write and not _read_only(new_props[name])
        yield _change("request-field-became-required" if sent else "required-added", f"{location}.{name}",
                      "now required", context)  # fmt: skip


def _properties_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    before, after = old.get("properties") or {}, new.get("properties") or {}
    for name in sorted(before.keys() - after.keys()):
        writable = "" if _read_only(before[name]) else ", writable"
        detail = f"property removed (was {_shape(before[name])}{writable})"
        yield _change("property-removed", f"{location}.{name}", detail, context)
    for name in sorted(after.keys() - before.keys()):
        required = name in (new.get("required") or [])
        sent = context.write and not _read_only(after[name])
        kind = "required-request-field-added" if sent and required else "property-added"
        access = "read-only" if _read_only(after[name]) else "writable" if context.write else "read"
        detail = f"{'required' if required else 'optional'} {access} property added ({_shape(after[name])})"
        yield _change(kind, f"{location}.{name}", detail, context)
        yield from _newly_deprecated(f"{location}.{name}", {}, after[name], context)
    for name in sorted(before.keys() & after.keys()):
        never_sent = _read_only(before[name]) and _read_only(after[name])
        inner = replace(context, write=context.write and not never_sent)
        yield from _diff_node(f"{location}.{name}", before[name], after[name], inner)


def _read_only_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    was, now = _read_only(old), _read_only(new)
    if was == now or not context.write:  # to a reader, readOnly is documentation
        return
    kind = "field-became-read-only" if now else "field-became-writable"
    yield _change(kind, location, f"readOnly: {str(was).lower()} → {str(now).lower()}", context)


def _newly_deprecated(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    before, after = deprecation_mark(old), deprecation_mark(new)
    if after and not before:
        yield _change("deprecated", location, f"{'added ' if not old else ''}deprecated ({after})", context)
    elif before and not after:
        yield _change("deprecation-lifted", location, f"no longer deprecated (was: {before})", context)


def _items_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    if "items" in old or "items" in new:
        yield from _diff_node(f"{location}[]", old.get("items") or {}, new.get("items") or {}, context)


def _other_keywords_rule(location: str, old: Node, new: Node, context: _Context) -> Iterator[Change]:
    # The safety net: nothing that can change what a client sends or receives goes unreported, even if unclassified.
    keys = (old.keys() | new.keys()) - _HANDLED - _DOC_ONLY
    for key in sorted(k for k in keys if not k.startswith("x-") and old.get(k) != new.get(k)):
        detail = f"{key}: {_brief(old.get(key))} → {_brief(new.get(key))}"
        yield _change("keyword-changed", location, detail, context)


def _brief(value: Any, limit: int = 60) -> str:
    text = "absent" if value is None else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NODE_RULES: tuple[NodeRule, ...] = (
    _newly_deprecated,
    _read_only_rule,
    _type_rule,
    _format_rule,
    _enum_rule,
    _required_rule,
    _properties_rule,
    _items_rule,
    _other_keywords_rule,
)


# --- reports -----------------------------------------------------------------------------------------------------


def count_by_severity(changes: Iterable[Change]) -> dict[Severity, int]:
    counts = Counter(c.severity for c in changes)
    return {severity: counts[severity] for severity in Severity}


def summary_line(changes: list[Change]) -> str:
    counts = count_by_severity(changes)
    return ", ".join(f"{counts[s]} {s.value}" for s in Severity)


def touched(change: Change, limit: int = 160) -> str:
    """The operations a change touches, on one line: `Gateway_GetX, Gateway_ListX` (or `no selected operation`)."""
    if not change.operations:
        return "no selected operation"
    return inline(", ".join(change.operations), limit)


def render_markdown(changes: list[Change], old_version: str, new_version: str) -> str:
    title = f"# Spec changes {markdown_text(old_version, 64)} → {markdown_text(new_version, 64)}"
    lines = [title, "", summary_line(changes) + ".", ""]
    for severity in Severity:
        group = [c for c in changes if c.severity is severity]
        if group:
            lines += [f"## {severity.value} ({len(group)})", ""]
            lines += [
                f"- {code_span(c.location)} — {c.change}: {markdown_text(c.detail)} "
                f"(touches {', '.join(code_span(op, 120) for op in c.operations) or 'no selected operation'})"
                for c in group
            ]
            lines.append("")
    if not changes:
        lines += ["No changes that affect the client.", ""]
    return "\n".join(lines)


def write_reports(changes: list[Change], reports_dir: Path, old_version: str, new_version: str) -> tuple[Path, Path]:
    """Write `spec-diff.json` (a list of {location, change, severity, detail, operations}) and `spec-diff.md`."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = reports_dir / "spec-diff.json", reports_dir / "spec-diff.md"
    json_path.write_text(
        json.dumps([c.as_dict() for c in changes], indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    md_path.write_text(render_markdown(changes, old_version, new_version), encoding="utf-8")
    return json_path, md_path
