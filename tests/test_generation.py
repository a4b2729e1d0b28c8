"""make generate is deterministic and safe; make check-generated catches any hand edit of generated/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_tools import paths
from spec_tools.codegen import (
    GenerationError,
    check_generated,
    class_name_for,
    class_names,
    diff_trees,
    generate,
    template_diff_lines,
)


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
    config.write_text(config.read_text().replace("post_hooks:", "post_hook:"))
    before = (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes()
    with pytest.raises(GenerationError, match="post_hook"):
        generate(config.parent / "gateway.yaml", config, config.parent / "templates", project_copy / "generated")
    assert (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes() == before


def test_per_schema_class_overrides_are_refused(project_copy: Path) -> None:
    """One naming rule: a class_overrides list in generator.yaml is an error, not a second rule."""
    config = project_copy / "openapi" / "generator.yaml"
    config.write_text(config.read_text() + "class_overrides:\n  TypeMoney: {class_name: Cash}\n")
    with pytest.raises(GenerationError, match="class_overrides"):
        _check(project_copy)


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel).lower()


def _spec() -> dict[str, Any]:
    loaded = yaml.safe_load(paths.SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_class_name_is_the_schema_key_minus_its_proto_package() -> None:
    """Each schema's class lives in models/<snake name>.py under the key minus its lowercase prefix."""
    models = paths.GENERATED_DIR / paths.PACKAGE_NAME / "models"
    sources = "\n".join(path.read_text(encoding="utf-8") for path in sorted(models.glob("*.py")))
    for key in _spec()["components"]["schemas"]:
        name = class_name_for(key)
        assert name[:1].isupper() and not name.startswith(("Gateway", "Type")), (key, name)
        assert re.sub(r"^[a-z]+", "", key) == name, key
        assert re.search(rf"^class {name}\b", sources, re.M), (key, name)


def test_todays_names_stay() -> None:
    """The public names users import are the ones the schema keys give (checked on the frozen 4.259.0 spec, so
    a later spec that drops a schema does not trip it)."""
    frozen = yaml.safe_load((Path(__file__).parent / "specs" / "gateway-4.259.0.yaml").read_text(encoding="utf-8"))
    names = set(class_names(frozen).values())
    assert {"SupervisedFineTuningJob", "JobState", "Money", "Status", "Code", "Purpose"} <= names


def test_titles_never_name_a_class(project_copy: Path) -> None:
    """Older pages title the job schema 'Next ID: 49' and Status 'Mimics [...]': generation still gives clean names."""
    spec = _spec()
    for schema in spec["components"]["schemas"].values():
        schema["title"] = "Next ID: 49"
    target = project_copy / "openapi" / "gateway.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    openapi = project_copy / "openapi"
    package = generate(target, openapi / "generator.yaml", openapi / "templates", project_copy / "generated")
    committed = paths.GENERATED_DIR / paths.PACKAGE_NAME / "models"
    assert sorted(p.name for p in (package / "models").glob("*.py")) == sorted(p.name for p in committed.glob("*.py"))


def test_two_schemas_with_one_name_fail_naming_both(project_copy: Path) -> None:
    """gatewayMoney next to typeMoney would both be Money: generation refuses, naming both keys."""
    spec = _spec()
    schemas = spec["components"]["schemas"]
    money_key = next(key for key in schemas if class_name_for(key) == "Money")
    clash = "other" + money_key[len(re.match(r"[a-z]+", money_key)[0]) :]  # type: ignore[index]
    schemas[clash] = dict(schemas[money_key])
    target = project_copy / "openapi" / "gateway.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    openapi = project_copy / "openapi"
    with pytest.raises(GenerationError, match=rf"{money_key}.*{clash}"):
        generate(target, openapi / "generator.yaml", openapi / "templates", project_copy / "generated")


def test_deprecated_properties_say_so_in_their_docstring(project_copy: Path) -> None:
    """`deprecated: true` or a title starting with Deprecated makes the attribute's docstring say it is deprecated."""
    spec = _spec()
    job_key = next(key for key in spec["components"]["schemas"] if class_name_for(key) == "SupervisedFineTuningJob")
    props = spec["components"]["schemas"][job_key]["properties"]
    flagged, titled = [name for name, prop in props.items() if "Deprecated" not in str(prop.get("description"))][:2]
    props[flagged] = {**props[flagged], "deprecated": True}
    props[titled] = {key: value for key, value in props[titled].items() if key != "description"}
    props[titled]["title"] = "Deprecated: use something else"
    target = project_copy / "openapi" / "gateway.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    openapi = project_copy / "openapi"
    package = generate(target, openapi / "generator.yaml", openapi / "templates", project_copy / "generated")
    source = (package / "models" / "supervised_fine_tuning_job.py").read_text(encoding="utf-8")
    for name in (flagged, titled):
        python_name = _snake(name)
        assert re.search(rf"^\s+{python_name} \([^)]*\): Deprecated", source, re.M), python_name


def test_template_overrides_stay_small_hooks() -> None:
    """At most 250 changed lines against the installed generator's own templates (new template files count whole)."""
    counts = template_diff_lines()
    assert counts, "no template override found"
    assert sum(counts.values()) <= 250, counts


def test_template_diff_counts_changed_and_new_lines(tmp_path: Path) -> None:
    """The measure itself: one edited line counts 2 (removed + added), a new file counts all its lines."""
    upstream, ours = tmp_path / "upstream", tmp_path / "ours"
    upstream.mkdir()
    ours.mkdir()
    (upstream / "a.py.jinja").write_text("one\ntwo\nthree\n")
    (ours / "a.py.jinja").write_text("one\nTWO\nthree\n")
    (ours / "new.py.jinja").write_text("x\ny\n")
    assert template_diff_lines(ours, upstream) == {"a.py.jinja": 2, "new.py.jinja": 2}


def test_lib_modules_are_copied_into_the_package() -> None:
    """Every hand-written module of openapi/lib is in the generated package as _lib, byte for byte."""
    lib = paths.OPENAPI_DIR / "lib"
    copied = paths.GENERATED_DIR / paths.PACKAGE_NAME / "_lib"
    modules = sorted(path.name for path in lib.glob("*.py"))
    assert modules and modules == sorted(path.name for path in copied.glob("*.py"))
    for name in modules:
        assert (lib / name).read_bytes() == (copied / name).read_bytes(), name
