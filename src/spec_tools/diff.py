"""What changed between two specs, classified for a client that reads responses.

Each class of change is one `Rule` in `RULES` (its severity and the reason, from the reader's point of view)
and is detected by one small function below. Locations name the schema and property
(`gatewaySupervisedFineTuningJob.isTurbo`, `[]` for array items), the enum value (`gatewayJobState.JOB_STATE_X`),
or the operation (`GET /path`, `GET /path query parameter readMask`, `GET /path response 200 application/json`).

change                      severity       why, for a client reading responses
--------------------------  -------------  --------------------------------------------------------------------------
operation-removed           breaking       calls fail and the generated function disappears
operation-added             non-breaking   nothing existing changes
required-parameter-added    breaking       existing calls lack it; the generated function gains a required argument
optional-parameter-added    non-breaking   existing calls stay valid
parameter-removed           warning        the regenerated function drops the argument; callers passing it must
                                           change
parameter-became-required   breaking       calls that omit it are refused
parameter-became-optional   non-breaking   existing calls stay valid
parameter-schema-changed    breaking       the argument's type changes; values sent so far may be refused
response-removed            breaking       that status/media type is no longer parsed into a model
response-added              warning        the client may get a status or media type it does not parse
schema-removed              breaking       the generated class disappears; code importing it fails
schema-added                non-breaking   a new class; nothing existing changes
property-removed            breaking       the field is no longer sent and the generated attribute is gone
property-added              non-breaking   readers ignore unknown fields (old clients keep them in
                                           additional_properties)
required-removed            breaking       a field readers could rely on may now be absent (Unset)
required-added              non-breaking   a stronger guarantee: the field is now always present
type-changed                breaking       values arrive as a type the reader's code and model do not expect
type-widened                breaking       values may arrive as a type the reader does not handle (e.g. null)
type-narrowed               non-breaking   every value still is one the reader handles
ref-changed                 breaking       the field now holds a different schema, so a different generated class
decoded-format-changed      breaking       the generated attribute's Python type changes
format-changed              warning        same Python type, but the value range or notation changes
enum-value-added            warning        forward-compatible enums keep the unknown value; strict consumers and the
                                           contract suite reject it
enum-value-removed          breaking       the generated enum loses the member, so code naming it breaks (responses
                                           stay readable: the value just stops arriving)
enum-added                  warning        values become an enum class; values outside it are now rejected
enum-removed                breaking       any string may arrive, and the generated enum class disappears
keyword-changed             warning        a constraint this report does not classify: review by hand
deprecated                  deprecation    reading it still works, but it is on its way out: stop relying on it
deprecation-lifted          non-breaking   it is no longer on its way out

A schema, property, parameter or operation is deprecated when it says `deprecated: true` or its description or title
starts with "Deprecated" (how the published pages mark proto fields). Otherwise descriptions, titles, examples and
`x-` extensions are documentation and are not reported. Request bodies would be
classified with the same table; this API has none (one GET), so a request-side table is left for when it does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .safe_text import code_span, markdown_text
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
    "write_reports",
]


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    DEPRECATION = "deprecation"  # not breaking: the field still reads; a heads-up before it is removed
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

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


_B, _W, _D, _N = Severity.BREAKING, Severity.WARNING, Severity.DEPRECATION, Severity.NON_BREAKING
RULES: dict[str, Rule] = {
    rule.change: rule
    for rule in (
        Rule("operation-removed", _B, "calls fail and the generated function disappears"),
        Rule("operation-added", _N, "nothing existing changes"),
        Rule(
            "required-parameter-added", _B, "existing calls lack it; the generated function gains a required argument"
        ),
        Rule("optional-parameter-added", _N, "existing calls stay valid"),
        Rule("parameter-removed", _W, "the regenerated function drops the argument; callers passing it must change"),
        Rule("parameter-became-required", _B, "calls that omit it are refused"),
        Rule("parameter-became-optional", _N, "existing calls stay valid"),
        Rule("parameter-schema-changed", _B, "the argument's type changes; values sent so far may be refused"),
        Rule("response-removed", _B, "that status/media type is no longer parsed into a model"),
        Rule("response-added", _W, "the client may get a status or media type it does not parse"),
        Rule("schema-removed", _B, "the generated class disappears; code importing it fails"),
        Rule("schema-added", _N, "a new class; nothing existing changes"),
        Rule("property-removed", _B, "the field is no longer sent and the generated attribute is gone"),
        Rule("property-added", _N, "readers ignore unknown fields (old clients keep them in additional_properties)"),
        Rule("required-removed", _B, "a field readers could rely on may now be absent (Unset)"),
        Rule("required-added", _N, "a stronger guarantee: the field is now always present"),
        Rule("type-changed", _B, "values arrive as a type the reader's code and model do not expect"),
        Rule("type-widened", _B, "values may arrive as a type the reader does not handle (e.g. null)"),
        Rule("type-narrowed", _N, "every value still is one the reader handles"),
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
        Rule("deprecated", _D, "reading it still works, but it is on its way out: stop relying on it"),
        Rule("deprecation-lifted", _N, "it is no longer on its way out"),
    )
}

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Formats openapi-python-client decodes into a Python type other than str/int/float.
_DECODED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
_DOC_ONLY = frozenset({"description", "title", "example", "examples", "externalDocs", "$comment"})
_HANDLED = frozenset({"$ref", "type", "nullable", "format", "enum", "required", "properties", "items", "deprecated"})
_SEVERITY_ORDER = {_B: 0, _W: 1, _D: 2, _N: 3}
# Proto comments become descriptions on the published pages: "Deprecated: see mtp_enabled."
_DEPRECATED_TEXT = re.compile(r"\s*deprecated\b", re.IGNORECASE)

Node = dict[str, Any]
NodeRule = Callable[[str, Node, Node], Iterator[Change]]


def _change(change: str, location: str, detail: str) -> Change:
    rule = RULES[change]
    return Change(location=location, change=change, severity=rule.severity, detail=f"{detail}; {rule.why}")


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """Every classified change from `old` to `new`, breaking first, then by location."""
    changes = [*_operation_changes(old, new), *_schema_changes(old.schemas, new.schemas)]
    return sorted(changes, key=lambda c: (_SEVERITY_ORDER[c.severity], c.location, c.change))


# --- operations, parameters, responses ---------------------------------------------------------------------------


def _operations(spec: Spec) -> dict[str, tuple[Node, Node]]:
    found: dict[str, tuple[Node, Node]] = {}
    for path, item in (spec.document.get("paths") or {}).items():
        for method in _METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found[f"{method.upper()} {path}"] = (item, item[method])
    return found


def _operation_changes(old: Spec, new: Spec) -> Iterator[Change]:
    before, after = _operations(old), _operations(new)
    for label in sorted(before.keys() - after.keys()):
        yield _change("operation-removed", label, "operation removed")
    for label in sorted(after.keys() - before.keys()):
        yield _change("operation-added", label, "operation added")
    for label in sorted(after.keys() - before.keys()):
        yield from _newly_deprecated(label, {}, after[label][1])
    for label in sorted(before.keys() & after.keys()):
        yield from _newly_deprecated(label, before[label][1], after[label][1])
        yield from _parameter_changes(label, _parameters(old, *before[label]), _parameters(new, *after[label]))
        yield from _response_changes(label, _responses(old, before[label][1]), _responses(new, after[label][1]))


def _parameters(spec: Spec, path_item: Node, operation: Node) -> dict[tuple[str, str], Node]:
    # Operation-level parameters override path-level ones with the same name and location.
    merged: dict[tuple[str, str], Node] = {}
    for raw in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
        param = spec.resolve(raw)
        merged[(str(param.get("in")), str(param.get("name")))] = param
    return merged


def _parameter_changes(
    label: str, before: dict[tuple[str, str], Node], after: dict[tuple[str, str], Node]
) -> Iterator[Change]:
    def where(key: tuple[str, str]) -> str:
        return f"{label} {key[0]} parameter {key[1]}"

    for key in sorted(before.keys() - after.keys()):
        yield _change("parameter-removed", where(key), "parameter removed")
    for key in sorted(after.keys() - before.keys()):
        required = bool(after[key].get("required"))
        kind = "required-parameter-added" if required else "optional-parameter-added"
        yield _change(kind, where(key), f"{'required' if required else 'optional'} parameter added")
        yield from _newly_deprecated(where(key), {}, after[key])
    for key in sorted(before.keys() & after.keys()):
        yield from _newly_deprecated(where(key), before[key], after[key])
        was, now = bool(before[key].get("required")), bool(after[key].get("required"))
        if was != now:
            kind = "parameter-became-required" if now else "parameter-became-optional"
            yield _change(kind, where(key), f"required: {str(was).lower()} → {str(now).lower()}")
        old_shape, new_shape = _shape(before[key].get("schema") or {}), _shape(after[key].get("schema") or {})
        if old_shape != new_shape:
            yield _change("parameter-schema-changed", where(key), f"schema {old_shape} → {new_shape}")


def _responses(spec: Spec, operation: Node) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for status, raw in (operation.get("responses") or {}).items():
        response = spec.resolve(raw) if isinstance(raw, dict) else {}
        content = response.get("content") or {}
        if not content:
            found[f"response {status}"] = {}
        for media, body in content.items():
            found[f"response {status} {media}"] = (body or {}).get("schema") or {}
    return found


def _response_changes(label: str, before: dict[str, Node], after: dict[str, Node]) -> Iterator[Change]:
    for key in sorted(before.keys() - after.keys()):
        yield _change("response-removed", f"{label} {key}", "response removed")
    for key in sorted(after.keys() - before.keys()):
        yield _change("response-added", f"{label} {key}", "response added")
    for key in sorted(before.keys() & after.keys()):
        yield from _diff_node(f"{label} {key}", before[key], after[key])


# --- schemas -----------------------------------------------------------------------------------------------------


def _schema_changes(before: dict[str, Node], after: dict[str, Node]) -> Iterator[Change]:
    for name in sorted(before.keys() - after.keys()):
        yield _change("schema-removed", name, "schema removed")
    for name in sorted(after.keys() - before.keys()):
        yield _change("schema-added", name, "schema added")
        yield from _newly_deprecated(name, {}, after[name])
    for name in sorted(before.keys() & after.keys()):
        yield from _diff_node(name, before[name], after[name])


def _diff_node(location: str, old: Node, new: Node) -> Iterator[Change]:
    """Apply every node rule; a changed $ref is one change (the target schema is diffed under its own name)."""
    if old.get("$ref") != new.get("$ref"):
        yield _change("ref-changed", location, f"{_shape(old)} → {_shape(new)}")
        return
    for rule in _NODE_RULES:
        yield from rule(location, old, new)


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


def _type_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    before, after = _types(old), _types(new)
    if before == after:
        return
    detail = f"type {_shape(_type_and_format(old))} → {_shape(_type_and_format(new))}"
    if not after or (before and after > before):  # no type at all accepts anything
        yield _change("type-widened", location, detail)
    elif not before or after < before:
        yield _change("type-narrowed", location, detail)
    else:
        yield _change("type-changed", location, detail)


def _type_and_format(node: Node) -> Node:
    return {key: node[key] for key in ("type", "nullable", "format") if key in node}


def _format_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    before, after = old.get("format"), new.get("format")
    if before == after or _types(old) != _types(new):  # a new type makes the old format moot: one change, not two
        return
    detail = f"format {before or 'none'} → {after or 'none'}"
    decoded = {before, after} & _DECODED_FORMATS
    yield _change("decoded-format-changed" if decoded else "format-changed", location, detail)


def _enum_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None:
        yield _change("enum-added", location, f"values restricted to {len(after or [])} enum values")
        return
    if after is None:
        yield _change("enum-removed", location, f"enum of {len(before)} values removed")
        return
    for value in [v for v in after if v not in before]:
        yield _change("enum-value-added", f"{location}.{value}", f"enum value {value} added")
    for value in [v for v in before if v not in after]:
        yield _change("enum-value-removed", f"{location}.{value}", f"enum value {value} removed")


def _required_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    # Only properties present on both sides: an added or removed property is its own, larger change.
    common = (old.get("properties") or {}).keys() & (new.get("properties") or {}).keys()
    before, after = set(old.get("required") or []) & common, set(new.get("required") or []) & common
    for name in sorted(before - after):
        yield _change("required-removed", f"{location}.{name}", "no longer required")
    for name in sorted(after - before):
        yield _change("required-added", f"{location}.{name}", "now required")


def _properties_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    before, after = old.get("properties") or {}, new.get("properties") or {}
    for name in sorted(before.keys() - after.keys()):
        yield _change("property-removed", f"{location}.{name}", f"property removed (was {_shape(before[name])})")
    for name in sorted(after.keys() - before.keys()):
        required = name in (new.get("required") or [])
        optional = "required" if required else "optional"
        yield _change("property-added", f"{location}.{name}", f"{optional} property added ({_shape(after[name])})")
        yield from _newly_deprecated(f"{location}.{name}", {}, after[name])
    for name in sorted(before.keys() & after.keys()):
        yield from _diff_node(f"{location}.{name}", before[name], after[name])


def _is_deprecated(node: Node) -> str | None:
    """How `node` says it is deprecated (`deprecated: true`, or a description/title starting "Deprecated")."""
    if node.get("deprecated") is True:
        return "deprecated: true"
    for key in ("description", "title"):
        text = node.get(key)
        if isinstance(text, str) and _DEPRECATED_TEXT.match(text):
            return f"its {key} starts with {text.strip()[:10]!r}"
    return None


def _newly_deprecated(location: str, old: Node, new: Node) -> Iterator[Change]:
    before, after = _is_deprecated(old), _is_deprecated(new)
    if after and not before:
        yield _change("deprecated", location, f"{'added ' if not old else ''}deprecated ({after})")
    elif before and not after:
        yield _change("deprecation-lifted", location, f"no longer deprecated (was: {before})")


def _items_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    if "items" in old or "items" in new:
        yield from _diff_node(f"{location}[]", old.get("items") or {}, new.get("items") or {})


def _other_keywords_rule(location: str, old: Node, new: Node) -> Iterator[Change]:
    # The safety net: nothing that can change what a reader receives goes unreported, even if unclassified.
    keys = (old.keys() | new.keys()) - _HANDLED - _DOC_ONLY
    for key in sorted(k for k in keys if not k.startswith("x-") and old.get(k) != new.get(k)):
        detail = f"{key}: {_brief(old.get(key))} → {_brief(new.get(key))}"
        yield _change("keyword-changed", location, detail)


def _brief(value: Any, limit: int = 60) -> str:
    text = "absent" if value is None else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NODE_RULES: tuple[NodeRule, ...] = (
    _newly_deprecated,
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


def render_markdown(changes: list[Change], old_version: str, new_version: str) -> str:
    title = f"# Spec changes {markdown_text(old_version, 64)} → {markdown_text(new_version, 64)}"
    lines = [title, "", summary_line(changes) + ".", ""]
    for severity in Severity:
        group = [c for c in changes if c.severity is severity]
        if group:
            lines += [f"## {severity.value} ({len(group)})", ""]
            lines += [f"- {code_span(c.location)} — {c.change}: {markdown_text(c.detail)}" for c in group]
            lines.append("")
    if not changes:
        lines += ["No changes that affect the client.", ""]
    return "\n".join(lines)


def write_reports(changes: list[Change], reports_dir: Path, old_version: str, new_version: str) -> tuple[Path, Path]:
    """Write `spec-diff.json` (a list of {location, change, severity, detail}) and `spec-diff.md`."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = reports_dir / "spec-diff.json", reports_dir / "spec-diff.md"
    json_path.write_text(
        json.dumps([c.as_dict() for c in changes], indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    md_path.write_text(render_markdown(changes, old_version, new_version), encoding="utf-8")
    return json_path, md_path
