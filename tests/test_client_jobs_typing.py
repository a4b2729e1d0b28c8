"""Types tell the truth: mypy --strict on code using the facade flags exactly the lines that would fail at run time.

A masked read returns the partial model: `job.dataset.upper()` is an error there (the field may be UNSET), and the
`is UNSET` guard and an isinstance narrowing are accepted; the unmasked read keeps `dataset: str`. Empty answers
are typed None (mypy refuses to use their value). Slow tier: mypy checks the generated package (a few s).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from spec_tools.paths import REPO_ROOT
from spec_tools.spec import load_spec
from tests.client_spec_bodies import attribute_of

pytestmark = pytest.mark.slow

REQUIRED = attribute_of(load_spec().job_schema()["required"][0])

# Lines marked `# error` must be flagged, and no other.
SNIPPET = textwrap.dedent(
    f"""
    import asyncio

    from fireworks_gateway import AuthenticatedClient
    from fireworks_gateway.types import UNSET, Unset

    client = AuthenticatedClient.from_env()
    partial = client.jobs.get("x", read_mask=["name"])
    partial.{REQUIRED}.upper()  # error
    if partial.{REQUIRED} is UNSET:
        pass
    if not isinstance(partial.{REQUIRED}, Unset):
        partial.{REQUIRED}.upper()
    full = client.jobs.get("x")
    full.{REQUIRED}.upper()
    for job in client.jobs.list(read_mask="name"):
        job.{REQUIRED}.upper()  # error
    for page in client.jobs.list_pages():
        page.jobs[0].{REQUIRED}.upper()
    gone = client.jobs.delete("x")  # error
    cancelled = client.jobs.cancel("x")  # error
    resumed: str = client.jobs.resume("x")  # error
    cost = client.jobs.estimate_cost(full)
    cost.to_decimal()
    waited = client.jobs.wait("x", timeout=10, on_progress=lambda job: print(job.state))
    waited.{REQUIRED}.upper()


    async def main() -> None:
        masked = await client.async_jobs.get("x", read_mask="name")
        masked.{REQUIRED}.upper()  # error
        async for job in client.async_jobs.list():
            job.{REQUIRED}.upper()


    asyncio.run(main())
    """
)


def test_mypy_flags_exactly_the_unsafe_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mypy --strict reports an error on each `# error` line of the snippet and nowhere else."""
    from mypy import api

    monkeypatch.chdir(REPO_ROOT)  # the config's mypy_path (generated/) is relative to it
    source = tmp_path / "uses_the_facade.py"
    source.write_text(SNIPPET, encoding="utf-8")
    expected = {number for number, line in enumerate(SNIPPET.splitlines(), 1) if line.endswith("# error")}
    stdout, stderr, _ = api.run(
        [
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--config-file",
            str(REPO_ROOT / "pyproject.toml"),
            "--python-version",
            "3.11",
            str(source),
        ]
    )
    flagged = {int(m.group(1)) for m in re.finditer(rf"{re.escape(source.name)}:(\d+): error", stdout)}
    assert flagged == expected, stdout + stderr
    assert stdout.count("does not return a value") == 2, stdout
