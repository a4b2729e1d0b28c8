"""A spec bump needs no hand edit: a frozen copy of this project takes a whole spec, a docs page, or a folder of
per-operation pages with `make bump` alone, and that copy's own `make test` (the bump's verification step) and
`make contract` pass; pages that disagree are refused with the tree untouched.

The inputs are derived from the spec vendored now (tests/synthetic_pages.py), so these tests hold after every
bump. Each bump costs a whole nested `make test`, so they are marked `slow`: `make test` leaves them out,
`make test-slow` (and so CI) runs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spec_tools import paths
from spec_tools.bump import compare_versions
from spec_tools.extract import read_spec_text
from spec_tools.naming import class_names
from spec_tools.spec import Spec, load_spec, parse_spec_text
from spec_tools.validate import load_candidate
from tests.synthetic_pages import (
    SyntheticSpec,
    additive_spec,
    breaking_spec,
    docs_page,
    operation_pages,
    published_page_set,
    spec_text,
    write_pages,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        bool(os.environ.get("FIREWORKS_NESTED_BUMP")), reason="already inside a nested bump's make test"
    ),
]

VENV = Path(sys.prefix)  # the outer checkout's venv; the copy's code wins through PYTHONPATH
_ALLOWED_CHANGES = ("openapi/", "generated/", "CHANGELOG.md")
PUBLISHED_DIR = Path(__file__).parent / "specs" / "published"


def _git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")  # fmt: skip
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture(scope="module")
def frozen_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every file git would commit from this checkout, committed again in a repo of its own."""
    root = tmp_path_factory.mktemp("frozen") / "repo"
    listed = _git(paths.REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = paths.REPO_ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    mypy_cache = paths.REPO_ROOT / ".mypy_cache"
    if mypy_cache.is_dir():  # third-party stubs dominate a cold mypy run; the copy's own files are re-checked
        shutil.copytree(mypy_cache, root / ".mypy_cache")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "frozen")
    return root


@pytest.fixture
def tree(frozen_tree: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(frozen_tree, root, symlinks=True)
    return root


def _make(root: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`make` in the copy with this venv (never re-bootstrapped: that would re-point this checkout's install)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CONTRACT_", "FORCE"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(root / "generated"), str(root / "src"), str(root)]),
        FIREWORKS_NESTED_BUMP="1",
        **(extra_env or {}),
    )
    stamp = VENV / ".bootstrapped"
    command = ["make", "--no-print-directory", f"VENV={VENV}", "-o", str(stamp), *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=540, check=False)


def _bump(root: Path, spec: str | Path, *, force: bool = False) -> str:
    result = _make(root, "bump", f"SPEC={spec}", extra_env={"FORCE": "1"} if force else None)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    return output


def _page(synthetic: SyntheticSpec, tmp_path: Path) -> Path:
    page = tmp_path / "Get Supervised Fine-tuning Job.md"
    page.write_bytes(docs_page(synthetic.document))
    return page


def _changed_paths(root: Path) -> list[str]:
    lines = _git(root, "status", "--porcelain", "--untracked-files=all").splitlines()
    return sorted(line[3:] for line in lines)


def _class_names(root: Path) -> list[str]:
    models = root / "generated" / paths.PACKAGE_NAME / "models"
    return re.findall(r"^class (\w+)", "\n".join(p.read_text() for p in models.glob("*.py")), re.M)


def test_additive_bump_needs_no_hand_edit(tree: Path, tmp_path: Path) -> None:
    """Every additive change of a newer page (new enum, nested new objects, an empty object, a new state, a
    deprecation; CRLF page with a json block first, holding the whole spec) goes through `make bump` alone: its
    verification `make test` passes, `make contract` passes, and only openapi/, generated/ and CHANGELOG.md
    change."""
    synthetic = additive_spec(load_spec().document)
    output = _bump(tree, _page(synthetic, tmp_path))
    assert synthetic.version in (tree / "openapi" / "gateway.yaml").read_text()

    changed = _changed_paths(tree)
    assert changed, output[-2000:]
    assert all(path.startswith(_ALLOWED_CHANGES) for path in changed), changed

    names = _class_names(tree)
    new_schemas = set(synthetic.document["components"]["schemas"]) - set(load_spec().schemas)
    rule = class_names(synthetic.document)
    assert new_schemas and {rule[key] for key in new_schemas} <= set(names), (new_schemas, names)

    report = json.loads((tree / "reports" / "spec-diff.json").read_text())
    severities = {change["severity"] for change in report}
    assert "breaking" not in severities, report
    deprecations = [c for c in report if c["severity"] == "deprecation"]
    assert synthetic.deprecated_property is not None
    assert any(synthetic.deprecated_property in c["location"] and c["operations"] for c in deprecations), report
    changelog = (tree / "CHANGELOG.md").read_text()
    assert synthetic.deprecated_property in changelog and "deprecation" in changelog

    contract = _make(tree, "contract")
    assert contract.returncode == 0, (contract.stdout + contract.stderr)[-6000:]


def test_breaking_bump_with_force_needs_no_hand_edit(tree: Path, tmp_path: Path) -> None:
    """A whole spec that removes three properties (message-typed ones first) and a job state is reported as
    breaking, and with FORCE=1 goes through with no edit: the mock, rules and fault catalogue follow the new spec."""
    synthetic = breaking_spec(load_spec().document)
    whole = tmp_path / "gateway-next.yaml"
    whole.write_text(spec_text(synthetic.document), encoding="utf-8")
    _bump(tree, whole, force=True)
    vendored = Spec(parse_spec_text((tree / "openapi" / "gateway.yaml").read_text()))
    assert all(synthetic.removed_state not in schema.get("enum", ()) for schema in vendored.schemas.values())

    report = json.loads((tree / "reports" / "spec-diff.json").read_text())
    breaking = [c["location"] for c in report if c["severity"] == "breaking"]
    assert any(synthetic.removed_state in location for location in breaking), breaking
    for name in synthetic.removed_properties:
        assert any(name in location for location in breaking), (name, breaking)
    assert all(path.startswith(_ALLOWED_CHANGES) for path in _changed_paths(tree))

    contract = _make(tree, "contract")
    assert contract.returncode == 0, (contract.stdout + contract.stderr)[-6000:]


def test_bump_from_a_folder_of_pages_needs_no_hand_edit(tree: Path, tmp_path: Path) -> None:
    """The per-operation docs pages of a newer version, one page per selected operation in a folder, go through
    `make bump SPEC=folder` alone: the spec they assemble into is vendored, each page is kept verbatim in
    openapi/pages/, and the copy's `make test` and `make contract` pass."""
    synthetic = additive_spec(load_spec().document)
    folder = write_pages(tmp_path / "pages", operation_pages(synthetic.document))
    _bump(tree, folder)
    assert (tree / "openapi" / "gateway.yaml").read_text() == load_candidate([folder]).text
    kept = {path.name: path.read_bytes() for path in (tree / "openapi" / "pages").iterdir()}
    assert kept == {path.name: path.read_bytes() for path in folder.iterdir()}
    assert all(path.startswith(_ALLOWED_CHANGES) for path in _changed_paths(tree))
    contract = _make(tree, "contract")
    assert contract.returncode == 0, (contract.stdout + contract.stderr)[-6000:]


def test_pages_that_disagree_are_refused_with_the_tree_untouched(tree: Path, tmp_path: Path) -> None:
    """Pages of one version that say different things about a shared schema: `make bump` exits 2 naming the schema
    and the field, and nothing in the copy changes."""
    synthetic = additive_spec(load_spec().document)
    pages = operation_pages(synthetic.document)
    job = Spec(synthetic.document, load_spec().selection).job_schema_name()
    holding = sorted(name for name, data in pages.items() if f"{job}:".encode() in data)
    altered = json.loads(json.dumps(synthetic.document))
    properties = altered["components"]["schemas"][job]["properties"]
    field = next(name for name, prop in properties.items() if prop.get("type") == "integer")
    properties[field] = {"type": "string"}
    pages[holding[-1]] = operation_pages(altered, (holding[-1].removesuffix(".md"),))[holding[-1]]
    folder = write_pages(tmp_path / "pages", pages)
    result = _make(tree, "bump", f"SPEC={folder}")
    assert result.returncode == 2, (result.stdout + result.stderr)[-3000:]
    assert f"disagree on schema {job} at properties.{field}.type" in result.stderr
    assert _changed_paths(tree) == []


@pytest.mark.parametrize("published", sorted(PUBLISHED_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_bump_to_a_published_schema_needs_no_hand_edit(tree: Path, tmp_path: Path, published: Path) -> None:
    """The schema of a real published page (older: 4.21.6, titles 'Next ID: ...', no jobProgress; newer: 5.10.0,
    CRLF, new states and deprecations), with the other selected operations' pages of its version, goes through
    `make bump` alone, FORCE=1 only when it is not newer; the real page is kept verbatim."""
    document = parse_spec_text(read_spec_text(published))
    folder = published_page_set(published, document, load_spec().document, tmp_path / "pages")
    version = str(load_candidate([folder]).spec.version)
    force = compare_versions(load_spec().version, version) != 1
    _bump(tree, folder, force=force)
    assert f"version: {version}" in (tree / "openapi" / "gateway.yaml").read_text()
    assert (tree / "openapi" / "pages" / published.name).read_bytes() == published.read_bytes()
    assert all(path.startswith(_ALLOWED_CHANGES) for path in _changed_paths(tree))
    contract = _make(tree, "contract")
    assert contract.returncode == 0, (contract.stdout + contract.stderr)[-6000:]
