"""Absorb a new spec version in one step: validate, report, vendor, regenerate, verify — or change nothing.

The input is a whole spec, or the per-operation docs pages of one version (files or a folder), which are kept
verbatim in `openapi/pages/` beside the spec assembled from them (`spec_tools.sources`).

Everything under `openapi/` and `generated/` (and `CHANGELOG.md`) is saved before the first write and put back
exactly on any failure, including Ctrl-C, so the tree is either the old coherent state or the new one.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .codegen import GenerationError, generate
from .diff import Change, Severity, count_by_severity, diff_specs, summary_line, touched, write_reports
from .provenance import build_provenance, sha256_text, write_provenance
from .safe_text import code_span, inline, markdown_text
from .selection import SelectionError, load_selection
from .sources import page_file_name
from .spec import Spec, parse_spec_text
from .validate import Candidate, SpecInputError, load_candidate
from .versions import compare_versions

__all__ = [
    "CHANGELOG_HEADER",
    "DEFAULT_VERIFY",
    "VERIFY_TIMEOUT",
    "BumpFailed",
    "BumpRefused",
    "BumpResult",
    "Project",
    "bump",
    "compare_versions",
]

DEFAULT_VERIFY = "make test"
CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "Spec bumps and what they changed for a client reading responses (`make bump SPEC=...` writes these entries).\n"
)
_TAIL_LINES = 40
_MAX_LINE = 2000  # bytes kept of one output line (a longer one continues as further lines)
# `make test` takes about a minute; a hung verification must not hold the tree (and the terminal) forever.
VERIFY_TIMEOUT = 900.0
_MINOR = Severity.NON_BREAKING  # listed in one line in the changelog; the others one per line


class BumpRefused(RuntimeError):
    """The candidate is valid but not a forward step (same version, different content; or older); FORCE=1 overrides."""


class BumpFailed(RuntimeError):
    """Generation or verification failed; the tree was restored. The message carries the output's tail."""


@dataclass(frozen=True)
class Project:
    """Where a bump reads and writes, relative to one root (the repo, or a temp copy in tests)."""

    root: Path

    @property
    def spec(self) -> Path:
        return self.root / paths.SPEC_PATH.relative_to(paths.REPO_ROOT)

    @property
    def provenance(self) -> Path:
        return self.root / paths.PROVENANCE_PATH.relative_to(paths.REPO_ROOT)

    @property
    def generator_config(self) -> Path:
        return self.root / paths.GENERATOR_CONFIG.relative_to(paths.REPO_ROOT)

    @property
    def templates(self) -> Path:
        return self.root / paths.TEMPLATES_DIR.relative_to(paths.REPO_ROOT)

    @property
    def openapi_dir(self) -> Path:
        return self.root / paths.OPENAPI_DIR.relative_to(paths.REPO_ROOT)

    @property
    def selection(self) -> Path:
        return self.root / paths.SELECTION_PATH.relative_to(paths.REPO_ROOT)

    @property
    def pages(self) -> Path:
        return self.root / paths.PAGES_DIR.relative_to(paths.REPO_ROOT)

    @property
    def generated(self) -> Path:
        return self.root / paths.GENERATED_DIR.relative_to(paths.REPO_ROOT)

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


@dataclass(frozen=True)
class BumpResult:
    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    bumped: bool  # False: the candidate is byte-identical to the vendored spec


def bump(
    source: Path | Sequence[Path],
    project: Project | None = None,
    *,
    force: bool = False,
    verify: str = DEFAULT_VERIFY,
    verify_timeout: float = VERIFY_TIMEOUT,
    today: datetime.date | None = None,
    echo: Callable[[str], None] = print,
) -> BumpResult:
    """Vendor `source` (a spec, a docs page, or several pages: files or folders) into `project`, regenerate and
    verify; raise SpecInputError, BumpRefused or BumpFailed."""
    project = project or Project(paths.REPO_ROOT)
    started = time.perf_counter()
    sources = [source] if isinstance(source, Path) else list(source)
    echo(f"[1/6] validate {', '.join(inline(path, 100) for path in sources[:3])}{' …' if len(sources) > 3 else ''}")
    selection = _selection(project)
    candidate = load_candidate(sources, selection)
    current_text, current = _read_vendored(project, selection)
    old_version, new_version = current.version, candidate.spec.version
    shape = f"assembled from {inline(candidate.label)}" if candidate.assembled else "one document"
    echo(f"      {new_version}: valid OpenAPI 3.1, {shape}, with the {len(selection)} selected operations")
    for warning in candidate.warnings:
        echo(f"      warning (outside the selected operations, not refused): {warning}")

    echo(f"[2/6] compare with the vendored {old_version}")
    if candidate.text == current_text:  # the pages around it (prose, examples) are no reason to regenerate
        echo(f"      already at {old_version}: the candidate is byte-identical; nothing to do")
        return BumpResult(old_version, new_version, (), bumped=False)
    _check_direction(old_version, new_version, force, echo)

    changes = diff_specs(current, candidate.spec)
    json_report, md_report = write_reports(changes, project.reports, old_version, new_version)
    echo(f"[3/6] change report: {summary_line(changes)} -> {_rel(json_report, project)}, {_rel(md_report, project)}")
    for change in changes:
        if change.severity is not Severity.NON_BREAKING:
            echo(
                f"      {change.severity.value:<11} {inline(change.location)}: {change.change} [{touched(change, 100)}]"
            )

    with _all_or_nothing([project.openapi_dir, project.generated, project.changelog]):
        pages = _pages_of(candidate)
        kept = f" and its {len(pages)} pages in {_rel(project.pages, project)}/" if pages else ""
        echo(f"[4/6] vendor {_rel(project.spec, project)}{kept} verbatim and record the provenance")
        project.spec.write_bytes(candidate.text.encode("utf-8"))
        _write_pages(project.pages, pages)
        record = build_provenance(candidate.text, candidate.document, source=candidate.label, pages=pages)
        write_provenance(record, project.provenance)
        _regenerate(project, echo)
        verify_seconds = _verify(verify, project, echo, verify_timeout)
        _add_changelog_entry(project.changelog, _changelog_entry(candidate, old_version, changes, force, today))
    total = time.perf_counter() - started
    echo(f"done in {total:.1f} s ({total - verify_seconds:.1f} s for the bump's own steps, the rest verification)")
    echo(f"{old_version} -> {new_version}. Commit openapi/, generated/ and CHANGELOG.md together, e.g.")
    # Quoted even though the version grammar admits no quote: this is a line people paste into a shell.
    echo(f"      git commit -m {shlex.quote(f'Bump spec to {new_version}: {summary_line(changes)}')}")
    return BumpResult(old_version, new_version, tuple(changes), bumped=True)


def _selection(project: Project) -> tuple[str, ...]:
    try:
        return load_selection(project.selection)
    except SelectionError as exc:
        raise SpecInputError(f"the project's operation list cannot be read: {exc}") from None


def _read_vendored(project: Project, selection: tuple[str, ...]) -> tuple[str, Spec]:
    try:
        text = project.spec.read_bytes().decode("utf-8")
        return text, Spec(parse_spec_text(text), selection)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SpecInputError(f"the vendored spec {project.spec} cannot be read: {exc}") from None


def _pages_of(candidate: Candidate) -> list[tuple[str, bytes]]:
    """(name kept under, bytes) of each page to keep beside the spec."""
    return [(page_file_name(page.path), page.raw) for page in candidate.pages]


def _write_pages(directory: Path, pages: list[tuple[str, bytes]]) -> None:
    """openapi/pages/ holds exactly the pages of this spec (none, and no folder, for a whole spec)."""
    if directory.is_dir() and not directory.is_symlink():
        shutil.rmtree(directory)
    elif directory.exists() or directory.is_symlink():
        directory.unlink()
    if not pages:
        return
    directory.mkdir()
    for name, data in pages:
        (directory / name).write_bytes(data)


def _check_direction(old: str, new: str, force: bool, echo: Callable[[str], None]) -> None:
    order = compare_versions(old, new)
    if order == 1:
        echo(f"      upgrade {old} -> {new}")
        return
    problem = {
        0: f"the candidate says version {new}, like the vendored spec, but its content differs "
        "(a republished spec, or an edit that forgot the version)",
        -1: f"the candidate's version {new} is older than the vendored {old}",
        None: f"cannot order versions {inline(old, 40)!r} and {inline(new, 40)!r} (expected dotted numbers)",
    }[order]
    if not force:
        raise BumpRefused(f"refused: {problem}. Run again with FORCE=1 to vendor it anyway.")
    echo(f"      FORCE=1: {problem}; going ahead")


@contextlib.contextmanager
def _all_or_nothing(targets: list[Path]) -> Iterator[None]:
    """Save `targets` (dirs or files); on any exception, Ctrl-C included, put back exactly what was there."""
    with tempfile.TemporaryDirectory(prefix="spec-bump-") as tmp:
        saved: list[tuple[Path, Path | None]] = []
        for index, target in enumerate(targets):
            copy = Path(tmp) / str(index)
            if target.is_dir():
                shutil.copytree(target, copy, symlinks=True)
            elif target.exists():
                shutil.copy2(target, copy)
            saved.append((target, copy if target.exists() else None))
        try:
            yield
        except BaseException:
            with _sigint_ignored():  # a second Ctrl-C must not leave a half-restored tree
                for target, saved_copy in saved:
                    _restore(target, saved_copy)
            raise


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _restore(target: Path, copy: Path | None) -> None:
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    if copy is None:
        return
    if copy.is_dir():
        shutil.copytree(copy, target, symlinks=True)
    else:
        shutil.copy2(copy, target)


def _regenerate(project: Project, echo: Callable[[str], None]) -> None:
    echo(f"[5/6] regenerate {_rel(project.generated, project)}/")
    started = time.perf_counter()
    try:
        generate(project.spec, project.generator_config, project.templates, project.generated)
    except GenerationError as exc:
        raise BumpFailed(f"regeneration failed; openapi/ and generated/ restored.\n{_tail(str(exc))}") from None
    echo(f"      generated in {time.perf_counter() - started:.1f} s")


def _verify(command: str, project: Project, echo: Callable[[str], None], timeout: float) -> float:
    echo(f"[6/6] verify: {inline(command)} (its output is shown if it fails)")
    started = time.perf_counter()
    output: deque[str] = deque(maxlen=_TAIL_LINES)
    timed_out = threading.Event()
    # A shell runs the command so BUMP_VERIFY can be a pipeline; it gets its own process group so that a timeout or
    # Ctrl-C stops all it started (make, pytest, servers). Only a bounded tail is kept, for the failure message.
    with subprocess.Popen(
        command, shell=True, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    ) as process:
        assert process.stdout is not None
        timer = threading.Timer(timeout, _stop, args=(process, timed_out))
        timer.start()
        try:
            while line := process.stdout.readline(_MAX_LINE):
                output.append(line.decode("utf-8", "replace").rstrip("\r\n"))
        finally:
            timer.cancel()
            if process.poll() is None:  # interrupted while reading: do not leave the command running
                _kill_group(process)
            process.wait()
    if timed_out.is_set():
        raise BumpFailed(
            f"verification `{inline(command)}` timed out after {timeout:g} s and was stopped; "
            "openapi/ and generated/ restored. Last lines of its output:\n" + "\n".join(output)
        )
    if process.returncode != 0:
        raise BumpFailed(
            f"verification `{inline(command)}` failed (exit {process.returncode}); openapi/ and generated/ restored. "
            f"Last lines of its output:\n" + "\n".join(output)
        )
    elapsed = time.perf_counter() - started
    echo(f"      passed in {elapsed:.1f} s")
    return elapsed


def _stop(process: subprocess.Popen[bytes], timed_out: threading.Event) -> None:
    timed_out.set()
    _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _changelog_entry(
    candidate: Candidate, old_version: str, changes: list[Change], force: bool, today: datetime.date | None
) -> str:
    new_version = candidate.spec.version
    date = (today or datetime.date.today()).isoformat()
    counts = count_by_severity(changes)
    forced = " (forced)" if force and compare_versions(old_version, new_version) != 1 else ""
    lines = [
        f"## Spec {new_version} — {date}",
        "",
        f"Vendored {new_version}{forced} from {code_span(candidate.label, 100)} "
        f"(sha256 {sha256_text(candidate.text)[:12]}), "
        f"replacing {markdown_text(old_version, 64)}: {', '.join(f'{counts[s]} {s.value}' for s in Severity)}.",
        "",
    ]
    # Spec text stays one line of literal text: no name or value can start a heading, a link or an image.
    lines += [
        f"- **{c.severity.value}** {code_span(c.location)} — {markdown_text(c.detail)} "
        f"(touches {markdown_text(touched(c, 300))})"
        for c in changes
        if c.severity is not _MINOR
    ]
    minor = [f"{code_span(c.location)} ({c.change})" for c in changes if c.severity is _MINOR]
    if minor:
        lines.append(f"- non-breaking: {', '.join(minor)}")
    return "\n".join(lines) + "\n"


def _add_changelog_entry(changelog: Path, entry: str) -> None:
    """Insert `entry` above the newest entry (the first `## ` heading), keeping the header on top."""
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else CHANGELOG_HEADER
    heading = re.search(r"^## ", text, re.M)
    at = heading.start() if heading else len(text)
    head = text[:at].rstrip("\n") + "\n\n"
    rest = text[at:]
    changelog.write_text(head + entry + ("\n" + rest if rest else ""), encoding="utf-8")


def _tail(text: str) -> str:
    return "\n".join(text.splitlines()[-_TAIL_LINES:])


def _rel(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)
