"""The pytest plugin of the contract suite: starts the target, parametrizes by job id, reports findings.

Nothing is built at import: the run (target, spec facts, sender, findings) is started in `pytest_configure` and
kept in the session's `SuiteState` (`config.stash[STATE]`), which `python -m contract_tests` hands to pytest; the
`run` fixture gives it to the tests.
"""

from __future__ import annotations

import gc
import time
from dataclasses import asdict
from pathlib import Path

import hypothesis
import pytest

from .outcome import RUN_PROBLEM, Verdict, append_step_summary, judge, step_summary, write_private, write_report
from .report import Finding, first_of_each_pair, format_finding, printable, summarize
from .run import STATE, ContractRun, PreflightError, SuiteState, start_run
from .settings import SettingsError, settings_from_env

_MAX_ADVISORIES_SHOWN = 20
_MAX_VIOLATIONS_SHOWN = 60  # a badly broken server would otherwise print thousands of lines
_MAX_FIRST_SHOWN = 200  # the first violation of each (rule, job) pair is shown even past the cap above


def _state(config: pytest.Config) -> SuiteState:
    state = config.stash.get(STATE, None)
    if state is None:  # a plain `pytest contract_tests`: no entry point handed one over
        state = config.stash[STATE] = SuiteState()
    return state


def pytest_configure(config: pytest.Config) -> None:
    # Pinned hypothesis settings, whatever HYPOTHESIS_PROFILE the caller has: no example database (each run is
    # reproduced from CONTRACT_SEED alone) and no per-case deadline (a live gateway's latency is not a finding).
    hypothesis.settings.register_profile("contract", database=None, deadline=None, print_blob=False)
    hypothesis.settings.load_profile("contract")
    state = _state(config)
    try:
        state.settings = settings_from_env()
    except SettingsError as exc:
        state.verdict = Verdict("error", str(exc))
        raise pytest.UsageError(str(exc)) from None
    try:
        state.run = start_run(state.settings, started=time.monotonic())
    except PreflightError as exc:
        state.verdict = Verdict("error", str(exc))
        raise pytest.UsageError(printable(exc)) from None
    except (LookupError, ValueError, OSError) as exc:  # e.g. a vendored spec the suite cannot read
        reason = f"cannot start the run: {type(exc).__name__}: {str(exc)[:200]}"
        state.verdict = Verdict("error", reason)
        raise pytest.UsageError(printable(reason)) from None
    state.redactor = state.run.recorder.redactor


def pytest_unconfigure(config: pytest.Config) -> None:
    state = _state(config)
    run, state.run = state.run, None
    if run is None:
        return
    run.close()
    junit = getattr(config.option, "xmlpath", None)
    if junit and not state.stages_junit:
        # schemathesis quotes response bodies in its failure text, which pytest writes into the JUnit report:
        # scrub the written file like every other output (secrets seen in bodies, URL query strings). Under the
        # entry point, pytest writes it to a private place and the entry point scrubs and places it.
        path = Path(junit)
        if path.is_file():
            write_private(path, run.recorder.redactor.scrub(path.read_text("utf-8")))


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


def _run_of(config: pytest.Config) -> ContractRun:
    run = _state(config).run
    if run is None:
        raise RuntimeError("no contract run: run the suite through `python -m contract_tests` or pytest")
    return run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    run = _run_of(metafunc.config)
    if "job_id" in metafunc.fixturenames:
        metafunc.parametrize("job_id", run.target.job_ids, ids=list(run.target.job_ids))
    if "probe_job_id" in metafunc.fixturenames:
        # Probes of one existing job still carry its id in the test name (JUnit readers filter by it).
        metafunc.parametrize("probe_job_id", run.target.job_ids[:1], ids=list(run.target.job_ids[:1]))
    if "account" in metafunc.fixturenames:
        metafunc.parametrize("account", run.target.accounts, ids=list(run.target.accounts))
    if "read_mask" in metafunc.fixturenames:
        masks = read_masks(run)
        metafunc.parametrize("read_mask", [m for _, m in masks], ids=[f"mask={label}" for label, _ in masks])


@pytest.fixture(scope="session")
def run(pytestconfig: pytest.Config) -> ContractRun:
    return _run_of(pytestconfig)


@pytest.fixture
def test_name(request: pytest.FixtureRequest) -> str:
    return str(request.node.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Before the summary and the reports: the jobs this run created are cancelled and deleted (also after a
    # failure or Ctrl-C, which pytest turns into a session finish), so the reports can list what is left.
    run = _state(session.config).run
    if run is None:
        return
    for left in run.ledger.cleanup():
        run.recorder.record_problem(
            RUN_PROBLEM, left.job_id, f"left behind in account {left.account} ({left.state}): {left.reason}"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    state = _state(config)
    run = state.run
    if run is None:
        return
    recorder = run.recorder
    write = terminalreporter.write_line
    terminalreporter.section("contract")
    target = "live gateway " + run.target.base_url if run.target.live else "embedded mock"
    fault = f" with fault {run.settings.mock_fault!r}" if run.settings.mock_fault else ""
    write(printable(f"target: {target}{fault}; spec {run.facts.version}; {len(run.target.job_ids)} job id(s)"))
    violations, advisories = summarize(recorder.violations), recorder.advisory_counts()
    shown = _shown(violations)
    for finding, times in shown:
        write(format_finding(finding, times))
    if len(violations) > len(shown):
        write(f"... and {len(violations) - len(shown)} more distinct violations (contract.json)")
    for finding, times in advisories[:_MAX_ADVISORIES_SHOWN]:
        write(format_finding(finding, times))
    if len(advisories) > _MAX_ADVISORIES_SHOWN:
        write(f"... and {len(advisories) - _MAX_ADVISORIES_SHOWN} more distinct advisories (contract.json)")
    if recorder.omitted:
        write(f"... and {recorder.omitted} more findings only counted (too many to keep)")
    left_behind = run.ledger.left_behind
    if left_behind:
        write(f"jobs this run created and could not clean up ({len(left_behind)}); delete them by hand:")
        for left in left_behind:
            write(printable(f"  {left.account}/{left.job_id} ({left.state}): {left.reason}"))
            write(printable(f"    {left.curl}"))
    rules = sorted({f.rule for f in recorder.violations})
    elapsed = time.perf_counter() - state.started
    failed = f"FAILED rules: {', '.join(rules)}" if rules else "no rule failed"
    write(
        f"{run.cases} exchanges checked in {elapsed:.1f} s; {len(violations)} distinct violations "
        f"({len(recorder.violations)} in all), {len(advisories)} distinct advisories; {failed}"
    )
    verdict = judge(recorder.violations, exitstatus, run.budget_exceeded or run.stop_requested)
    state.verdict = verdict
    write(printable(f"outcome: {verdict.outcome} ({verdict.reason})"))
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
            "omitted_findings": recorder.omitted,
            "accounts": list(run.target.accounts),
            "writes": run.settings.writes,
            "jobs_created": [f"{account}/{job_id}" for account, job_id in run.ledger.jobs],
            "left_behind": [asdict(left) for left in left_behind],
        },
        recorder.all_findings(),
        recorder.redactor,
        advisories,
    )
    write(printable(f"reports: {run.settings.report_dir / 'contract.xml'}, {report}"))
    summary = step_summary(verdict, target + fault, recorder.findings, recorder.redactor, left_behind)
    problem = append_step_summary(summary)
    if problem:
        write(printable(f"warning: {problem}"))


def _shown(violations: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """Which distinct violations to print: every (rule, job) pair once first, so none hides behind another."""
    ordered = first_of_each_pair(violations)
    pairs = len({(f.rule, f.where) for f, _ in violations})
    return ordered[: max(min(pairs, _MAX_FIRST_SHOWN), _MAX_VIOLATIONS_SHOWN)]


def pytest_collectstart(collector: pytest.Collector) -> None:
    # The generated cases need the run's schema: built now, at collection, from the run (see that module).
    if isinstance(collector, pytest.Module) and collector.path.name == "test_generated_cases.py":
        module = collector.obj
        module.test_generated_cases = module.collect(_run_of(collector.config))


def pytest_collection_finish(session: pytest.Session) -> None:
    # What exists now (the imported libraries, the spec and its facts, the schema, the collected tests) lives as long
    # as the run: frozen, it is left out of every later garbage collection, whose full passes would otherwise walk
    # it again each time (about a tenth of a short run's CPU).
    gc.freeze()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Cheap, per-job checks first: their failures are the easiest to read. The stateful phase last: it leaves
    # jobs it created in the account.
    items.sort(key=lambda item: ("test_stateful.py" in item.nodeid, "generated_cases" in item.nodeid))
