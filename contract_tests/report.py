"""How findings are shown: one line per violation with a curl to reproduce, secrets scrubbed everywhere."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .exchange import Exchange
from .rules import Violation
from .spec_facts import SpecFacts

__all__ = ["Finding", "Recorder", "Redactor", "curl_line", "first_of_each_pair", "format_finding", "summarize"]

REDACTED = "[redacted]"  # no angle brackets: the JUnit XML is scrubbed as text
_PIECE = 8  # no run of this many characters of a secret is ever shown, even a piece cut off by a gateway
_MAX_SHOWN = 80  # what came back is shortened to this, after scrubbing
# Signed URLs carry their credentials in the query string.
_OWN_PARAMETERS = {"readMask"}
_URL_QUERY = re.compile(r"(https?://[^\s?\"'<>]+)\?[^\s\"'<>]*")


class Redactor:
    """Scrubs known secrets (the API key, secret fields of bodies) and every URL query string from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pieces: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) < 4 or secret in self._secrets:
            return
        self._secrets.add(secret)
        windows = {s[i : i + _PIECE] for s in self._secrets if len(s) >= _PIECE for i in range(len(s) - _PIECE + 1)}
        longest_first = sorted(windows, key=lambda w: (-len(w), w))
        self._pieces = re.compile("|".join(map(re.escape, longest_first))) if windows else None

    def learn(self, body: Any, facts: SpecFacts) -> None:
        """Remember a body's secret-looking values, in fields the spec knows or not, so no message prints them."""
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(value, str) and value and facts.is_secret_name(key):
                    self.add(value)
                else:
                    self.learn(value, facts)
        elif isinstance(body, list):
            for item in body:
                self.learn(item, facts)

    def scrub(self, text: str) -> str:
        """Scrub secrets and URL query strings: for text that may quote a response body."""
        return _URL_QUERY.sub(self._scrub_query, self.scrub_secrets(text))

    def _scrub_query(self, match: re.Match[str]) -> str:
        # A query made only of the suite's own parameters (a readMask) is no secret; a signed URL's query is.
        names = {part.split("=", 1)[0] for part in re.split(r"&(?:amp;)?", match.group(0).split("?", 1)[1])}
        if names <= _OWN_PARAMETERS:
            return match.group(0)
        return f"{match.group(1)}?{REDACTED}"

    def scrub_secrets(self, text: str) -> str:
        """Scrub known secrets, and any piece of one 8 characters or longer (a secret cut off by someone)."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return self._pieces.sub(REDACTED, text) if self._pieces is not None else text

    def shown(self, text: str, limit: int = _MAX_SHOWN) -> str:
        """Text quoting an answer, as printed and reported: scrubbed whole first, then shortened."""
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
    """A violation (or advisory) with where it was seen."""

    rule: str
    job_id: str | None
    path: str
    expected: str
    got: str
    curl: str
    test: str
    advisory: bool


def format_finding(finding: Finding, times: int = 1) -> str:
    subject = finding.job_id if finding.job_id is not None else "(no job id)"
    label = "advisory" if finding.advisory else "violation"
    seen = f" (seen {times}x)" if times > 1 else ""
    line = f"[{finding.rule}] {label} on {subject} at {finding.path}: expected {finding.expected}; got {finding.got}"
    return f"{line}{seen}\n    reproduce: {finding.curl}" if finding.curl else f"{line}{seen}"


def summarize(findings: Iterable[Finding]) -> list[tuple[Finding, int]]:
    """One entry per distinct (rule, job, path, expected, got), with the first curl and a count."""
    grouped: dict[tuple[str, str | None, str, str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.rule, f.job_id, f.path, f.expected, f.got), []).append(f)
    return [(group[0], len(group)) for group in grouped.values()]


def first_of_each_pair(distinct: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """Distinct findings reordered: the first of each (rule, job) pair, then the rest, so that a cut-off list
    still names every rule that failed on every job."""
    pairs: set[tuple[str, str | None]] = set()
    first: list[tuple[Finding, int]] = []
    rest: list[tuple[Finding, int]] = []
    for entry in distinct:
        pair = (entry[0].rule, entry[0].job_id)
        (rest if pair in pairs else first).append(entry)
        pairs.add(pair)
    return first + rest


class Recorder:
    """Collects findings across a run, scrubbed as they arrive, and writes the machine-readable report."""

    def __init__(self, redactor: Redactor, wrong_key: str) -> None:
        self.redactor = redactor
        self.wrong_key = wrong_key
        self.findings: list[Finding] = []

    def record(self, exchange: Exchange, violations: Iterable[Violation], test: str) -> list[Finding]:
        new = [
            Finding(
                rule=v.rule,
                job_id=exchange.job_id,
                path=v.path,
                expected=self.redactor.shown(v.expected, 4 * _MAX_SHOWN),
                got=self.redactor.shown(v.got),
                curl=self.redactor.scrub_secrets(curl_line(exchange, self.wrong_key)),
                test=test,
                advisory=v.advisory,
            )
            for v in violations
        ]
        self.findings.extend(new)
        return new

    def record_problem(self, rule: str, job_id: str | None, message: str) -> Finding:
        """A failure that is not a rule on a body (no answer, a job that cannot be read)."""
        finding = Finding(rule, job_id, "-", "an answer that can be checked", message, "", "", advisory=False)
        self.findings.append(finding)
        return finding

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if not f.advisory]

    @property
    def advisories(self) -> list[Finding]:
        return [f for f in self.findings if f.advisory]
