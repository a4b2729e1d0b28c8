"""How findings are shown: one line per violation with a curl to reproduce, secrets scrubbed everywhere."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .exchange import Exchange
from .rules import Violation
from .spec_facts import SpecFacts

__all__ = ["Finding", "Recorder", "Redactor", "curl_line", "format_finding", "summarize"]

REDACTED = "[redacted]"  # no angle brackets: the JUnit XML is scrubbed as text
# Signed URLs carry their credentials in the query string.
_OWN_PARAMETERS = {"readMask"}
_URL_QUERY = re.compile(r"(https?://[^\s?\"'<>]+)\?[^\s\"'<>]*")


class Redactor:
    """Scrubs known secrets (the API key, secret fields of bodies) and every URL query string from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = {s for s in secrets if len(s) >= 4}

    def learn(self, body: Any, facts: SpecFacts) -> None:
        """Remember a body's secret-looking values, in fields the spec knows or not, so no message prints them."""
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(value, str) and value and facts.is_secret_name(key):
                    self._secrets.add(value)
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
        """Scrub known secrets only: for text we wrote ourselves, such as the request URL."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


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


class Recorder:
    """Collects findings across a run, scrubbed as they arrive, and writes the machine-readable report."""

    def __init__(self, redactor: Redactor, wrong_key: str) -> None:
        self.redactor = redactor
        self.wrong_key = wrong_key
        self.findings: list[Finding] = []

    def record(self, exchange: Exchange, violations: Iterable[Violation], test: str) -> list[Finding]:
        scrub = self.redactor.scrub
        new = [
            Finding(
                rule=v.rule,
                job_id=exchange.job_id,
                path=v.path,
                expected=scrub(v.expected),
                got=scrub(v.got),
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

    def write_json(self, path: Path, meta: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            **meta,
            "violations": [asdict(f) for f in self.violations],
            "advisories": [asdict(f) for f in self.advisories],
            "failed_rules": sorted({f.rule for f in self.violations}),
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.redactor.scrub(json.dumps(document, indent=2)) + "\n", encoding="utf-8")
        tmp.replace(path)
