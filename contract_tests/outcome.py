"""The run's verdict and where it is published: exit code, `contract.json`, the GitHub step summary.

Exit codes: 0 no rule failed; 1 violations of the contract; 2 the target could not be checked (settings,
unreachable target, refused key, unknown job, answers that could not be read, run budget exceeded).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from spec_tools.safe_text import code_span, inline, markdown_text

from .report import Finding, Redactor, first_of_each_pair, summarize

__all__ = [
    "EXIT_CODES",
    "REPORT_NAMES",
    "RUN_PROBLEM",
    "Verdict",
    "append_step_summary",
    "judge",
    "remove_reports",
    "write_private",
    "write_report",
]

Outcome = Literal["passed", "violations", "error"]
EXIT_CODES: dict[Outcome, int] = {"passed": 0, "violations": 1, "error": 2}
REPORT_NAMES = ("contract.json", "contract.xml")
RUN_PROBLEM = "run"  # not a rule of the spec: the run could not check what it was asked to
_MAX_ROWS = 100  # rows of the step summary's table; the JSON report has them all
_MAX_CELL = 200
_PYTEST_OK, _PYTEST_FAILED = 0, 1


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]


def judge(violations: Iterable[Finding], pytest_status: int, stopped: str | None = None) -> Verdict:
    """Violations of a rule win (exit 1); anything that kept the run from checking is an error (exit 2)."""
    findings = list(violations)
    broken = [f for f in findings if f.rule != RUN_PROBLEM]
    problems = [f for f in findings if f.rule == RUN_PROBLEM]
    if broken:
        rules = sorted({f.rule for f in broken})
        failed_jobs = {f.job_id for f in broken if f.job_id is not None and f.operation is None}
        lifecycle = {f.where for f in broken if f.operation is not None}
        also = f"; {len(problems)} check(s) could not run" if problems else ""
        where = f"{len(failed_jobs)} job id(s)" + (f" and {len(lifecycle)} lifecycle subject(s)" if lifecycle else "")
        return Verdict("violations", f"rule(s) {', '.join(rules)} failed on {where}{also}")
    if stopped is not None:
        return Verdict("error", stopped)
    if problems:
        jobs = list(dict.fromkeys(f.job_id for f in problems if f.job_id is not None))
        where = f" job(s) {', '.join(jobs)}" if jobs else ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Verdict("error", f"could not check{where}: {problems[0].got}{more}")
    if pytest_status == _PYTEST_OK:
        return Verdict("passed", "no rule failed")
    if pytest_status == _PYTEST_FAILED:
        return Verdict("error", "tests failed without a recorded finding (see contract.xml)")
    return Verdict("error", f"the run did not complete (pytest exit status {pytest_status})")


def remove_reports(report_dir: Path) -> None:
    """A run never leaves the previous run's reports behind, whatever stops it (a symlink is removed, not
    followed)."""
    for name in REPORT_NAMES:
        (report_dir / name).unlink(missing_ok=True)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` whole, never through a link: into a new file of a fresh random name beside it
    (created exclusively, so a symlink planted there is not followed), then renamed over `path` (a rename replaces
    a symlink at `path` itself, never its target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags, 0o666)  # the umask applies, as for any report
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_report(
    path: Path,
    verdict: Verdict,
    meta: Mapping[str, Any],
    findings: Iterable[Finding],
    redactor: Redactor,
    advisory_counts: Iterable[tuple[Finding, int]] | None = None,
) -> None:
    """contract.json, written whole and scrubbed. Advisories are listed once each with how often they were seen
    (`advisory_counts`; by default each advisory finding counts once)."""
    all_findings = list(findings)
    violations = [f for f in all_findings if not f.advisory]
    counted = advisory_counts if advisory_counts is not None else [(f, 1) for f in all_findings if f.advisory]
    document = {
        "outcome": verdict.outcome,
        "reason": verdict.reason,
        **meta,
        "violations": [asdict(f) for f in violations],
        "advisories": [asdict(f) | {"seen": times} for f, times in counted],
        "failed_rules": sorted({f.rule for f in violations}),
    }
    # Each string scrubbed whole before it is escaped into JSON (a URL query inside a quoted curl body stays
    # well-formed JSON), then the text once more for secrets in any form.
    write_private(path, redactor.scrub_secrets(json.dumps(_scrubbed(document, redactor), indent=2)) + "\n")


def _scrubbed(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.scrub(value)
    if isinstance(value, dict):
        return {_scrubbed(k, redactor): _scrubbed(v, redactor) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, redactor) for item in value]
    return value


def _cell(text: str | None) -> str:
    """A table cell: gateway text as one code span (no Markdown, link, image or HTML inside it renders), with the
    pipes GitHub would read as cell borders escaped."""
    return code_span(text or "-", _MAX_CELL).replace("|", "\\|")


def step_summary(
    verdict: Verdict, target: str, findings: Iterable[Finding], redactor: Redactor, left_behind: Iterable[Any] = ()
) -> str:
    """Markdown for GitHub's job summary: the outcome, a table of violations, the curl lines to reproduce, and the
    jobs the run created and could not clean up (each `writes.LeftBehind`, with the curl that deletes it)."""
    icon = {"passed": "✅", "violations": "❌", "error": "⚠️"}[verdict.outcome]
    reason, where = markdown_text(verdict.reason, 2 * _MAX_CELL), markdown_text(target, _MAX_CELL)
    lines = [f"## Contract suite: {icon} {verdict.outcome}", "", f"{reason} ({where})", ""]
    distinct = first_of_each_pair(summarize(f for f in findings if not f.advisory))
    if distinct:
        lines += ["| rule | job id | JSON path | expected | got | seen |", "|---|---|---|---|---|---|"]
        for finding, times in distinct[:_MAX_ROWS]:
            job = finding.job_id if finding.operation is None else finding.where
            cells = (finding.rule, job, finding.path, finding.expected, finding.got)
            lines.append("| " + " | ".join(_cell(c) for c in cells) + f" | {times} |")
        if len(distinct) > _MAX_ROWS:
            lines.append(f"\n... and {len(distinct) - _MAX_ROWS} more distinct violations in contract.json")
        curls = list(dict.fromkeys(inline(f.curl, 4 * _MAX_CELL) for f, _ in distinct[:_MAX_ROWS] if f.curl))
        if curls:
            # A fenced block renders nothing inside it; its fence is longer than any run of backticks within.
            fence = "`" * max([3, *(len(run) + 1 for curl in curls for run in re.findall(r"`+", curl))])
            lines += ["", "Reproduce:", "", f"{fence}sh", *curls, fence]
    left = list(left_behind)
    if left:
        lines += ["", f"Jobs this run created and could not clean up ({len(left)}): delete them by hand.", ""]
        lines += ["| account | job id | state | reason |", "|---|---|---|---|"]
        lines += [
            "| " + " | ".join(_cell(c) for c in (job.account, job.job_id, job.state, job.reason)) + " |"
            for job in left[:_MAX_ROWS]
        ]
        fence = "`" * max([3, *(len(run) + 1 for job in left for run in re.findall(r"`+", job.curl))])
        lines += ["", f"{fence}sh", *(inline(job.curl, 4 * _MAX_CELL) for job in left[:_MAX_ROWS]), fence]
    return redactor.scrub("\n".join(lines)) + "\n"


def append_step_summary(markdown: str, env: Mapping[str, str] | None = None) -> str | None:
    """Append to $GITHUB_STEP_SUMMARY when set; a one-sentence problem (never raised) when it cannot."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY", "").strip()
    if not target:
        return None
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown)
    except OSError as exc:
        return f"cannot append to GITHUB_STEP_SUMMARY: {exc.strerror or type(exc).__name__}"
    return None
