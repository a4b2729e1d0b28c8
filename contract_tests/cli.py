"""`python -m contract_tests`: run the suite, against the embedded mock or a live gateway (CONTRACT_BASE_URL).

Exit 0: no rule failed. 1: violations. 2: the target could not be checked (settings, unreachable target,
refused key, unknown job, answers that could not be read, run budget exceeded). Every run removes the previous
reports first and writes `contract.json` with its `outcome` and `reason`, setup errors included.
Extra arguments go to pytest (e.g. `-k money`).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import NoReturn

import pytest

from gateway_protocol.redaction import UnusableKeyError, clean_key

from .outcome import Verdict, append_step_summary, remove_reports, step_summary, write_private, write_report
from .report import Redactor, printable
from .run import SuiteState
from .settings import SettingsError, report_dir_from_env, settings_from_env

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]


def _fail(report_dir: Path | None, reason: str, secrets: list[str]) -> int:
    """A run that could not start: one sentence, and contract.json saying so."""
    redactor = Redactor(secrets)
    print(f"error: {printable(redactor.scrub_secrets(reason))}", file=sys.stderr)
    verdict = Verdict("error", reason)
    if report_dir is not None:
        report = report_dir / "contract.json"
        try:
            write_report(report, verdict, {}, [], redactor)
            print(f"report: {report}", file=sys.stderr)
        except OSError as exc:
            print(f"error: cannot write {report}: {exc.strerror or type(exc).__name__}", file=sys.stderr)
    problem = append_step_summary(step_summary(verdict, "not started", [], redactor))
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    return verdict.exit_code


def _keys() -> list[str]:
    """The keys of the environment, as the settings will read them (and as given, in case they cannot be)."""
    keys = []
    for name in ("FIREWORKS_API_KEY", "MOCK_API_KEY"):
        raw = os.environ.get(name, "")
        keys.append(raw)
        try:
            keys.append(clean_key(raw, name))
        except UnusableKeyError:
            keys.extend(raw.split())
    return keys


def run_as_process(argv: list[str]) -> NoReturn:
    """The entry points' body (`python -m contract_tests`, scripts/contract.py): `main`, its code as the exit status.

    The libraries imported by now live as long as the process: frozen, no garbage collection walks them again (with
    the run's own freeze after collection, a short run spends 0.15 s in collections instead of 0.4 s)."""
    gc.freeze()
    sys.exit(main(argv))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    secrets = _keys()
    report_dir = report_dir_from_env()
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        remove_reports(report_dir)
    except OSError as exc:
        return _fail(None, f"cannot use CONTRACT_REPORT_DIR {report_dir}: {exc.strerror or exc}", secrets)
    try:
        settings = settings_from_env()
    except SettingsError as exc:
        return _fail(report_dir, str(exc), secrets)
    # Resolved once: pytest runs from the suite's root (schemathesis reads its config from the working
    # directory), and the plugin reads the same directory back from the environment.
    os.environ["CONTRACT_REPORT_DIR"] = str(settings.report_dir)
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="contract-junit-") as private:
        state = SuiteState(stages_junit=True)
        # Ctrl-C and SIGTERM ask the run to stop at its next request or pause (pytest then unwinds, the run's
        # jobs are cleaned up and reported); a second one stops it at once.
        stop = _Stopper(state)
        previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
        # hypothesis keeps its caches (Unicode tables: a second of CPU to rebuild) in `.hypothesis/` of the working
        # directory, which is this checkout: they go to the environment's own folder instead, unless named.
        named = "HYPOTHESIS_STORAGE_DIRECTORY" in os.environ
        if not named:
            os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(_hypothesis_storage(Path(private)))
        try:
            code = _pytest(argv, Path(private) / "contract.xml", state)
        except KeyboardInterrupt:  # a second signal, past pytest's own handling: the verdict, if any, stands
            code = 2
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            if not named:
                os.environ.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
        _place_junit(Path(private) / "contract.xml", settings.report_dir / "contract.xml", state.redactor)
    verdict = state.verdict
    if verdict is None:
        return _fail(settings.report_dir, f"the suite did not run (pytest exit status {int(code)})", secrets)
    if not (settings.report_dir / "contract.json").exists():
        return _fail(settings.report_dir, verdict.reason, secrets)  # stopped before the plugin could report
    return verdict.exit_code


def _hypothesis_storage(private: Path) -> Path:
    """Where hypothesis may keep its caches: inside the virtualenv running the suite (removed with it, and the
    Makefile's choice for the tests too), else the user's cache folder; a run's own temporary folder when neither
    can be written. Never the working tree."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates = [Path(sys.prefix) / ".hypothesis"] if sys.prefix != sys.base_prefix else []
    candidates.append(Path(home) / "fireworks-gateway-contract" / "hypothesis")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return private / "hypothesis"


class _Stopper:
    """The first signal asks the run to stop (`ContractRun.stop_requested`); the second, or one outside a run,
    interrupts at once."""

    def __init__(self, state: SuiteState) -> None:
        self._state = state

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        run = self._state.run
        if run is None or run.stop_requested is not None:
            raise KeyboardInterrupt
        run.stop_requested = f"stopped by {signal.Signals(signum).name}"


def _place_junit(written: Path, target: Path, redactor: Redactor) -> None:
    """The JUnit report pytest wrote privately, scrubbed (schemathesis quotes bodies in failure text), put in
    place without following a link planted there during the run."""
    if written.is_file():
        write_private(target, redactor.scrub(written.read_text("utf-8")))


def _pytest(argv: list[str], junit: Path, state: SuiteState) -> int:
    args = [
        str(ROOT / "contract_tests"),
        f"--junitxml={junit}",
        "-o", "junit_suite_name=contract",
        "-o", "junit_family=xunit2",
        "-p", "no:cacheprovider",
        "-p", "no:xdist",  # one process: the run's state (target, findings) lives in it
        "--tb=no",  # the contract section prints each finding once, with its curl
        "--assert=plain",  # nothing here asserts bare; rewriting the plugins' modules costs seconds per run
        "-q",
        "-rN",  # the contract section lists each failure; the per-test list would repeat it
        *argv,
    ]  # fmt: skip
    return int(pytest.main(args, plugins=[state]))
