"""Each contract rule fails on a violating answer and passes on legitimate ones (the rule catalogue's proof)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from contract_tests.exchange import Credentials, Exchange
from contract_tests.rules import ADVISORIES, RULES, Violation, check_exchange, rule_by_id
from contract_tests.spec_facts import build_facts
from spec_tools.paths import REPO_ROOT
from spec_tools.spec import load_spec

# A frozen copy of spec 4.259.0: the rules are proven on known ground, and a bump cannot shift it.
FACTS = build_facts(load_spec(Path(__file__).parent / "specs" / "gateway-4.259.0.yaml"))
KEY = "test-key"
JOB_URL = f"http://127.0.0.1:9{FACTS.job_url_path('acme', 'abc123')}"

GOOD_JOB: dict[str, Any] = {
    "name": FACTS.job_name("acme", "abc123"),
    "displayName": "",
    "createTime": "2026-11-02T09:15:27.123456789Z",
    "updateTime": "2026-11-02T09:15:27.123456Z",
    "dataset": "accounts/acme/datasets/chats",
    "state": "JOB_STATE_RUNNING",
    "status": {"code": "OK", "message": ""},
    "epochs": 3,
    "learningRate": 0.0001,
    "isTurbo": False,
    "wandbConfig": {"enabled": False, "apiKey": "", "project": ""},
    "jobProgress": {"percent": 40, "epoch": 1},
    "estimatedCost": {"currencyCode": "USD", "units": "12", "nanos": 500000000},
    "purpose": "PURPOSE_UNSPECIFIED",
}


def exchange(
    body: Any = None,
    *,
    status: int = 200,
    mask: str | None = None,
    content_type: str | None = "application/json",
    credentials: Credentials = "valid",
    method: str = "GET",
    raw: bytes | None = None,
) -> Exchange:
    url = JOB_URL if mask is None else f"{JOB_URL}?readMask={mask}"
    content = raw if raw is not None else json.dumps(GOOD_JOB if body is None else body).encode()
    authorization = {"valid": f"Bearer {KEY}", "wrong": "Bearer nope", "missing": None}[credentials]
    headers = {"content-type": content_type} if content_type else {}
    return Exchange.build(
        method=method,
        url=url,
        status=status,
        headers=headers,
        content=content,
        authorization=authorization,
        api_key=KEY,
    )


def found(rule_id: str, ex: Exchange) -> list[Violation]:
    return check_exchange(ex, FACTS, [rule_by_id(rule_id)])


def job_with(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(GOOD_JOB)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
        if value is _DROP:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return body


_DROP = object()


def test_good_job_passes_every_rule_and_advisory() -> None:
    """The legitimate reference body raises nothing at all."""
    assert check_exchange(exchange(), FACTS, RULES + ADVISORIES) == []


def test_minimal_job_passes_every_rule() -> None:
    """A job with only name and dataset is legitimate (proto3 may omit every other field)."""
    body = {"name": GOOD_JOB["name"], "dataset": "d"}
    assert check_exchange(exchange(body), FACTS, RULES) == []


# schema --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"epochs": 2**31}, "$.epochs"),
        ({"epochs": -(2**31) - 1}, "$.epochs"),
        ({"epochs": "3"}, "$.epochs"),
        ({"epochs": 3.0}, "$.epochs"),
        ({"epochs": True}, "$.epochs"),
        ({"jobProgress__percent": 2.5}, "$.jobProgress.percent"),
        ({"createTime": "2026-11-02 09:15:27Z"}, "$.createTime"),
        ({"createTime": "2026-13-02T09:15:27Z"}, "$.createTime"),
        ({"isTurbo": "false"}, "$.isTurbo"),
        ({"learningRate": "0.1"}, "$.learningRate"),
        ({"estimatedCost__units": 12}, "$.estimatedCost.units"),
        ({"displayName": None}, "$.displayName"),
    ],
)
def test_schema_rule_flags_wrong_types_ranges_and_formats(change: dict[str, Any], path: str) -> None:
    """int32 range and integer-ness, int64 strings, RFC 3339, booleans and numbers: what schemathesis skips."""
    violations = found("schema", exchange(job_with(**change)))
    assert [v.path for v in violations] == [path]


@pytest.mark.parametrize(
    "change",
    [
        {"epochs": 2**31 - 1},
        {"epochs": -(2**31)},
        {"createTime": "2026-11-02T09:15:27Z"},
        {"createTime": "2026-11-02T09:15:27.5+01:00"},
        {"estimatedCost__units": "-9223372036854775808"},
        {"learningRate": 1},
    ],
)
def test_schema_rule_accepts_edge_values(change: dict[str, Any]) -> None:
    """Boundary values, every RFC 3339 precision and an integral float field pass."""
    assert found("schema", exchange(job_with(**change))) == []


def test_schema_rule_needs_a_json_body_on_200() -> None:
    """A 200 that is not JSON is a schema violation."""
    assert [v.path for v in found("schema", exchange(raw=b"<html>", content_type="text/html"))] == ["$"]


# dataset -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [None, "", "*", "dataset,name", "name,dataset"])
def test_dataset_rule_requires_dataset_when_the_mask_covers_it(mask: str | None) -> None:
    """Missing dataset is a violation with no mask, an all-fields mask, or a mask naming it."""
    violations = found("dataset", exchange(job_with(dataset=_DROP), mask=mask))
    assert [(v.rule, v.path, v.got) for v in violations] == [("dataset", "$.dataset", "absent")]


def test_dataset_rule_requires_a_string() -> None:
    """dataset of another type is a violation."""
    assert [v.expected for v in found("dataset", exchange(job_with(dataset=7)))] == ["required string"]


def test_dataset_rule_excuses_a_mask_without_dataset() -> None:
    """A mask that leaves dataset out legitimately omits it."""
    assert found("dataset", exchange({"name": GOOD_JOB["name"]}, mask="name")) == []


# enums ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "value"),
    [
        ({"state": "JOB_STATE_ROLLOUT"}, "$.state", "JOB_STATE_ROLLOUT"),
        ({"status__code": "TEAPOT"}, "$.status.code", "TEAPOT"),
        ({"purpose": "PURPOSE_BATCH"}, "$.purpose", "PURPOSE_BATCH"),
    ],
)
def test_enums_rule_reports_drift_with_field_value_and_version(change: dict[str, Any], path: str, value: str) -> None:
    """An unknown enum value names the field, the value and the spec version."""
    [violation] = found("enums", exchange(job_with(**change)))
    assert violation.path == path
    assert value in violation.got and "enum drift" in violation.got
    assert "4.259.0" in violation.expected


def test_enums_rule_accepts_every_spec_value() -> None:
    """Each JobState of the spec passes."""
    for state in FACTS.spec.enum_values("gatewayJobState"):
        assert found("enums", exchange(job_with(state=state))) == []


# money ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "path"),
    [
        ({"units": "abc"}, "$.estimatedCost.units"),
        ({"units": "1.5"}, "$.estimatedCost.units"),
        ({"units": 5}, "$.estimatedCost.units"),
        ({"units": "9223372036854775808"}, "$.estimatedCost.units"),
        ({"units": "1", "nanos": 1_000_000_000}, "$.estimatedCost.nanos"),
        ({"units": "0", "nanos": -1_000_000_000}, "$.estimatedCost.nanos"),
        ({"units": "1", "nanos": 0.5}, "$.estimatedCost.nanos"),
        ({"units": "1", "nanos": -1}, "$.estimatedCost.nanos"),
        ({"units": "-1", "nanos": 750000000}, "$.estimatedCost.nanos"),
        ({"currencyCode": "XYZ"}, "$.estimatedCost.currencyCode"),
        ({"currencyCode": "usd"}, "$.estimatedCost.currencyCode"),
        ({"currencyCode": "US"}, "$.estimatedCost.currencyCode"),
    ],
)
def test_money_rule_flags_each_violation(money: dict[str, Any], path: str) -> None:
    """units an int64 string, nanos in range and of units' sign, ISO 4217 currency."""
    violations = found("money", exchange(job_with(estimatedCost=money)))
    assert [v.path for v in violations] == [path]


@pytest.mark.parametrize(
    "money",
    [
        {"currencyCode": "USD", "units": "-1", "nanos": -750000000},
        {"currencyCode": "EUR", "units": "0", "nanos": -5},
        {"currencyCode": "JPY", "units": "0", "nanos": 5},
        {"units": "9223372036854775807", "nanos": 999999999},
        {"nanos": -999999999},
        {"currencyCode": ""},
        {},
    ],
)
def test_money_rule_accepts_legitimate_amounts(money: dict[str, Any]) -> None:
    """Negative amounts, zero units with either sign, int64 max, absent and empty parts pass."""
    assert found("money", exchange(job_with(estimatedCost=money))) == []


# progress ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("percent", "bad"), [(101, True), (-1, True), (0, False), (100, False)])
def test_progress_rule_bounds_percent(percent: int, bad: bool) -> None:
    """jobProgress.percent must lie within 0..100."""
    assert bool(found("progress", exchange(job_with(jobProgress__percent=percent)))) is bad


# mask ----------------------------------------------------------------------------------------------


def test_mask_rule_flags_fields_outside_the_mask() -> None:
    """A gateway that ignores the mask returns fields it was not asked for."""
    violations = found("mask", exchange(GOOD_JOB, mask="name,dataset"))
    assert "$.state" in {v.path for v in violations}


def test_mask_rule_flags_nested_fields_outside_a_nested_mask() -> None:
    """jobProgress.percent asks for percent only, not the epoch beside it."""
    body = {"jobProgress": {"percent": 3, "epoch": 1}}
    assert [v.path for v in found("mask", exchange(body, mask="jobProgress.percent"))] == ["$.jobProgress.epoch"]


@pytest.mark.parametrize(
    ("mask", "body"),
    [
        ("name,dataset", {"name": GOOD_JOB["name"], "dataset": "d"}),
        ("display_name", {"displayName": ""}),
        ("jobProgress.percent", {"jobProgress": {"percent": 3}}),
        ("jobProgress", {"jobProgress": {"percent": 3, "epoch": 1}}),
        ("*", GOOD_JOB),
        ("", GOOD_JOB),
    ],
)
def test_mask_rule_accepts_masked_bodies(mask: str, body: dict[str, Any]) -> None:
    """Masked bodies (snake_case paths too) and all-field masks pass."""
    assert found("mask", exchange(body, mask=mask)) == []


# name ----------------------------------------------------------------------------------------------


def test_name_rule_matches_the_request() -> None:
    """The name must be the requested account and job; absent is fine."""
    assert found("name", exchange(job_with(name=FACTS.job_name("acme", "other"))))
    assert found("name", exchange(job_with(name=FACTS.job_name("other", "abc123"))))
    assert found("name", exchange(job_with(name=_DROP))) == []
    assert found("name", exchange()) == []


# errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, {"code": 5, "message": "job not found", "details": []}),
        (404, {"code": "NOT_FOUND", "message": "job not found"}),
        (400, {"code": 3, "message": "invalid read mask", "details": []}),
        (401, {"code": 16, "message": "unauthenticated", "details": []}),
        (429, {"code": 8, "message": "slow down", "details": [{"@type": "x"}]}),
        (503, {"code": 14, "message": "unavailable", "details": []}),
        (405, {"code": 12, "message": "Method Not Allowed", "details": []}),
        (501, {"code": 12, "message": "unimplemented", "details": []}),
    ],
)
def test_errors_rule_accepts_well_mapped_statuses(status: int, body: dict[str, Any]) -> None:
    """google.rpc.Status bodies whose code maps to the HTTP status (and grpc-gateway's 405) pass."""
    assert found("errors", exchange(body, status=status)) == []


@pytest.mark.parametrize(
    ("status", "body", "raw", "path"),
    [
        (404, {"code": 3, "message": "x"}, None, "$.code"),
        (500, {"code": 5, "message": "x"}, None, "$.code"),
        (404, {"error": "not found"}, None, "$.code"),
        (404, {"code": 17, "message": "x"}, None, "$.code"),
        (404, {"code": 5}, None, "$.message"),
        (404, {"code": 5, "message": "x", "details": "none"}, None, "$.details"),
        (502, None, b"<html>bad gateway</html>", "$"),
        (404, ["not", "a", "status"], None, "$"),
    ],
)
def test_errors_rule_flags_non_status_bodies_and_wrong_mappings(
    status: int, body: Any, raw: bytes | None, path: str
) -> None:
    """Non-Status bodies, unknown codes and codes that map to another HTTP status are violations."""
    violations = found("errors", exchange(body, status=status, raw=raw))
    assert path in [v.path for v in violations]


# auth ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("credentials", ["missing", "wrong"])
def test_auth_rule_needs_401_without_valid_credentials(credentials: Credentials) -> None:
    """A job served without (valid) credentials is a violation; the 401 answer is not."""
    assert found("auth", exchange(credentials=credentials))
    denied = exchange({"code": 16, "message": "x"}, status=401, credentials=credentials)
    assert found("auth", denied) == []


def test_auth_rule_flags_a_rejected_valid_key() -> None:
    """The configured key refused: reported, so a misconfigured live run is not silently green."""
    assert found("auth", exchange({"code": 16, "message": "x"}, status=401))


# content-type ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "bad"),
    [("application/json", False), ("application/json; charset=utf-8", False), ("text/plain", True), (None, True)],
)
def test_content_type_rule(content_type: str | None, bad: bool) -> None:
    """JSON answers declare application/json."""
    assert bool(found("content-type", exchange(content_type=content_type))) is bad


def test_content_type_rule_ignores_non_json_errors() -> None:
    """A non-JSON 502 from a proxy is the errors rule's business, not this one's."""
    assert found("content-type", exchange(status=502, raw=b"<html>", content_type="text/html")) == []


# advisories ----------------------------------------------------------------------------------------


def test_unknown_field_is_an_advisory_naming_the_field() -> None:
    """A field newer than the spec is reported as drift, never as a failure."""
    [finding] = found("unknown-field", exchange(job_with(rolloutConfig={"steps": 3})))
    assert finding.advisory and finding.path == "$.rolloutConfig"
    assert check_exchange(exchange(job_with(rolloutConfig={})), FACTS, RULES) == []


def test_secret_values_are_an_advisory_and_never_echoed() -> None:
    """A clear-text wandb API key is reported without its value."""
    [finding] = found("secret-value", exchange(job_with(wandbConfig__apiKey="wandb-secret-123")))
    assert finding.advisory and "wandb-secret-123" not in repr(finding)


def test_base_model_and_warm_start_together_is_an_advisory() -> None:
    """Both set is reported; one alone is not."""
    assert found("base-model-and-warm-start", exchange(job_with(baseModel="m", warmStartFrom="p")))
    assert found("base-model-and-warm-start", exchange(job_with(baseModel="m", warmStartFrom=""))) == []


def test_catalogue_ids_are_stable_and_documented() -> None:
    """The ids the README, reports and mock faults use; each rule has a one-line doc."""
    assert [r.id for r in RULES] == [
        "schema", "dataset", "enums", "money", "progress", "mask", "name", "errors", "auth", "content-type",
    ]  # fmt: skip
    assert all(r.doc and "\n" not in r.doc for r in RULES + ADVISORIES)


def test_readme_rule_tables_match_the_catalogue() -> None:
    """The README's rule and advisory tables state each id with its current one-line doc (no drift)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES + ADVISORIES:
        assert f"| `{rule.id}` | {rule.doc} |" in readme, rule.id


@pytest.mark.parametrize("field", ["completedTime", "estimatedCost", "jobProgress", "status", "wandbConfig"])
def test_null_message_fields_are_unset_not_violations(field: str) -> None:
    """grpc-gateway (EmitUnpopulated) writes unset message fields and Timestamps as null: legitimate."""
    assert check_exchange(exchange(job_with(**{field: None})), FACTS, RULES) == []


@pytest.mark.parametrize("field", ["dataset", "epochs", "isTurbo", "state", "displayName"])
def test_null_scalar_fields_are_violations(field: str) -> None:
    """A scalar is never null in proto3 JSON: a null string, number, boolean or enum is reported."""
    assert check_exchange(exchange(job_with(**{field: None})), FACTS, RULES)


def test_mask_rule_accepts_zero_values_outside_the_mask() -> None:
    """Masked-out fields written as their zero values (proto3 cannot tell them from unset) pass."""
    body = {"name": GOOD_JOB["name"], "dataset": "d", "displayName": "", "epochs": 0, "isTurbo": False,
            "estimatedCost": None, "jobProgress": {"percent": 0}}  # fmt: skip
    assert found("mask", exchange(body, mask="name,dataset")) == []


def test_money_units_are_reported_once() -> None:
    """A malformed int64 in Money is the money rule's finding alone, not the schema rule's too."""
    violations = check_exchange(exchange(job_with(estimatedCost__units="05")), FACTS, RULES)
    assert [(v.rule, v.path) for v in violations] == [("money", "$.estimatedCost.units")]


def test_emit_unpopulated_masked_body_is_legitimate() -> None:
    """A grpc-gateway with EmitUnpopulated writes every masked-out field at its zero value: the enum's first
    name, "0" for int64, "" for name; no mask or name violation for that."""
    body = {
        "name": "",
        "displayName": "",
        "dataset": "accounts/acme/datasets/chats",
        "state": "JOB_STATE_UNSPECIFIED",
        "purpose": "PURPOSE_UNSPECIFIED",
        "status": {"code": "OK", "message": ""},
        "epochs": 0,
        "estimatedCost": {"currencyCode": "", "units": "0", "nanos": 0},
        "jobProgress": {"percent": 40, "epoch": 0},
        "createTime": None,
    }
    assert check_exchange(exchange(body, mask="dataset,jobProgress.percent"), FACTS, RULES) == []


def test_mask_rule_still_flags_a_set_enum_outside_the_mask() -> None:
    """A non-zero enum value outside the mask is a field the gateway should not have sent."""
    body = {"dataset": "d", "state": "JOB_STATE_RUNNING"}
    assert [v.path for v in found("mask", exchange(body, mask="dataset"))] == ["$.state"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_floats_as_proto3_json_strings_pass(value: str) -> None:
    """proto3 JSON writes non-finite floats as these strings; they are not type errors."""
    assert found("schema", exchange(job_with(learningRate=value))) == []


def test_a_timestamp_finer_than_nanoseconds_is_flagged() -> None:
    """google.protobuf.Timestamp has nanosecond precision at most: ten fractional digits are invalid."""
    assert [v.path for v in found("schema", exchange(job_with(createTime="2026-11-02T09:15:27.1234567890Z")))] == [
        "$.createTime"
    ]


def test_repeated_read_mask_parameters_add_up() -> None:
    """?readMask=name&readMask=dataset asks for both fields, as grpc-gateway reads it."""
    ex = Exchange.build(
        method="GET", url=f"{JOB_URL}?readMask=name&readMask=dataset", status=200,
        headers={"content-type": "application/json"},
        content=json.dumps({"name": GOOD_JOB["name"], "dataset": "d"}).encode(), authorization=f"Bearer {KEY}",
        api_key=KEY,
    )  # fmt: skip
    assert ex.mask_paths == ("name", "dataset")
    assert check_exchange(ex, FACTS, RULES) == []
