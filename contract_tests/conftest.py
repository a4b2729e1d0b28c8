"""The pytest plugin of the contract suite: starts the target, parametrizes by job id, reports findings."""

from __future__ import annotations

import time
from pathlib import Path

import hypothesis
import pytest

from .report import Finding, format_finding, summarize
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
    try:
        settings = settings_from_env()
    except SettingsError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_STARTED] = time.perf_counter()
    try:
        start_run(settings)
    except PreflightError as exc:
        raise pytest.UsageError(str(exc)) from None


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
    masks.append(("name-dataset", ",".join(p for p in ("name", "dataset") if p in props)))
    money = [name for name, prop in props.items() if run.facts.spec.schema_name(prop) in run.facts.money_schema_names]
    if money:
        masks.append(("state-money", ",".join(["state", *money]) if "state" in props else ",".join(money)))
    nested = run.facts.property_schema(("jobProgress",))
    if nested and nested.get("properties"):
        masks.append(("nested", f"jobProgress.{next(iter(nested['properties']))}"))
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
    verdict = f"FAILED rules: {', '.join(rules)}" if rules else "no rule failed"
    write(
        f"{run.cases} exchanges checked in {elapsed:.1f} s; {len(violations)} distinct violations "
        f"({len(recorder.violations)} in all), {len(advisories)} distinct advisories; {verdict}"
    )
    report = run.settings.report_dir / "contract.json"
    recorder.write_json(
        report,
        {
            "spec_version": run.facts.version,
            "target": "live" if run.target.live else "mock",
            "fault": run.settings.mock_fault,
            "job_ids": list(run.target.job_ids),
            "exchanges": run.cases,
            "generated_cases": run.generated_cases,
            "seed": run.settings.seed,
        },
    )
    write(f"reports: {run.settings.report_dir / 'contract.xml'}, {report}")


def _shown(violations: list[tuple[Finding, int]]) -> list[tuple[Finding, int]]:
    """Which distinct violations to print: every (rule, job) pair once first, so none hides behind another."""
    pairs: set[tuple[str, str | None]] = set()
    first: list[tuple[Finding, int]] = []
    rest: list[tuple[Finding, int]] = []
    for entry in violations:
        pair = (entry[0].rule, entry[0].job_id)
        (rest if pair in pairs else first).append(entry)
        pairs.add(pair)
    first = first[:_MAX_FIRST_SHOWN]
    return first + rest[: max(0, _MAX_VIOLATIONS_SHOWN - len(first))]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Cheap, per-job checks first: their failures are the easiest to read.
    items.sort(key=lambda item: "generated_cases" in item.nodeid)
