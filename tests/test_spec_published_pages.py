"""Real published pages of other versions (Gateway REST API 4.21.6 and 5.10.0; tests/specs/README.md says where they
come from) go through extraction, validation, page assembly and the diff. Each is the page of one operation
(create): alone it lacks the other selected operations and a bump refuses it, naming them; with the other
operations' pages of its version (cut from the frozen spec, holding the published components) it is a spec."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from spec_tools import paths
from spec_tools.bump import BumpRefused, Project, bump
from spec_tools.diff import Severity, diff_specs
from spec_tools.extract import read_spec_text
from spec_tools.selection import load_selection
from spec_tools.spec import Spec, load_spec, parse_spec_text
from spec_tools.validate import Candidate, SpecInputError, load_candidate
from tests.helpers import load_script
from tests.spec_probes import FROZEN_SPEC, copy_project, deprecated_properties, run_make, tree_digest
from tests.synthetic_pages import published_page_set

pytestmark = pytest.mark.timeout(120)

CREATE_PAGE = Path(__file__).parent / "specs" / "published" / "create-supervised-fine-tuning-job-4.21.6.md"
NEWER_PAGE = Path(__file__).parent / "specs" / "published" / "create-supervised-fine-tuning-job-5.10.0.md"
SELECTED = load_selection()
FROZEN = Spec(load_spec(FROZEN_SPEC).document, SELECTED)
PUBLISHED = parse_spec_text(read_spec_text(CREATE_PAGE))


def _quiet(line: str) -> None:
    """Progress output is not under test here."""


def _page_set(published: Path, tmp_path: Path) -> Path:
    """The published page with the other selected operations' pages of its version."""
    document = parse_spec_text(read_spec_text(published))
    return published_page_set(published, document, FROZEN.document, tmp_path / f"pages-{published.stem}")


def _operation_ids(document: dict[str, Any]) -> set[str]:
    return {raw["operationId"] for item in document["paths"].values() for raw in item.values() if "operationId" in raw}


def _props(spec: Spec) -> set[str]:
    return set(spec.job_schema()["properties"])


def _states(spec: Spec) -> set[str]:
    return set(spec.enum_values(spec.schema_name(spec.job_schema()["properties"]["state"]) or ""))


def _project(tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi", ignore=shutil.ignore_patterns("pages"))
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    (root / "generated").mkdir()
    (root / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    return Project(root)


def test_the_published_page_extracts_and_validates() -> None:
    """The older page's ```yaml block (a `post` fence) is found and is valid OpenAPI 3.1; the data is what
    tests/specs/README.md describes (no jobProgress/purpose/azureBlobStorageConfig, a region, `Next ID` titles)."""
    candidate = load_candidate(CREATE_PAGE, require_selection=False)
    assert candidate.spec.version == "4.21.6" and candidate.warnings == ()
    job: dict[str, Any] = PUBLISHED["components"]["schemas"][FROZEN.job_schema_name()]
    assert job["title"].startswith("Next ID")
    assert {"jobProgress", "purpose", "azureBlobStorageConfig"} <= _props(FROZEN) - set(job["properties"])
    assert "region" in job["properties"]


@pytest.mark.parametrize("page", [CREATE_PAGE, NEWER_PAGE], ids=["4.21.6", "5.10.0 (CRLF)"])
def test_one_operations_page_alone_is_refused_by_the_bump_and_breaking_to_the_diff(
    tmp_path: Path, page: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The create page alone lacks six selected operations: the bump refuses it naming the first, the tree
    untouched; spec-diff reports each missing operation as removed (breaking, exit 1)."""
    project = _project(tmp_path)
    before = tree_digest(project.root)
    missing = [op for op in SELECTED if op not in _operation_ids(parse_spec_text(read_spec_text(page)))]
    with pytest.raises(SpecInputError, match=rf"lacks the operation {missing[0]} \(and {len(missing) - 1} more"):
        bump(page, project, force=True, verify="false", echo=_quiet)
    assert tree_digest(project.root) == before and not project.reports.exists()
    assert load_script("spec_diff").main([str(FROZEN_SPEC), str(page), "--reports", str(tmp_path / "r")]) == 1
    out = capsys.readouterr().out
    for operation_id in missing:
        assert f"breaking     {operation_id}: operation-removed" in out


def test_make_refuses_the_published_create_page_alone(tmp_path: Path) -> None:
    """The real create page through the real `make bump`: exit 2 naming what it lacks, the tree byte-identical."""
    root = copy_project(tmp_path / "repo")
    before = tree_digest(root)
    bumped = run_make(root, "bump", f"SPEC={CREATE_PAGE}", env={"FORCE": "1", "BUMP_VERIFY": "true"})
    assert bumped.returncode == 2, bumped.stderr
    assert "lacks the operation" in bumped.stderr and "Traceback" not in bumped.stderr
    assert tree_digest(root) == before


@pytest.fixture(scope="module")
def older(tmp_path_factory: pytest.TempPathFactory) -> Candidate:
    return load_candidate([_page_set(CREATE_PAGE, tmp_path_factory.mktemp("older"))])


def test_the_older_page_set_validates_and_every_removal_is_breaking(older: Candidate) -> None:
    """4.259.0 -> 4.21.6 (the published page with its version's other pages): each removed property, schema and job
    state is reported as breaking, each addition (region) as non-breaking; all derived from the two specs."""
    assert older.spec.version == "4.21.6" and older.assembled
    assert CREATE_PAGE.read_bytes() in [page.raw for page in older.pages]  # the real page, verbatim
    job = FROZEN.job_schema_name()
    states = FROZEN.schema_name(FROZEN.job_schema()["properties"]["state"])
    found = {(c.location, c.change): c.severity for c in diff_specs(FROZEN, older.spec)}
    new, old = older.spec, FROZEN
    expected = {
        **{(f"{job}.{name}", "property-removed"): Severity.BREAKING for name in _props(old) - _props(new)},
        **{(name, "schema-removed"): Severity.BREAKING for name in old.selected_schemas.keys() - new.schemas.keys()},
        **{(f"{states}.{value}", "enum-value-removed"): Severity.BREAKING for value in _states(old) - _states(new)},
        **{(f"{job}.{name}", "property-added"): Severity.NON_BREAKING for name in _props(new) - _props(old)},
        **{(name, "schema-added"): Severity.NON_BREAKING for name in new.selected_schemas.keys() - old.schemas.keys()},
    }
    assert expected.items() <= found.items()
    assert len(expected) >= 8  # 3 properties, 3 schemas, 1 state removed; region and its enum added


def test_the_newer_spec_deprecates_what_the_older_page_did_not(older: Candidate) -> None:
    """4.21.6 -> 4.259.0: every field 4.259.0 deprecates (by a `Deprecated:` description) is a `deprecation`."""
    changes = diff_specs(older.spec, FROZEN)
    reported = {c.location for c in changes if c.severity is Severity.DEPRECATION}
    assert reported == deprecated_properties(FROZEN) - deprecated_properties(older.spec) and reported


def test_bumping_to_the_older_page_set_needs_force(tmp_path: Path) -> None:
    """Without FORCE an older version is refused before any write."""
    project = _project(tmp_path)
    before = tree_digest(project.root)
    with pytest.raises(BumpRefused, match="older than the vendored"):
        bump(_page_set(CREATE_PAGE, tmp_path), project, verify="false", echo=_quiet)
    assert tree_digest(project.root) == before


def test_a_forced_bump_to_the_older_page_set_leaves_one_coherent_tree(tmp_path: Path) -> None:
    """With FORCE the bump vendors and regenerates 4.21.6, whose schemas are titled 'Next ID: ...' (class names
    come from the spec's keys, never titles), keeps its pages (the real one verbatim) and records its breaking
    changes in the changelog."""
    root = copy_project(tmp_path / "repo")
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    folder = _page_set(CREATE_PAGE, tmp_path)
    bump(folder, Project(root), force=True, verify="true", echo=_quiet)
    assert (root / "openapi" / "gateway.yaml").read_text(encoding="utf-8") == load_candidate([folder]).text
    assert (root / "openapi" / "pages" / CREATE_PAGE.name).read_bytes() == CREATE_PAGE.read_bytes()
    entry = (root / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ", 2)[1]
    assert entry.startswith("Spec 4.21.6") and "(forced)" in entry and "**breaking**" in entry


def test_the_newer_published_page_set_is_additive_and_its_deprecations_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4.259.0 -> 5.10.0 (a CRLF page with a json block before the OpenAPI block, with its version's other pages):
    the page is kept with its CRLF, nothing is breaking for a reader or a writer, and each field 5.10.0 newly
    deprecates is reported under `deprecation`."""
    folder = _page_set(NEWER_PAGE, tmp_path)
    candidate = load_candidate([folder])
    newer = candidate.spec
    assert b"\r\n" in NEWER_PAGE.read_bytes() and NEWER_PAGE.read_bytes() in [page.raw for page in candidate.pages]
    changes = diff_specs(FROZEN, newer)
    assert [c for c in changes if c.severity is Severity.BREAKING] == []
    newly = deprecated_properties(newer) - deprecated_properties(FROZEN)
    assert newly and {c.location for c in changes if c.severity is Severity.DEPRECATION} == newly
    added = newer.selected_schemas.keys() - FROZEN.schemas.keys()
    assert added and {c.location for c in changes if c.change == "schema-added"} == added
    assert load_script("spec_diff").main([str(FROZEN_SPEC), str(folder), "--reports", str(tmp_path / "r")]) == 0
    new_states = _states(newer) - _states(FROZEN)  # a new job state is the one warning
    assert f"0 breaking, {len(new_states)} warning, {len(newly)} deprecation" in capsys.readouterr().out
