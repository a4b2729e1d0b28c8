"""Generate `generated/` from `openapi/` with the pinned openapi-python-client, atomically and checkably."""

from __future__ import annotations

import contextlib
import difflib
import filecmp
import functools
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway_protocol.spec_view import Spec

from .deprecation import deprecation_text, is_deprecated
from .facade import FacadeError, add_partial_models, plan_facade, write_facade
from .naming import class_names, inline_schemas, names_for
from .paths import GENERATED_DIR, GENERATOR_CONFIG, PACKAGE_NAME, SPEC_PATH, TEMPLATES_DIR
from .selection import select_document, selection_beside
from .spec import parse_spec_text

__all__ = [
    "GeneratedPackage",
    "GenerationError",
    "build_client_dist",
    "build_package",
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


_SCHEMA_REF = "#/components/schemas/"


def validate_config(config_path: Path) -> dict[str, object]:
    """Reject keys the generator would silently ignore (it drops unknown and misspelled keys).

    `class_overrides` is refused too: every class name derives from the spec (`spec_tools.naming`), so a
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
            f"{config_path}: class_overrides is not used here; class names derive from the spec (spec_tools.naming)"
        )
    if data.get("use_path_prefixes_for_title_model_names", True) is not False:
        raise GenerationError(
            f"{config_path}: use_path_prefixes_for_title_model_names must be false: inline bodies and answers are "
            "named by spec_tools.naming through their title, which the generator must take as it is"
        )
    return data


def class_name_for(schema_key: str, document: dict[str, Any] | None = None) -> str:
    """The class name of a `components/schemas` key of `document` (default: the vendored spec); the rule is
    `spec_tools.naming`'s. `gatewaySupervisedFineTuningJob` -> `SupervisedFineTuningJob`, `typeMoney` -> `Money`."""
    return (class_names(document) if document is not None else _vendored_class_names())[schema_key]


@functools.cache
def _vendored_class_names() -> dict[str, str]:
    """The vendored spec's class names (cached like `load_spec`: the vendored spec does not change while a process
    runs)."""
    from .spec import load_spec

    return class_names(load_spec().document)


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
    if not is_deprecated(schema):
        return rewritten
    # The attribute's docstring is the description: make it say "Deprecated" whichever way the spec does.
    rewritten["description"] = deprecation_text(schema)
    return rewritten


def generator_input(spec: dict[str, Any], selection: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The spec as the generator should see it: only the selected operations (every one when None) and the
    components they reach, schema keys replaced by their class names, no titles but the class names of inline
    bodies and answers (`spec_tools.naming`: names are decided over the whole spec, then the copy is cut down).

    The vendored spec stays verbatim; only this derived copy feeds openapi-python-client.
    """
    names = names_for(spec)
    spec = select_document(spec, selection)
    # Only schemas and operations: `info.title` is the API's name, not a schema title.
    derived = {
        key: _rewrite(value, names.schemas) if key in ("components", "paths") else value for key, value in spec.items()
    }
    schemas = (derived.get("components") or {}).get("schemas")
    if isinstance(schemas, dict):
        derived["components"]["schemas"] = {names.schemas.get(key, key): value for key, value in schemas.items()}
    for inline in list(inline_schemas(derived)):
        name = names.inline[(inline.operation_id, inline.part)]
        if inline.kind == "parameter":  # a path-level parameter is hoisted with the first operation of its path
            if "$ref" in inline.schema:
                continue  # the generator prefixes a parameter's enum with the operationId, title or not
            derived.setdefault("components", {}).setdefault("schemas", {})[name] = inline.schema
            inline.container[inline.key] = {"$ref": _SCHEMA_REF + name}
        else:  # the generator takes the title of a body or an answer as its class name as it is
            inline.schema["title"] = name
    return derived


@dataclass(frozen=True)
class GeneratedPackage:
    """A freshly generated package, and the generator's warnings: what it left out (none when strict)."""

    path: Path
    warnings: tuple[str, ...]


def _run_generator(out_dir: Path, spec: Path, config: Path, templates: Path, strict: bool) -> tuple[str, ...]:
    """The pinned generator, in this process (its command line would start a Python and import it again: half of a
    generation's time). Its post hooks run here too, each as its own process without a shell, the virtualenv's
    tools first on the path. Strict refuses any warning; otherwise the warnings (headers) come back."""
    from openapi_python_client import generate as run_generator
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser.errors import ErrorLevel

    try:
        config_file = ConfigFile.load_from_path(path=config)
    except Exception as exc:  # the generator's own reading of its config; any fault there is a config fault
        raise GenerationError(f"{config}: the generator cannot read it ({type(exc).__name__})") from None
    settings = Config.from_sources(config_file, MetaType.NONE, spec, "utf-8", False, output_path=out_dir)
    hooks = [_hook_command(hook) for hook in settings.post_hooks]  # one that cannot run fails before generating
    settings.post_hooks = []
    with contextlib.redirect_stdout(io.StringIO()):  # "Generating <dir>"
        errors = run_generator(config=settings, custom_template_path=templates.resolve())
    failed = [error for error in errors if error.level == ErrorLevel.ERROR or strict]
    if failed:
        described = "\n".join(f"{error.header}: {error.detail}" if error.detail else error.header for error in failed)
        raise GenerationError(f"openapi-python-client failed:\n{described}")
    for hook, argv in hooks:
        _run_post_hook(hook, argv, out_dir)
    return tuple(error.header for error in errors)


def _hook_command(hook: str) -> tuple[str, list[str]]:
    """One of the config's post hooks (`ruff format .`) as the command it runs, its tool found (the virtualenv's
    first), or a GenerationError naming it: read as the generator would, but never by a shell."""
    bin_dir = str(Path(sys.executable).parent)
    try:
        argv = shlex.split(hook)
    except ValueError as exc:  # an unclosed quote
        raise GenerationError(f"post hook {hook[:200]!r}: cannot be read as a command ({exc})") from None
    found = shutil.which(argv[0], path=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}") if argv else None
    if found is None:
        raise GenerationError(f"post hook {hook!r}: {argv[0] if argv else 'nothing'} is not installed")
    return hook, [found, *argv[1:]]


def _run_post_hook(hook: str, argv: list[str], package_dir: Path) -> None:
    result = subprocess.run(argv, cwd=package_dir, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise GenerationError(f"post hook {hook!r} failed (exit {result.returncode}):\n{output}")


def build_package(workdir: Path, spec: Path, config: Path, templates: Path, *, strict: bool = True) -> GeneratedPackage:
    """Generate the client of `spec` into `workdir/<package>`, for the operations listed beside the spec (every one
    when there is no list). Strict (generation's default) refuses any generator warning; otherwise the warnings
    (an operation the generator left out) come back with the package."""
    validate_config(config)
    try:
        document = parse_spec_text(spec.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GenerationError(f"{spec}: cannot read the spec ({type(error).__name__})") from error
    if not isinstance(document, dict):
        raise GenerationError(f"{spec}: expected an OpenAPI document")
    workdir.mkdir(parents=True, exist_ok=True)
    derived = workdir / "generator-input.json"
    selection = selection_beside(spec)  # openapi/operations.yaml; a spec without one generates everything
    try:
        derived_document = generator_input(document, selection)
        names = class_names(document)  # decided over the whole spec, as the generator input's are
        facade = plan_facade(Spec(document, selection), names)  # client.jobs: one method per selected operation
        derived_document = add_partial_models(derived_document, facade, names)
    except (LookupError, FacadeError) as exc:
        raise GenerationError(f"{spec}: {exc}") from None
    derived.write_text(json.dumps(derived_document, indent=1), encoding="utf-8")
    package_dir = workdir / PACKAGE_NAME
    warnings = _run_generator(package_dir, derived, config, templates, strict)
    _copy_lib(templates.parent / "lib", package_dir / "_lib")
    try:
        write_facade(package_dir, facade, templates.parent / "facade" / "jobs.py.jinja")
    except FacadeError as exc:
        raise GenerationError(str(exc)) from None
    return GeneratedPackage(package_dir, warnings)


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
        fresh = build_package(Path(tmp), spec, config, templates).path
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
        fresh = build_package(Path(tmp), spec, config, templates).path
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
