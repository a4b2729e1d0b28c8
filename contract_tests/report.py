"""How findings are shown: one line per violation with a curl to reproduce, secrets scrubbed everywhere, gateway
text with its control characters escaped (an ANSI sequence cannot repaint the terminal)."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gateway_protocol import redaction
from spec_tools.safe_text import inline

from .exchange import Exchange
from .rules import Violation

__all__ = ["Finding", "Recorder", "Redactor", "curl_line", "first_of_each_pair", "format_finding", "summarize"]

REDACTED = "[redacted]"  # no angle brackets: the JUnit XML is scrubbed as text
_MAX_SHOWN = 80  # what came back is shortened to this, after scrubbing
_MAX_LINE = 4000  # a printed line is cut here (after escaping)
_OWN_PARAMETERS = {"readMask"}  # a query of only these is the suite's own, not a signed URL's credential
# Learned secrets cost about 80 bytes of memory per character (one lookup entry per 8-character piece). Past this
# many characters the redactor stops learning and shows no gateway text at all: nothing unlearned can slip out.
_MAX_LEARNED_CHARACTERS = 1_000_000
_SATURATED = "[withheld: the gateway sent more secret-looking values than the suite can track]"


class Redactor(redaction.Redactor):
    """The suite's redactor: known secrets (the API key, secret fields of bodies) and any 8-character piece of
    one, as written or escaped, and every URL query string but the suite's own (`readMask`)."""

    def __init__(self, secrets: Iterable[str] = (), own_parameters: Iterable[str] = _OWN_PARAMETERS) -> None:
        super().__init__(secrets, marker=REDACTED, pieces=True)
        self._learned = 0
        # The query parameters the suite itself sends (readMask; the list's page, filter and order parameters and
        # the create's id when the run drives them): a query of only these is kept, as the curl needs it.
        self._own = frozenset(own_parameters)

    @property
    def saturated(self) -> bool:
        """True once bodies held more secret-looking text than the suite tracks: gateway text is then withheld."""
        return self._learned > _MAX_LEARNED_CHARACTERS

    def learn(self, body: Any, *, check: Callable[[], None] | None = None) -> int:
        """Remember a body's secret-looking values (see `gateway_protocol.redaction.Redactor.learn`)."""
        if self.saturated:
            return 0
        before = self.known_characters
        learned = super().learn(body, check=check)
        self._learned += self.known_characters - before
        return learned

    def scrub(self, text: str) -> str:
        """Scrub secrets and URL query strings: for text that may quote a response body."""
        return redaction.scrub_url_queries(self.scrub_secrets(text), keep=self._own, marker=REDACTED)

    def scrub_secrets(self, text: str) -> str:
        """Scrub known secrets, and any piece of one 8 characters or longer (a secret cut off by someone)."""
        return super().scrub(text)

    def shown(self, text: str, limit: int = _MAX_SHOWN) -> str:
        """Text quoting an answer, as printed and reported: scrubbed whole first, then shortened."""
        if self.saturated:
            return _SATURATED
        text = self.scrub(text)
        return text if len(text) <= limit else text[: limit - 3] + "..."


def curl_line(exchange: Exchange, wrong_key: str) -> str:
    """A command that repeats the request, with the key written as $FIREWORKS_API_KEY."""
    parts = ["curl", "-sS"]
    if exchange.method != "GET":
        parts += ["-X", exchange.method]
    command = " ".join(parts)
    if exchange.credentials == "valid":
        command += ' -H "Authorization: Bearer $FIREWORKS_API_KEY"'
    elif exchange.credentials == "wrong":
        command += " -H " + shlex.quote(f"Authorization: Bearer {wrong_key}")
    return f"{command} {shlex.quote(exchange.url)}"


@dataclass(frozen=True)
class Finding:
    """A violation (or advisory) with where it was seen. A lifecycle finding also names the operation judged, its
    subject ("job abc", "page 2") and the account."""

    rule: str
    job_id: str | None
    path: str
    expected: str
    got: str
    curl: str
    test: str
    advisory: bool
    operation: str | None = None
    subject: str | None = None
    account: str | None = None

    @property
    def where(self) -> str:
        """What the finding is about, as printed: the job id, or the operation and its subject in its account."""
        if self.operation is None:
            return self.job_id if self.job_id is not None else "(no job id)"
        return f"{self.operation} {self.subject or ''}".rstrip() + (f" in {self.account}" if self.account else "")


def printable(text: object) -> str:
    """Text for one terminal line: control characters (ANSI sequences, carriage returns, newlines) escaped."""
    return inline(text, _MAX_LINE)


def format_finding(finding: Finding, times: int = 1) -> str:
    """The finding as printed: two lines at most, each with every control character escaped."""
    label = "advisory" if finding.advisory else "violation"
    seen = f" (seen {times}x)" if times > 1 else ""
    line = printable(
        f"[{finding.rule}] {label} on {finding.where} at {finding.path}: expected {finding.expected}; got {finding.got}"
    )
    return f"{line}{seen}\n    reproduce: {printable(finding.curl)}" if finding.curl else f"{line}{seen}"


def summarize(findings: Iterable[Finding]) -> list[tuple[Finding, int]]:
    """One entry per distinct (rule, job, path, expected, got), with the first curl and a count."""
    grouped: dict[tuple[str, str, str, str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.rule, f.where, f.path, f.expected, f.got), []).append(f)
    return [(group[0], len(group)) for group in grouped.values()]


def first_of_each_pair(distinct: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """Distinct findings reordered: the first of each (rule, job) pair, then the rest, so that a cut-off list
    still names every rule that failed on every job."""
    pairs: set[tuple[str, str]] = set()
    first: list[tuple[Finding, int]] = []
    rest: list[tuple[Finding, int]] = []
    for entry in distinct:
        pair = (entry[0].rule, entry[0].where)
        (rest if pair in pairs else first).append(entry)
        pairs.add(pair)
    return first + rest


class Recorder:
    """Collects findings across a run, scrubbed as they arrive, and writes the machine-readable report.

    Violations are kept one per occurrence. Advisories are kept once per distinct finding with a count (a body
    with thousands of secret-looking fields, answered to every request, must not hold thousands of findings per
    answer); past `max_distinct` distinct ones, further ones are only counted.
    """

    def __init__(self, redactor: Redactor, wrong_key: str, max_distinct: int = 5000) -> None:
        self.redactor = redactor
        self.wrong_key = wrong_key
        self.findings: list[Finding] = []
        self._advisories: dict[tuple[str, str, str, str, str], list[Any]] = {}
        self.max_distinct = max_distinct
        self.omitted = 0  # findings beyond max_distinct, counted only

    def record(
        self,
        exchange: Exchange,
        violations: Iterable[Violation],
        test: str,
        check: Callable[[], None] | None = None,
        account: str | None = None,
    ) -> list[Finding]:
        """The exchange's findings, scrubbed; `check` is called between them (it may raise to stop the run)."""
        curl: str | None = None
        new: list[Finding] = []
        for count, violation in enumerate(violations, start=1):
            if check is not None and count % 256 == 0:
                check()
            if curl is None:
                curl = self.redactor.scrub_secrets(curl_line(exchange, self.wrong_key))
            finding = Finding(
                rule=violation.rule,
                job_id=exchange.job_id,
                path=violation.path,
                expected=self.redactor.shown(violation.expected, 4 * _MAX_SHOWN),
                got=self.redactor.shown(violation.got),
                curl=curl,
                test=test,
                advisory=violation.advisory,
                account=account,
            )
            new.append(finding)
            self._keep(finding)
        return new

    def _keep(self, finding: Finding) -> None:
        if not finding.advisory:
            if len(self.findings) < self.max_distinct * 4:
                self.findings.append(finding)
            else:
                self.omitted += 1
            return
        key = (finding.rule, finding.where, finding.path, finding.expected, finding.got)
        entry = self._advisories.get(key)
        if entry is not None:
            entry[1] += 1
        elif len(self._advisories) < self.max_distinct:
            self._advisories[key] = [finding, 1]
        else:
            self.omitted += 1

    def record_lifecycle(self, violation: Any, test: str, account: str | None) -> Finding:
        """A `lifecycle_rules.LifecycleViolation`, scrubbed, with its operation, subject, account and curl."""
        finding = Finding(
            rule=violation.rule,
            job_id=violation.job_id,
            path=violation.path,
            expected=self.redactor.shown(violation.expected, 4 * _MAX_SHOWN),
            got=self.redactor.shown(violation.got),
            curl=self.redactor.scrub(violation.call.curl()),
            test=test,
            advisory=violation.advisory,
            operation=violation.operation,
            subject=self.redactor.shown(violation.subject, 2 * _MAX_SHOWN),
            account=account,
        )
        self._keep(finding)
        return finding

    def record_problem(self, rule: str, job_id: str | None, message: str) -> Finding:
        """A failure that is not a rule on a body (no answer, a job that cannot be read)."""
        finding = Finding(rule, job_id, "-", "an answer that can be checked", message, "", "", advisory=False)
        self.findings.append(finding)
        return finding

    @property
    def violations(self) -> list[Finding]:
        return list(self.findings)

    @property
    def advisories(self) -> list[Finding]:
        """Each distinct advisory once (see `advisory_counts` for how often each was seen)."""
        return [finding for finding, _ in self._advisories.values()]

    def advisory_counts(self) -> list[tuple[Finding, int]]:
        return [(finding, count) for finding, count in self._advisories.values()]

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.advisories]
