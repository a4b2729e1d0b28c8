"""Generate `generated/` from `openapi/` with the pinned openapi-python-client, atomically and checkably."""

from __future__ import annotations

import difflib
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from gateway_protocol.spec_view import Spec

from .facade import FacadeError, add_partial_models, plan_facade, write_facade
from .paths import GENERATED_DIR, GENERATOR_CONFIG, PACKAGE_NAME, SPEC_PATH, TEMPLATES_DIR
from .selection import select_document, selection_beside
from .spec import parse_spec_text

__all__ = [
    "GenerationError",
    "build_client_dist",
    "check_generated",
    "class_name_for",
    "class_names",
    "diff_trees",
    "generate",
    "generator_input",
    "stage_client_project",
    "template_diff_lines",
    "validate_config",
]

_IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache"}


class GenerationError(RuntimeError):
    """The generator refused the inputs, or its config would be silently ignored."""


# The proto package prefix of a schema key: the lowercase run before the first capital (gateway, type, protobuf).
_PROTO_PACKAGE_PREFIX = re.compile(r"^[a-z][a-z0-9]*(?=[A-Z])")
_SCHEMA_REF = "#/components/schemas/"


def validate_config(config_path: Path) -> dict[str, object]:
    """Reject keys the generator would silently ignore (it drops unknown and misspelled keys).

    `class_overrides` is refused too: every class name derives from its schema key (`class_name_for`), so a
    per-schema list would be a second, hand-kept naming rule.
    """
    from openapi_python_client.config import ConfigFile

    data = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise GenerationError(f"{config_path}: expected a mapping of settings")
    unknown = sorted(set(data) - set(ConfigFile.model_fields))
    if unknown:
        raise GenerationError(
            f"{config_path}: unknown setting(s) {', '.join(unknown)}; the generator would ignore them"
        )
    if data.get("class_overrides"):
        raise GenerationError(
            f"{config_path}: class_overrides is not used here; class names derive from the components/schemas keys"
        )
    return data


def class_name_for(schema_key: str) -> str:
    """The class name of a `components/schemas` key: the key minus its proto package prefix, in PascalCase.

    `gatewaySupervisedFineTuningJob` -> `SupervisedFineTuningJob`, `typeMoney` -> `Money`. Never the title.
    """
    name = _PROTO_PACKAGE_PREFIX.sub("", schema_key)
    return name[:1].upper() + name[1:]


def class_names(spec: dict[str, Any]) -> dict[str, str]:
    """Every schema key of the spec -> its class name; GenerationError when two keys map to one name."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    names: dict[str, str] = {}
    owners: dict[str, str] = {}
    for key in schemas:
        name = class_name_for(str(key))
        if name in owners:
            raise GenerationError(
                f"schemas {owners[name]!r} and {key!r} both map to class name {name!r}; rename one in the spec"
            )
        owners[name] = str(key)
        names[str(key)] = name
    return names


def _is_deprecated(schema: dict[str, Any]) -> bool:
    texts = (schema.get("description"), schema.get("title"))
    return schema.get("deprecated") is True or any(
        isinstance(text, str) and text.lstrip().lower().startswith("deprecated") for text in texts
    )


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    """Refs renamed to class names; titles dropped (the generator names classes after them); deprecations said."""
    if isinstance(node, list):
        return [_rewrite(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_SCHEMA_REF):
            out[key] = _SCHEMA_REF + names.get(value[len(_SCHEMA_REF) :], value[len(_SCHEMA_REF) :])
        elif key == "title" and isinstance(value, str):
            continue  # proto comments ("Next ID: 49", "Mimics [...]") live there on published pages
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _property(prop, names) for name, prop in value.items()}
        else:
            out[key] = _rewrite(value, names)
    return out


def _property(schema: Any, names: dict[str, str]) -> Any:
    rewritten = _rewrite(schema, names)
    if not isinstance(schema, dict) or not _is_deprecated(schema):
        return rewritten
    # The attribute's docstring is the description: make it say "Deprecated" whichever way the spec does.
    text = schema.get("description") if isinstance(schema.get("description"), str) else schema.get("title")
    text = text.strip() if isinstance(text, str) else ""
    if not text.lower().startswith("deprecated"):
        text = f"Deprecated. {text}".strip()
    rewritten["description"] = text
    return rewritten


def generator_input(spec: dict[str, Any], selection: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The spec as the generator should see it: only the selected operations (every one when None) and the
    components they reach, schema keys replaced by their class names, no titles.

    The vendored spec stays verbatim; only this derived copy feeds openapi-python-client.
    """
    spec = select_document(spec, selection)
    names = class_names(spec)
    # Only schemas and operations: `info.title` is the API's name, not a schema title.
    derived = {key: _rewrite(value, names) if key in ("components", "paths") else value for key, value in spec.items()}
    schemas = (derived.get("components") or {}).get("schemas")
    if isinstance(schemas, dict):
        derived["components"]["schemas"] = {names.get(key, key): value for key, value in schemas.items()}
    return derived


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


def _generate_package(workdir: Path, spec: Path, config: Path, templates: Path) -> Path:
    validate_config(config)
    try:
        document = parse_spec_text(spec.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GenerationError(f"{spec}: cannot read the spec ({type(error).__name__})") from error
    if not isinstance(document, dict):
        raise GenerationError(f"{spec}: expected an OpenAPI document")
    derived = workdir / "generator-input.json"
    selection = selection_beside(spec)  # openapi/operations.yaml; a spec without one generates everything
    try:
        derived_document = generator_input(document, selection)
        names = class_names(select_document(document, selection))
        facade = plan_facade(Spec(document, selection), names)  # client.jobs: one method per selected operation
        derived_document = add_partial_models(derived_document, facade, names)
    except (LookupError, FacadeError) as exc:
        raise GenerationError(f"{spec}: {exc}") from None
    derived.write_text(json.dumps(derived_document, indent=1), encoding="utf-8")
    package_dir = workdir / PACKAGE_NAME
    _run_generator(package_dir, derived, config, templates)
    _copy_lib(templates.parent / "lib", package_dir / "_lib")
    try:
        write_facade(package_dir, facade, templates.parent / "facade" / "jobs.py.jinja")
    except FacadeError as exc:
        raise GenerationError(str(exc)) from None
    return package_dir


def _copy_lib(source: Path, target: Path) -> None:
    """Copy the client's hand-written modules (openapi/lib/*.py) into the package as `_lib`, and the protocol facts
    they build on (src/gateway_protocol, the package the mock and the suite import) as `_lib/protocol`."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for module in sorted(source.glob("*.py")):
        shutil.copyfile(module, target / module.name)
    import gateway_protocol

    protocol = target / "protocol"
    protocol.mkdir(exist_ok=True)
    for module in sorted(Path(gateway_protocol.__file__).parent.glob("*.py")):
        shutil.copyfile(module, protocol / module.name)


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


def _upstream_templates() -> Path:
    import openapi_python_client

    return Path(openapi_python_client.__file__).parent / "templates"


def template_diff_lines(templates: Path = TEMPLATES_DIR, upstream: Path | None = None) -> dict[str, int]:
    """Changed lines of each override against the installed generator's own template (a new file counts whole).

    A changed line is one added or removed in a unified diff; the generator upgrade procedure is in
    openapi/templates/README.md.
    """
    upstream = upstream or _upstream_templates()
    counts: dict[str, int] = {}
    for path in sorted(templates.rglob("*.jinja")):
        relative = path.relative_to(templates)
        ours = path.read_text(encoding="utf-8").splitlines()
        stock = upstream / relative
        if not stock.is_file():
            counts[str(relative)] = len(ours)
            continue
        theirs = stock.read_text(encoding="utf-8").splitlines()
        diff = difflib.unified_diff(theirs, ours, lineterm="", n=0)
        counts[str(relative)] = sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))
    return counts


def stage_client_project(
    target: Path,
    generated_dir: Path = GENERATED_DIR,
    spec: Path = SPEC_PATH,
    dist_inputs: Path | None = None,
    post: int | None = None,
) -> Path:
    """A buildable project of the client alone in `target`: the generated package, a README and its project file.

    The project file is rendered from openapi/dist/pyproject.toml.in; its version is the vendored spec's version,
    plus `.post<post>` for a client-only revision.
    """
    import string

    dist_inputs = dist_inputs or spec.parent / "dist"
    document = parse_spec_text(spec.read_text(encoding="utf-8"))
    version = str((document.get("info") or {}).get("version") or "")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*(\.post[0-9]+)?", version):
        raise GenerationError(f"{spec}: info.version {version[:40]!r} is not a release version a wheel can carry")
    spec_version = version
    if post is not None:
        if post < 1 or ".post" in version:
            raise GenerationError(f"a client revision needs a positive number and a spec version without one: {post}")
        version = f"{version}.post{post}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        generated_dir / PACKAGE_NAME, target / PACKAGE_NAME, ignore=shutil.ignore_patterns(*_IGNORED, "*.pyc")
    )
    template = string.Template((dist_inputs / "pyproject.toml.in").read_text(encoding="utf-8"))
    (target / "pyproject.toml").write_text(template.substitute(version=version, spec_version=spec_version), "utf-8")
    shutil.copyfile(dist_inputs / "README.md", target / "README.md")
    return target


def build_client_dist(
    dist_dir: Path, staging: Path, generated_dir: Path = GENERATED_DIR, spec: Path = SPEC_PATH, post: int | None = None
) -> list[Path]:
    """Build the client's wheel and sdist into `dist_dir` (PEP 517 hooks of the installed setuptools; no network)."""
    project = stage_client_project(staging, generated_dir, spec, post=post)
    dist_dir = dist_dir.resolve()
    dist_dir.mkdir(parents=True, exist_ok=True)
    hooks = (  # the hooks print progress on stdout too: the built names are marked
        "import sys, setuptools.build_meta as b; out = sys.argv[1]; "
        "print('BUILT:' + b.build_sdist(out)); print('BUILT:' + b.build_wheel(out))"
    )
    result = subprocess.run(
        [sys.executable, "-c", hooks, str(dist_dir)], cwd=project, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise GenerationError(f"building the client failed:\n{(result.stdout + result.stderr).strip()[-2000:]}")
    names = [line.strip()[len("BUILT:") :] for line in result.stdout.splitlines() if line.startswith("BUILT:")]
    return [dist_dir / name for name in names]
