"""Each lifecycle rule and advisory fails on a violating observation, naming what broke it, and passes on the
legitimate ones, the correct variants of LIFECYCLE.md included (the lifecycle catalogue's proof).

Bodies come from the vendored spec through the operation facts: field names, states, page bounds and codes are
read, never typed, so a bump that renames a field re-aims these tests. Pure functions: no server.
"""

from __future__ import annotations

import re
import struct
from typing import Any
from urllib.parse import urlencode

import pytest

from contract_tests import lifecycle_rules as lr
from contract_tests.exchange import NOT_JSON
from contract_tests.lifecycle_rules import (
    LIFECYCLE_ADVISORIES,
    LIFECYCLE_RULES,
    LifecycleViolation,
    answer_rule_violations,
    check_observation,
    lifecycle_rule_by_id,
)
from contract_tests.operation_facts import OperationFacts, api_facts, build_api_facts
from gateway_protocol.job_states import DELETION_STATES, UNSPECIFIED_STATE, is_terminal
from gateway_protocol.proto_json import snake_case as snake
from spec_tools.paths import REPO_ROOT

FACTS = api_facts()
RES = FACTS.resource
LISTING = FACTS.list
assert LISTING is not None and LISTING.next_token_field is not None
ITEMS, TOKEN = LISTING.items_field, LISTING.next_token_field
ACCOUNT = "acme"
BASE = "http://127.0.0.1:9"
NAME, STATE = RES.name_field or "name", RES.state_field or "state"
CREATE_TIME, UPDATE_TIME = RES.create_time_field or "createTime", RES.update_time_field or "updateTime"

TERMINAL = tuple(s for s in RES.state_values if is_terminal(s))
RUNNING = tuple(
    s for s in RES.state_values if not is_terminal(s) and s not in DELETION_STATES and s != UNSPECIFIED_STATE
)
DELETING = tuple(s for s in RES.state_values if s in DELETION_STATES and not is_terminal(s))
LIVE, DONE = RUNNING[0], TERMINAL[0]


def _code(name: str) -> tuple[int, int]:
    rpc = FACTS.rpc_code(name)
    return rpc.http_status, rpc.number


def sample(schema: dict[str, Any]) -> Any:
    """A non-zero value of a spec schema (the last enum name, a far-past timestamp, a string, 7, ...)."""
    if schema.get("enum"):
        return schema["enum"][-1]
    if schema.get("format") == "date-time":
        return "2001-02-03T04:05:06Z"
    if schema.get("format") in ("int64", "uint64"):
        return "7"
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties") or {}
        first = next(iter(props), None)
        return {first: sample(FACTS.spec_facts.resolve(props[first]))} if first else {}
    return {"string": "probe", "integer": 7, "number": 0.5, "boolean": True}.get(str(kind), "probe")


def op(method_name: str) -> OperationFacts:
    return FACTS.operations[method_name]


def url(method_name: str, job_id: str | None = None, **query: Any) -> str:
    values = dict.fromkeys(RES.parent_variables, ACCOUNT)
    if job_id is not None:
        values[RES.id_variable] = job_id
    path = op(method_name).path.expand(values)
    return BASE + path + (f"?{urlencode(query)}" if query else "")


def call(
    method_name: str,
    job_id: str | None = None,
    *,
    status: int = 200,
    body: Any = NOT_JSON,
    sent: Any = None,
    **query: Any,
) -> lr.Call:
    facts = op(method_name)
    return lr.Call(facts.operation_id, facts.method, url(method_name, job_id, **query), status, body, sent)


def error(method_name: str, code: str, job_id: str | None = None, *, sent: Any = None, **query: Any) -> lr.Call:
    status, number = _code(code)
    body = {"code": number, "message": code.lower(), "details": []}
    return call(method_name, job_id, status=status, body=body, sent=sent, **query)


def name_of(job_id: str, account: str = ACCOUNT) -> str:
    return RES.resource_name(dict.fromkeys(RES.parent_variables, account), job_id)


def job(job_id: str, state: str = LIVE, **fields: Any) -> dict[str, Any]:
    """A job as a GET answers it: its name, the required fields, a state and the standard timestamps."""
    body: dict[str, Any] = {NAME: name_of(job_id), STATE: state}
    body |= {field: sample(RES.schema_of(field)) for field in RES.required}
    body[CREATE_TIME] = "2026-11-02T09:15:27.123456789Z"
    body[UPDATE_TIME] = "2026-11-02T09:16:00Z"
    if RES.completed_time_field and is_terminal(state):
        body[RES.completed_time_field] = "2026-11-02T10:00:00Z"
    return body | fields


def create_body(job_id: str, **fields: Any) -> dict[str, Any]:
    """What a create sends: a job without its output-only fields."""
    return {k: v for k, v in job(job_id, **fields).items() if k not in RES.output_only}


def get(job_id: str, body: Any = None, **query: Any) -> lr.Call:
    return call("get", job_id, body=job(job_id) if body is None else body, **query)


def page(jobs: list[dict[str, Any]], token: str | None = None, **query: Any) -> lr.Call:
    body: dict[str, Any] = {ITEMS: jobs}
    if token is not None:
        body[TOKEN] = token
    return call("list", body=body, **query)


def walk_of(*pages: list[dict[str, Any]], page_size: int = 2, **options: Any) -> lr.ListWalk:
    """A walk over these pages, each asked with the previous page's token (`t1`, `t2`, ...)."""
    calls = []
    for index, jobs in enumerate(pages):
        query: dict[str, Any] = {LISTING.page_size_param or "pageSize": page_size}
        if index:
            query[LISTING.page_token_param or "pageToken"] = f"t{index}"
        token = f"t{index + 1}" if index + 1 < len(pages) else None
        calls.append(page(jobs, token, **query))
    return lr.ListWalk(tuple(calls), **options)


def ids(n: int, prefix: str = "job") -> list[str]:
    return [f"{prefix}-{index:03d}" for index in range(n)]


def found(observation: Any) -> list[LifecycleViolation]:
    return check_observation(observation, FACTS)


def rules_of(observation: Any) -> set[str]:
    return {v.rule for v in found(observation)}


def failures(observation: Any) -> list[LifecycleViolation]:
    return [v for v in found(observation) if not v.advisory]


def echo_body() -> dict[str, Any]:
    """A create body with every field a create must echo, each a sample of its schema."""
    return {field: sample(RES.schema_of(field)) for field in RES.echo_fields}


# --- the catalogue ---------------------------------------------------------------------------------


def test_readme_lifecycle_tables_match_the_catalogue() -> None:
    """The README's lifecycle rule and advisory tables state each id with its current one-line doc (no drift),
    and list no id the catalogue lacks."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for rule in LIFECYCLE_RULES + LIFECYCLE_ADVISORIES:
        assert f"| `{rule.id}` | {rule.doc} |" in readme, rule.id
    section = readme.split("### The lifecycle rules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.MULTILINE))
    assert listed == {rule.id for rule in LIFECYCLE_RULES + LIFECYCLE_ADVISORIES}


def test_catalogue_ids_are_unique_and_documented() -> None:
    """Every entry has a stable unique id and a one-line doc; advisories are marked as such."""
    entries = LIFECYCLE_RULES + LIFECYCLE_ADVISORIES
    assert len({rule.id for rule in entries}) == len(entries)
    assert all(rule.doc and "\n" not in rule.doc for rule in entries)
    assert all(rule.advisory for rule in LIFECYCLE_ADVISORIES) and not any(r.advisory for r in LIFECYCLE_RULES)
    assert lifecycle_rule_by_id("list-order").id == "list-order"
    with pytest.raises(KeyError, match="no-such-rule"):
        lifecycle_rule_by_id("no-such-rule")


# One violating observation per entry: each fails on its own rule and on no other.
_RUNNING_JOB = job("run-1")


def _violations() -> dict[str, Any]:
    bound = (LISTING.max_page_size or 200) + 1
    expanded = echo_body()
    return {
        "required-field": call("create", body=job("made"), sent={}),
        "empty-answer": call("delete", "gone", body=_RUNNING_JOB),
        "resource-names": call("list", body={ITEMS: [job("x") | {NAME: name_of("x", "other-account")}]}),
        "list-negative-page-size": call("list", body={ITEMS: []}, **{LISTING.page_size_param or "": -1}),
        "create-name": lr.Create(
            call("create", body=job("other"), sent=create_body("asked"), **{_id_param(): "asked"})
        ),
        "create-first-state": lr.Create(call("create", body=job("new", DONE), sent={})),
        "create-output-only": lr.Create(
            call(
                "create",
                body=job("new") | {CREATE_TIME: "2001-02-03T04:05:06Z"},
                sent={CREATE_TIME: "2001-02-03T04:05:06Z"},
            )
        ),
        "create-echo": lr.Create(call("create", body=job("new") | expanded | _changed_echo(), sent=expanded)),
        "create-duplicate": lr.DuplicateCreate(
            get("dup"), call("create", body=job("dup"), sent=create_body("dup")), get("dup")
        ),
        "create-time-stable": lr.JobReads((get("a"), get("a", job("a") | {CREATE_TIME: "2026-11-02T09:15:28Z"}))),
        "update-time-monotonic": lr.JobReads((get("a"), get("a", job("a") | {UPDATE_TIME: "2026-11-02T09:15:59Z"}))),
        "list-page-size": walk_of([job(i) for i in ids(3)], page_size=2),
        "list-token-loop": lr.ListWalk(
            (page([job("a")], "t1"), page([job("b")], "t2", pageToken="t1"), page([job("c")], "t1", pageToken="t2"))
        ),
        "list-token-ends": lr.ListWalk(
            tuple(page([], f"t{i + 1}", **({"pageToken": f"t{i}"} if i else {})) for i in range(5)), page_bound=5
        ),
        "list-no-repeats": walk_of([job("a"), job("b")], [job("b"), job("c")]),
        "list-complete": walk_of([job("a")], known=(job("a"), job("b"))),
        "list-total-size": lr.ListWalk((with_field(page([job("a"), job("b")]), LISTING.total_size_field, 3),)),
        "list-order": walk_of([job("b"), job("a")]),
        "list-filter": walk_of([job("a", DONE), job("b", LIVE)], filter=lr.SuiteFilter(STATE, "=", DONE)),
        "list-matches-get": walk_of(
            [job("a")], gets=(get("a", job("a") | {RES.required[0]: "another-" + str(sample({"type": "string"}))}),)
        ),
        "unknown-job": lr.UnknownJob(call("get", "nope", body=job("nope"))),
        "delete-after": lr.Delete(call("delete", "a", body={}), after=(get("a", job("a", LIVE)),)),
        "cancel-reaches-terminal": lr.Cancel(get("a"), call("cancel", "a", body={}), after=(get("a"),), waited=30),
        "cancel-stays-stopped": lr.Cancel(
            get("a"), call("cancel", "a", body={}), after=(get("a", job("a", DONE)), get("a", job("a", LIVE)))
        ),
        "cancel-terminal-job": lr.Cancel(
            get("a", job("a", DONE)), call("cancel", "a", body={}), after=(get("a", job("a", TERMINAL[1])),)
        ),
        "estimate-cost": lr.Estimate(_estimate({"currencyCode": "USD", "units": "-1", "nanos": -500_000_000})),
        "estimate-creates-nothing": lr.Estimate(
            _estimate(_usd("12")), ids_before=frozenset({"a"}), listed_after=(job("a"), job("sneaky") | _settings())
        ),
        # advisories
        "list-empty-last-page": walk_of([job("a"), job("b")], []),
        "list-filter-unsupported": lr.ListWalk(
            (error("list", "INVALID_ARGUMENT", filter='state = "x"'),), filter=lr.SuiteFilter(STATE, "=", DONE)
        ),
        "list-bad-token": lr.PageTokenProbe(page([job("a")], pageToken="garbage"), "malformed"),
        "delete-again": lr.Delete(call("delete", "a", body={}), again=error("delete", "FAILED_PRECONDITION", "a")),
        "cancel-terminal-answer": lr.Cancel(get("a", job("a", DONE)), error("cancel", "INVALID_ARGUMENT", "a")),
        "estimate-epochs": lr.CostPair(_estimate(_usd("20"), epochs=1), _estimate(_usd("10"), epochs=bound)),
        "completed-time": lr.JobReads((get("a", job("a", DONE) | {RES.completed_time_field or "": None}),)),
        "progress-monotonic": lr.JobReads((get("a", _progress("a", 60)), get("a", _progress("a", 40)))),
    }


def _id_param() -> str:
    parameter = op("create").resource_id_parameter
    assert parameter is not None
    return parameter


def _changed_echo() -> dict[str, Any]:
    """One field a create echoes, changed from its sample: an integer to 8 (its sample is 7), else a string."""
    field = _int_echo()
    return {field: 8} if field is not None else {RES.echo_fields[0]: "changed"}


def _int_echo() -> str | None:
    return next((f for f in RES.echo_fields if RES.schema_of(f).get("type") == "integer"), None)


def with_field(page_call: lr.Call, field: str | None, value: Any) -> lr.Call:
    """The same page with one more answer field (`totalSize`)."""
    assert field is not None
    return lr.Call(page_call.operation_id, page_call.method, page_call.url, 200, page_call.body | {field: value})


def _usd(units: str, nanos: int = 0) -> dict[str, Any]:
    return {"currencyCode": "USD", "units": units, "nanos": nanos}


def _settings(value: str = "contract-estimate-nonce") -> dict[str, Any]:
    """The estimate's own mark: its marker field (`displayName` today) set to a value only this run sends."""
    return {RES.marker_field: value} if RES.marker_field else {}


def _estimate(money: Any, epochs: int | None = None) -> lr.Call:
    field = op("estimate_cost").answer_money_fields[0]
    sent = create_body("settings") | _settings()
    if epochs is not None and RES.epochs_field:
        sent[RES.epochs_field] = epochs
    return call("estimate_cost", body={field: money}, sent=sent)


def _progress(job_id: str, percent: int) -> dict[str, Any]:
    """A job whose progress percent (`jobProgress.percent`) is `percent`; without one in the spec, a plain job."""
    body = job(job_id)
    if not RES.percent_paths:
        return body
    path = RES.percent_paths[0]
    node = body
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = percent
    return body


# Entries the spec gives nothing to judge (a bump removed the field they read): no violation can be built.
NOT_APPLICABLE = {"progress-monotonic": "this spec has no progress percent"} if not RES.percent_paths else {}
VIOLATIONS = {rule: observation for rule, observation in _violations().items() if rule not in NOT_APPLICABLE}


def test_every_catalogue_entry_has_a_violating_example() -> None:
    """The table below covers the whole catalogue: no rule or advisory goes unproven (but those the spec gives
    nothing to judge)."""
    assert set(VIOLATIONS) | set(NOT_APPLICABLE) == {rule.id for rule in LIFECYCLE_RULES + LIFECYCLE_ADVISORIES}


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_each_violation_fails_on_its_own_rule_alone(rule_id: str) -> None:
    """A violating observation is caught by its rule and by no other entry of the catalogue."""
    findings = found(VIOLATIONS[rule_id])
    assert findings, f"{rule_id} missed its violation"
    assert {v.rule for v in findings} == {rule_id}
    assert all(v.advisory == lifecycle_rule_by_id(rule_id).advisory for v in findings)


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_each_violation_names_operation_subject_and_request(rule_id: str) -> None:
    """The message says which operation, which job or page, what was expected and got, with a curl line."""
    for violation in found(VIOLATIONS[rule_id]):
        text = violation.message()
        assert text.startswith(f"[{rule_id}] {'advisory' if violation.advisory else 'violation'} on ")
        assert violation.operation in text and violation.subject in text
        assert violation.subject and violation.subject != "(no job id)"
        assert f"expected {violation.expected}; got {violation.got}" in text
        assert "reproduce: curl -sS" in text and violation.call.url in text
        assert violation.as_violation().rule == rule_id


def test_curl_line_carries_method_body_and_never_the_key() -> None:
    """A POST's curl repeats its method and JSON body; the key is written as $FIREWORKS_API_KEY."""
    line = call("create", sent={"dataset": "d"}, **{_id_param(): "x"}).curl()
    assert line.startswith('curl -sS -X POST -H "Authorization: Bearer $FIREWORKS_API_KEY"')
    assert '-d \'{"dataset": "d"}\'' in line and f"{_id_param()}=x" in line


# --- single answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("method_name", [m for m, o in FACTS.operations.items() if o.required_body_fields])
def test_required_field_accepts_invalid_argument_by_number_or_name(method_name: str) -> None:
    """Create and estimate without `dataset` (or with it empty, proto3's unset) pass only with 400 and code 3."""
    assert failures(error(method_name, "INVALID_ARGUMENT", sent={})) == []
    by_name = call(method_name, status=400, body={"code": "INVALID_ARGUMENT", "message": "m"}, sent={})
    assert failures(by_name) == []
    empty = dict.fromkeys(op(method_name).required_body_fields, "")
    assert "required-field" in rules_of(call(method_name, status=200, body=job("made"), sent=empty))
    wrong_code = call(method_name, status=400, body={"code": _code("FAILED_PRECONDITION")[1], "message": "m"}, sent={})
    assert rules_of(wrong_code) == {"required-field"}


def test_required_field_is_silent_when_the_field_was_sent() -> None:
    """A body with `dataset` is not this rule's business, whatever the answer."""
    assert found(error("create", "INVALID_ARGUMENT", sent=create_body("x"))) == []


@pytest.mark.parametrize("method_name", [m for m, o in FACTS.operations.items() if o.answer_is_empty])
def test_empty_answer_passes_only_the_empty_object(method_name: str) -> None:
    """Delete and cancel answer `{}`; a job, a list or a non-JSON body is a violation."""
    assert found(call(method_name, "a", body={})) == []
    for body in (_RUNNING_JOB, [], NOT_JSON):
        assert rules_of(call(method_name, "a", body=body)) == {"empty-answer"}


def test_resource_names_check_list_items_and_the_resumed_job() -> None:
    """Listed jobs live under the account asked; a resume answers the job it named."""
    assert found(call("list", body={ITEMS: [job("a"), job("b")]})) == []
    assert rules_of(call("list", body={ITEMS: [{NAME: "jobs/a"}]})) == {"resource-names"}
    assert rules_of(call("resume", "a", body=job("b"))) == {"resource-names"}
    assert found(call("resume", "a", body=job("a"))) == []


def test_resource_names_excuse_a_mask_without_name() -> None:
    """A listing whose read mask leaves `name` out may carry it empty or not at all."""
    mask = LISTING.read_mask_param or "readMask"
    listing = call("list", body={ITEMS: [{STATE: LIVE}, {NAME: "", STATE: LIVE}]}, **{mask: STATE})
    assert found(listing) == []
    assert rules_of(call("list", body={ITEMS: [{STATE: LIVE}]})) == {"resource-names"}


def test_negative_page_size_needs_invalid_argument() -> None:
    """pageSize=-1 answered 400 with code 3 passes; a positive page size is not this rule's business."""
    size = LISTING.page_size_param or "pageSize"
    assert found(error("list", "INVALID_ARGUMENT", **{size: -1})) == []
    assert found(call("list", body={ITEMS: []}, **{size: 5})) == []


def test_answer_rules_run_on_every_listed_job_with_the_list_mask() -> None:
    """The per-answer catalogue holds each listed job (its path inside the page): the mask of the list applies."""
    mask = LISTING.read_mask_param or "readMask"
    listing = call("list", body={ITEMS: [{NAME: name_of("a")}, {NAME: name_of("b"), STATE: LIVE}]}, **{mask: NAME})
    [violation] = answer_rule_violations(listing, FACTS)
    assert (violation.rule, violation.path, violation.job_id) == ("mask", f"$.{ITEMS}[1].{STATE}", "b")
    assert "job b" in violation.message()
    assert answer_rule_violations(call("list", body={ITEMS: [job("a"), job("b")]}), FACTS) == []


def test_answer_rules_run_on_create_and_resume_answers() -> None:
    """A created or resumed job is held to the schema, enums and Money rules like a GET's answer."""
    created = call("create", body=job("a") | {STATE: "JOB_STATE_NOT_IN_ANY-SPEC"}, sent=create_body("a"))
    assert [(v.rule, v.path) for v in answer_rule_violations(created, FACTS)] == [("enums", f"$.{STATE}")]
    resumed = call("resume", "a", body={NAME: name_of("a")})
    assert {v.rule for v in answer_rule_violations(resumed, FACTS)} == {"dataset"}
    assert answer_rule_violations(call("resume", "a", body=job("a")), FACTS) == []
    assert answer_rule_violations(get("a", job("a") | {STATE: "NOPE"}), FACTS) == []  # a GET is read whole elsewhere


# --- create ----------------------------------------------------------------------------------------


def test_create_name_honours_the_id_or_makes_a_new_one() -> None:
    """The id asked for comes back; without one, any id the account did not have before."""
    asked = {_id_param(): "mine"}
    assert found(lr.Create(call("create", body=job("mine"), sent=create_body("mine"), **asked))) == []
    fresh = lr.Create(call("create", body=job("0f8e-uuid"), sent=create_body("x")), existing_ids=frozenset({"old"}))
    assert found(fresh) == []
    reused = lr.Create(call("create", body=job("old"), sent=create_body("x")), existing_ids=frozenset({"old"}))
    assert rules_of(reused) == {"create-name"}
    nameless = call("create", body=job("x") | {NAME: "nameless"}, sent=create_body("x"))
    assert found(lr.Create(nameless)) == [] and rules_of(nameless) == {"resource-names"}  # reported once, not twice


@pytest.mark.parametrize("first_state", RUNNING)
def test_any_non_terminal_first_state_is_acceptable(first_state: str) -> None:
    """Correct variant: a gateway may start jobs in another state than the mock's CREATING, even when the body
    sent a terminal `state`."""
    assert found(lr.Create(call("create", body=job("n", first_state), sent={STATE: DONE}))) == []


@pytest.mark.parametrize("field", [f for f in RES.output_only if f != STATE])
def test_output_only_fields_sent_are_ignored(field: str) -> None:
    """Every readOnly field the body sent must not come back as sent (derived from the spec's readOnly flags)."""
    value = sample(RES.schema_of(field))
    if value in ({}, [], "", None):
        pytest.skip(f"{field} has no non-zero value to send (an empty message): ignored or kept look the same")
    taken = lr.Create(call("create", body=job("n") | {field: value}, sent={field: value}))
    if field == NAME:
        taken = lr.Create(call("create", body=job("n") | {field: value}, sent={field: value}, **{_id_param(): "n"}))
        assert "create-output-only" in rules_of(taken)
    else:
        assert rules_of(taken) == {"create-output-only"}
    ignored = lr.Create(call("create", body=job("n"), sent={field: value} if field != NAME else {}))
    assert found(ignored) == []


@pytest.mark.parametrize("asked", ["a/b", "..", "."])
def test_an_id_no_resource_name_can_hold_is_judged_not_raised(asked: str) -> None:
    """Generated creates (the stateful phase) may ask for ids like `a/b`: the output-only rule still judges the
    body, a `name` sent and kept as sent being a violation, instead of raising from the name template."""
    sent_name = f"accounts/{ACCOUNT}/{RES.collection}/kept"
    kept = lr.Create(call("create", body=job("kept"), sent={NAME: sent_name}, **{_id_param(): asked}))
    assert "create-output-only" in rules_of(kept)


def test_create_echo_accepts_expanded_resource_names_and_float32() -> None:
    """Correct variants: `dataset` and the other resource-name fields may come back as full names ending with the
    value sent; a float field comes back as its float32 rounding."""
    sent = echo_body()
    answer = job("n") | sent
    for field in RES.reference_fields:
        if field in sent:
            answer[field] = f"accounts/{ACCOUNT}/things/{sent[field]}"
    for field in RES.float32_fields & set(sent):
        sent[field] = 0.1
        answer[field] = struct.unpack("f", struct.pack("f", 0.1))[0]
    assert found(lr.Create(call("create", body=answer, sent=sent))) == []


def test_create_echo_flags_a_changed_scalar_and_a_foreign_resource_name() -> None:
    """A scalar that does not come back, or a resource name not ending with the value sent, is a violation."""
    if not RES.reference_fields or _int_echo() is None:
        pytest.skip("this spec has no field naming another resource, or no integer a create echoes")
    sent = echo_body()
    reference = RES.reference_fields[0]
    answer = job("n") | sent | {reference: f"accounts/{ACCOUNT}/things/other"}
    [violation] = found(lr.Create(call("create", body=answer, sent=sent)))
    assert (violation.rule, violation.path) == ("create-echo", f"$.{reference}")
    absent = {k: v for k, v in (job("n") | sent).items() if k != _int_echo()}
    assert [v.path for v in found(lr.Create(call("create", body=absent, sent=sent)))] == [f"$.{_int_echo()}"]


def test_duplicate_create_passes_with_already_exists_and_nothing_changed() -> None:
    """409 with code 6 and the job unchanged passes; a 409 that changed the job does not."""
    ok = lr.DuplicateCreate(
        get("d"), error("create", "ALREADY_EXISTS", sent=create_body("d"), **{_id_param(): "d"}), get("d")
    )
    assert found(ok) == []
    changed = lr.DuplicateCreate(
        get("d"), error("create", "ALREADY_EXISTS", sent=create_body("d")), get("d", job("d") | echo_body())
    )
    assert rules_of(changed) == {"create-duplicate"}


# --- reads of one job ------------------------------------------------------------------------------


def test_create_time_compares_instants_not_text() -> None:
    """`…27.123456789Z` and `…27.123456789+00:00` are the same instant; a nanosecond later is not."""
    same = job("a") | {CREATE_TIME: "2026-11-02T09:15:27.123456789+00:00"}
    assert found(lr.JobReads((get("a"), get("a", same)))) == []
    later = job("a") | {CREATE_TIME: "2026-11-02T09:15:27.123456790Z"}
    assert rules_of(lr.JobReads((get("a"), get("a", later)))) == {"create-time-stable"}


def test_update_time_may_stay_or_advance_and_masked_reads_are_skipped() -> None:
    """Equal or later update times pass; a read whose mask leaves the timestamps out proves nothing."""
    later = job("a") | {UPDATE_TIME: "2026-11-02T09:17:00.000000001Z"}
    assert found(lr.JobReads((get("a"), get("a"), get("a", later)))) == []
    masked = get("a", {NAME: name_of("a"), UPDATE_TIME: "2000-01-01T00:00:00Z"}, readMask=NAME)
    assert found(lr.JobReads((get("a"), masked))) == []


def test_completed_time_follows_the_state() -> None:
    """Set when terminal, unset while running: silent; set while running: an advisory, never a failure."""
    assert found(lr.JobReads((get("a"), get("a", job("a", DONE))))) == []
    running_done = job("a") | {RES.completed_time_field or "": "2026-11-02T10:00:00Z"}
    findings = found(lr.JobReads((get("a", running_done),)))
    assert [(v.rule, v.advisory) for v in findings] == [("completed-time", True)]


def test_progress_may_grow_and_restart_after_a_terminal_state() -> None:
    """Percent growing while running is silent; a drop across a terminal read (a resume) is not judged."""
    assert found(lr.JobReads((get("a", _progress("a", 10)), get("a", _progress("a", 50))))) == []
    resumed = lr.JobReads((get("a", _progress("a", 60) | {STATE: DONE}), get("a", _progress("a", 0))))
    assert "progress-monotonic" not in rules_of(resumed)


# --- list ------------------------------------------------------------------------------------------


def test_page_size_bounds_come_from_the_spec() -> None:
    """Default 50, coerced to 200: a page of the default size, of 200 for pageSize 500, of 10 for 10 pass; one
    more fails."""
    size = LISTING.page_size_param or "pageSize"
    default, maximum = LISTING.default_page_size or 50, LISTING.max_page_size or 200
    assert found(lr.ListWalk((page([job(i) for i in ids(default)]),))) == []
    assert rules_of(lr.ListWalk((page([job(i) for i in ids(default + 1)]),))) == {"list-page-size"}
    asked_over = {size: maximum * 2 + 100}
    assert "list-page-size" not in rules_of(lr.ListWalk((page([job(i) for i in ids(maximum)], **asked_over),)))
    assert "list-page-size" in rules_of(lr.ListWalk((page([job(i) for i in ids(maximum + 1)], **asked_over),)))
    zero = {size: 0}
    assert found(lr.ListWalk((page([job(i) for i in ids(default)], **zero),))) == []


def test_a_legitimate_walk_passes_every_rule() -> None:
    """Three pages in name order, tokens ending, totalSize right, every known job listed, GETs matching."""
    jobs = [job(i) for i in ids(5)]
    walk = walk_of(
        jobs[:2], jobs[2:4], jobs[4:], known=tuple(jobs), gets=tuple(get(j[NAME].rsplit("/", 1)[1]) for j in jobs)
    )
    assert found(walk) == []


def test_unbound_page_tokens_are_not_a_violation() -> None:
    """Correct variant: a gateway serving a page for a token of another filter or order, or a malformed one, gets
    an advisory only."""
    for tampering in ("malformed", "other-filter", "other-order"):
        findings = found(lr.PageTokenProbe(page([job("a")], pageToken="t1", filter='state = "x"'), tampering))  # type: ignore[arg-type]
        assert [v.advisory for v in findings] == [True]
    assert found(lr.PageTokenProbe(error("list", "INVALID_ARGUMENT", pageToken="zzz"), "malformed")) == []


def test_a_token_loop_is_reported_once_not_as_repeats_or_disorder() -> None:
    """A last page whose token fetches the first page again repeats it, out of order: that is the loop, reported by
    list-token-loop alone."""
    first = page([job("a"), job("b")], "t0", pageSize=2)
    again = page([job("a"), job("b")], "t0", pageSize=2, pageToken="t0")
    assert rules_of(lr.ListWalk((first, again))) == {"list-token-loop"}


def test_walk_cut_by_its_bound_with_many_jobs_is_not_endless() -> None:
    """A walk stopped at its page bound over more jobs than the bound could show proves nothing about the end."""
    walk = lr.ListWalk(
        tuple(
            page([job(f"p{i}a"), job(f"p{i}b")], f"t{i + 1}", pageSize=2, **({"pageToken": f"t{i}"} if i else {}))
            for i in range(3)
        ),
        page_bound=3,
    )
    assert "list-token-ends" not in rules_of(walk)


def test_repeats_completeness_and_total_need_an_unchanging_account() -> None:
    """A walk over an account that changed is not held to no-repeats, completeness or totalSize."""
    changing = walk_of([job("a"), job("b")], [job("b")], known=(job("z"),), stable=False)
    assert found(changing) == []


def test_completeness_skips_deleted_and_filtered_out_jobs() -> None:
    """A known job in a deletion state, or one the filter excludes, need not be listed."""
    gone = job("z", DELETING[0]) if DELETING else job("z", "JOB_STATE_DELETED")
    assert found(walk_of([job("a")], known=(job("a"), gone))) == []
    filtered = walk_of(
        [job("a", DONE)], known=(job("a", DONE), job("b", LIVE)), filter=lr.SuiteFilter(STATE, "=", DONE)
    )
    assert found(filtered) == []


def test_total_size_zero_or_absent_means_not_counted() -> None:
    """proto3 writes an unset totalSize as 0: not a wrong count; the right count passes."""
    field = LISTING.total_size_field or "totalSize"
    for value in (0, 2):
        assert found(lr.ListWalk((with_field(page([job("a"), job("b")]), field, value),))) == []


@pytest.mark.parametrize(
    ("order_by", "values", "broken"),
    [
        ("create_time desc", ["2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"], False),
        ("create_time desc", ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"], True),
        ("createTime", ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"], False),
        ("create_time", ["2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00Z"], True),
    ],
)
def test_order_by_is_followed_with_desc(order_by: str, values: list[str], broken: bool) -> None:
    """`orderBy` with ` desc` and proto or JSON names orders timestamps by instant."""
    jobs = [job(f"j{i}") | {CREATE_TIME: value} for i, value in enumerate(values)]
    walk = lr.ListWalk((page(jobs, orderBy=order_by),))
    assert rules_of(walk) == ({"list-order"} if broken else set())


def test_order_by_dotted_subfield_and_ties() -> None:
    """A dotted subfield (`job_progress.percent`) orders numbers; ties fall back to the next key."""
    if not RES.percent_paths:
        pytest.skip("this spec has no progress percent, the dotted integer subfield ordered here")
    path = RES.percent_paths[0]
    dotted = ".".join(snake(p) for p in path)
    jobs = [_progress("b", 10), _progress("a", 10), _progress("c", 30)]
    assert found(lr.ListWalk((page(jobs, orderBy=f"{dotted}, name desc"),))) == []
    assert rules_of(lr.ListWalk((page(jobs, orderBy=f"{dotted}, name"),))) == {"list-order"}


def test_default_order_across_pages_only_on_an_unchanging_account() -> None:
    """Name order is checked across page boundaries only when the account held still during the walk."""
    assert rules_of(walk_of([job("c"), job("d")], [job("a")])) == {"list-order"}
    assert found(walk_of([job("c"), job("d")], [job("a")], stable=False)) == []


@pytest.mark.parametrize(
    ("flt", "jobs"),
    [
        (lr.SuiteFilter(STATE, "!=", DONE), [job("a", LIVE)]),
        (lr.SuiteFilter(CREATE_TIME, ">", "2026-01-01T00:00:00Z"), [job("a")]),
        (lr.SuiteFilter(CREATE_TIME, "<=", "2026-11-02T09:15:27.123456789+00:00"), [job("a")]),
    ],
)
def test_filter_matches_pass(flt: lr.SuiteFilter, jobs: list[dict[str, Any]]) -> None:
    """Jobs matching the suite's filter pass; timestamps compare as instants."""
    assert found(lr.ListWalk((page(jobs, filter=flt.text),), filter=flt)) == []


def test_filter_text_uses_proto_names() -> None:
    """The filter the suite sends names fields as AIP-160 does (`create_time`), with quoted string literals."""
    assert (
        lr.SuiteFilter(CREATE_TIME, ">", "2026-01-01T00:00:00Z").text
        == f'{snake(CREATE_TIME)} > "2026-01-01T00:00:00Z"'
    )
    assert lr.SuiteFilter("isTurbo", "=", True).text == "is_turbo = true"


def test_list_matches_get_ignores_fields_a_running_job_changes_and_masked_ones() -> None:
    """State and progress may move between the list and the GET; fields outside the list's mask are not compared."""
    moved = get("a", _progress("a", 90) | {STATE: DONE})
    assert found(walk_of([_progress("a", 10)], gets=(moved,))) == []
    mask = LISTING.read_mask_param or "readMask"
    masked = lr.ListWalk((page([{NAME: name_of("a")}], **{mask: NAME}),), gets=(get("a"),))
    assert found(masked) == []


# --- unknown jobs, delete, cancel ------------------------------------------------------------------


@pytest.mark.parametrize("method_name", [m for m, o in FACTS.operations.items() if o.on_resource])
def test_unknown_job_answers_not_found(method_name: str) -> None:
    """Every operation on one job answers an unknown id with 404 and code 5, and nothing else."""
    assert found(lr.UnknownJob(error(method_name, "NOT_FOUND", "nope"))) == []
    status, _ = _code("NOT_FOUND")
    wrong = call(method_name, "nope", status=status, body={"code": _code("INVALID_ARGUMENT")[1], "message": "m"})
    assert rules_of(lr.UnknownJob(wrong)) == {"unknown-job"}


def test_hard_and_soft_deletes_are_both_correct() -> None:
    """Correct variants: after a delete, a 404 (hard delete) or a deletion state (soft delete) passes, and so does
    a second delete answered 200 or 404."""
    hard = lr.Delete(
        call("delete", "a", body={}), after=(error("get", "NOT_FOUND", "a"),), again=error("delete", "NOT_FOUND", "a")
    )
    assert found(hard) == []
    states = [s for s in RES.state_values if s in DELETION_STATES]
    soft = lr.Delete(
        call("delete", "a", body={}),
        after=tuple(get("a", job("a", s)) for s in states),
        again=call("delete", "a", body={}),
    )
    assert found(soft) == []


def test_delete_after_is_silent_when_the_delete_failed() -> None:
    """A refused delete leaves the job as it was."""
    assert found(lr.Delete(error("delete", "FAILED_PRECONDITION", "a"), after=(get("a"),))) == []


@pytest.mark.parametrize("final", TERMINAL)
def test_cancel_reaching_any_terminal_state_passes(final: str) -> None:
    """Cancelled, or whatever terminal state it raced into, through intermediate states, within the bound."""
    after = (get("a", job("a", RUNNING[-1])), get("a", job("a", final)), get("a", job("a", final)))
    assert found(lr.Cancel(get("a"), call("cancel", "a", body={}), after=after, waited=3)) == []


def test_cancelling_a_terminal_job_with_200_or_code_9_is_correct() -> None:
    """Correct variant: a 200 that changes nothing passes, and so does 400 with code 9 (FAILED_PRECONDITION)."""
    done = get("a", job("a", DONE))
    assert found(lr.Cancel(done, call("cancel", "a", body={}), after=(done,))) == []
    assert found(lr.Cancel(done, error("cancel", "FAILED_PRECONDITION", "a"), after=(done,))) == []


def test_a_200_cancel_of_a_terminal_job_that_edits_a_field_fails() -> None:
    """ "Changes nothing" covers the job's stable fields too, not only its state."""
    done = get("a", job("a", DONE))
    edited = get("a", job("a", DONE) | echo_body())
    assert rules_of(lr.Cancel(done, call("cancel", "a", body={}), after=(edited,))) == {"cancel-terminal-job"}


# --- estimate cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "money",
    [
        {"currencyCode": "USD", "units": "1", "nanos": -1},
        {"currencyCode": "usd", "units": "1"},
        {"currencyCode": "USD", "units": 12},
        None,
    ],
)
def test_estimate_cost_holds_money_rules(money: Any) -> None:
    """Mixed signs, a lower-case currency, units as a number and a missing estimate each fail."""
    assert rules_of(lr.Estimate(_estimate(money))) == {"estimate-cost"}


@pytest.mark.parametrize(
    "money", [_usd("0"), _usd("12", 340_000_000), _usd("0", 1), {"currencyCode": "JPY", "units": "1500"}]
)
def test_estimate_cost_accepts_valid_non_negative_money(money: dict[str, Any]) -> None:
    """Zero, fractional and other-currency estimates pass."""
    assert found(lr.Estimate(_estimate(money))) == []


def test_estimate_ignores_other_users_new_jobs() -> None:
    """A new job that does not carry the estimate's settings (someone else's, on a live account) is not blamed."""
    if RES.marker_field is None:
        pytest.skip("this spec has no plain string field a create echoes, to mark an estimate with")
    after = (job("a"), job("someone-else") | _settings("theirs"))
    assert found(lr.Estimate(_estimate(_usd("1")), ids_before=frozenset({"a"}), listed_after=after)) == []


def test_more_epochs_costing_more_or_the_same_is_silent() -> None:
    """The cost advisory compares amounts exactly (nanos included) and only within one currency."""
    assert found(lr.CostPair(_estimate(_usd("10"), 1), _estimate(_usd("10", 1), 2))) == []
    assert found(lr.CostPair(_estimate(_usd("10"), 1), _estimate({"currencyCode": "EUR", "units": "1"}, 2))) == []


# --- observations built from what the run holds ----------------------------------------------------


def test_call_reads_repeated_masks_and_integers() -> None:
    """Repeated readMask parameters add up, as the gateway reads them; a non-integer pageSize is not one."""
    repeated = lr.Call("x", "GET", f"{BASE}/v1/x?readMask=name&readMask=state&pageSize=ten", 200)
    assert repeated.param("readMask") == "name,state"
    assert repeated.int_param("pageSize") is None


def test_observations_are_immutable() -> None:
    """Observations are frozen: a rule cannot alter what another rule reads."""
    walk = VIOLATIONS["list-order"]
    with pytest.raises(AttributeError):
        walk.stable = False


def test_a_state_after_a_cancel_is_judged_on_the_cancel_and_shown_by_the_get() -> None:
    """The finding names the operation under judgment (the cancel) and reproduces the read that shows it."""
    [violation] = found(VIOLATIONS["cancel-reaches-terminal"])
    assert violation.operation == op("cancel").operation_id
    assert violation.call.operation_id == op("get").operation_id
    assert violation.message().endswith(
        f'reproduce: curl -sS -H "Authorization: Bearer $FIREWORKS_API_KEY" {url("get", "a")}'
    )


def test_a_spec_assembled_from_pages_still_accepts_expanded_names_by_their_collection() -> None:
    """A spec assembled from the selected operations' pages names no other collection (no datasets path), so the
    answer's own collection tells a reference: `datasets/<sent>` for a field named or described as a dataset passes,
    `things/<sent>` or a name on a field that names no resource does not."""
    from spec_tools.selection import select_document
    from spec_tools.spec import Spec, load_spec

    whole = load_spec()
    pages_only = build_api_facts(Spec(select_document(whole.document, whole.selection), whole.selection)).resource
    datasets = [f for f in pages_only.writable if "dataset" in f.lower() and f not in pages_only.reference_fields]
    if not datasets:
        pytest.skip("this spec has no field named after datasets left unknown as a reference")
    for field in datasets:
        assert pages_only.is_expanded_name(field, "d1", f"accounts/{ACCOUNT}/datasets/d1")
        assert not pages_only.is_expanded_name(field, "d1", f"accounts/{ACCOUNT}/things/d1")
        assert not pages_only.is_expanded_name(field, "d1", f"accounts/{ACCOUNT}/datasets/d2")
        assert not pages_only.is_expanded_name(field, "d1", "datasets//d1")
    plain = pages_only.marker_field
    assert plain is not None and not pages_only.is_expanded_name(plain, "d1", f"accounts/{ACCOUNT}/datasets/d1")
