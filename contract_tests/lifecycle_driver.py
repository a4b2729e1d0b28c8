"""What the lifecycle tests share: a session that sends any operation's request and judges it, and the walkers.

`LifecycleSession` is one test on one account: every request it sends goes through the run's bounded sender, is
held to the per-answer rules (rules.py on the exchange, the `Call` rules of the lifecycle catalogue, and the
per-answer rules on every job inside a list, create or resume answer), and every observation a test builds from
its calls goes through `check_observation`. Findings are recorded with the operation, the job or page, the
account and the curl of the request that shows them; `done()` fails the test with the violations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from gateway_protocol.job_states import DELETION_STATES, is_terminal

from .lifecycle_rules import Call, answer_rule_violations, check_observation
from .operation_facts import ApiFacts, OperationFacts
from .report import Finding, format_finding
from .run import ContractRun
from .writes import poll_delays

__all__ = ["LifecycleSession", "Walk"]


@dataclass(frozen=True)
class Walk:
    """The pages of one list walk and whether the account held still during it."""

    pages: list[Call]
    stable: bool
    items_field: str

    @property
    def jobs(self) -> list[Any]:
        found: list[Any] = []
        for page in self.pages:
            items = page.body.get(self.items_field) if page.status == 200 and isinstance(page.body, dict) else None
            found += items if isinstance(items, list) else []
        return found


class LifecycleSession:
    """One lifecycle test on one account."""

    def __init__(self, run: ContractRun, account: str, test: str) -> None:
        self.run = run
        self.account = account
        self.test = test
        self.api: ApiFacts = run.api
        self.failures: list[Finding] = []

    def operation(self, method_name: str) -> OperationFacts:
        """The selected operation of this kind (`list`, `create`, `cancel`...); the test is skipped without it."""
        found = self.api.operations.get(method_name)
        if found is None:
            pytest.skip(f"the spec selects no {method_name} operation")
        return found

    def has(self, method_name: str) -> bool:
        return method_name in self.api.operations

    def call(
        self, method_name: str, job_id: str | None = None, *, query: dict[str, Any] | None = None, body: Any = None
    ) -> Call:
        """Send one request, hold its answer to every per-answer rule, and return it as a `Call`."""
        operation = self.operation(method_name)
        query = {k: v for k, v in (query or {}).items() if v is not None} or None
        exchange = self.run.send_operation(operation, self.account, job_id, query=query, body=body)
        self.run.cases += 1
        self.failures += [f for f in self.run.judge(exchange, self.test) if not f.advisory]
        call = Call.of(operation.operation_id, exchange, body)
        self.observe(call)
        for violation in answer_rule_violations(call, self.api, cache=self.run.job_findings):
            self._record(violation)
        return call

    def observe(self, observation: Any) -> None:
        """Every catalogue entry that reads this observation, recorded."""
        for violation in check_observation(observation, self.api):
            self._record(violation)

    def _record(self, violation: Any) -> None:
        finding = self.run.recorder.record_lifecycle(violation, self.test, self.account)
        if not violation.advisory:
            self.failures.append(finding)

    def done(self) -> None:
        """Fail the test with every violation it found (each printed with its curl line)."""
        if self.failures:
            pytest.fail("\n".join(format_finding(f) for f in self.failures), pytrace=False)

    # --- reading ----------------------------------------------------------------------------------------

    def walk(self, query: dict[str, Any], bound: int) -> Walk:
        """Follow `nextPageToken` for at most `bound` pages, never asking twice with one token; when it took more
        than one page, the first page is read again: the account held still if it lists the same jobs (and
        total)."""
        listing = self.api.list
        assert listing is not None
        pages: list[Call] = []
        seen: set[str] = set()
        token: str | None = None
        for _ in range(bound):
            asked = dict(query)
            if token is not None and listing.page_token_param:
                asked[listing.page_token_param] = token
            page = self.call("list", query=asked)
            pages.append(page)
            following = self.next_token(page)
            if following is None or following in seen or following == token:
                break
            if token is not None:
                seen.add(token)
            seen.add(following)
            token = following
        stable = True
        if len(pages) > 1:
            again = self.call("list", query=dict(query))
            stable = self._snapshot(again) == self._snapshot(pages[0])
        return Walk(pages, stable, listing.items_field)

    def next_token(self, page: Call) -> str | None:
        listing = self.api.list
        if listing is None or listing.next_token_field is None or page.status != 200:
            return None
        token = page.body.get(listing.next_token_field) if isinstance(page.body, dict) else None
        return token if isinstance(token, str) and token else None

    def _snapshot(self, page: Call) -> tuple[Any, ...]:
        listing = self.api.list
        assert listing is not None
        if page.status != 200 or not isinstance(page.body, dict):
            return ("unreadable", page.status)
        items = page.body.get(listing.items_field)
        names = tuple(self.name(job) for job in items) if isinstance(items, list) else ()
        total = page.body.get(listing.total_size_field) if listing.total_size_field else None
        return names, total

    def name(self, job: Any) -> str | None:
        value = job.get(self.api.resource.name_field or "") if isinstance(job, dict) else None
        return value if isinstance(value, str) and value else None

    def job_id(self, job: Any) -> str | None:
        parsed = self.api.resource.parse_name(self.name(job))
        return parsed.get(self.api.resource.id_variable) if parsed else None

    def state(self, call: Call) -> Any:
        field = self.api.resource.state_field
        return call.body.get(field) if field and call.status == 200 and isinstance(call.body, dict) else None

    def poll(self, job_id: str, until: str) -> tuple[list[Call], float]:
        """GETs of a job until it shows what `until` asks (`terminal`: a terminal or deletion state, or gone;
        `gone`: 404, DELETED, or any state but a deletion one), or the run's wait bound passes."""
        reads: list[Call] = []
        waited = 0.0
        for delay in poll_delays(self.run.settings.wait):
            self.run.sleep(delay)
            waited += delay
            read = self.call("get", job_id)
            reads.append(read)
            state = self.state(read)
            if read.status != 200:
                break
            if until == "terminal" and (is_terminal(state) or state in DELETION_STATES):
                break
            if until == "gone" and (state not in DELETION_STATES or is_terminal(state)):
                break
        return reads, waited
