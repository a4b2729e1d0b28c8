"""The state of one contract run: target, spec facts, findings, held by objects, never by the module.

`SuiteState` is what one invocation of the suite shares between its entry point and the pytest plugin
(conftest.py): `python -m contract_tests` hands it to pytest as a plugin, and the plugin keeps it in
`config.stash[STATE]` (building one itself under a plain `pytest`). Its `run` is the `ContractRun`: the target,
the spec facts, the bounded sender and what was found. Tests get the run through the `run` fixture.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
import pytest

from spec_tools.spec import load_spec

from .bounded_http import BoundedSender, Limits, RunBudgetExceeded, TransportProblem
from .exchange import Exchange
from .operation_facts import ApiFacts, OperationFacts, build_api_facts
from .outcome import RUN_PROBLEM, Verdict
from .report import Recorder, Redactor, format_finding, printable
from .requests_bridge import bounded_session
from .rules import ADVISORIES, RULES, Rule, check_exchange
from .settings import MAX_BODY_BYTES, MOCK_CLOCK_SPEED, Settings
from .spec_facts import SpecFacts, build_facts
from .writes import WriteLedger

__all__ = ["RUN_PROBLEM", "STATE", "ContractRun", "PreflightError", "SuiteState", "Target", "start_run"]

WRONG_KEY = "contract-suite-wrong-key"
_LEARNED_JOBS = 20_000  # distinct listed jobs remembered as learnt
RUN_STOPPED = 2  # pytest's exit status for a run stopped by Ctrl-C or SIGTERM (its own INTERRUPTED)


@dataclass(frozen=True)
class Target:
    base_url: str
    api_key: str = field(repr=False)
    account: str
    job_ids: tuple[str, ...]
    live: bool
    extra_accounts: tuple[str, ...] = ()

    @property
    def accounts(self) -> tuple[str, ...]:
        """The accounts whose lifecycle is checked: the configured one first, then CONTRACT_ACCOUNTS."""
        return (self.account, *(a for a in self.extra_accounts if a != self.account))


class ContractRun:
    """Sends requests, holds every exchange to the rules, and keeps what was found."""

    def __init__(
        self,
        settings: Settings,
        target: Target,
        facts: SpecFacts,
        stack: ExitStack,
        started: float | None = None,
        api: ApiFacts | None = None,
    ) -> None:
        self.settings = settings
        self.target = target
        self.facts = facts
        self.api = api if api is not None else build_api_facts(facts.spec)
        own = {name for operation in self.api.operations.values() for name in operation.query_parameters}
        self.recorder = Recorder(Redactor([target.api_key], own_parameters=own), WRONG_KEY)
        self._last_answer: tuple[Any, Exchange] | None = None  # schemathesis runs each check on the same answer
        self.cases = 0
        self.generated_cases = 0
        self.budget_exceeded: str | None = None
        self.stop_requested: str | None = None  # set by Ctrl-C or SIGTERM: the run stops at its next request
        self.broken_jobs: dict[str, str] = {}  # job id -> what happened: reported once, later requests not sent
        self._learned_jobs: set[str] = set()  # list items the redactor already learnt from
        self.job_findings: dict[Any, Any] = {}  # answer_rule_violations' cache: each job body's findings
        self._stack = stack
        limits = Limits(
            request_deadline=settings.request_deadline,
            max_body_bytes=MAX_BODY_BYTES,
            run_budget=settings.run_budget,
            retry_budget=settings.retry_budget,
            max_rps=settings.max_rps,
            retry_throttled=target.live,
        )
        self.sender = BoundedSender(target.base_url, limits, started=started)
        stack.callback(self.sender.close)
        self.case_session = bounded_session(self.sender)
        stack.callback(self.case_session.close)
        # Jobs this run creates, cleaned up on success, failure and Ctrl-C (before the run's clients close).
        self.ledger = WriteLedger(self, settings.max_jobs)
        stack.callback(self.ledger.cleanup)

    def job_path(self, job_id: str, account: str | None = None) -> str:
        """The job's URL path from the spec's template, each id percent-encoded whole (a `/` stays inside it)."""
        return self.facts.job_url_path(account or self.target.account, job_id)

    def send(self, method: str, path: str, *, read_mask: str | None = None, credentials: str = "valid") -> Exchange:
        headers = {}
        if credentials == "valid":
            headers["Authorization"] = f"Bearer {self.target.api_key}"
        elif credentials == "wrong":
            headers["Authorization"] = f"Bearer {WRONG_KEY}"
        params = {"readMask": read_mask} if read_mask is not None else None
        job_id = self.facts.job_of_path(path.split("?", 1)[0])[1]
        self.skip_broken(job_id)
        try:
            response = self.sender.send(method, path, params=params, headers=headers)
        except (TransportProblem, RunBudgetExceeded) as problem:
            self.transport_failed(problem, job_id, f"{method} {path}")
        return self.judged(self.exchange_of(response), job_id)

    def judged(self, exchange: Exchange, job_id: str | None) -> Exchange:
        """Throttling that outlasted the retry budget checks nothing: a run finding, not a rule's."""
        if self.target.live and exchange.status in (429, 503):
            self.fail_run(
                f"HTTP {exchange.status} still after waiting {self.settings.retry_budget:g} s of retry budget "
                "(the gateway kept throttling; lower CONTRACT_MAX_RPS or raise CONTRACT_RETRY_BUDGET)",
                job_id=job_id,
            )
        return exchange

    def skip_broken(self, job_id: str | None) -> None:
        """A job whose answer already could not be read is reported once; its other checks are skipped."""
        if self.stop_requested is not None:
            pytest.exit(f"contract run {self.stop_requested}", returncode=RUN_STOPPED)
        if self.budget_exceeded is not None:
            pytest.skip(f"not run: {self.budget_exceeded}")
        if job_id is not None and job_id in self.broken_jobs:
            pytest.skip(f"not sent: {job_id} already failed ({self.broken_jobs[job_id]})")

    def transport_failed(self, problem: Exception, job_id: str | None, what: str) -> NoReturn:
        """One finding naming the job and what happened; the run stops when its budget is spent."""
        message = str(problem)
        if isinstance(problem, RunBudgetExceeded):
            self.budget_exceeded = message
            self.recorder.record_problem(RUN_PROBLEM, job_id, self.recorder.redactor.scrub_secrets(message))
            pytest.exit(printable(f"contract run stopped: {message}"), returncode=2)
        if job_id is not None:
            self.broken_jobs[job_id] = message
        # Reported like a finding, so the summary says why a test failed even with tracebacks off.
        self.fail_run(f"{what}: {message}", job_id=job_id)

    def fail_run(self, message: str, *, job_id: str | None = None, rule: str = RUN_PROBLEM) -> NoReturn:
        """Fail the current test for something other than a rule on a body, and keep it in the summary."""
        finding = self.recorder.record_problem(rule, job_id, self.recorder.redactor.scrub_secrets(message))
        pytest.fail(format_finding(finding), pytrace=False)

    def exchange_of(self, response: httpx.Response) -> Exchange:
        return self.learned(
            Exchange.build(
                method=response.request.method,
                url=str(response.request.url),
                status=response.status_code,
                headers=response.headers,
                content=response.content,
                authorization=response.request.headers.get("authorization"),
                api_key=self.target.api_key,
                job_path=self.facts.job_path,
            )
        )

    def exchange_for(self, answer: Any) -> Exchange:
        """The exchange of a schemathesis answer, built (and learnt from) once however many checks read it."""
        if self._last_answer is not None and self._last_answer[0] is answer:
            return self._last_answer[1]
        request = answer.request
        exchange = self.learned(
            Exchange.build(
                method=str(request.method),
                url=str(request.url),
                status=answer.status_code,
                headers={k: v[0] for k, v in answer.headers.items() if v},
                content=answer.content,
                authorization=request.headers.get("Authorization"),
                api_key=self.target.api_key,
                job_path=self.facts.job_path,
            )
        )
        self._last_answer = (answer, exchange)
        return exchange

    def learned(self, exchange: Exchange) -> Exchange:
        """The exchange, once its body's secret-looking values are known to the redactor (within the budget)."""
        if exchange.body is not None:
            try:
                for part in self._unlearned(exchange.body):
                    self.recorder.redactor.learn(part, check=self.sender.check_budget)
            except RunBudgetExceeded as problem:
                self.transport_failed(problem, exchange.job_id, f"{exchange.method} {exchange.url}")
        return exchange

    def send_operation(
        self,
        operation: OperationFacts,
        account: str,
        job_id: str | None = None,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        sender: BoundedSender | None = None,
    ) -> Exchange:
        """One request of any selected operation on the account (and job), the body sent as JSON; the exchange
        names the account and job it is about."""
        values = dict.fromkeys(self.api.resource.parent_variables, account)
        if job_id is not None:
            values[self.api.resource.id_variable] = job_id
        path = operation.path.expand(values)
        headers = {"Authorization": f"Bearer {self.target.api_key}"}
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body).encode()
        if sender is None:
            self.skip_broken(None)
        try:
            response = (sender or self.sender).send(
                operation.method, path, params=query, headers=headers, content=content
            )
        except (TransportProblem, RunBudgetExceeded) as problem:
            if sender is not None:
                raise  # the cleanup's own sender: its caller reports the job as left behind
            self.transport_failed(problem, job_id, f"{operation.method} {path}")
        if sender is not None:  # the cleanup: nothing is judged or shown from these answers
            return Exchange.build(
                method=operation.method,
                url=str(response.request.url),
                status=response.status_code,
                headers=response.headers,
                content=response.content,
                authorization=None,
                api_key=self.target.api_key,
            )
        exchange = dataclasses.replace(self.exchange_of(response), job_id=job_id, account=account)
        return self.judged(exchange, job_id)

    def _unlearned(self, body: Any) -> list[Any]:
        """What of a body is new to the redactor: a list page's jobs one by one, each job learnt once (a walk
        lists the same jobs many times), and the rest of the page."""
        items = self.api.list.items_field if self.api.list is not None else None
        jobs = body.get(items) if items is not None and isinstance(body, dict) else None
        if not isinstance(jobs, list):
            return [body]
        fresh = []
        for job in jobs:
            key = json.dumps(job, sort_keys=True)
            if key not in self._learned_jobs:
                if len(self._learned_jobs) < _LEARNED_JOBS:
                    self._learned_jobs.add(key)
                fresh.append(job)
        return [{k: v for k, v in body.items() if k != items}, *fresh]

    def judge(self, exchange: Exchange, test: str, rules: tuple[Rule, ...] = RULES + ADVISORIES) -> list[Any]:
        """The rules' findings on an exchange, recorded and scrubbed; the run budget bounds this too."""
        try:
            found = check_exchange(exchange, self.facts, rules, check=self.sender.check_budget)
            return self.recorder.record(exchange, found, test, check=self.sender.check_budget, account=exchange.account)
        except RunBudgetExceeded as problem:
            self.transport_failed(problem, exchange.job_id, f"{exchange.method} {exchange.url}")

    def hold(self, exchange: Exchange, test: str, rules: tuple[Rule, ...] = RULES + ADVISORIES) -> None:
        """Run the rules on an exchange; fail the current test with every violation, scrubbed."""
        self.cases += 1
        failures = [f for f in self.judge(exchange, test, rules) if not f.advisory]
        if failures:
            pytest.fail("\n".join(format_finding(f) for f in failures), pytrace=False)

    def sleep(self, seconds: float) -> None:
        """A pause while waiting on a job, within the run's budget."""
        self.skip_broken(None)
        try:
            self.sender.check_budget()
        except RunBudgetExceeded as problem:
            self.transport_failed(problem, None, "waiting on a job")
        time.sleep(seconds)

    def close(self) -> None:
        self._stack.close()


class PreflightError(RuntimeError):
    """The live target cannot be checked as configured (unreachable, key refused, job ids unknown)."""


def _preflight(run: ContractRun) -> None:
    """Live runs: one plain read per job id first, so a typo or a wrong key is one clear message, not N failures.
    The same limits hold here: a stalled, trickling or endless answer stops the run naming the job."""
    missing, refused, unreadable = [], [], []
    origin = _origin(run.target.base_url)
    for index, job_id in enumerate(run.target.job_ids):
        try:
            response = run.sender.send(
                "GET", run.job_path(job_id), headers={"Authorization": f"Bearer {run.target.api_key}"}
            )
        except RunBudgetExceeded as exc:
            raise PreflightError(f"preflight stopped: {exc}") from None
        except TransportProblem as exc:
            if index == 0 and "ConnectError" in str(exc):
                raise PreflightError(run.recorder.redactor.scrub_secrets(f"cannot reach {origin}: {exc}")) from None
            unreadable.append(f"cannot read job {job_id} at {origin}: {exc}")
            continue  # every bad job id in one message, not one per run
        if response.status_code in (429, 503):
            raise PreflightError(
                f"the gateway kept throttling (HTTP {response.status_code}) reading {job_id} beyond the "
                f"{run.settings.retry_budget:g} s retry budget; lower CONTRACT_MAX_RPS or raise CONTRACT_RETRY_BUDGET"
            )
        if response.status_code in (401, 403):
            refused.append(job_id)
        elif response.status_code == 404:
            missing.append(job_id)
    if unreadable:
        raise PreflightError(run.recorder.redactor.scrub_secrets("; ".join(unreadable)))
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


def _origin(url: str) -> str:
    parts = httpx.URL(url)
    return f"{parts.scheme}://{parts.host}" + (f":{parts.port}" if parts.port else "")


def start_run(settings: Settings, started: float | None = None) -> ContractRun:
    """Start the target (the embedded mock unless live) and, live, read each job id once; the caller closes it."""
    stack = ExitStack()
    try:
        if settings.live:
            assert settings.base_url is not None and settings.account is not None
            target = Target(
                settings.base_url,
                settings.api_key,
                settings.account,
                settings.job_ids,
                live=True,
                extra_accounts=settings.accounts,
            )
        else:
            from gateway_mock.server import MockStartError, running_mock

            key = settings.api_key or secrets.token_urlsafe(24)
            try:
                mock = stack.enter_context(
                    running_mock(
                        fault=settings.mock_fault, api_key=key, marshal=settings.marshal, clock_speed=MOCK_CLOCK_SPEED
                    )
                )
            except (MockStartError, OSError) as exc:
                raise PreflightError(f"the embedded mock did not start: {exc}") from None
            target = Target(mock.base_url, mock.api_key, mock.account, tuple(mock.job_ids), live=False)
        run = ContractRun(settings, target, build_facts(load_spec()), stack, started)
        if target.live:
            _preflight(run)
    except BaseException:
        stack.close()
        raise
    return run


@dataclass
class SuiteState:
    """One invocation of the suite: its settings, its run, its verdict, and the redactor that outlives the run
    (the entry point scrubs the JUnit report with it after pytest has finished)."""

    settings: Settings | None = None
    run: ContractRun | None = None
    verdict: Verdict | None = None
    redactor: Redactor = field(default_factory=Redactor)
    started: float = field(default_factory=time.perf_counter)
    stages_junit: bool = False  # the entry point scrubs and places contract.xml itself (never through a link)

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        """Handed to pytest as a plugin: make this state the session's before the suite's plugin starts a run."""
        config.stash[STATE] = self


STATE = pytest.StashKey[SuiteState]()
