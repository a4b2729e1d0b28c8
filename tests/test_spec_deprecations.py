"""Deprecation has one definition (spec_tools.deprecation), which the diff and generation share; newly deprecated
fields are reported with their own severity, `deprecation`, by spec-diff and bump: in both reports, the printed
summary and the CHANGELOG entry; never as breaking (issue 10, item 3)."""

from __future__ import annotations

import copy
import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_tools import paths
from spec_tools.bump import Project, bump
from spec_tools.codegen import generator_input
from spec_tools.deprecation import deprecation_mark, is_deprecated
from spec_tools.diff import Severity, diff_specs
from spec_tools.spec import Spec, load_spec
from tests.helpers import load_script
from tests.spec_probes import FROZEN_SPEC, deprecated_properties, docs_page, with_version

FROZEN = load_spec(FROZEN_SPEC)

# A property's marks, and whether they make it deprecated: the keyword, or a first word "deprecated" in any case.
MARKS = {
    "keyword": ({"deprecated": True}, True),
    "keyword false": ({"deprecated": False, "description": "Kept."}, False),
    "description Deprecated:": ({"description": "Deprecated: use mtpEnabled."}, True),
    "title in capitals": ({"title": "DEPRECATED tags"}, True),
    "leading blanks": ({"description": "  deprecated. Gone in v5."}, True),
    "a longer first word": ({"description": "Deprecatedness of the old API is tracked here."}, False),
    "a longer first word in the title": ({"title": "Deprecatedness tracked", "description": "The old field."}, False),
    "deprecated later in the text": ({"description": "Not deprecated: still the way to go."}, False),
    "no text": ({"type": "string"}, False),
}


@pytest.mark.parametrize("case", list(MARKS))
def test_the_one_definition_of_deprecated(case: str) -> None:
    """`deprecated: true`, or a description or title whose first word is "deprecated"; not a word that merely
    starts with it, nor the word later in the text."""
    node, expected = MARKS[case]
    assert is_deprecated(node) is expected
    assert (deprecation_mark(node) is not None) is expected


@pytest.mark.parametrize("case", list(MARKS))
def test_generation_and_the_diff_agree_on_what_is_deprecated(case: str) -> None:
    """The same mark makes the diff report `deprecated` and the generated attribute's docstring start with
    "Deprecated", or neither (they once disagreed: a prefix match against a word match)."""
    node, expected = MARKS[case]
    job_key = FROZEN.job_schema_name()
    marked = copy.deepcopy(FROZEN.document)
    marked["components"]["schemas"][job_key]["properties"]["probe"] = {"type": "string", **node}
    plain = copy.deepcopy(marked)
    plain["components"]["schemas"][job_key]["properties"]["probe"] = {"type": "string"}
    reported = any(c.change == "deprecated" for c in diff_specs(Spec(plain), Spec(marked)))
    derived = generator_input(marked)
    probe = next(
        schema["properties"]["probe"]
        for schema in derived["components"]["schemas"].values()
        if "probe" in (schema.get("properties") or {})
    )
    documented = re.match(r"\s*deprecated\b", str(probe.get("description", "")), re.IGNORECASE) is not None
    assert reported is documented is expected


def _undeprecated(document: dict[str, Any]) -> dict[str, Any]:
    """The same document with every property's deprecation mark removed."""
    result = copy.deepcopy(document)
    for location in deprecated_properties(Spec(result)):
        schema_name, name = location.split(".", 1)
        prop = result["components"]["schemas"][schema_name]["properties"][name]
        prop.pop("deprecated", None)
        for key in ("description", "title"):
            if key in prop:
                prop[key] = "Still supported."
    return result


def test_the_published_deprecations_are_reported_as_deprecation() -> None:
    """Diffing the frozen spec against itself minus its deprecation marks reports exactly the fields the spec
    deprecates (four `Deprecated:` descriptions in 4.259.0), each as `deprecation`, and nothing as breaking."""
    expected = deprecated_properties(FROZEN)
    assert expected, "the frozen spec should deprecate some fields"
    changes = diff_specs(Spec(_undeprecated(FROZEN.document)), FROZEN)
    assert {(c.location, c.change, c.severity) for c in changes} == {
        (location, "deprecated", Severity.DEPRECATION) for location in expected
    }


def _a_live_property() -> str:
    """A job property the frozen spec does not deprecate (so the test holds whatever is deprecated later)."""
    job = FROZEN.job_schema_name()
    deprecated = deprecated_properties(FROZEN)
    return next(name for name in FROZEN.schemas[job]["properties"] if f"{job}.{name}" not in deprecated)


def _deprecating_page(tmp_path: Path) -> Path:
    document = yaml.safe_load(with_version("9999.0.0"))
    job = document["components"]["schemas"][FROZEN.job_schema_name()]
    job["properties"][_a_live_property()]["deprecated"] = True
    return docs_page(tmp_path / "page.md", yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def test_spec_diff_prints_and_writes_deprecations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`make spec-diff` lists the deprecation in its summary, both reports, and exits 0 (not breaking)."""
    location = f"{FROZEN.job_schema_name()}.{_a_live_property()}"
    reports = tmp_path / "reports"
    argv = [str(FROZEN_SPEC), str(_deprecating_page(tmp_path)), "--reports", str(reports)]
    assert load_script("spec_diff").main(argv) == 0
    out = capsys.readouterr().out
    assert "0 breaking, 0 warning, 1 deprecation, 0 non-breaking" in out
    assert f"deprecation  {location}: deprecated" in out
    report = json.loads((reports / "spec-diff.json").read_text(encoding="utf-8"))
    assert [(r["location"], r["severity"]) for r in report] == [(location, "deprecation")]
    markdown = (reports / "spec-diff.md").read_text(encoding="utf-8")
    assert f"## deprecation (1)\n\n- `{location}` — deprecated" in markdown


def test_bump_reports_deprecations_in_its_output_and_changelog(tmp_path: Path) -> None:
    """A bump that deprecates a field goes through (no FORCE) and says so in its output and CHANGELOG entry."""
    root = tmp_path / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi")
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## Spec 4.259.0 — 2026-11-27\n\nFirst.\n", "utf-8")
    lines: list[str] = []
    project = Project(root)
    bump(_deprecating_page(tmp_path), project, verify="true", echo=lines.append, today=datetime.date(2026, 11, 28))
    location = f"{FROZEN.job_schema_name()}.{_a_live_property()}"
    assert any(line.split()[:3] == ["deprecation", f"{location}:", "deprecated"] for line in lines), lines
    entry = project.changelog.read_text(encoding="utf-8").split("## Spec 4.259.0")[0]
    assert "0 breaking, 0 warning, 1 deprecation, 0 non-breaking" in entry
    assert f"- **deprecation** `{location}` — deprecated (deprecated: true)" in entry
    assert (project.generated / paths.PACKAGE_NAME).is_dir()
