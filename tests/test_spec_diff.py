"""The spec diff classifies each class of change for a response reader, and `make spec-diff` gates on breaking ones."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_tools import diff
from spec_tools.diff import RULES, diff_specs
from spec_tools.selection import load_selection
from spec_tools.spec import Spec
from tests.helpers import load_script

MINIMAL = Path(__file__).parent / "specs" / "minimal.yaml"
_BASE = Spec(yaml.safe_load(MINIMAL.read_text(encoding="utf-8")))
# Names as minimal.yaml spells them, read from it: the job, its state enum, its Money, the operations, the body
# only the cancel method writes.
JOB = _BASE.job_schema_name()
STATES = _BASE.schema_name(_BASE.job_schema()["properties"]["state"]) or ""
MONEY = _BASE.schema_name(_BASE.job_schema()["properties"]["estimatedCost"]) or ""
GET = _BASE.operations.single("get")
CREATE = _BASE.operations.single("create")
CANCEL = _BASE.operations.custom("cancel")
assert CANCEL is not None and CANCEL.request_schema_key is not None
CANCEL_BODY = CANCEL.request_schema_key
OP = GET.operation_id

Doc = dict[str, Any]
Mutation = Callable[[Doc, Doc], None]


def _minimal() -> Doc:
    document: Doc = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    return document


def _job(doc: Doc) -> Doc:
    job: Doc = doc["components"]["schemas"][JOB]
    return job


def _props(doc: Doc) -> Doc:
    props: Doc = _job(doc)["properties"]
    return props


def _schema(doc: Doc, key: str) -> Doc:
    schema: Doc = doc["components"]["schemas"][key]
    return schema


def _op(doc: Doc, operation: Any = GET) -> Doc:
    raw: Doc = doc["paths"][operation.path.template][operation.method.lower()]
    return raw


def _param(doc: Doc, name: str) -> Doc:
    return next(p for p in _op(doc)["parameters"] if p["name"] == name)


def _states(doc: Doc) -> list[str]:
    states: list[str] = doc["components"]["schemas"][STATES]["enum"]
    return states


def _add_required(name: str, **schema: Any) -> Mutation:
    def mutate(old: Doc, new: Doc) -> None:
        _props(new)[name] = {"type": "string", **schema}
        _job(new)["required"].append(name)

    return mutate


def _remove_money(old: Doc, new: Doc) -> None:
    del new["components"]["schemas"][MONEY]
    del _props(new)["estimatedCost"]


def _add_schema(old: Doc, new: Doc) -> None:
    new["components"]["schemas"]["gatewayRollout"] = {"type": "object"}
    _props(new)["rollout"] = {"$ref": "#/components/schemas/gatewayRollout"}


def _other_operation(doc: Doc) -> None:
    doc["paths"]["/v1/other"] = {"get": {"operationId": "Gateway_Other", "responses": {"200": {"description": "ok"}}}}


def _move_create(old: Doc, new: Doc) -> None:
    new["paths"]["/v1/accounts/{account_id}/jobs"] = {"post": new["paths"].pop(CREATE.path.template)["post"]}


def _cancel_body(doc: Doc) -> Doc:
    return _schema(doc, CANCEL_BODY)


# Each case: a change made to a copy of minimal.yaml, and exactly the (location, change, severity) it must give.
CASES: dict[str, tuple[Mutation, list[tuple[str, str, str]]]] = {
    "property removed": (
        lambda old, new: _props(new).pop("isTurbo"),
        [(f"{JOB}.isTurbo", "property-removed", "breaking")],
    ),
    "optional writable property added": (
        lambda old, new: _props(new).update(rolloutStrategy={"type": "string"}),
        [(f"{JOB}.rolloutStrategy", "property-added", "non-breaking")],
    ),
    "required writable property added": (
        _add_required("runId"),
        [(f"{JOB}.runId", "required-request-field-added", "breaking")],
    ),
    "required read-only property added": (
        _add_required("uid", readOnly=True),
        [(f"{JOB}.uid", "property-added", "non-breaking")],
    ),
    "property retyped": (
        lambda old, new: _props(new).update(epochs={"type": "string"}),
        [(f"{JOB}.epochs", "type-changed", "breaking")],
    ),
    "type widened to null": (
        lambda old, new: _props(new)["isTurbo"].update(type=["boolean", "null"]),
        [(f"{JOB}.isTurbo", "type-widened", "breaking")],
    ),
    "integer widened to number": (
        lambda old, new: _props(new)["epochs"].update(type="number"),
        [(f"{JOB}.epochs", "type-widened", "breaking")],
    ),
    "null removed from a type only read": (
        lambda old, new: _schema(old, MONEY)["properties"]["currencyCode"].update(type=["string", "null"]),
        [(f"{MONEY}.currencyCode", "type-narrowed", "non-breaking")],
    ),
    "null removed from a type that is sent": (
        lambda old, new: _props(old)["isTurbo"].update(type=["boolean", "null"]),
        [(f"{JOB}.isTurbo", "request-type-narrowed", "breaking")],
    ),
    "type widened in a body only sent": (
        lambda old, new: _cancel_body(new)["properties"]["reason"].update(type=["string", "null"]),
        [(f"{CANCEL_BODY}.reason", "request-type-widened", "non-breaking")],
    ),
    "date-time format dropped": (
        lambda old, new: _props(new)["createTime"].pop("format"),
        [(f"{JOB}.createTime", "decoded-format-changed", "breaking")],
    ),
    "int32 became int64": (
        lambda old, new: _props(new)["epochs"].update(format="int64"),
        [(f"{JOB}.epochs", "format-changed", "warning")],
    ),
    "enum value added": (
        lambda old, new: _states(new).append("JOB_STATE_ROLLOUT"),
        [(f"{STATES}.JOB_STATE_ROLLOUT", "enum-value-added", "warning")],
    ),
    "enum value removed": (
        lambda old, new: _states(new).remove("JOB_STATE_RUNNING"),
        [(f"{STATES}.JOB_STATE_RUNNING", "enum-value-removed", "breaking")],
    ),
    "enum constraint added": (
        lambda old, new: _schema(new, MONEY)["properties"]["currencyCode"].update(enum=["USD"]),
        [(f"{MONEY}.currencyCode", "enum-added", "warning")],
    ),
    "enum constraint removed": (
        lambda old, new: new["components"]["schemas"][STATES].pop("enum"),
        [(STATES, "enum-removed", "breaking")],
    ),
    "a field only read became required": (
        lambda old, new: _schema(new, MONEY).update(required=["currencyCode"]),
        [(f"{MONEY}.currencyCode", "required-added", "non-breaking")],
    ),
    "a field that is sent became required": (
        lambda old, new: _job(new)["required"].append("isTurbo"),
        [(f"{JOB}.isTurbo", "request-field-became-required", "breaking")],
    ),
    "property no longer required": (
        lambda old, new: _job(new).update(required=[]),
        [(f"{JOB}.dataset", "required-removed", "breaking")],
    ),
    "a field only sent became optional": (
        lambda old, new: _cancel_body(old).update(required=["reason"]),
        [(f"{CANCEL_BODY}.reason", "request-field-became-optional", "non-breaking")],
    ),
    "field became read-only": (
        lambda old, new: _props(new)["epochs"].update(readOnly=True),
        [(f"{JOB}.epochs", "field-became-read-only", "breaking")],
    ),
    "field became writable": (
        lambda old, new: _props(new)["createTime"].pop("readOnly"),
        [(f"{JOB}.createTime", "field-became-writable", "non-breaking")],
    ),
    "nested inline property removed": (
        lambda old, new: _props(new)["limits"]["properties"].pop("maxSteps"),
        [(f"{JOB}.limits.maxSteps", "property-removed", "breaking")],
    ),
    "property of a $ref'd schema removed": (
        lambda old, new: _schema(new, MONEY)["properties"].pop("units"),
        [(f"{MONEY}.units", "property-removed", "breaking")],
    ),
    "array items retyped": (
        lambda old, new: _props(new)["tags"].update(items={"type": "integer"}),
        [(f"{JOB}.tags[]", "type-changed", "breaking")],
    ),
    "$ref target changed": (
        lambda old, new: _props(new).update(state={"$ref": f"#/components/schemas/{MONEY}"}),
        [(f"{JOB}.state", "ref-changed", "breaking")],
    ),
    "schema added": (
        _add_schema,
        [("gatewayRollout", "schema-added", "non-breaking"), (f"{JOB}.rollout", "property-added", "non-breaking")],
    ),
    "schema removed": (
        _remove_money,
        [(MONEY, "schema-removed", "breaking"), (f"{JOB}.estimatedCost", "property-removed", "breaking")],
    ),
    "class renamed by a newcomer of the home package": (
        lambda old, new: new["components"]["schemas"].update(gatewayMoney={"type": "object"}),
        [(MONEY, "class-renamed", "breaking")],
    ),
    "operation added": (
        lambda old, new: _other_operation(new),
        [("Gateway_Other", "operation-added", "non-breaking")],
    ),
    "operation removed": (
        lambda old, new: _other_operation(old),
        [("Gateway_Other", "operation-removed", "breaking")],
    ),
    "operation moved": (
        _move_create,
        [(CREATE.operation_id, "operation-moved", "breaking")],
    ),
    "optional parameter added": (
        lambda old, new: _op(new)["parameters"].append(
            {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
        ),
        [(f"{OP} query parameter pageSize", "optional-parameter-added", "non-breaking")],
    ),
    "required parameter added": (
        lambda old, new: _op(new)["parameters"].append({"name": "X-Tenant", "in": "header", "required": True}),
        [(f"{OP} header parameter X-Tenant", "required-parameter-added", "breaking")],
    ),
    "parameter removed": (
        lambda old, new: _op(new).update(parameters=[p for p in _op(new)["parameters"] if p["name"] != "readMask"]),
        [(f"{OP} query parameter readMask", "parameter-removed", "warning")],
    ),
    "parameter became required": (
        lambda old, new: _param(new, "readMask").update(required=True),
        [(f"{OP} query parameter readMask", "parameter-became-required", "breaking")],
    ),
    "parameter became optional": (
        lambda old, new: _param(old, "readMask").update(required=True),
        [(f"{OP} query parameter readMask", "parameter-became-optional", "non-breaking")],
    ),
    "parameter retyped": (
        lambda old, new: _param(new, "readMask").update(schema={"type": "integer"}),
        [(f"{OP} query parameter readMask", "parameter-schema-changed", "breaking")],
    ),
    "required request body added": (
        lambda old, new: _op(new).update(requestBody={"required": True, **_op(new, CREATE)["requestBody"]}),
        [(f"{OP} request", "required-request-body-added", "breaking")],
    ),
    "optional request body added": (
        lambda old, new: _op(new).update(requestBody={"content": _op(new, CREATE)["requestBody"]["content"]}),
        [(f"{OP} request", "request-body-added", "non-breaking")],
    ),
    "request body removed": (
        lambda old, new: _op(new, CANCEL).pop("requestBody"),
        [(f"{CANCEL.operation_id} request", "request-body-removed", "breaking")],
    ),
    "request body became optional": (
        lambda old, new: _op(new, CREATE)["requestBody"].pop("required"),
        [(f"{CREATE.operation_id} request", "request-body-became-optional", "non-breaking")],
    ),
    "request body became required": (
        lambda old, new: _op(old, CREATE)["requestBody"].pop("required"),
        [(f"{CREATE.operation_id} request", "request-body-became-required", "breaking")],
    ),
    "response added": (
        lambda old, new: _op(new)["responses"].update({"404": {"description": "not found"}}),
        [(f"{OP} response 404", "response-added", "warning")],
    ),
    "response removed": (
        lambda old, new: _op(old)["responses"].update({"404": {"description": "not found"}}),
        [(f"{OP} response 404", "response-removed", "breaking")],
    ),
    "property deprecated by the keyword": (
        lambda old, new: _props(new)["isTurbo"].update(deprecated=True),
        [(f"{JOB}.isTurbo", "deprecated", "deprecation")],
    ),
    "property deprecated by its description": (
        lambda old, new: _props(new)["epochs"].update(description="Deprecated: use maxSteps."),
        [(f"{JOB}.epochs", "deprecated", "deprecation")],
    ),
    "property deprecated by its title": (
        lambda old, new: _props(new)["tags"].update(title="DEPRECATED tags"),
        [(f"{JOB}.tags", "deprecated", "deprecation")],
    ),
    "schema deprecated": (
        lambda old, new: new["components"]["schemas"][MONEY].update(deprecated=True),
        [(MONEY, "deprecated", "deprecation")],
    ),
    "parameter deprecated": (
        lambda old, new: _param(new, "readMask").update(description="Deprecated: all fields are returned."),
        [(f"{OP} query parameter readMask", "deprecated", "deprecation")],
    ),
    "property added already deprecated": (
        lambda old, new: _props(new).update(legacyId={"type": "string", "description": "Deprecated: gone soon."}),
        [
            (f"{JOB}.legacyId", "property-added", "non-breaking"),
            (f"{JOB}.legacyId", "deprecated", "deprecation"),
        ],
    ),
    "deprecation lifted": (
        lambda old, new: _props(old)["isTurbo"].update(deprecated=True),
        [(f"{JOB}.isTurbo", "deprecation-lifted", "non-breaking")],
    ),
    "unclassified keyword changed": (
        lambda old, new: _props(new)["isTurbo"].update(default=False),
        [(f"{JOB}.isTurbo", "keyword-changed", "warning")],
    ),
}


def _diff(mutate: Mutation) -> list[tuple[str, str, str]]:
    old, new = _minimal(), _minimal()
    mutate(old, new)
    return [(c.location, c.change, c.severity.value) for c in diff_specs(Spec(old), Spec(new))]


@pytest.mark.parametrize("case", list(CASES))
def test_each_change_class_is_located_and_classified(case: str) -> None:
    """One hand-made change gives exactly its expected entries: location, change class and severity."""
    mutate, expected = CASES[case]
    assert sorted(_diff(mutate)) == sorted(expected)


def test_every_rule_has_a_case() -> None:
    """The catalogue is covered in full: no change class exists without a test above."""
    covered = {change for _, expected in CASES.values() for _, change, _ in expected}
    assert covered == set(RULES)


def test_module_docstring_table_matches_the_rules() -> None:
    """The severity table people read in diff.py's docstring says what RULES does."""
    doc = diff.__doc__ or ""
    for rule in RULES.values():
        assert re.search(rf"^{re.escape(rule.change)} +{re.escape(rule.severity.value)} ", doc, re.M), rule.change


def test_identical_and_documentation_only_changes_report_nothing() -> None:
    """Descriptions, titles, examples and x- extensions do not affect a reader, so they are not reported."""

    def reword(old: Doc, new: Doc) -> None:
        _props(new)["isTurbo"].update(description="Turbo.", title="T", example=True, **{"x-internal": 1})
        _job(new)["description"] = "A job."
        _op(new)["summary"] = "Renamed"

    assert _diff(lambda old, new: None) == []
    assert _diff(reword) == []


def test_breaking_changes_come_first() -> None:
    """The report lists breaking, then warning, then deprecation, then non-breaking changes."""

    def several(old: Doc, new: Doc) -> None:
        _props(new).update(rolloutStrategy={"type": "string"})
        _props(new)["epochs"].update(deprecated=True)
        _states(new).append("JOB_STATE_ROLLOUT")
        _props(new).pop("isTurbo")

    assert [severity for _, _, severity in _diff(several)] == ["breaking", "warning", "deprecation", "non-breaking"]


def test_the_minimal_fixture_is_a_valid_spec() -> None:
    """The base of every case is itself a valid spec (so the cases are realistic)."""
    from spec_tools.validate import load_candidate

    assert load_candidate(MINIMAL, require_selection=False).spec.version == "1.0.0"


def _touching(mutate: Mutation, selection: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
    old, new = _minimal(), _minimal()
    mutate(old, new)
    return {c.location: c.operations for c in diff_specs(Spec(old), Spec(new), selection)}


def test_each_change_names_the_operations_it_touches() -> None:
    """A change to the job touches the operations that read or send it; to the state enum only those that read it
    (the job's state is read-only: nothing sends it); to the cancel body only the cancel; to an operation itself."""
    readers_and_writers = (GET.operation_id, CREATE.operation_id)
    assert _touching(CASES["property removed"][0]) == {f"{JOB}.isTurbo": readers_and_writers}
    assert _touching(CASES["enum value added"][0]) == {f"{STATES}.JOB_STATE_ROLLOUT": readers_and_writers}
    assert _touching(CASES["a field only sent became optional"][0]) == {f"{CANCEL_BODY}.reason": (CANCEL.operation_id,)}
    assert _touching(CASES["request body removed"][0]) == {f"{CANCEL.operation_id} request": (CANCEL.operation_id,)}


def test_only_the_selected_operations_and_what_they_reach_count() -> None:
    """With only the cancel selected, a change to the job (which cancel neither sends nor gets) is not reported, a
    change to the cancel body is, and an unselected operation that disappears is nobody's concern."""
    selection = (CANCEL.operation_id,)
    assert _touching(CASES["property removed"][0], selection) == {}
    assert _touching(CASES["operation removed"][0], selection) == {}
    assert _touching(CASES["a field only sent became optional"][0], selection) == {f"{CANCEL_BODY}.reason": selection}


def test_a_selected_operation_a_spec_lacks_is_removed_and_breaking() -> None:
    """Against a selection naming an operation the new spec lacks, that operation is reported removed: breaking."""

    def drop_cancel(old: Doc, new: Doc) -> None:
        del new["paths"][CANCEL.path.template]

    old, new = _minimal(), _minimal()
    drop_cancel(old, new)
    changes = diff_specs(Spec(old), Spec(new), (GET.operation_id, CANCEL.operation_id))
    assert (CANCEL.operation_id, "operation-removed", "breaking") in [
        (c.location, c.change, c.severity.value) for c in changes
    ]


# --- scripts/spec_diff.py ------------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, mutate: Mutation) -> tuple[Path, Path]:
    old, new = _minimal(), _minimal()
    mutate(old, new)
    old_path, new_path = tmp_path / f"{name}-old.yaml", tmp_path / f"{name}-new.yaml"
    old_path.write_text(yaml.safe_dump(old), encoding="utf-8")
    new_path.write_text(yaml.safe_dump(new), encoding="utf-8")
    return old_path, new_path


def test_spec_diff_exits_1_on_breaking_and_writes_both_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A removed property fails the CI gate; the JSON report is the list of classified changes."""
    old, new = _write(tmp_path, "breaking", CASES["property removed"][0])
    assert load_script("spec_diff").main([str(old), str(new), "--reports", str(tmp_path / "reports")]) == 1
    report = json.loads((tmp_path / "reports" / "spec-diff.json").read_text(encoding="utf-8"))
    assert [(r["location"], r["change"], r["severity"]) for r in report] == CASES["property removed"][1]
    assert set(report[0]) == {"location", "change", "severity", "detail", "operations"}
    selected = [op for op in load_selection() if op in (GET.operation_id, CREATE.operation_id)]
    assert report[0]["operations"] == selected  # in the order of the project's operation list
    assert f"`{JOB}.isTurbo`" in (tmp_path / "reports" / "spec-diff.md").read_text()
    assert "1 breaking, 0 warning, 0 deprecation, 0 non-breaking" in capsys.readouterr().out


def test_spec_diff_exits_0_when_nothing_is_breaking(tmp_path: Path) -> None:
    """Warnings alone (a new enum value) do not fail the gate."""
    old, new = _write(tmp_path, "warning", CASES["enum value added"][0])
    assert load_script("spec_diff").main([str(old), str(new), "--reports", str(tmp_path / "reports")]) == 0


def test_spec_diff_exits_2_on_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input that is not a spec is a usage error (2), not a 'breaking' verdict (1)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    assert load_script("spec_diff").main([str(MINIMAL), str(bad), "--reports", str(tmp_path / "reports")]) == 2
    assert "bad.yaml is not valid YAML at line" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()
