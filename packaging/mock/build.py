"""Build the mock's wheel (`make dist`): dist/fireworks_gateway_mock-<spec version>-py3-none-any.whl.

The wheel holds copies of src/gateway_mock and src/gateway_protocol, and the spec it serves as package data
(`gateway_mock/_data/gateway.json`: the vendored spec cut to the selected operations and the schemas they reach,
`spec_tools.selection.select_document`, as JSON), so the installed mock needs neither a YAML parser nor the spec
tools. Its dependencies are what serving needs, with the version ranges of the project's own pyproject.toml.
Built with the PEP 517 hooks of the venv's setuptools: no network.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import string
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "src")]

from spec_tools.selection import select_document  # noqa: E402
from spec_tools.spec import load_spec  # noqa: E402

__all__ = ["SERVING_DEPENDENCIES", "build_mock_wheel", "stage_mock_project"]

# What `python -m gateway_mock` imports (the pytest plugin needs pytest, which only pytest loads it from).
SERVING_DEPENDENCIES = ("uvicorn", "httptools", "uvloop", "lark")
PACKAGES = ("gateway_mock", "gateway_protocol")
SPEC_DATA = Path("gateway_mock") / "_data" / "gateway.json"
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")


class BuildError(RuntimeError):
    pass


def _requirements() -> list[str]:
    """The serving dependencies as the project pins their ranges (pyproject.toml), markers included."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    found = []
    for name in SERVING_DEPENDENCIES:
        match = next((d for d in declared if re.match(rf"{re.escape(name)}\b(?![-_.])", d)), None)
        if match is None:
            raise BuildError(f"pyproject.toml does not declare {name}, which the mock needs to serve")
        found.append(match)
    return found


def stage_mock_project(target: Path) -> tuple[Path, str]:
    """A buildable project of the mock in `target`; returns it and the version (the spec's)."""
    spec = load_spec()
    version = spec.version
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", version):
        raise BuildError(f"info.version {version[:40]!r} is not a release version a wheel can carry")
    if target.exists():
        shutil.rmtree(target)
    for package in PACKAGES:
        shutil.copytree(REPO / "src" / package, target / package, ignore=_IGNORED)
    document = select_document(spec.document, spec.selection)
    (target / SPEC_DATA).parent.mkdir(parents=True)
    (target / SPEC_DATA).write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    template = string.Template((HERE / "pyproject.toml.in").read_text(encoding="utf-8"))
    dependencies = ", ".join(json.dumps(requirement) for requirement in _requirements())
    rendered = template.substitute(version=version, spec_version=version, dependencies=dependencies)
    (target / "pyproject.toml").write_text(rendered, encoding="utf-8")
    shutil.copyfile(HERE / "README.md", target / "README.md")
    return target, version


def build_mock_wheel(dist_dir: Path, staging: Path) -> Path:
    project, _ = stage_mock_project(staging)
    dist_dir = dist_dir.resolve()
    dist_dir.mkdir(parents=True, exist_ok=True)
    hooks = "import sys, setuptools.build_meta as b; print('BUILT:' + b.build_wheel(sys.argv[1]))"
    result = subprocess.run(
        [sys.executable, "-c", hooks, str(dist_dir)], cwd=project, capture_output=True, text=True, check=False
    )
    built = [line[len("BUILT:") :].strip() for line in result.stdout.splitlines() if line.startswith("BUILT:")]
    if result.returncode != 0 or not built:
        raise BuildError(f"building the mock's wheel failed:\n{(result.stdout + result.stderr).strip()[-2000:]}")
    return dist_dir / built[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where the wheel goes (default dist/)")
    parser.add_argument("--staging", type=Path, default=REPO / "build" / "mock", help="the staged project")
    args = parser.parse_args(argv)
    try:
        wheel = build_mock_wheel(args.dist, args.staging)
    except (BuildError, OSError, LookupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built {wheel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
