"""Schemathesis property tests: generated requests (valid and invalid), each answer held to every rule."""

from __future__ import annotations

import zlib
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from spec_tools.selection import select_document
from spec_tools.spec import load_spec

from .bounded_http import RunBudgetExceeded, TransportProblem
from .exchange import Exchange
from .rules import ADVISORIES, RULES, Rule, check_exchange
from .run import ContractRun, current_run

# The path's parameters, in order (account, then job), as the spec's job path names them.
ACCOUNT_PARAM, JOB_PARAM = load_spec().job_operation().path.variables


def _exchange(response: Any) -> Exchange:
    run = current_run()
    request = response.request
    return Exchange.build(
        method=str(request.method),
        url=str(request.url),
        status=response.status_code,
        headers={k: v[0] for k, v in response.headers.items() if v},
        content=response.content,
        authorization=request.headers.get("Authorization"),
        api_key=run.target.api_key,
    )


def _as_check(rule: Rule) -> Any:
    """A schemathesis check running one contract rule, so every generated case is held to it."""

    def check(ctx: Any, response: Any, case: Any) -> None:
        run = current_run()
        exchange = _exchange(response)
        run.recorder.redactor.learn(exchange.body, run.facts)
        found = check_exchange(exchange, run.facts, [rule])
        findings = run.recorder.record(exchange, found, "generated_cases")
        failures = [f for f in findings if not f.advisory]
        if failures:
            raise AssertionError(
                "\n".join(f"[{f.rule}] {f.path}: expected {f.expected}; got {f.got}" for f in failures)
            )

    check.__name__ = f"contract_{rule.id.replace('-', '_')}"
    check.__doc__ = rule.doc
    return schemathesis.check(check)


CONTRACT_CHECKS = [_as_check(rule) for rule in RULES + ADVISORIES]


def _api_schema(run: ContractRun) -> Any:
    """The vendored spec, aimed at the run's target; seeded so a run can be repeated case for case."""
    spec = load_spec()
    api = schemathesis.openapi.from_dict(select_document(spec.document, (spec.job_operation().operation_id,)))
    api.config.update(base_url=run.target.base_url, headers={"Authorization": f"Bearer {run.target.api_key}"})
    api.config.seed = run.settings.seed
    if run.target.live:
        # Live runs send only GETs: no probing of undeclared methods (TRACE, DELETE…) on a real account.
        api.config.phases.coverage.unexpected_methods = set()
    api.config.generation.update(
        max_examples=run.settings.examples,
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        database="none",
        deterministic=False,
    )
    return api


# Built at import: the plugin has started the target by then (pytest_configure runs before collection).
schema = _api_schema(current_run())


def _pin_ids(case: Any, run: ContractRun) -> None:
    """Live: only given ids. Mock: every other case keeps its invented ids, to probe 404s and odd encodings."""
    params = case.path_parameters or {}
    digest = zlib.crc32(repr(sorted(params.items())).encode())
    if run.target.live or digest % 2 == 0:
        params[ACCOUNT_PARAM] = run.target.account
        params[JOB_PARAM] = run.target.job_ids[digest % len(run.target.job_ids)]
    case.path_parameters = params


@schema.parametrize()  # type: ignore[untyped-decorator]
def test_generated_cases(case: Any, run: ContractRun) -> None:
    """Every generated request's answer: no 5xx, and every contract rule holds."""
    _pin_ids(case, run)
    if run.target.live and case.method.upper() != "GET":
        return  # belt and braces: never send another method to a live gateway
    job_id = (case.path_parameters or {}).get(JOB_PARAM)
    run.skip_broken(job_id if isinstance(job_id, str) else None)
    try:
        # Through the bounded sender: the same deadline, body cap, budgets and 429/503 waits as every request.
        response = case.call(session=run.case_session)
    except (TransportProblem, RunBudgetExceeded) as problem:
        run.transport_failed(problem, job_id if isinstance(job_id, str) else None, f"{case.method} {case.path}")
    if run.target.live and response.status_code in (429, 503):
        run.judged(_exchange(response), job_id if isinstance(job_id, str) else None)
    run.cases += 1
    run.generated_cases += 1
    case.validate_response(response, checks=[not_a_server_error, *CONTRACT_CHECKS])
