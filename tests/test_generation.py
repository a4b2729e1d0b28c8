"""make generate is deterministic and safe; make check-generated catches any hand edit of generated/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spec_tools import paths
from spec_tools.codegen import GenerationError, check_generated, diff_trees, generate


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """openapi/ and generated/ copied out, so tests can break them without touching the repo."""
    shutil.copytree(paths.OPENAPI_DIR, tmp_path / "openapi")
    shutil.copytree(paths.GENERATED_DIR, tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _check(root: Path) -> list[str]:
    openapi = root / "openapi"
    return check_generated(
        openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", root / "generated"
    )


def test_committed_generated_tree_is_up_to_date(project_copy: Path) -> None:
    """The committed generated/ is exactly what openapi/ produces (the golden record)."""
    assert _check(project_copy) == []


def test_one_line_hand_edit_is_reported_with_its_file(project_copy: Path) -> None:
    """A single edited line in a generated model makes the check fail, naming the file and the line."""
    model = project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py"
    model.write_text(model.read_text().replace("nanos: int | Unset = UNSET", "nanos: int | Unset = 0"))
    report = _check(project_copy)
    assert "differs: models/money.py" in report
    assert any(line.startswith("+") and "nanos: int | Unset = 0" in line for line in report)


def test_added_and_deleted_files_are_reported(project_copy: Path) -> None:
    """Stale or missing files count as differences, not only edited ones."""
    package = project_copy / "generated" / paths.PACKAGE_NAME
    (package / "models" / "stale.py").write_text("x = 1\n")
    (package / "py.typed").unlink()
    report = _check(project_copy)
    assert "unexpected: models/stale.py" in report
    assert "missing: py.typed" in report


def test_generate_twice_is_byte_identical(project_copy: Path) -> None:
    """Generation is deterministic, and replaces the tree wholesale (stale files vanish)."""
    openapi, generated = project_copy / "openapi", project_copy / "generated"
    stale = generated / paths.PACKAGE_NAME / "models" / "stale.py"
    stale.write_text("x = 1\n")
    first = generate(openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", generated)
    assert not stale.exists()
    snapshot = project_copy / "snapshot"
    shutil.copytree(first, snapshot)
    generate(openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", generated)
    assert diff_trees(snapshot, first) == []
    assert sorted(p.name for p in generated.iterdir()) == [paths.PACKAGE_NAME]


def test_misspelled_config_key_is_an_error_not_ignored(project_copy: Path) -> None:
    """The generator ignores unknown keys silently; we refuse them and keep generated/ as it was."""
    config = project_copy / "openapi" / "generator.yaml"
    config.write_text(config.read_text().replace("class_overrides:", "class_override:"))
    before = (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes()
    with pytest.raises(GenerationError, match="class_override"):
        generate(config.parent / "gateway.yaml", config, config.parent / "templates", project_copy / "generated")
    assert (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes() == before


def test_override_keyed_by_schema_name_is_an_error(project_copy: Path) -> None:
    """Keying an override by the schema key (typeMoney) instead of the class name (TypeMoney) does nothing: caught."""
    config = project_copy / "openapi" / "generator.yaml"
    config.write_text(config.read_text().replace("  TypeMoney:", "  typeMoney:"))
    with pytest.raises(GenerationError, match="typeMoney -> Money"):
        _check(project_copy)
