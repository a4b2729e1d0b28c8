"""The pytest plugin of the contract suite: starts the target, parametrizes by job id, reports findings."""

from __future__ import annotations

import time
from pathlib import Path

import hypothesis
import pytest

from .outcome import Verdict, append_step_summary, judge, record_verdict, step_summary, write_report
from .report import Finding, first_of_each_pair, format_finding, summarize
from .run import ContractRun, PreflightError, current_run, start_run, stop_run
from .settings import SettingsError, settings_from_env

# Pinned hypothesis defaults, whatever HYPOTHESIS_PROFILE the caller has: no example database (each run is
# reproduced from CONTRACT_SEED alone) and no per-case deadline (a live gateway's latency is not a finding).
hypothesis.settings.register_profile("contract", database=None, deadline=None, print_blob=False)
hypothesis.settings.load_profile("contract")

_STARTED = pytest.StashKey[float]()
_MAX_ADVISORIES_SHOWN = 20
_MAX_VIOLATIONS_SHOWN = 60  # a badly broken server would otherwise print thousands of lines
_MAX_FIRST_SHOWN = 200  # the first violation of each (rule, job) pair is shown even past the cap above


def pytest_configure(config: pytest.Config) -> None:
    started = time.perf_counter()
    try:
        settings = settings_from_env()
    except SettingsError as exc:
        record_verdict(Verdict("error", str(exc)))
        raise pytest.UsageError(str(exc)) from None
    config.stash[_STARTED] = started
    try:
        start_run(settings, started=time.monotonic())
    except PreflightError as exc:
        record_verdict(Verdict("error", str(exc)))
        raise pytest.UsageError(str(exc)) from None
    except (LookupError, ValueError, OSError) as exc:  # e.g. a vendored spec the suite cannot read
        reason = f"cannot start the run: {type(exc).__name__}: {str(exc)[:200]}"
        record_verdict(Verdict("error", reason))
        raise pytest.UsageError(reason) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    run = stop_run()
    junit = config.option.xmlpath if hasattr(config.option, "xmlpath") else None
    if run is not None and junit:
        # schemathesis quotes response bodies in its failure text, which pytest writes into the JUnit report:
        # scrub the written file like every other output (secrets seen in bodies, URL query strings).
        path = Path(junit)
        if path.exists():
            path.write_text(run.recorder.redactor.scrub(path.read_text("utf-8")), "utf-8")


def read_masks(run: ContractRun) -> list[tuple[str, str | None]]:
    """Masks each job is read with: all fields three ways, top-level fields, Money, one nested field."""
    props = run.facts.job_properties
    masks: list[tuple[str, str | None]] = [("no-mask", None), ("star", "*"), ("empty", "")]
    masks.append(("name-dataset", ",".join(p for p in ("name", *run.facts.required) if p in props)))
    money = [name for name, prop in props.items() if run.facts.spec.schema_name(prop) in run.facts.money_schema_names]
    if money:
        masks.append(("state-money", ",".join(["state", *money]) if "state" in props else ",".join(money)))
    # One nested leaf: the progress percent when the spec has one (`jobProgress.percent` today), else the first
    # sub-field of the first message property.
    nested = next((path for path in run.facts.percent_paths if len(path) == 2), None)
    for name, prop in props.items() if nested is None else ():
        sub_fields = run.facts.resolve(prop).get("properties") or {}
        if sub_fields and run.facts.spec.schema_name(prop) not in run.facts.money_schema_names:
            nested = (name, next(iter(sub_fields)))
            break
    if nested:
        masks.append(("nested", ".".join(nested)))
    return masks


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    run = current_run()
    if "job_id" in metafunc.fixturenames:
        metafunc.parametrize("job_id", run.target.job_ids, ids=list(run.target.job_ids))
    if "probe_job_id" in metafunc.fixturenames:
        # Probes of one existing job still carry its id in the test name (JUnit readers filter by it).
        metafunc.parametrize("probe_job_id", run.target.job_ids[:1], ids=list(run.target.job_ids[:1]))
    if "read_mask" in metafunc.fixturenames:
        masks = read_masks(run)
        metafunc.parametrize("read_mask", [m for _, m in masks], ids=[f"mask={label}" for label, _ in masks])


@pytest.fixture(scope="session")
def run() -> ContractRun:
    return current_run()


@pytest.fixture
def test_name(request: pytest.FixtureRequest) -> str:
    return str(request.node.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    try:
        run = current_run()
    except RuntimeError:
        return
    recorder = run.recorder
    write = terminalreporter.write_line
    terminalreporter.section("contract")
    target = "live gateway " + run.target.base_url if run.target.live else "embedded mock"
    fault = f" with fault {run.settings.mock_fault!r}" if run.settings.mock_fault else ""
    write(f"target: {target}{fault}; spec {run.facts.version}; {len(run.target.job_ids)} job id(s)")
    violations, advisories = summarize(recorder.violations), summarize(recorder.advisories)
    shown = _shown(violations)
    for finding, times in shown:
        write(format_finding(finding, times))
    if len(violations) > len(shown):
        write(f"... and {len(violations) - len(shown)} more distinct violations (contract.json)")
    for finding, times in advisories[:_MAX_ADVISORIES_SHOWN]:
        write(format_finding(finding, times))
    if len(advisories) > _MAX_ADVISORIES_SHOWN:
        write(f"... and {len(advisories) - _MAX_ADVISORIES_SHOWN} more distinct advisories (contract.json)")
    rules = sorted({f.rule for f in recorder.violations})
    elapsed = time.perf_counter() - config.stash.get(_STARTED, time.perf_counter())
    failed = f"FAILED rules: {', '.join(rules)}" if rules else "no rule failed"
    write(
        f"{run.cases} exchanges checked in {elapsed:.1f} s; {len(violations)} distinct violations "
        f"({len(recorder.violations)} in all), {len(advisories)} distinct advisories; {failed}"
    )
    verdict = judge(recorder.violations, exitstatus, run.budget_exceeded)
    record_verdict(verdict)
    write(f"outcome: {verdict.outcome} ({verdict.reason})")
    report = run.settings.report_dir / "contract.json"
    write_report(
        report,
        verdict,
        {
            "spec_version": run.facts.version,
            "target": "live" if run.target.live else "mock",
            "fault": run.settings.mock_fault,
            "job_ids": list(run.target.job_ids),
            "exchanges": run.cases,
            "generated_cases": run.generated_cases,
            "seed": run.settings.seed,
            "marshal": None if run.target.live else run.settings.marshal,
        },
        recorder.findings,
        recorder.redactor,
    )
    write(f"reports: {run.settings.report_dir / 'contract.xml'}, {report}")
    problem = append_step_summary(step_summary(verdict, target + fault, recorder.findings, recorder.redactor))
    if problem:
        write(f"warning: {problem}")


def _shown(violations: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """Which distinct violations to print: every (rule, job) pair once first, so none hides behind another."""
    ordered = first_of_each_pair(violations)
    pairs = len({(f.rule, f.job_id) for f, _ in violations})
    return ordered[: max(min(pairs, _MAX_FIRST_SHOWN), _MAX_VIOLATIONS_SHOWN)]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Cheap, per-job checks first: their failures are the easiest to read.
    items.sort(key=lambda item: "generated_cases" in item.nodeid)
