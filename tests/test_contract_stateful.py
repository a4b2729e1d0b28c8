"""The stateful phase (contract_tests/test_stateful.py): it follows the declared links into jobs it created, every
failure it finds names a catalogue rule, and it stays bounded, seeded and mock-only. The walks run against a small
loopback server implementing the seven operations (a few hundred milliseconds each)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import hypothesis
import pytest
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import CustomFailure, Failure
from schemathesis.openapi.checks import UseAfterFree

from contract_tests import test_stateful as stateful_phase
from contract_tests.exchange import NOT_JSON, Exchange
from contract_tests.lifecycle_rules import (
    LIFECYCLE_ADVISORIES,
    LIFECYCLE_RULES,
    Call,
    Cancel,
    Delete,
    JobReads,
    check_observation,
)
from contract_tests.links import declared_links
from contract_tests.operation_facts import api_facts
from contract_tests.rules import ADVISORIES, RULES
from contract_tests.run import ContractRun, Target
from contract_tests.settings import settings_from_env
from contract_tests.test_stateful import (
    BUILTIN_CHECKS,
    JobHistory,
    PhaseState,
    RuleFailure,
    observations,
    rule_of_failure,
    run_phase,
    stateful_profile,
    stateful_schema,
)
from gateway_protocol.job_states import DELETION_STATES, is_terminal
from tests.helpers import LoopbackServer, send_json

FACTS = api_facts()
CATALOGUE = {rule.id for rule in RULES + ADVISORIES + LIFECYCLE_RULES + LIFECYCLE_ADVISORIES}
SMALL = hypothesis.settings(stateful_profile(8), max_examples=8, stateful_step_count=6)
# Enough scenarios for every operation on a created job to be reached whatever the seed (15 seeds tried).
WALK = hypothesis.settings(SMALL, max_examples=10, stateful_step_count=10)
KEY = "stateful-test-key"


# --- a small lifecycle server ------------------------------------------------------------------------


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


class _Jobs(BaseHTTPRequestHandler):
    """Just enough of the lifecycle to be walked: create, get, list, delete, cancel, resume, estimate. `fault`
    breaks one rule: "ignore-id" names every created job anew, whatever id was asked (create-name);
    "answer-the-job" answers a delete or a cancel with the job instead of {} (empty-answer)."""

    protocol_version = "HTTP/1.1"  # keep-alive: one connection for a walk, not one per call
    disable_nagle_algorithm = True  # headers and body go out as two writes
    jobs: dict[str, dict[str, Any]]
    created: set[str]
    requests: list[tuple[str, str]]
    fault: str | None

    def log_message(self, *_: Any) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        send_json(self, status, body)

    def _route(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        # Whole numbers as integers, as a gateway's proto3 marshaling writes them back.
        body = json.loads(self.rfile.read(length) or b"null", parse_float=_number)
        path, _, query = self.path.partition("?")
        self.requests.append((self.command, path))
        for facts in FACTS.operations.values():
            values = facts.path.match(path) if facts.method == self.command else None
            if values is not None:
                return self._serve(facts.method_name, values, query, body)
        return self._answer(404, {"code": 5, "message": "no such route", "details": []})

    def _serve(self, kind: str, values: dict[str, str], query: str, body: Any) -> None:
        res = FACTS.resource
        mask = FACTS.operations[kind].read_mask_param
        if mask is not None and parse_qs(query).get(mask, ["*"])[0] not in ("*", ""):
            return self._answer(400, {"code": 3, "message": "read masks are not supported here", "details": []})
        if FACTS.operations[kind].request_is_resource and not all(
            isinstance(body, dict) and body.get(name) for name in res.required
        ):
            return self._answer(400, {"code": 3, "message": "required field missing", "details": []})
        if kind == "create":
            asked = parse_qs(query).get(FACTS.operations["create"].resource_id_parameter or "", [""])[0]
            if asked and not re.fullmatch(r"[a-z][a-z0-9-]{0,62}", asked) and self.fault != "ignore-id":
                return self._answer(400, {"code": 3, "message": "invalid id", "details": []})
            job_id = f"j{len(self.created)}x" if self.fault == "ignore-id" or not asked else asked
            if job_id in self.jobs:
                return self._answer(409, {"code": 6, "message": "exists", "details": []})
            kept = {name: value for name, value in body.items() if name in res.echo_fields}
            self.jobs[job_id] = {**kept, str(res.name_field): res.resource_name(values, job_id)}
            self.created.add(job_id)
            return self._answer(200, self.jobs[job_id])
        if kind == "list":
            size = parse_qs(query).get((FACTS.list and FACTS.list.page_size_param) or "", ["0"])[0]
            if size.lstrip("-").isdigit() and int(size) < 0:
                return self._answer(400, {"code": 3, "message": "negative page size", "details": []})
            return self._answer(200, {FACTS.operations["list"].answer_list_field: list(self.jobs.values())})
        if kind == "estimate_cost":
            return self._answer(200, {"estimatedCost": {"currencyCode": "USD", "units": "1"}})
        job = self.jobs.get(values.get(res.id_variable, ""))
        if job is None:
            return self._answer(404, {"code": 5, "message": "not found", "details": []})
        if kind == "delete" and self.fault != "keep-deleted":
            self.jobs.pop(values[res.id_variable])
        empty = FACTS.operations[kind].answer_is_empty and self.fault != "answer-the-job"
        return self._answer(200, {} if empty else job)

    do_GET = do_POST = do_DELETE = _route


@contextmanager
def _serving(fault: str | None = None) -> Iterator[tuple[str, type[_Jobs]]]:
    handler = type("Handler", (_Jobs,), {"jobs": {}, "created": set(), "requests": [], "fault": fault})
    server = LoopbackServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _contract_run(stack: ExitStack, base_url: str, *, live: bool = False) -> ContractRun:
    """A run of the suite aimed at `base_url`, as `start_run` builds one (no preflight, no mock started)."""
    target = Target(base_url, KEY, "acme", (), live=live)
    return ContractRun(settings_from_env({}), target, FACTS.spec_facts, stack)


def _phase(base_url: str, settings: hypothesis.settings = SMALL) -> PhaseState:
    with ExitStack() as stack:
        return run_phase(_contract_run(stack, base_url), "test_stateful_lifecycle", settings)


def _on_created(handler: type[_Jobs]) -> set[str]:
    """The operations (by method name) that reached a job the walk had created."""
    reached = set()
    for method, path in handler.requests:
        for facts in FACTS.operations.values():
            values = facts.path.match(path) if facts.on_resource and facts.method == method else None
            if values and values[FACTS.resource.id_variable] in handler.created:
                reached.add(facts.method_name)
    return reached


# --- the phase follows the links ---------------------------------------------------------------------


def test_the_phase_follows_the_declared_links_and_names_the_rule_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The phase's scenarios create jobs and then get, delete, cancel and resume them (the declared links; inference
    alone reaches none). Against a server answering delete and cancel with the job instead of {}, every finding is
    on empty-answer (through the phase's schemathesis check), none stands for no rule, and no `.schemathesis/`
    folder is left behind."""
    monkeypatch.chdir(tmp_path)
    with _serving("answer-the-job") as (base_url, handler):
        state = _phase(base_url, WALK)
    on_job = {o.method_name for o in FACTS.operations.values() if o.on_resource}
    assert _on_created(handler) == on_job
    assert set(state.on_created) == on_job
    assert state.observed.keys() >= {"Create", "JobReads", "Cancel", "Delete"}
    assert {f.rule for f in state.findings if not f.advisory} == {"empty-answer"} and state.unmapped == []
    # hypothesis may run a scenario beyond max_examples (its first, simplest one) and one per restart
    assert state.steps <= (WALK.max_examples + 1 + state.restarts) * WALK.stateful_step_count
    assert list(tmp_path.iterdir()) == []


def test_a_scenario_breaking_a_lifecycle_rule_fails_on_it() -> None:
    """A server that names every created job anew, whatever id was asked: the scenarios' histories fail on
    create-name and on no other rule."""
    with _serving("ignore-id") as (base_url, _):
        state = _phase(base_url)
    assert {f.rule for f in state.findings if not f.advisory} == {"create-name"}
    assert state.unmapped == []


def test_the_phase_runs_on_the_declared_links_with_inference_off() -> None:
    """The phase's schema is the derived copy with every declared link, and schemathesis infers none of its own."""
    with ExitStack() as stack:
        api = stateful_schema(_contract_run(stack, "http://127.0.0.1:9"), FACTS)
    assert api.config.phases.stateful.inference.algorithms == []
    assert not api.analysis.should_inject_links()
    for operation_id, links in declared_links(FACTS).items():
        source = next(
            op
            for item in api.raw_schema["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and op.get("operationId") == operation_id
        )
        assert source["responses"]["200"]["links"] == links


# --- failures name a rule ----------------------------------------------------------------------------


def test_every_builtin_check_of_schemathesis_is_accounted_for() -> None:
    """Each built-in check is listed with the catalogue rule that judges the same thing (or none): an upgrade that
    adds one fails here until it is placed."""
    load_all_checks()
    assert set(BUILTIN_CHECKS) == set(CHECKS.get_all_names())
    assert {rule for rule, _ in BUILTIN_CHECKS.values() if rule is not None} <= CATALOGUE


def test_a_failure_of_the_phase_maps_to_its_rule() -> None:
    """The phase's own failures carry their rule; a built-in check's failure maps through BUILTIN_CHECKS; any other
    failure maps to none (the phase then fails the run)."""
    assert rule_of_failure(RuleFailure(operation="op", rule="create-name")) == "create-name"
    used = UseAfterFree(operation="op", message="m", free="DELETE /x", usage="GET /x")
    assert rule_of_failure(used) == BUILTIN_CHECKS["use_after_free"][0] == "delete-after"
    other = CustomFailure(operation="op", title="t", message="m", exception=AssertionError())
    assert rule_of_failure(other) is None
    assert rule_of_failure(Failure(operation="op", message="m")) is None


def test_a_scenario_history_breaking_a_rule_is_recorded_on_it() -> None:
    """A job read in a running state after its delete answered 200: judged at the scenario's end, recorded under
    delete-after in the run's report, naming the job and the read that shows it."""
    running = next(s for s in FACTS.resource.state_values if s not in DELETION_STATES and not is_terminal(s))
    job = {str(FACTS.resource.name_field): FACTS.resource.resource_name({"account_id": "acme"}, "j1")}
    create = _call("create", body=job)[1]
    history = JobHistory(
        create, frozenset(), [_call("delete"), _call("get", body={**job, str(FACTS.resource.state_field): running})]
    )
    with ExitStack() as stack:
        run = _contract_run(stack, "http://127.0.0.1:9")
        state = PhaseState(run, FACTS, "test_stateful_lifecycle")
        state.judge_observations([history])
    assert [(f.rule, f.job_id) for f in state.findings] == [("delete-after", "j1")]
    assert run.recorder.violations == state.findings and "/j1" in state.findings[0].curl


def test_a_defect_already_reported_on_an_answer_is_not_reported_again() -> None:
    """A create without `dataset` answered by a 400 that is no google.rpc.Status: reported once, on `errors`, not
    again by required-field (which asks that answer for code 3)."""
    op = FACTS.operations["create"]
    url = "http://gw" + op.path.expand(dict.fromkeys(op.path.variables, "acme"))
    answer = Exchange("POST", url, 400, "text/plain", "oops", "valid", body=NOT_JSON)
    with ExitStack() as stack:
        state = PhaseState(_contract_run(stack, "http://127.0.0.1:9"), FACTS, "test_stateful_lifecycle")
        broken = check_observation(Call.of(op.operation_id, answer, {}), FACTS, state.call_rules)
        assert [v.rule for v in broken] == ["required-field"]
        assert state.judged(answer) == ["errors"]
        assert state.record(broken) == []
    assert [f.rule for f in state.findings] == ["errors"]


# --- observations from one job's calls ---------------------------------------------------------------


def _call(kind: str, status: int = 200, body: Any = None, query: str = "") -> tuple[Any, Call]:
    op = FACTS.operations[kind]
    values = {name: "acme" for name in FACTS.resource.parent_variables} | {FACTS.resource.id_variable: "j1"}
    url = "http://gw" + op.path.expand({k: v for k, v in values.items() if k in op.path.variables}) + query
    return op, Call(op.operation_id, op.method, url, status, {} if body is None else body)


def test_observations_cut_each_cancel_and_delete_at_the_next_change() -> None:
    """A cancel is judged on the reads up to the next call that changes the job; a delete on every read after it,
    less reads refused for their own request (400), with the next delete as its second one."""
    states = iter(FACTS.resource.state_values)
    job = {FACTS.resource.name_field: FACTS.resource.resource_name({"account_id": "acme"}, "j1")}
    read = [_call("get", body={**job, FACTS.resource.state_field: next(states)}) for _ in range(3)]
    masked = _call("get", 400, {"code": 3, "message": "bad mask", "details": []}, "?readMask=%00")
    cancel, delete, again = _call("cancel"), _call("delete"), _call("delete", 404)
    create = _call("create", body=job)[1]
    history = JobHistory(create, frozenset(), [read[0], cancel, read[1], delete, read[2], masked, again])
    found = {type(o): o for o in observations(history, FACTS)}
    assert found[Cancel] == Cancel(read[0][1], cancel[1], (read[1][1],))
    assert found[Delete] == Delete(delete[1], (read[2][1],), again[1])
    assert found[JobReads] == JobReads((create, read[0][1], read[1][1], read[2][1]))


# --- bounds ------------------------------------------------------------------------------------------


def test_the_profile_is_bounded_and_scales_with_contract_examples() -> None:
    """Generation only (no shrinking replays), no example database, no deadline; half of CONTRACT_EXAMPLES as
    scenarios (20 at the default 40), at least 4."""
    profile = stateful_profile(40)
    assert (profile.max_examples, stateful_profile(8).max_examples, stateful_profile(1).max_examples) == (20, 4, 4)
    assert list(profile.phases) == [hypothesis.Phase.generate]
    assert profile.database is None and profile.deadline is None and profile.stateful_step_count == 12


def test_a_live_run_skips_the_phase() -> None:
    """A live gateway gets no generated writes: the phase is skipped with its reason, before any request."""
    with ExitStack() as stack:
        run = _contract_run(stack, "http://127.0.0.1:9", live=True)
        with pytest.raises(pytest.skip.Exception, match="embedded mock only"):
            stateful_phase.test_stateful_lifecycle(run, "test_stateful_lifecycle")
