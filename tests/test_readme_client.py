"""Every ```python block of README.md runs as pasted, each in a fresh interpreter, against the mock started here,
with FIREWORKS_API_KEY, FIREWORKS_ACCOUNT_ID and FIREWORKS_BASE_URL set as the README says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from gateway_mock.server import RunningMock, running_mock
from spec_tools import paths

README = paths.REPO_ROOT / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.M | re.S)


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock() as running:
        yield running


def test_readme_has_python_blocks() -> None:
    """The README shows the client in code; an empty match would make the test below prove nothing."""
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block-{number}" for number in range(1, len(BLOCKS) + 1)])
def test_readme_block_runs_as_pasted(block: str, mock: RunningMock) -> None:
    """The block exits 0 in a fresh interpreter (no state shared with other blocks)."""
    env = dict(
        os.environ,
        FIREWORKS_API_KEY=mock.api_key,
        FIREWORKS_ACCOUNT_ID=mock.account,
        FIREWORKS_BASE_URL=mock.base_url,
    )
    result = subprocess.run(
        [sys.executable, "-c", block], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
