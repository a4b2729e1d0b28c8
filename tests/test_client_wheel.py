"""The client wheel alone: built by `make dist`'s code, installed into a fresh venv outside the repo, it pulls in
only httpx, attrs, python-dateutil (and what they need), and passes the hostile-server tests there.

Wheels of the dependencies come from PyPI once, into .venv/.wheelhouse (pinned by constraints.txt); later runs
install offline from it. Bounded: every subprocess has a timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from spec_tools import paths
from spec_tools.codegen import GenerationError, build_client_dist, stage_client_project
from spec_tools.spec import load_spec

RUNTIME_DEPENDENCIES = ("httpx", "attrs", "python-dateutil")
TEST_TOOLS = ("pytest", "pytest-timeout")
WHEELHOUSE = paths.REPO_ROOT / ".venv" / ".wheelhouse"
HOSTILE_TESTS = Path(__file__).with_name("test_client_hostile.py")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(names: tuple[str, ...]) -> set[str]:
    """The packages `names` need at runtime, by the metadata of the dev venv's (pinned) installs."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = _normalize(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _wheelhouse(tmp: Path, names: tuple[str, ...] = RUNTIME_DEPENDENCIES + TEST_TOOLS) -> Path:
    """Wheels of `names` and what they need, pinned, fetched from PyPI once (tests/test_mock_wheel.py too)."""
    wanted = sorted(_closure(names))
    have = {_normalize(p.name.split("-")[0]) for p in WHEELHOUSE.glob("*.whl")} if WHEELHOUSE.is_dir() else set()
    if not set(wanted) <= have:
        pins = [line for line in (paths.REPO_ROOT / "constraints.txt").read_text().splitlines() if "==" in line]
        pinned = [pin for pin in pins if _normalize(pin.split("==")[0]) in wanted]
        result = _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--only-binary=:all:",
                "--no-deps",
                "-d",
                str(WHEELHOUSE),
                *pinned,
            ],
            tmp,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot fetch the dependency wheels from PyPI into {WHEELHOUSE}: {result.stderr[-300:]}")
    return WHEELHOUSE


# A fresh venv and a pip install: ~15 s, so it runs with the slow proofs (make test-slow, CI), not make test.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_installed_wheel_is_alone_and_survives_hostile_servers(tmp_path: Path) -> None:
    """make dist's wheel: named after the spec version, only the package and py.typed, three runtime deps; in a
    fresh venv it installs nothing else and the hostile-server module passes against it."""
    built = build_client_dist(tmp_path / "dist", tmp_path / "staging")
    wheel = next(path for path in built if path.suffix == ".whl")
    assert wheel.name == f"fireworks_gateway-{load_spec().version}-py3-none-any.whl"
    assert any(path.name.endswith(".tar.gz") for path in built)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    dist_info = f"fireworks_gateway-{load_spec().version}.dist-info/"
    assert all(name.startswith(("fireworks_gateway/", dist_info)) for name in names), names
    assert "fireworks_gateway/py.typed" in names and "fireworks_gateway/_lib/transport.py" in names

    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    python = str(venv / "bin" / "python")
    house = _wheelhouse(tmp_path)
    install = _run([python, "-m", "pip", "install", "--no-index", "--find-links", str(house), str(wheel)], tmp_path)
    assert install.returncode == 0, install.stderr[-2000:]
    listed = _run([python, "-m", "pip", "list", "--format=json"], tmp_path)
    installed = {_normalize(item["name"]) for item in json.loads(listed.stdout)} - {"pip", "setuptools"}
    assert installed == {"fireworks-gateway"} | _closure(RUNTIME_DEPENDENCIES), installed

    tools = _run([python, "-m", "pip", "install", "--no-index", "--find-links", str(house), *TEST_TOOLS], tmp_path)
    assert tools.returncode == 0, tools.stderr[-2000:]
    run_dir = tmp_path / "outside-the-repo"
    run_dir.mkdir()
    shutil.copyfile(HOSTILE_TESTS, run_dir / HOSTILE_TESTS.name)
    where = _run([python, "-c", "import fireworks_gateway; print(fireworks_gateway.__file__)"], run_dir)
    assert where.stdout.startswith(str(venv)), where.stdout
    result = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", HOSTILE_TESTS.name], run_dir, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_client_project_version_is_the_spec_version(tmp_path: Path) -> None:
    """The staged project file carries the spec's version, `.postN` for a client-only revision; a spec version no
    wheel can carry is refused naming it."""
    version = load_spec().version
    staged = stage_client_project(tmp_path / "a")
    assert f'version = "{version}"' in (staged / "pyproject.toml").read_text()
    revised = stage_client_project(tmp_path / "b", post=2)
    assert f'version = "{version}.post2"' in (revised / "pyproject.toml").read_text()
    odd = tmp_path / "odd.yaml"
    odd.write_text(paths.SPEC_PATH.read_text(encoding="utf-8").replace(f"version: {version}", "version: next-ish", 1))
    with pytest.raises(GenerationError, match="next-ish"):
        stage_client_project(tmp_path / "c", spec=odd, dist_inputs=paths.OPENAPI_DIR / "dist")
