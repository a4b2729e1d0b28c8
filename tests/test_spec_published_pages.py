"""Real published pages of other versions (Gateway REST API 4.21.6 and 5.10.0; tests/specs/README.md says where they
come from) go through extraction, validation and the diff; a page of another operation is refused with the tree
untouched."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_tools import paths
from spec_tools.bump import BumpRefused, Project, bump
from spec_tools.diff import Severity, diff_specs
from spec_tools.extract import read_spec_text
from spec_tools.spec import JOB_PATH, Spec, load_spec, parse_spec_text
from spec_tools.validate import SpecInputError, _validate_openapi, load_candidate
from tests.helpers import load_script
from tests.spec_probes import (
    FROZEN_SPEC,
    as_job_get_page,
    copy_project,
    deprecated_properties,
    docs_page,
    run_make,
    tree_digest,
)

pytestmark = pytest.mark.timeout(120)

CREATE_PAGE = Path(__file__).parent / "specs" / "published" / "create-supervised-fine-tuning-job-4.21.6.md"
NEWER_PAGE = Path(__file__).parent / "specs" / "published" / "create-supervised-fine-tuning-job-5.10.0.md"
FROZEN = load_spec(FROZEN_SPEC)
PUBLISHED = parse_spec_text(read_spec_text(CREATE_PAGE))
OLDER = Spec({**PUBLISHED, "paths": FROZEN.document["paths"]})  # the 4.21.6 components behind the job GET
NEWER = Spec({**parse_spec_text(read_spec_text(NEWER_PAGE)), "paths": FROZEN.document["paths"]})


def _quiet(line: str) -> None:
    """Progress output is not under test here."""


def _older_get_page(tmp_path: Path) -> Path:
    return as_job_get_page(CREATE_PAGE, tmp_path)


def _other_operation_pages(tmp_path: Path) -> dict[str, Path]:
    """The real create page, and delete/list pages made from the frozen spec (its job GET moved elsewhere)."""
    delete = copy.deepcopy(FROZEN.document)
    delete["paths"][JOB_PATH] = {"delete": delete["paths"][JOB_PATH]["get"]}
    listing = copy.deepcopy(FROZEN.document)
    collection, job_id = JOB_PATH.rsplit("/", 1)
    operation = listing["paths"][JOB_PATH]["get"]
    operation["parameters"] = [p for p in operation["parameters"] if f"{{{p['name']}}}" != job_id]
    listing["paths"] = {collection: {"get": operation}}
    return {
        "create (published 4.21.6)": CREATE_PAGE,
        "create (published 5.10.0, CRLF)": NEWER_PAGE,
        "delete": docs_page(tmp_path / "delete.md", yaml.safe_dump(delete)),
        "list": docs_page(tmp_path / "list.md", yaml.safe_dump(listing)),
    }


def _props(spec: Spec) -> set[str]:
    return set(spec.job_schema()["properties"])


def _states(spec: Spec) -> set[str]:
    return set(spec.enum_values(spec.schema_name(spec.job_schema()["properties"]["state"]) or ""))


def test_the_published_page_extracts_and_validates() -> None:
    """The older page's ```yaml block (a `post` fence) is found and is valid OpenAPI 3.1 with our validator; the
    data is what the issue describes (no jobProgress/purpose/azureBlobStorageConfig, a region, `Next ID` titles)."""
    _validate_openapi(PUBLISHED, read_spec_text(CREATE_PAGE), str(CREATE_PAGE))
    assert PUBLISHED["info"]["version"] == "4.21.6"
    job: dict[str, Any] = PUBLISHED["components"]["schemas"][FROZEN.job_schema_name()]
    assert job["title"].startswith("Next ID")
    assert {"jobProgress", "purpose", "azureBlobStorageConfig"} <= _props(FROZEN) - set(job["properties"])
    assert "region" in job["properties"]


OTHER_OPERATIONS = ["create (published 4.21.6)", "create (published 5.10.0, CRLF)", "delete", "list"]


@pytest.mark.parametrize("operation", OTHER_OPERATIONS)
def test_a_page_of_another_operation_is_refused_with_the_tree_untouched(
    tmp_path: Path, operation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid OpenAPI without the job GET is refused, naming the missing GET, by bump and spec-diff alike."""
    page = _other_operation_pages(tmp_path)[operation]
    root = tmp_path / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi")
    (root / "generated").mkdir()
    (root / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    before = tree_digest(root)
    with pytest.raises(SpecInputError, match=r"has no GET /v1/accounts/\{account_id\}/supervisedFineTuningJobs/\{"):
        bump(page, Project(root), verify="false", echo=_quiet)
    assert not (root / "reports").exists()
    assert tree_digest(root) == before
    assert load_script("spec_diff").main([str(FROZEN_SPEC), str(page), "--reports", str(tmp_path / "r")]) == 2
    assert "has no GET" in capsys.readouterr().err


def test_make_refuses_the_published_create_page(tmp_path: Path) -> None:
    """The real create page through the real `make` targets: exit 2 from both, the tree byte-identical."""
    root = copy_project(tmp_path / "repo")
    before = tree_digest(root)
    diff = run_make(root, "spec-diff", f"OLD={FROZEN_SPEC}", f"NEW={CREATE_PAGE}")
    bumped = run_make(root, "bump", f"SPEC={CREATE_PAGE}", env={"FORCE": "1", "BUMP_VERIFY": "true"})
    assert (diff.returncode, bumped.returncode) == (2, 2), diff.stderr + bumped.stderr
    assert "has no GET" in diff.stderr and "has no GET" in bumped.stderr
    assert tree_digest(root) == before


def test_the_older_get_page_validates_and_every_removal_is_breaking(tmp_path: Path) -> None:
    """4.259.0 -> 4.21.6 (the published components behind the job GET): each removed property, schema and job
    state is reported as breaking, each addition (region) as non-breaking; all derived from the two specs."""
    candidate = load_candidate(_older_get_page(tmp_path))
    assert candidate.spec.version == "4.21.6"
    job = FROZEN.job_schema_name()
    states = FROZEN.schema_name(FROZEN.job_schema()["properties"]["state"])
    gone_states = _states(FROZEN) - _states(OLDER)
    found = {(c.location, c.change): c.severity for c in diff_specs(FROZEN, candidate.spec)}
    expected = {
        **{(f"{job}.{name}", "property-removed"): Severity.BREAKING for name in _props(FROZEN) - _props(OLDER)},
        **{(name, "schema-removed"): Severity.BREAKING for name in FROZEN.schemas.keys() - OLDER.schemas.keys()},
        **{(f"{states}.{value}", "enum-value-removed"): Severity.BREAKING for value in gone_states},
        **{(f"{job}.{name}", "property-added"): Severity.NON_BREAKING for name in _props(OLDER) - _props(FROZEN)},
        **{(name, "schema-added"): Severity.NON_BREAKING for name in OLDER.schemas.keys() - FROZEN.schemas.keys()},
    }
    assert expected.items() <= found.items()
    assert len(expected) >= 8  # 3 properties, 3 schemas, 1 state removed; region and its enum added


def test_the_newer_spec_deprecates_what_the_older_page_did_not(tmp_path: Path) -> None:
    """4.21.6 -> 4.259.0: every field 4.259.0 deprecates (by a `Deprecated:` description) is a `deprecation`."""
    changes = diff_specs(OLDER, FROZEN)
    reported = {c.location for c in changes if c.severity is Severity.DEPRECATION}
    assert reported == deprecated_properties(FROZEN) and reported


def test_bumping_to_the_older_page_needs_force(tmp_path: Path) -> None:
    """Without FORCE an older version is refused before any write."""
    root = tmp_path / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi")
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    before = (root / "openapi" / "gateway.yaml").read_bytes()
    with pytest.raises(BumpRefused, match="older than the vendored"):
        bump(_older_get_page(tmp_path), Project(root), verify="false", echo=_quiet)
    assert (root / "openapi" / "gateway.yaml").read_bytes() == before


def test_a_forced_bump_to_the_older_page_leaves_one_coherent_tree(tmp_path: Path) -> None:
    """With FORCE the bump vendors and regenerates 4.21.6, whose schemas are titled 'Next ID: ...' (class names
    come from schema keys, never titles), and records its breaking changes in the changelog."""
    root = copy_project(tmp_path / "repo")
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    page = _older_get_page(tmp_path)
    bump(page, Project(root), force=True, verify="true", echo=_quiet)
    assert (root / "openapi" / "gateway.yaml").read_text(encoding="utf-8") == read_spec_text(page)
    entry = (root / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ", 2)[1]
    assert entry.startswith("Spec 4.21.6") and "(forced)" in entry and "**breaking**" in entry


def test_the_newer_published_page_is_additive_and_its_deprecations_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4.259.0 -> 5.10.0 (a CRLF page with a json block before the OpenAPI block): the yaml block is taken with its
    CRLF, nothing is breaking, and each field 5.10.0 newly deprecates is reported under `deprecation`."""
    page = as_job_get_page(NEWER_PAGE, tmp_path)
    candidate = load_candidate(page)
    assert "\r\n" in candidate.text and candidate.spec.version == NEWER.document["info"]["version"]
    changes = diff_specs(FROZEN, candidate.spec)
    assert [c for c in changes if c.severity is Severity.BREAKING] == []
    newly = deprecated_properties(NEWER) - deprecated_properties(FROZEN)
    assert newly and {c.location for c in changes if c.severity is Severity.DEPRECATION} == newly
    added = NEWER.schemas.keys() - FROZEN.schemas.keys()
    assert added and {c.location for c in changes if c.change == "schema-added"} == added
    assert load_script("spec_diff").main([str(FROZEN_SPEC), str(page), "--reports", str(tmp_path / "r")]) == 0
    new_states = _states(NEWER) - _states(FROZEN)  # a new job state is the one warning
    assert f"0 breaking, {len(new_states)} warning, {len(newly)} deprecation" in capsys.readouterr().out
