"""schemathesis' stateful phase over the job lifecycle: generated chains of calls along OpenAPI links (create a
job, then get, cancel, resume or delete it, or price its settings; list, then get a listed job), every answer and
every chain held to the catalogue, against the embedded mock only.

Links. The vendored spec declares none. schemathesis 4.32.5's own inference on the seven selected operations
(dependency analysis; the location-header algorithm needs `Location` headers, which this gateway never sends)
injects 8 links, none usable: all from the `{}` answers of delete and cancel (to create, get, delete or cancel,
resume) through `$response.body#/supervised_fine_tuning_job_id`, a field those answers never carry. It finds none
of the links the lifecycle needs: create -> get, delete, cancel, resume, estimate cost and list -> get are all
missing (0 of 6). The phase therefore runs on a derived copy of the spec with those links declared
(`links.with_links`, the vendored spec untouched), with inference off (its links would only halve the chained
calls). tests/test_contract_links.py keeps the measurement.

Checks. Every answer goes through the suite's own catalogue, as the generated cases' answers do: one schemathesis
check, `contract_catalogue`, runs every rule of `rules.py` on the exchange and on every job inside a list, create or
resume answer, and the lifecycle rules that read one call (`required-field`, `empty-answer`, `resource-names`,
`list-negative-page-size`); it fails with one `RuleFailure` per rule broken. At the end of each scenario, what it
did to each job it created becomes lifecycle observations (`Create`, `JobReads`, `Cancel`, `Delete`), judged by
their rules; `cancel-reaches-terminal` is left to the lifecycle driver, as a scenario does not wait for a job to
end. Every finding is recorded under its rule id, each defect once: a lifecycle rule does not report again what a
rule already reported on the same answer. schemathesis' built-in checks are off: `BUILTIN_CHECKS` names, for
each, the catalogue rule that judges the same thing without its false alarms (or why none applies), and
`rule_of_failure` maps any failure of the phase to a rule id, so the report names the rule.

Bounds (`STATEFUL_PROFILE`): 20 scenarios (half of CONTRACT_EXAMPLES) of at most 12 calls, seeded by
CONTRACT_SEED, no shrinking, no example database. Against the embedded mock at the defaults: about 250 calls in
about 1.6 s, 90 of them on a job the same scenario created (get, cancel, resume, delete), 24 pricing its settings,
21 jobs' histories judged. A replay that finds the mock in another state (hypothesis' flaky data) starts the phase
again with the next seed, at most 3 times, within the same scenario budget. Live gateways are skipped: the phase
sends generated writes with generated ids. schemathesis keeps no files here: its crash cache (`.schemathesis/`) is
written by its CLI engine only, which the phase does not use.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.engine.errors import is_inconsistent_replay

from spec_tools.selection import select_document

from .bounded_http import RunBudgetExceeded, TransportProblem
from .exchange import Exchange
from .lifecycle_rules import (
    LIFECYCLE_ADVISORIES,
    LIFECYCLE_RULES,
    Call,
    Cancel,
    Create,
    Delete,
    Estimate,
    JobReads,
    LifecycleViolation,
    answer_rule_violations,
    check_observation,
)
from .links import with_links
from .operation_facts import ApiFacts, OperationFacts, api_facts
from .outcome import RUN_PROBLEM
from .report import Finding, format_finding
from .rules import Violation
from .run import ContractRun

__all__ = [
    "BUILTIN_CHECKS",
    "STATEFUL_PROFILE",
    "JobHistory",
    "PhaseState",
    "RuleFailure",
    "lifecycle_machine",
    "observations",
    "rule_of_failure",
    "run_phase",
    "stateful_check",
    "stateful_profile",
    "stateful_schema",
]

STATEFUL_STEPS = 12
_MAX_RESTARTS = 3
# Generation only (a failure is recorded, not shrunk), no example database, no deadline; seeded at run time.
STATEFUL_PROFILE = hypothesis.settings(
    max_examples=20,
    stateful_step_count=STATEFUL_STEPS,
    deadline=None,
    database=None,
    derandomize=False,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=False,
)


def stateful_profile(examples: int) -> hypothesis.settings:
    """The profile for a run of CONTRACT_EXAMPLES generated cases per mode: half as many scenarios (20 at the
    default 40), at least 4."""
    return hypothesis.settings(STATEFUL_PROFILE, max_examples=max(4, examples // 2))


# Rules that need what a scenario cannot give: a scenario does not wait for a cancelled job to end.
_NOT_IN_SCENARIOS = frozenset({"cancel-reaches-terminal"})

# schemathesis' built-in checks, each with the catalogue rule that judges the same thing (None: no rule of the
# contract does), and why the built-in stays off.
BUILTIN_CHECKS: dict[str, tuple[str | None, str]] = {
    "not_a_server_error": ("errors", "a 5xx with a well-formed google.rpc.Status is an answer the gateway may give"),
    "status_code_conformance": (None, "the spec declares only 200; every documented error answer would fail it"),
    "content_type_conformance": ("content-type", "the same rule, on every answer with a JSON body"),
    "response_headers_conformance": (None, "the spec declares no response headers"),
    "response_schema_conformance": ("schema", "proto3 JSON writes unset messages as null, which it rejects"),
    "negative_data_rejection": (None, "the phase sends valid data only"),
    "positive_data_acceptance": (None, "LIFECYCLE.md lets a gateway refuse an odd id with 400"),
    "missing_required_header": (None, "the spec declares no required header"),
    "unsupported_method": (None, "sends more requests; the generated cases probe methods"),
    "allow_header_conformance": (None, "the spec declares no Allow header"),
    "use_after_free": ("delete-after", "a soft delete (a GET showing DELETING) is acceptable, not only a 404"),
    "ensure_resource_availability": (None, "not a rule of LIFECYCLE.md; the create-* rules judge a create"),
    "ignored_auth": ("auth", "sends each write again without a key; the job reads check auth"),
    "object_level_authorization": (None, "the suite holds one key"),
}


class RuleFailure(Failure):
    """A check of this phase failed: the catalogue rule it runs was broken."""

    code = "ST901"
    kind_title = "Contract rule broken"

    def __init__(self, *, operation: str | None, rule: str) -> None:
        super().__init__(operation=operation, title=f"[{rule}]", message="see the contract report")
        self.rule = rule

    @property
    def _unique_key(self) -> str:
        return self.rule


def rule_of_failure(failure: Failure) -> str | None:
    """The catalogue rule a failed check of this phase stands for: its own, or the rule that judges what a
    built-in check of schemathesis judges; None when it stands for none."""
    if isinstance(failure, RuleFailure):
        return failure.rule
    rules = {BUILTIN_CHECKS[name][0] for name in type(failure).checks if name in BUILTIN_CHECKS}
    return rules.pop() if len(rules) == 1 else None


# --- the schema ------------------------------------------------------------------------------------


def stateful_schema(run: ContractRun, facts: ApiFacts) -> Any:
    """The derived copy with the declared links, aimed at the run's target, inference off, seeded."""
    spec = run.facts.spec
    document = with_links(select_document(spec.document, spec.selection), facts)
    api = schemathesis.openapi.from_dict(document)
    api.config.update(base_url=run.target.base_url, headers={"Authorization": f"Bearer {run.target.api_key}"})
    api.config.seed = run.settings.seed
    api.config.phases.stateful.inference.algorithms = []  # only the declared links
    api.config.generation.update(modes=[GenerationMode.POSITIVE], database="none")
    return api


# --- what a scenario did to each job it created ----------------------------------------------------


@dataclass
class JobHistory:
    """One job, from the create that made it to the end of the scenario (or a new create of the same id)."""

    create: Call
    known_before: frozenset[str]
    events: list[tuple[OperationFacts, Call]] = field(default_factory=list)


def _mutates(op: OperationFacts) -> bool:
    return op.on_resource and op.method != "GET"


def observations(life: JobHistory, facts: ApiFacts) -> Iterator[Create | JobReads | Cancel | Delete]:
    """The lifecycle observations one job's calls make: its create, its reads, each cancel and each delete."""
    create_op = facts.by_id(life.create.operation_id)
    events = [(create_op, life.create), *life.events]
    yield Create(life.create, life.known_before)
    yield JobReads(tuple(call for op, call in events if op.answer_is_resource and call.status == 200))
    cancel, delete = facts.kind("cancel"), facts.kind("delete")
    for index, (op, call) in enumerate(events):
        later = events[index + 1 :]
        # The reads that follow, up to the next call that changes the job (a new cancel, a resume, a delete).
        until_change = []
        for next_op, next_call in later:
            if _mutates(next_op):
                break
            if next_op.method == "GET" and next_op.on_resource:
                until_change.append(next_call)
        if op is cancel:
            before = None
            for prior_op, prior_call in reversed(events[:index]):
                if _mutates(prior_op):
                    break
                if prior_op.answer_is_resource and prior_call.status == 200:
                    before = prior_call
                    break
            # Without a read since the last change, the cancel stands in for it: a body without a state.
            yield Cancel(before or call, call, tuple(until_change))
        elif op is delete and call.status == 200:
            # A read refused for its own request (400: a malformed read mask) says nothing about the delete.
            after = tuple(c for o, c in later if o.method == "GET" and o.on_resource and c.status != 400)
            again = next((c for o, c in later if o is delete), None)
            yield Delete(call, after, again)


class PhaseState:
    """What the phase holds across its scenarios: the run, the facts, the ids seen, its findings and counts."""

    def __init__(self, run: ContractRun, facts: ApiFacts, test: str) -> None:
        self.run = run
        self.facts = facts
        self.test = test
        self.seen: set[str] = set(run.target.job_ids)
        self.findings: list[Finding] = []
        self.unmapped: list[str] = []  # failures of a check standing for no rule (a test proves there are none)
        self.scenarios = 0
        self.restarts = 0  # new starts after hypothesis found a replay flaky (see run_phase)
        self.steps = 0
        self.calls: dict[str, int] = {}  # by operation (its method name)
        self.on_created: dict[str, int] = {}  # calls on a job the same scenario created, by operation
        self.observed: dict[str, int] = {}  # lifecycle observations judged, by kind
        self.rules = tuple(r for r in LIFECYCLE_RULES + LIFECYCLE_ADVISORIES if r.id not in _NOT_IN_SCENARIOS)
        self.call_rules = tuple(r for r in self.rules if Call in r.observes)
        self.judged_jobs: set[tuple[str | None, str]] = set()
        # (method, URL) of each answer -> (rule, path) of the violations already recorded on it
        self.reported: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def _once(self, violation: LifecycleViolation) -> bool:
        """Not a defect already reported on the same answer: the same path, or its status when the answer already
        broke the `errors` rule (an error that is no google.rpc.Status cannot carry the code a rule asks for)."""
        seen = self.reported.setdefault((violation.call.method, violation.call.url), set())
        paths = {path for _, path in seen}
        if violation.path in paths or (violation.path == "HTTP status" and any(r == "errors" for r, _ in seen)):
            return False
        if not violation.advisory:
            seen.add((violation.rule, violation.path))
        return True

    def judged(self, exchange: Exchange) -> list[str]:
        """rules.py on an exchange, recorded; the rules broken."""
        found = self.run.judge(exchange, self.test)
        self.findings += found
        broken = [f for f in found if not f.advisory]
        self.reported.setdefault((exchange.method, exchange.url), set()).update((f.rule, f.path) for f in broken)
        return [f.rule for f in broken]

    def record(self, violations: list[LifecycleViolation]) -> list[str]:
        """Lifecycle violations, each defect once, recorded under their rule; the rules broken."""
        kept = [violation for violation in violations if self._once(violation)]
        for violation in kept:
            self.findings += self.run.recorder.record(_shown_exchange(violation), [_as_violation(violation)], self.test)
        return [v.rule for v in kept if not v.advisory]

    def judge_observations(self, lives: list[JobHistory]) -> None:
        for life in lives:
            for observation in observations(life, self.facts):
                kind = type(observation).__name__
                self.observed[kind] = self.observed.get(kind, 0) + 1
                self.record(check_observation(observation, self.facts, self.rules))


def _as_violation(violation: LifecycleViolation) -> Violation:
    """The recorder's plain violation, the operation judged named beside the path."""
    plain = violation.as_violation()
    return Violation(plain.rule, f"{plain.path} ({violation.operation})", plain.expected, plain.got, plain.advisory)


def _shown_exchange(violation: LifecycleViolation) -> Exchange:
    """The request that shows a lifecycle violation, as the recorder writes its curl line."""
    call = violation.call
    return Exchange(
        method=call.method,
        url=call.url,
        status=call.status,
        content_type=None,
        text="",
        credentials=call.credentials,
        job_id=violation.job_id,
        body=call.body,
    )


# --- the checks ------------------------------------------------------------------------------------


def _jobs_violations(state: PhaseState, call: Call) -> list[LifecycleViolation]:
    """The rules.py catalogue on every job inside a list, create or resume answer. A list answer repeats the
    account's jobs at every call: each job is judged once per content and read mask, at its place in the page."""
    op = state.facts.by_id(call.operation_id)
    if op.answer_list_field is None or not isinstance(call.body, dict):
        return answer_rule_violations(call, state.facts)
    found = []
    for path, job in op.jobs_in(call.body):
        key = (call.param(op.read_mask_param) if op.read_mask_param else None, json.dumps(job, sort_keys=True))
        if key in state.judged_jobs:
            continue
        state.judged_jobs.add(key)
        alone = dataclasses.replace(call, body={**call.body, op.answer_list_field: [job]})
        for violation in answer_rule_violations(alone, state.facts):
            inner = violation.path.removeprefix(f"$.{op.answer_list_field}[0]")
            found.append(dataclasses.replace(violation, path=path + inner))
    return found


def stateful_check(state: PhaseState) -> Any:
    """The schemathesis check every answer of the phase goes through: the catalogue's rules on the exchange, on
    every job it carries, and the lifecycle rules on one call; one `RuleFailure` per rule broken."""

    def contract_catalogue(ctx: Any, response: Any, case: Any) -> None:
        exchange = state.run.exchange_for(response)
        call = Call.of(_operation_id(case), exchange, _sent(case))
        broken = state.judged(exchange)
        found = _jobs_violations(state, call) + check_observation(call, state.facts, state.call_rules)
        if state.facts.by_id(call.operation_id).answer_money_fields:  # a price: estimate cost
            found += check_observation(Estimate(call), state.facts, state.rules)
        broken += state.record(found)
        failures = [RuleFailure(operation=call.operation_id, rule=rule) for rule in dict.fromkeys(broken)]
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise FailureGroup(failures)

    return contract_catalogue


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw["operationId"])


def _sent(case: Any) -> Any:
    body = case.body
    return body if isinstance(body, dict | list) else None


# --- the machine -----------------------------------------------------------------------------------


def lifecycle_machine(api: Any, state: PhaseState, seed: int) -> Any:
    """schemathesis' state machine for the derived copy, calling through the run's bounded sender, every answer
    through `stateful_checks`, each scenario's jobs through the lifecycle rules at its end."""
    checks = [stateful_check(state)]
    facts, run = state.facts, state.run
    account_variable = facts.resource.name_template.variables[0]  # the jobs' parent: the run's account

    class LifecycleMachine(api.as_state_machine()):  # type: ignore[misc]
        rule_order_seed = seed

        def setup(self) -> None:
            state.scenarios += 1
            self.lives: list[JobHistory] = []
            self.current: dict[str, JobHistory] = {}

        def before_call(self, case: Any) -> None:
            # Every scenario acts on the run's account: roots get it here, links copy it from their source.
            case.path_parameters = {**(case.path_parameters or {}), account_variable: run.target.account}

        def call(self, case: Any, **kwargs: Any) -> Any:
            try:
                return case.call(session=run.case_session)
            except (TransportProblem, RunBudgetExceeded) as problem:
                run.transport_failed(problem, None, f"{case.method} {case.path}")

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            state.steps += 1
            op = facts.by_id(_operation_id(case))
            state.calls[op.method_name] = state.calls.get(op.method_name, 0) + 1
            run.cases += 1
            call = Call.of(op.operation_id, run.exchange_for(response), _sent(case))
            self._follow(op, call)

        def _follow(self, op: OperationFacts, call: Call) -> None:
            ids = [
                job.get(facts.resource.name_field or "") for _, job in op.jobs_in(call.body) if isinstance(job, dict)
            ]
            parsed = [facts.resource.parse_name(name) for name in ids]
            found = {p[facts.resource.id_variable] for p in parsed if p}
            if op.kind == "create" and call.status == 200 and len(found) == 1:
                life = JobHistory(call, frozenset(state.seen))
                self.current[next(iter(found))] = life
                self.lives.append(life)
            elif op.on_resource:
                job_id = (op.path_values(call.raw_path) or {}).get(facts.resource.id_variable)
                if job_id is not None and job_id in self.current:
                    self.current[job_id].events.append((op, call))
                    state.on_created[op.method_name] = state.on_created.get(op.method_name, 0) + 1
            state.seen |= found

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=checks, recorder=self.recorder)
            except (Failure, FailureGroup) as failed:
                for failure in failed.exceptions if isinstance(failed, FailureGroup) else (failed,):
                    if rule_of_failure(failure) is None:
                        state.unmapped.append(f"{failure.title}: {failure.message}")

        def teardown(self) -> None:
            state.judge_observations(self.lives)
            super().teardown()

    return hypothesis.seed(seed)(LifecycleMachine)


def run_phase(run: ContractRun, test: str, settings: hypothesis.settings | None = None) -> PhaseState:
    """Run the stateful phase against the run's target (`stateful_profile` of the run's settings unless given);
    what it found is in the recorder and in the state returned."""
    settings = settings or stateful_profile(run.settings.examples)
    facts = api_facts()
    state = PhaseState(run, facts, test)
    api = stateful_schema(run, facts)
    for restart in range(_MAX_RESTARTS + 1):
        remaining = settings.max_examples - state.scenarios
        if remaining <= 0:
            break
        machine = lifecycle_machine(api, state, run.settings.seed + restart)
        try:
            machine.run(settings=hypothesis.settings(settings, max_examples=remaining))
            break
        except Exception as exc:
            # A replayed scenario found the mock in another state (a job id taken, a job moved on): hypothesis
            # calls that flaky. schemathesis' engine starts the suite again; so does this, with the next seed.
            if not (isinstance(exc, hypothesis.errors.Flaky) or is_inconsistent_replay(exc)):
                raise
            state.restarts += 1
    return state


def test_stateful_lifecycle(run: ContractRun, test_name: str) -> None:
    """Generated chains of calls along the declared links: every answer and every job's history holds to the
    catalogue."""
    if run.target.live:
        pytest.skip(
            "the stateful phase sends generated writes (create, cancel, resume, delete) with generated ids; "
            "it runs against the embedded mock only"
        )
    state = run_phase(run, test_name)
    if state.unmapped:
        run.fail_run("stateful checks failed that name no rule: " + "; ".join(state.unmapped[:5]), rule=RUN_PROBLEM)
    failures = [f for f in state.findings if not f.advisory]
    if failures:
        pytest.fail("\n".join(format_finding(f) for f in failures[:20]), pytrace=False)
