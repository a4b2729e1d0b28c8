"""Generate `generated/` from `openapi/` with the pinned openapi-python-client, atomically and checkably."""

from __future__ import annotations

import difflib
import filecmp
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from .paths import GENERATED_DIR, GENERATOR_CONFIG, PACKAGE_NAME, SPEC_PATH, TEMPLATES_DIR

__all__ = ["GenerationError", "check_generated", "diff_trees", "generate", "validate_config"]

_IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache"}


class GenerationError(RuntimeError):
    """The generator refused the inputs, or its config would be silently ignored."""


def validate_config(config_path: Path) -> dict[str, object]:
    """Reject keys the generator would silently ignore (it drops unknown and misspelled keys)."""
    from openapi_python_client.config import ClassOverride, ConfigFile

    data = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise GenerationError(f"{config_path}: expected a mapping of settings")
    unknown = sorted(set(data) - set(ConfigFile.model_fields))
    if unknown:
        raise GenerationError(
            f"{config_path}: unknown setting(s) {', '.join(unknown)}; the generator would ignore them"
        )
    for name, override in (data.get("class_overrides") or {}).items():
        extra = sorted(set(override or {}) - set(ClassOverride.model_fields))
        if extra:
            raise GenerationError(f"{config_path}: class_overrides.{name} has unknown key(s) {', '.join(extra)}")
    return data


def _run_generator(out_dir: Path, spec: Path, config: Path, templates: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path", str(spec),
        "--config", str(config),
        "--custom-template-path", str(templates),
        "--meta", "none",
        "--output-path", str(out_dir),
        "--fail-on-warning",
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise GenerationError(f"openapi-python-client failed (exit {result.returncode}):\n{output}")


def _check_overrides_applied(config: dict[str, object], package_dir: Path) -> None:
    """A `class_overrides` key that names no generated class is ignored by the generator: make it an error."""
    overrides = config.get("class_overrides") or {}
    assert isinstance(overrides, dict)
    models = "\n".join(p.read_text(encoding="utf-8") for p in (package_dir / "models").glob("*.py"))
    missing = [
        f"{key} -> {value['class_name']}"
        for key, value in overrides.items()
        if value
        and value.get("class_name")
        and not re.search(rf"^class {re.escape(value['class_name'])}\b", models, re.M)
    ]
    if missing:
        raise GenerationError(
            "class_overrides had no effect (keys must be the generated class names, e.g. TypeMoney): "
            + ", ".join(missing)
        )


def _generate_package(workdir: Path, spec: Path, config: Path, templates: Path) -> Path:
    settings = validate_config(config)
    package_dir = workdir / PACKAGE_NAME
    _run_generator(package_dir, spec, config, templates)
    _check_overrides_applied(settings, package_dir)
    return package_dir


def generate(
    spec: Path = SPEC_PATH,
    config: Path = GENERATOR_CONFIG,
    templates: Path = TEMPLATES_DIR,
    generated_dir: Path = GENERATED_DIR,
) -> Path:
    """Regenerate `generated/<package>` wholesale; on any failure the old tree stays as it was."""
    generated_dir.mkdir(parents=True, exist_ok=True)
    target = generated_dir / PACKAGE_NAME
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=generated_dir) as tmp:
        fresh = _generate_package(Path(tmp), spec, config, templates)
        backup = Path(tmp) / "previous"
        if target.exists():
            target.rename(backup)
        try:
            fresh.rename(target)
        except BaseException:
            if backup.exists():
                backup.rename(target)
            raise
    return target


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _IGNORED.intersection(path.relative_to(root).parts):
            yield path.relative_to(root)


def diff_trees(expected: Path, actual: Path, max_lines: int = 200) -> list[str]:
    """A file-level report of how `actual` differs from `expected` (empty when identical)."""
    want, have = set(_files(expected)), set(_files(actual))
    report = [f"missing: {p}" for p in sorted(want - have)]
    report += [f"unexpected: {p}" for p in sorted(have - want)]
    for rel in sorted(want & have):
        if filecmp.cmp(expected / rel, actual / rel, shallow=False):
            continue
        report.append(f"differs: {rel}")
        lines = difflib.unified_diff(
            (expected / rel).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True),
            (actual / rel).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True),
            fromfile=f"regenerated/{rel}",
            tofile=f"committed/{rel}",
        )
        report.extend(line.rstrip("\n") for line in list(lines)[:max_lines])
    return report


def check_generated(
    spec: Path = SPEC_PATH,
    config: Path = GENERATOR_CONFIG,
    templates: Path = TEMPLATES_DIR,
    generated_dir: Path = GENERATED_DIR,
) -> list[str]:
    """Regenerate into a temp dir and compare with the committed tree; return the differences."""
    with tempfile.TemporaryDirectory(prefix="check-generated-") as tmp:
        fresh = _generate_package(Path(tmp), spec, config, templates)
        return diff_trees(fresh, generated_dir / PACKAGE_NAME)
