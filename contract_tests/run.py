"""The state of one contract run: target, spec facts, findings. Set up by the pytest plugin in conftest.py."""

from __future__ import annotations

import secrets
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import NoReturn
from urllib.parse import quote

import httpx
import pytest

from .exchange import Exchange
from .report import Recorder, Redactor, format_finding
from .rules import ADVISORIES, RULES, Rule, check_exchange
from .settings import Settings
from .spec_facts import SpecFacts, spec_facts

__all__ = ["RUN_PROBLEM", "ContractRun", "PreflightError", "Target", "current_run", "start_run", "stop_run"]

WRONG_KEY = "contract-suite-wrong-key"
RUN_PROBLEM = "run"  # not a rule of the spec: the run could not check what it was asked to


@dataclass(frozen=True)
class Target:
    base_url: str
    api_key: str = field(repr=False)
    account: str
    job_ids: tuple[str, ...]
    live: bool


class ContractRun:
    """Sends requests, holds every exchange to the rules, and keeps what was found."""

    def __init__(self, settings: Settings, target: Target, facts: SpecFacts, stack: ExitStack) -> None:
        self.settings = settings
        self.target = target
        self.facts = facts
        self.recorder = Recorder(Redactor([target.api_key]), WRONG_KEY)
        self.cases = 0
        self.generated_cases = 0
        self._stack = stack
        self.http = stack.enter_context(httpx.Client(base_url=target.base_url, timeout=httpx.Timeout(30.0)))

    def job_path(self, job_id: str, account: str | None = None) -> str:
        """The job's URL path, each id percent-encoded whole (a `/` in an id stays inside it)."""
        account = quote(account or self.target.account, safe="")
        return f"/v1/accounts/{account}/supervisedFineTuningJobs/{quote(job_id, safe='')}"

    def send(self, method: str, path: str, *, read_mask: str | None = None, credentials: str = "valid") -> Exchange:
        headers = {}
        if credentials == "valid":
            headers["Authorization"] = f"Bearer {self.target.api_key}"
        elif credentials == "wrong":
            headers["Authorization"] = f"Bearer {WRONG_KEY}"
        params = {"readMask": read_mask} if read_mask is not None else None
        try:
            response = self.http.request(method, path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            # Reported like a finding, so the summary says why a test failed even with tracebacks off.
            self.fail_run(f"{method} {path}: no answer from {self.target.base_url} ({type(exc).__name__}: {exc})")
        return self.exchange_of(response)

    def fail_run(self, message: str, *, job_id: str | None = None, rule: str = RUN_PROBLEM) -> NoReturn:
        """Fail the current test for something other than a rule on a body, and keep it in the summary."""
        finding = self.recorder.record_problem(rule, job_id, self.recorder.redactor.scrub_secrets(message))
        pytest.fail(format_finding(finding), pytrace=False)

    def exchange_of(self, response: httpx.Response) -> Exchange:
        return Exchange.build(
            method=response.request.method,
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            content=response.content,
            authorization=response.request.headers.get("authorization"),
            api_key=self.target.api_key,
        )

    def hold(self, exchange: Exchange, test: str, rules: tuple[Rule, ...] = RULES + ADVISORIES) -> None:
        """Run the rules on an exchange; fail the current test with every violation, scrubbed."""
        self.cases += 1
        if exchange.body is not None:
            self.recorder.redactor.learn(exchange.body, self.facts)
        findings = self.recorder.record(exchange, check_exchange(exchange, self.facts, rules), test)
        failures = [f for f in findings if not f.advisory]
        if failures:
            pytest.fail("\n".join(format_finding(f) for f in failures), pytrace=False)

    def close(self) -> None:
        self._stack.close()


class PreflightError(RuntimeError):
    """The live target cannot be checked as configured (unreachable, key refused, job ids unknown)."""


def _preflight(run: ContractRun) -> None:
    """Live runs: one plain read per job id first, so a typo or a wrong key is one clear message, not N failures."""
    missing, refused = [], []
    for job_id in run.target.job_ids:
        try:
            response = run.http.get(
                run.job_path(job_id), headers={"Authorization": f"Bearer {run.target.api_key}"}, timeout=30.0
            )
        except httpx.HTTPError as exc:
            raise PreflightError(f"cannot reach {run.target.base_url}: {type(exc).__name__}: {exc}") from None
        if response.status_code in (401, 403):
            refused.append(job_id)
        elif response.status_code == 404:
            missing.append(job_id)
    if refused:
        raise PreflightError(
            f"the gateway refused FIREWORKS_API_KEY for account {run.target.account!r} "
            f"(HTTP 401/403 reading {', '.join(refused)})"
        )
    if missing:
        raise PreflightError(
            f"CONTRACT_JOB_IDS names job(s) that account {run.target.account!r} does not have (HTTP 404): "
            f"{', '.join(missing)}"
        )


_CURRENT: list[ContractRun] = []


def start_run(settings: Settings) -> ContractRun:
    stack = ExitStack()
    try:
        if settings.live:
            assert settings.base_url is not None and settings.account is not None
            target = Target(settings.base_url, settings.api_key, settings.account, settings.job_ids, live=True)
        else:
            from gateway_mock.server import running_mock

            key = settings.api_key or secrets.token_urlsafe(24)
            mock = stack.enter_context(running_mock(fault=settings.mock_fault, api_key=key))
            target = Target(mock.base_url, mock.api_key, mock.account, tuple(mock.job_ids), live=False)
        run = ContractRun(settings, target, spec_facts(), stack)
        if target.live:
            _preflight(run)
    except BaseException:
        stack.close()
        raise
    _CURRENT.append(run)
    return run


def current_run() -> ContractRun:
    if not _CURRENT:
        raise RuntimeError("no contract run: run the suite through `make contract` (scripts/contract.py) or pytest")
    return _CURRENT[-1]


def stop_run() -> ContractRun | None:
    if not _CURRENT:
        return None
    run = _CURRENT.pop()
    run.close()
    return run
