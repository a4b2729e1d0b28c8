"""Hostile-input probes for the spec tools: a FIFO that tells whether anyone opened it, a loopback listener that
counts connections, pages carrying the frozen spec with one hostile edit, and a runnable copy of the project for
real `make` invocations (so a probe that gets through cannot touch this repo)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spec_tools import paths
from spec_tools.deprecation import is_deprecated
from spec_tools.spec import Spec, load_spec

_JOB_PATH = load_spec().job_operation().path.template

__all__ = [
    "FROZEN_SPEC",
    "Listener",
    "OpenRecorder",
    "copy_project",
    "deprecated_properties",
    "docs_page",
    "listening",
    "recording_opens",
    "run_make",
    "tree_digest",
    "with_property_ref",
    "with_version",
]

FROZEN_SPEC = Path(__file__).parent / "specs" / "gateway-4.259.0.yaml"  # the seven selected operations at 4.259.0
_FROZEN_TEXT = FROZEN_SPEC.read_bytes().decode("utf-8")
_FROZEN_VERSION = load_spec(FROZEN_SPEC).version


def with_version(version_yaml: str, text: str = _FROZEN_TEXT) -> str:
    """The frozen spec with `info.version` replaced by `version_yaml` (a YAML scalar, quoted as the caller wants)."""
    old = f"  version: {_FROZEN_VERSION}\n"
    assert text.count(old) == 1
    return text.replace(old, f"  version: {version_yaml}\n")


def with_property_ref(ref: str, version: str = "9999.0.0") -> str:
    """A newer frozen spec whose job schema gains a property `probeRef` that is `{$ref: ref}`."""
    text = with_version(version)
    anchor = "    gatewaySupervisedFineTuningJob:\n"
    start = text.index(anchor)
    properties = text.index("      properties:\n", start) + len("      properties:\n")
    return text[:properties] + f"        probeRef:\n          $ref: '{ref}'\n" + text[properties:]


def deprecated_properties(spec: Spec) -> set[str]:
    """`schema.property` of every property the spec marks deprecated (spec_tools.deprecation's definition, which
    tests/test_spec_deprecations.py holds to its cases), among the schemas the selection reaches."""
    return {
        f"{schema_name}.{name}"
        for schema_name, schema in spec.selected_schemas.items()
        for name, prop in (schema.get("properties") or {}).items()
        if is_deprecated(prop)
    }


def docs_page(path: Path, spec_text: str) -> Path:
    """A docs page shaped like the published one: prose, then the spec in a four-backtick ```yaml fence."""
    path.write_text(
        f"# Get Supervised Fine-tuning Job\n\n````yaml get {_JOB_PATH}\n{spec_text}````\n",
        "utf-8",
    )
    return path


@dataclass
class OpenRecorder:
    """A FIFO: opening it for reading unblocks our writer, which records it (a plain file's open leaves no trace)."""

    path: Path
    opened: bool = False
    _closing: bool = False
    _thread: threading.Thread | None = None

    def _serve(self) -> None:
        with contextlib.suppress(OSError), open(self.path, "w", encoding="utf-8") as writer:
            if not self._closing:
                self.opened = True
                writer.write("secret: CANARY-CONTENT-7731\n")


@contextlib.contextmanager
def recording_opens(path: Path) -> Iterator[OpenRecorder]:
    os.mkfifo(path)
    recorder = OpenRecorder(path)
    recorder._thread = threading.Thread(target=recorder._serve, daemon=True)
    recorder._thread.start()
    try:
        yield recorder
    finally:
        recorder._closing = True
        with contextlib.suppress(OSError):  # unblock our own writer
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        recorder._thread.join(5)
        path.unlink()


@dataclass
class Listener:
    """A loopback TCP listener that accepts and counts connections and never answers."""

    url: str
    connections: list[bytes] = field(default_factory=list)


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    listener = Listener(f"http://127.0.0.1:{server.getsockname()[1]}/ref.yaml")
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                with contextlib.suppress(OSError):
                    listener.connections.append(connection.recv(200))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        with contextlib.suppress(OSError):  # wakes the accept at once (Linux), rather than at its next timeout
            server.shutdown(socket.SHUT_RDWR)
        thread.join(5)
        server.close()


_PROJECT_FILES = ("Makefile", "pyproject.toml", "constraints.txt", "CHANGELOG.md")
_PROJECT_DIRS = ("scripts", "src", "openapi", "generated")
VENV = Path(sys.prefix)  # the running venv, which the copies share on purpose (make VENV=...)


def copy_project(root: Path) -> Path:
    """A copy of this project at `root` that `make bump`/`make spec-diff` can run in (with `run_make`)."""
    root.mkdir(parents=True)
    for name in _PROJECT_FILES:
        shutil.copy2(paths.REPO_ROOT / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in _PROJECT_DIRS:
        shutil.copytree(paths.REPO_ROOT / name, root / name, ignore=ignore)
    return root


def run_make(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`make -s ARGS` in the copy, sharing this venv (VENV= given, its stamp taken as current: a copy never
    bootstraps the venv of another checkout); no shell between us and make. The Makefile itself puts the copy's
    src/ and generated/ first on the path."""
    # Nothing of an outer make (a bump verifying itself runs these tests) or of the caller's settings leaks in.
    inherited = {"FORCE", "SPEC", "OLD", "NEW", "BUMP_VERIFY", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH"}
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    environment.update(env or {})
    command = ["make", "-s", f"VENV={VENV}", "-o", str(VENV / ".bootstrapped"), *args]
    return subprocess.run(
        command, cwd=root, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def tree_digest(root: Path) -> str:
    """One hash over every file (path and bytes) that a bump may write: openapi/, generated/, CHANGELOG.md."""
    digest = hashlib.sha256()
    for top in ("openapi", "generated", "CHANGELOG.md"):
        base = root / top
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
