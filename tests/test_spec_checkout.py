"""Checkout hygiene: a virtualenv belongs to the checkout that built it. A copied checkout (`cp -r`) keeps a .venv
whose .pth and tool shebangs point at the original, so every make target notices it and bootstrap rebuilds it;
a virtualenv of another checkout given on purpose (VENV=...) is never written to.

bootstrap.sh runs here with a stand-in python that records what it is asked to do (no real venv, no pip)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from spec_tools import paths

pytestmark = pytest.mark.timeout(60)

ELSEWHERE = "/nonexistent/original-checkout"
# A stand-in for python3 and for the venv's python: answers the version checks, makes a venv-shaped folder, logs
# pip installs, and names a site-packages folder inside the venv it was run from.
STUB_PYTHON = """#!/usr/bin/env bash
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
case "$*" in
  --version) echo "Python 3.11.7" ;;
  "-m venv "*) mkdir -p "$3/bin"; echo "home = /stub" > "$3/pyvenv.cfg"; cp "$0" "$3/bin/python" ;;
  "-m pip "*) echo "pip $here" >> "$STUB_LOG" ;;
  *sysconfig*) mkdir -p "$here/lib/python3.11/site-packages"; echo "$here/lib/python3.11/site-packages" ;;
  *) exit 0 ;;
esac
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with the Makefile, the bootstrap script and the files the stamp depends on."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "constraints.txt", "scripts/bootstrap.sh"):
        shutil.copy2(paths.REPO_ROOT / name, root / name)
    stub = tmp_path / "python3"
    stub.write_text(STUB_PYTHON, encoding="utf-8")
    stub.chmod(0o755)
    return root.resolve()


def _venv(root: Path, owner: str | None, *, pth_points_at: str | None = None) -> Path:
    """A venv-shaped .venv built by `owner` (its .owner), or by an older bootstrap (only a .pth pointing somewhere)."""
    venv = root / ".venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (venv / "left-by-the-builder").write_text("x", encoding="utf-8")
    if owner is not None:
        (venv / ".owner").write_text(owner + "\n", encoding="utf-8")
    if pth_points_at is not None:
        (site / "fireworks_gateway_contract_paths.pth").write_text(f"{pth_points_at}/generated\n", encoding="utf-8")
    (venv / ".bootstrapped").touch()  # newer than the inputs: only ownership can make it stale
    return venv


def _bootstrap(root: Path, venv: str = ".venv") -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHON": str(root.parent / "python3"),
        "VENV": venv,
        "STUB_LOG": str(root.parent / "pip.log"),
    }
    return subprocess.run(
        ["bash", "scripts/bootstrap.sh"], cwd=root, env=env, capture_output=True, text=True, timeout=30, check=False
    )


def _dry_run(root: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "VENV"))}
    result = subprocess.run(
        ["make", "-n", *args, "spec-diff", "OLD=a.yaml", "NEW=b.yaml"],
        cwd=root, env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_every_target_notices_a_venv_built_by_another_checkout(checkout: Path) -> None:
    """A copied .venv (its owner another checkout) makes the stamp stale: the target bootstraps first, saying why;
    the checkout's own .venv does not."""
    _venv(checkout, ELSEWHERE)
    planned = _dry_run(checkout)
    assert f"was built by {ELSEWHERE}, not by {checkout}" in planned
    assert "bash scripts/bootstrap.sh" in planned
    (checkout / ".venv" / ".owner").write_text(f"{checkout}\n", encoding="utf-8")
    assert "bootstrap.sh" not in _dry_run(checkout)


def test_a_venv_shared_on_purpose_is_not_rebuilt(checkout: Path, tmp_path: Path) -> None:
    """VENV=... given on the command line (the test copies do it) is used as it is: no bootstrap is forced."""
    shared = _venv(tmp_path / "other", ELSEWHERE)
    assert "bootstrap.sh" not in _dry_run(checkout, f"VENV={shared}")


def test_bootstrap_rebuilds_this_checkouts_copied_venv(checkout: Path) -> None:
    """This checkout's own .venv built by another checkout is rebuilt from scratch: nothing of the original's is
    left, it records its new owner, and its .pth points at this checkout."""
    venv = _venv(checkout, ELSEWHERE, pth_points_at=ELSEWHERE)
    result = _bootstrap(checkout)
    assert result.returncode == 0, result.stderr
    assert f"was built by {ELSEWHERE}, not by {checkout}" in result.stderr and "rebuilding" in result.stderr
    assert not (venv / "left-by-the-builder").exists()
    assert (venv / ".owner").read_text(encoding="utf-8").strip() == str(checkout)
    pth = venv / "lib" / "python3.11" / "site-packages" / "fireworks_gateway_contract_paths.pth"
    assert pth.read_text(encoding="utf-8").split() == [f"{checkout}/generated", f"{checkout}/src"]


def test_bootstrap_adopts_a_venv_an_older_bootstrap_built_here(checkout: Path) -> None:
    """A venv without an owner record whose .pth points at this checkout is this checkout's: kept, and recorded."""
    venv = _venv(checkout, None, pth_points_at=str(checkout))
    result = _bootstrap(checkout)
    assert result.returncode == 0, result.stderr
    assert (venv / "left-by-the-builder").exists()
    assert (venv / ".owner").read_text(encoding="utf-8").strip() == str(checkout)


@pytest.mark.parametrize("shape", ["VENV elsewhere", ".venv a symlink"])
def test_bootstrap_never_writes_into_another_checkouts_venv(checkout: Path, tmp_path: Path, shape: str) -> None:
    """A venv of another checkout that is not this checkout's own folder (a VENV path, a .venv symlink) is refused
    with a message naming its owner; nothing is written into it and pip never runs."""
    foreign = _venv(tmp_path / "other", ELSEWHERE)
    if shape == "VENV elsewhere":
        result = _bootstrap(checkout, str(foreign))
    else:
        (checkout / ".venv").symlink_to(foreign)
        result = _bootstrap(checkout)
    assert result.returncode == 1
    assert f"belongs to {ELSEWHERE}, not to {checkout}" in result.stderr and "will not write" in result.stderr
    assert (foreign / ".owner").read_text(encoding="utf-8").strip() == ELSEWHERE
    assert (foreign / "left-by-the-builder").exists()
    assert not (tmp_path / "pip.log").exists()
