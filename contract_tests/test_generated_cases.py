"""Schemathesis property tests: generated requests (valid and invalid), each answer held to every rule.

Nothing is built at import: when pytest collects this module, the suite's plugin (conftest.py) calls
`collect(run)`, which aims the spec at the run's target and parametrizes `generated_cases` with it as the
collected test `test_generated_cases`.
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from spec_tools.selection import select_document

from .bounded_http import RunBudgetExceeded, TransportProblem
from .rules import ADVISORIES, RULES, Rule
from .run import ContractRun


def _as_check(run: ContractRun, rule: Rule) -> Any:
    """A schemathesis check running one contract rule of this run, so every generated case is held to it."""

    def check(ctx: Any, response: Any, case: Any) -> None:
        exchange = run.exchange_for(response)
        findings = run.judge(exchange, "generated_cases", (rule,))
        failures = [f for f in findings if not f.advisory]
        if failures:
            raise AssertionError(
                "\n".join(f"[{f.rule}] {f.path}: expected {f.expected}; got {f.got}" for f in failures)
            )

    check.__name__ = f"contract_{rule.id.replace('-', '_')}"
    check.__doc__ = rule.doc
    return check


@pytest.fixture(scope="session")
def contract_checks(run: ContractRun) -> list[Any]:
    return [_as_check(run, rule) for rule in RULES + ADVISORIES]


def api_schema(run: ContractRun) -> Any:
    """The vendored spec's job read, aimed at the run's target; seeded so a run can be repeated case for case."""
    spec = run.facts.spec
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


def collect(run: ContractRun) -> Any:
    """`generated_cases` parametrized by this run's schema: what pytest collects as `test_generated_cases`."""
    return api_schema(run).parametrize()(generated_cases)


def _pin_ids(case: Any, run: ContractRun) -> None:
    """Live: only given ids. Mock: every other case keeps its invented ids, to probe 404s and odd encodings."""
    account_param, job_param = run.facts.job_path.variables
    params = case.path_parameters or {}
    digest = zlib.crc32(repr(sorted(params.items())).encode())
    if run.target.live or digest % 2 == 0:
        params[account_param] = run.target.account
        params[job_param] = run.target.job_ids[digest % len(run.target.job_ids)]
    case.path_parameters = params


def generated_cases(case: Any, run: ContractRun, contract_checks: list[Any]) -> None:
    """Every generated request's answer: no 5xx, and every contract rule holds."""
    _pin_ids(case, run)
    if run.target.live and case.method.upper() != "GET":
        return  # belt and braces: never send another method to a live gateway
    job_id = (case.path_parameters or {}).get(run.facts.job_path.last_variable or "")
    run.skip_broken(job_id if isinstance(job_id, str) else None)
    try:
        # Through the bounded sender: the same deadline, body cap, budgets and 429/503 waits as every request.
        response = case.call(session=run.case_session)
    except (TransportProblem, RunBudgetExceeded) as problem:
        run.transport_failed(problem, job_id if isinstance(job_id, str) else None, f"{case.method} {case.path}")
    if run.target.live and response.status_code in (429, 503):
        run.judged(run.exchange_for(response), job_id if isinstance(job_id, str) else None)
    run.cases += 1
    run.generated_cases += 1
    case.validate_response(response, checks=[not_a_server_error, *contract_checks])
