"""The jobs a run creates, and their cleanup: the rules of LIFECYCLE.md for a suite that writes.

Live, the suite writes only with CONTRACT_WRITES=1 (against the embedded mock, always). Then it:
- names every job it creates `contract-suite-<run nonce>-<n>` (AIP-122 ids; the nonce is 8 random lowercase
  base32 characters), so it only ever acts on jobs of this run, and writes the nonce into the job's marker field;
- creates at most CONTRACT_MAX_JOBS of them (each id is counted when it is first asked for, and noted before the
  create is sent: a create that times out may still have made the job);
- cancels and deletes them before it exits, on success, failure and Ctrl-C alike (`cleanup`, called once by the
  plugin before the report is written, and again, idempotent, when the run closes);
- lists every job it could not clean up, with the reason and a curl line to delete it by hand, in the terminal,
  `contract.json` (`left_behind`) and the GitHub step summary.

The cleanup has its own time budget (CONTRACT_WAIT_SECONDS per job, a minute at most in all beyond that), so a
run stopped by its own budget still cleans up. A second Ctrl-C during cleanup abandons it; what is left is listed.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gateway_protocol.job_states import DELETION_STATES, is_terminal

from .bounded_http import BoundedSender, RunBudgetExceeded, TransportProblem
from .lifecycle_rules import Call

if TYPE_CHECKING:
    from .run import ContractRun

__all__ = ["ID_PREFIX", "LedgerFull", "LeftBehind", "WriteLedger", "poll_delays"]

ID_PREFIX = "contract-suite"
_CLEANUP_EXTRA = 60.0  # seconds beyond the waits, for the cleanup's own requests


class LedgerFull(Exception):
    """The run would create more jobs than CONTRACT_MAX_JOBS allows."""


@dataclass(frozen=True)
class LeftBehind:
    """A job this run created and could not cancel and delete."""

    account: str
    job_id: str
    state: str | None
    reason: str
    curl: str


def poll_delays(wait: float, first: float = 0.06, most: float = 5.0) -> list[float]:
    """Pauses between reads while waiting up to `wait` seconds for a job to change: short first, then longer."""
    delays, total, delay = [], 0.0, first
    while total < wait:
        step = min(delay, wait - total)
        delays.append(step)
        total += step
        delay = min(delay * 2, most)
    return delays


class WriteLedger:
    """The jobs one run created (or may have), by account; owned by the run."""

    def __init__(self, run: ContractRun, max_jobs: int) -> None:
        self._run = run
        self.max_jobs = max_jobs
        self.nonce = base64.b32encode(secrets.token_bytes(5)).decode().lower()  # 8 characters, [a-z2-7]
        self.prefix = f"{ID_PREFIX}-{self.nonce}"
        self._jobs: dict[tuple[str, str], None] = {}  # (account, job id), in creation order
        self._asked = 0
        self.cleaned = False
        self.left_behind: list[LeftBehind] = []

    @property
    def mark(self) -> str:
        """What the suite writes into its jobs' marker field (and its estimates'): the run's own text."""
        return f"{ID_PREFIX} {self.nonce}"

    def new_id(self) -> str:
        """A fresh id of this run; LedgerFull once CONTRACT_MAX_JOBS ids were handed out."""
        if self._asked >= self.max_jobs:
            raise LedgerFull(
                f"CONTRACT_MAX_JOBS={self.max_jobs} jobs already created in this run: raise it to run this check"
            )
        self._asked += 1
        return f"{self.prefix}-{self._asked}"

    def note(self, account: str, job_id: str) -> None:
        """A job this run created, or may have (noted before its create is sent)."""
        self._jobs[(account, job_id)] = None

    def learn(self, account: str, created: Call) -> str | None:
        """The id of the job a create answered with, noted; None when there is none. A gateway may name the job
        otherwise than asked: the suite then takes it as its own only when it carries the run's mark."""
        facts = self._run.api.resource
        body = created.body if isinstance(created.body, dict) else {}
        parsed = facts.parse_name(body.get(facts.name_field or ""))
        job_id = parsed.get(facts.id_variable) if created.status == 200 and parsed else None
        if job_id is None:
            return None
        if not job_id.startswith(self.prefix) and facts.marker_field and body.get(facts.marker_field) != self.mark:
            return None
        self.note(account, job_id)
        return job_id

    @property
    def jobs(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._jobs)

    def cleanup(self) -> list[LeftBehind]:
        """Cancel and delete every job of this run (once); the ones that could not be are `left_behind`."""
        if self.cleaned:
            return self.left_behind
        self.cleaned = True
        if not self._jobs:
            return []
        run = self._run
        budget = run.settings.wait * len(self._jobs) * 2 + _CLEANUP_EXTRA
        limits = replace(run.sender.limits, run_budget=budget)
        sender = BoundedSender(run.target.base_url, limits)
        pending = list(self._jobs)
        try:
            while pending:
                account, job_id = pending[0]
                problem = self._clean(sender, account, job_id)
                if problem is not None:
                    self.left_behind.append(self._left(account, job_id, *problem))
                pending.pop(0)
        except KeyboardInterrupt:
            for account, job_id in pending:
                self.left_behind.append(self._left(account, job_id, None, "cleanup interrupted (Ctrl-C)"))
        finally:
            sender.close()
        return self.left_behind

    def _left(self, account: str, job_id: str, state: str | None, reason: str) -> LeftBehind:
        run = self._run
        delete = run.api.operations.get("delete")
        url = run.target.base_url + (
            delete.path.expand({**dict.fromkeys(run.api.resource.parent_variables, account), **self._id(job_id)})
            if delete is not None
            else ""
        )
        curl = f'curl -sS -X DELETE -H "Authorization: Bearer $FIREWORKS_API_KEY" {url}'
        return LeftBehind(account, job_id, state, run.recorder.redactor.scrub_secrets(reason), curl)

    def _id(self, job_id: str) -> dict[str, str]:
        return {self._run.api.resource.id_variable: job_id}

    def _clean(self, sender: BoundedSender, account: str, job_id: str) -> tuple[str | None, str] | None:
        """None once the job is gone or being deleted; else (its last state, why it is left)."""
        run = self._run
        ops = run.api.operations
        try:
            state, found = self._state(sender, account, job_id)
            if not found or state in DELETION_STATES:
                return None
            if not is_terminal(state) and "cancel" in ops:
                run.send_operation(ops["cancel"], account, job_id, body={}, sender=sender)
                for delay in poll_delays(run.settings.wait):
                    time.sleep(delay)
                    state, found = self._state(sender, account, job_id)
                    if not found or is_terminal(state) or state in DELETION_STATES:
                        break
            if "delete" not in ops:
                return state, "the spec has no delete operation"
            answer = run.send_operation(ops["delete"], account, job_id, sender=sender)
            state, found = self._state(sender, account, job_id)
            if not found or state in DELETION_STATES:
                return None
            return state, f"still {state} after a delete answered HTTP {answer.status}"
        except (TransportProblem, RunBudgetExceeded, _Stop) as problem:
            return None, f"cleanup failed: {problem}"

    def _state(self, sender: BoundedSender, account: str, job_id: str) -> tuple[Any, bool]:
        """(the job's state, whether it exists)."""
        run = self._run
        get = run.api.operations.get("get")
        if get is None:
            raise _Stop("the spec has no get operation")
        answer = run.send_operation(get, account, job_id, sender=sender)
        if answer.status == 404:
            return None, False
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise _Stop(f"HTTP {answer.status} reading the job")
        return answer.body.get(run.api.resource.state_field or ""), True


class _Stop(Exception):
    """The cleanup of one job cannot go on."""
