"""Calls that mypy must refuse, checked by `make lint` (this one file of tests/ is in mypy's `files`): under
`--strict` an unused `type: ignore` is itself an error, so each ignore below fails the lint the day its call
is accepted. Never run; pytest does not collect it (its name does not start with test_)."""

from __future__ import annotations

from gateway_mock.server import running_mock, serving_in_thread


def _misspelt_option() -> None:
    with running_mock(fualt="stale-state"):  # type: ignore[call-arg]
        pass


def _mistyped_option() -> None:
    with serving_in_thread(clock_speed="fast"):  # type: ignore[arg-type]
        pass
