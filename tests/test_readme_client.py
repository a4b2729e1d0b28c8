"""Every ```python block of README.md runs as pasted, each in a fresh interpreter, against the mock started here,
with FIREWORKS_API_KEY, FIREWORKS_ACCOUNT_ID and FIREWORKS_BASE_URL set as the README says.

The mock's clock runs fast, so that the blocks that wait for jobs ("Jobs from start to finish") end within about a
second instead of the ten a job takes at speed 1. After a spec bump that drops a field a block reads, the block is
skipped, naming the field: the README is then to be updated with the bump.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import attrs
import fireworks_gateway.models
import pytest

from gateway_mock.lifecycle import CANCELLED, COMPLETED
from gateway_mock.server import RunningMock, serving_in_thread
from spec_tools import paths

README = paths.REPO_ROOT / "README.md"
CLOCK_SPEED = 20.0  # a mock job walks to its end in 10 s / CLOCK_SPEED
JOBS_SECTION = "Jobs from start to finish"
_BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.M | re.S)
_MISSING_ATTRIBUTE = re.compile(r"AttributeError: '(\w+)' object has no attribute '(\w+)'")


def _blocks_by_section(text: str) -> list[tuple[str, str]]:
    """(the `## ` heading above it, the code) of each python block, in order."""
    found: list[tuple[str, str]] = []
    for part in re.split(r"^## ", text, flags=re.M)[1:]:
        heading = part.split("\n", 1)[0].strip()
        found.extend((heading, code) for code in _BLOCK.findall(part))
    return found


BLOCKS = _blocks_by_section(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with serving_in_thread(clock="realtime", clock_speed=CLOCK_SPEED) as running:
        yield running


def test_readme_has_python_blocks() -> None:
    """The README shows the client in code, the job lifecycle included; an empty match would make the test below
    prove nothing."""
    assert len(BLOCKS) >= 3
    assert any(heading == JOBS_SECTION for heading, _ in BLOCKS)


def _missing_model_field(stderr: str) -> str | None:
    """`Class.attribute` when the block failed reading an attribute that this spec's generated model lacks."""
    match = _MISSING_ATTRIBUTE.search(stderr)
    if match is None:
        return None
    model = getattr(fireworks_gateway.models, match[1], None)
    if model is None or not attrs.has(model) or match[2] in attrs.fields_dict(model):
        return None
    return f"{match[1]}.{match[2]}"


@pytest.mark.parametrize(("heading", "block"), BLOCKS, ids=[f"block-{number}" for number in range(1, len(BLOCKS) + 1)])
def test_readme_block_runs_as_pasted(heading: str, block: str, mock: RunningMock) -> None:
    """The block exits 0 in a fresh interpreter (no state shared with other blocks). A lifecycle block shows the
    end of each walk it waits for: the first job completed, the cancelled one cancelled (the mock's states)."""
    env = dict(
        os.environ,
        FIREWORKS_API_KEY=mock.api_key,
        FIREWORKS_ACCOUNT_ID=mock.account,
        FIREWORKS_BASE_URL=mock.base_url,
    )
    result = subprocess.run(
        [sys.executable, "-c", block], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0 and (field := _missing_model_field(result.stderr)) is not None:
        pytest.skip(f"the README reads {field}, which this spec's model lacks: update the README with the bump")
    assert result.returncode == 0, result.stderr[-2000:]
    if heading == JOBS_SECTION and ".wait(" in block:
        assert COMPLETED in result.stdout and CANCELLED in result.stdout, result.stdout[-2000:]
