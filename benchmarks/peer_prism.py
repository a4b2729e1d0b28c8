"""Prism 5.16 (npm), the peer mock: installed pinned into the ignored .bench/ folder, run on loopback."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PRISM_PACKAGE", "ensure_prism", "running_prism", "stop"]

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "openapi" / "gateway.yaml"
PRISM_DIR = REPO / ".bench" / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5.16.0"
PROBE_PATH = "/v1/accounts/probe/supervisedFineTuningJobs/probe"


def ensure_prism() -> tuple[bool, str]:
    """(available, note): installs Prism with npm on first use; without npm the caller skips it with the note."""
    if PRISM_BIN.exists():
        return True, ""
    if shutil.which("npm") is None:
        return False, "npm not found: Prism skipped"
    print(f"installing {PRISM_PACKAGE} into {PRISM_DIR.relative_to(REPO)} ...", flush=True)
    result = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR), PRISM_PACKAGE],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not PRISM_BIN.exists():
        return False, f"npm install {PRISM_PACKAGE} failed: Prism skipped ({result.stderr.strip()[-200:]})"
    return True, ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_answering(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(url, headers={"Authorization": "Bearer probe"})
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def running_prism(*, dynamic: bool = False) -> Iterator[str]:
    """Prism mocking the vendored spec on a free loopback port (static examples, or -d dynamic); yields the base URL."""
    port = _free_port()
    command = [str(PRISM_BIN), "mock", "-v", "silent", "-h", "127.0.0.1", "-p", str(port), str(SPEC)]
    if dynamic:
        command.insert(2, "-d")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_answering(base_url + PROBE_PATH, timeout=60)
        yield base_url
    finally:
        stop(process)


def stop(process: subprocess.Popen[Any]) -> None:
    """Terminate a server process, killing it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
