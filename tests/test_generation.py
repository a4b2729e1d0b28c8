"""make generate is deterministic and safe; make check-generated catches any hand edit of generated/; class names
follow one rule (spec_tools.naming) on any spec, and a client of all the whole spec's operations holds up."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spec_tools import paths
from spec_tools.codegen import (
    GenerationError,
    build_client_dist,
    build_package,
    check_generated,
    class_name_for,
    diff_trees,
    generate,
    generator_input,
    template_diff_lines,
)
from spec_tools.naming import class_names, names_for
from spec_tools.selection import load_selection
from spec_tools.spec import load_spec, parse_spec_text
from tests.spec_probes import FROZEN_SPEC
from tests.synthetic_pages import spec_text

WHOLE_SPEC = paths.REPO_ROOT.parent / "shared" / "spec-source" / "gateway-rest-api-4.259.0.yaml"
# The classes users import since the client's first release (generated/ at commit b554095): a bump may add
# classes, but the rule must never rename these while their schemas exist.
FIRST_RELEASE_CLASSES = {
    "gatewayAwsS3Config": "AwsS3Config",
    "gatewayAzureBlobStorageConfig": "AzureBlobStorageConfig",
    "gatewayCode": "Code",
    "gatewayJobProgress": "JobProgress",
    "gatewayJobState": "JobState",
    "typeMoney": "Money",
    "gatewayPurpose": "Purpose",
    "gatewayStatus": "Status",
    "gatewaySupervisedFineTuningJob": "SupervisedFineTuningJob",
    "gatewayWandbConfig": "WandbConfig",
}


@pytest.fixture(scope="module")
def frozen_generation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """openapi/ at the frozen spec of the seven operations and the generated/ of it: generated once per module,
    never changed (tests break their own `project_copy` of it)."""
    root = tmp_path_factory.mktemp("frozen-generation")
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi", ignore=shutil.ignore_patterns("pages"))
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    _generate(root)
    return root


@pytest.fixture
def project_copy(tmp_path: Path, frozen_generation: Path) -> Path:
    """A copy of `frozen_generation` (openapi/ and generated/), so tests can break them."""
    for part in ("openapi", "generated"):
        shutil.copytree(frozen_generation / part, tmp_path / part)
    return tmp_path


def _check(root: Path) -> list[str]:
    openapi = root / "openapi"
    return check_generated(
        openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", root / "generated"
    )


def _generate(root: Path, document: dict[str, Any] | None = None) -> Path:
    openapi = root / "openapi"
    if document is not None:
        (openapi / "gateway.yaml").write_text(spec_text(document), encoding="utf-8")
    return generate(openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", root / "generated")


def _frozen() -> dict[str, Any]:
    return parse_spec_text(FROZEN_SPEC.read_text(encoding="utf-8"))


def _model_classes(package: Path) -> set[str]:
    sources = "\n".join(path.read_text(encoding="utf-8") for path in (package / "models").glob("*.py"))
    return set(re.findall(r"^class (\w+)", sources, re.M))


def test_committed_generated_tree_is_up_to_date() -> None:
    """The committed generated/ is exactly what openapi/ produces (the golden record)."""
    assert check_generated() == []


@pytest.fixture(scope="module")
def hand_edited_report(tmp_path_factory: pytest.TempPathFactory, frozen_generation: Path) -> list[str]:
    """The check's report on a generated/ with one line edited, a file added and one deleted (one check for all)."""
    root = tmp_path_factory.mktemp("hand-edited")
    for part in ("openapi", "generated"):
        shutil.copytree(frozen_generation / part, root / part)
    package = root / "generated" / paths.PACKAGE_NAME
    model = package / "models" / "money.py"
    model.write_text(model.read_text().replace("nanos: int | Unset = UNSET", "nanos: int | Unset = 0"))
    (package / "models" / "stale.py").write_text("x = 1\n")
    (package / "py.typed").unlink()
    return _check(root)


def test_one_line_hand_edit_is_reported_with_its_file(hand_edited_report: list[str]) -> None:
    """A single edited line in a generated model makes the check fail, naming the file and the line."""
    assert "differs: models/money.py" in hand_edited_report
    assert any(line.startswith("+") and "nanos: int | Unset = 0" in line for line in hand_edited_report)


def test_added_and_deleted_files_are_reported(hand_edited_report: list[str]) -> None:
    """Stale or missing files count as differences, not only edited ones."""
    assert "unexpected: models/stale.py" in hand_edited_report
    assert "missing: py.typed" in hand_edited_report


def test_generate_twice_is_byte_identical(project_copy: Path, frozen_generation: Path) -> None:
    """Generation is deterministic (a second run, in another directory, gives the first run's bytes), and replaces
    the tree wholesale (stale files vanish)."""
    generated = project_copy / "generated"
    stale = generated / paths.PACKAGE_NAME / "models" / "stale.py"
    stale.write_text("x = 1\n")
    second = _generate(project_copy)
    assert not stale.exists()
    assert diff_trees(frozen_generation / "generated" / paths.PACKAGE_NAME, second) == []
    assert sorted(p.name for p in generated.iterdir()) == [paths.PACKAGE_NAME]


def test_misspelled_config_key_is_an_error_not_ignored(project_copy: Path) -> None:
    """The generator ignores unknown keys silently; we refuse them and keep generated/ as it was."""
    config = project_copy / "openapi" / "generator.yaml"
    config.write_text(config.read_text().replace("post_hooks:", "post_hook:"))
    before = (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes()
    with pytest.raises(GenerationError, match="post_hook"):
        _generate(project_copy)
    assert (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes() == before


@pytest.mark.parametrize(
    ("hook", "message", "generates"),
    [
        ("no-such-formatter --fix .", "no-such-formatter is not installed", False),
        ("ruff check . --isolated --no-cache --select=E999 --output-format=concise --unknown-flag", "exit 2", True),
        ("ruff format 'unclosed", "cannot be read as a command", False),
    ],
    ids=["missing tool", "failing hook", "unclosed quote"],
)
def test_a_post_hook_that_cannot_run_or_fails_is_an_error_and_generated_stays(
    project_copy: Path, hook: str, message: str, generates: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator runs in this process and its post hooks as processes of their own, with no shell: a hook whose
    tool is missing, or that fails, stops generation with the hook named, and generated/ is left as it was. A hook
    that cannot run at all is refused before the generator spends its time."""
    import openapi_python_client

    runs: list[object] = []
    real = openapi_python_client.generate
    monkeypatch.setattr(openapi_python_client, "generate", lambda **kw: runs.append(1) or real(**kw))
    config = project_copy / "openapi" / "generator.yaml"
    config.write_text(config.read_text().replace('  - "touch py.typed"', f'  - "touch py.typed"\n  - "{hook}"'))
    before = (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes()
    with pytest.raises(GenerationError, match="post hook") as raised:
        _generate(project_copy)
    assert message in str(raised.value)
    assert (project_copy / "generated" / paths.PACKAGE_NAME / "models" / "money.py").read_bytes() == before
    assert len(runs) == int(generates)


def test_a_generator_warning_is_an_error_naming_what_it_left_out(project_copy: Path) -> None:
    """Strict generation: an operation the generator would leave out (here a parameter whose schema names no
    schema) stops the run with the generator's own words, instead of a client quietly missing a method."""
    document = parse_spec_text((project_copy / "openapi" / "gateway.yaml").read_text())
    operation = next(iter(next(iter(document["paths"].values())).values()))
    unknown = {"$ref": "#/components/schemas/Nowhere"}
    operation.setdefault("parameters", []).append({"name": "odd", "in": "query", "schema": unknown})
    with pytest.raises(GenerationError, match="will not be generated"):
        _generate(project_copy, document)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("class_overrides:\n  TypeMoney: {class_name: Cash}\n", "class_overrides"),
        ("use_path_prefixes_for_title_model_names: true\n", "use_path_prefixes_for_title_model_names"),
    ],
    ids=["class_overrides", "path prefixes"],
)
def test_a_second_naming_rule_is_refused(project_copy: Path, edit: str, message: str) -> None:
    """One naming rule: a per-schema class_overrides list, or letting the generator prefix inline names itself,
    is an error, not a second rule."""
    config = project_copy / "openapi" / "generator.yaml"
    text = re.sub(r"^use_path_prefixes_for_title_model_names: .*\n", "", config.read_text(), flags=re.M)
    config.write_text(text + edit)
    with pytest.raises(GenerationError, match=message):
        _check(project_copy)


# --- the naming rule ---------------------------------------------------------------------------------------------


def _schemas(*keys: str) -> dict[str, Any]:
    return {"components": {"schemas": {key: {"type": "object"} for key in keys}}}


def test_todays_names_stay() -> None:
    """The classes of the first release keep their names: on the frozen spec of the seven operations and on the
    whole 4.259.0 spec (where `googlerpcStatus` also wants `Status`), which hold them all, and on the vendored spec
    for those of its schemas that are still there (a bump to an older spec may drop some)."""
    complete = [_frozen()]
    if WHOLE_SPEC.exists():
        complete.append(parse_spec_text(WHOLE_SPEC.read_text(encoding="utf-8")))
    for document in complete:
        names = class_names(document)
        assert {key: names.get(key) for key in FIRST_RELEASE_CLASSES} == FIRST_RELEASE_CLASSES
    vendored = class_names(load_spec().document)
    kept = [key for key in FIRST_RELEASE_CLASSES if key in vendored]
    assert {key: vendored[key] for key in kept} == {key: FIRST_RELEASE_CLASSES[key] for key in kept}


def test_a_collision_goes_to_the_home_package_whatever_the_order() -> None:
    """`gatewayStatus` and `googlerpcStatus` both drop to `Status`: the key of the package most keys carry keeps it,
    the other gets its package back as a prefix; the order of the keys changes nothing."""
    keys = ["gatewayJob", "gatewayStatus", "googlerpcStatus", "gatewayCode"]
    for _ in range(5):
        random.shuffle(keys)
        assert {k: v for k, v in class_names(_schemas(*keys)).items() if "Status" in k} == {
            "gatewayStatus": "Status",
            "googlerpcStatus": "GooglerpcStatus",
        }
    # The home package is whichever most keys carry: here googlerpc, so its Status keeps the plain name.
    names = class_names(_schemas("googlerpcStatus", "googlerpcAny", "googlerpcCode", "gatewayStatus"))
    assert names["googlerpcStatus"] == "Status" and names["gatewayStatus"] == "GatewayStatus"


def test_service_bodies_and_imported_names() -> None:
    """grpc-gateway's `<Service><Method>Body` keys lose the service when it is the home package; other capitalized
    keys stay whole; a name the generated modules import (`Any`) keeps its package."""
    names = class_names(
        _schemas("gatewayJob", "GatewayCancelJobBody", "AccountAccountType", "OtherCancelJobBody", "protobufAny")
    )
    assert names == {
        "gatewayJob": "Job",
        "GatewayCancelJobBody": "CancelJobBody",
        "AccountAccountType": "AccountAccountType",
        "OtherCancelJobBody": "OtherCancelJobBody",
        "protobufAny": "ProtobufAny",
    }


def test_what_still_collides_is_numbered_in_key_order() -> None:
    """`typeFoo` restored to `TypeFoo` meets the key `TypeFoo`: the restored name gets a number, the plain key's
    name does not move."""
    names = class_names(_schemas("gatewayA", "gatewayB", "Foo", "typeFoo", "TypeFoo"))
    assert (names["Foo"], names["TypeFoo"], names["typeFoo"]) == ("Foo", "TypeFoo", "TypeFoo2")


def test_inline_bodies_answers_and_enum_parameters_lose_the_service_too() -> None:
    """The generator would name an operation's inline schemas after the whole operationId (GatewayCancelJob...):
    the rule drops the home service from those too, and an inline enum parameter is hoisted under its name."""
    operation = {
        "operationId": "Gateway_CancelJob",
        "parameters": [{"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["A", "B"]}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }
    document = {**_schemas("gatewayJob", "gatewayCode"), "paths": {"/v1/jobs:cancel": {"post": operation}}}
    assert names_for(document).inline == {
        ("Gateway_CancelJob", "body"): "CancelJobBody",
        ("Gateway_CancelJob", "response_200"): "CancelJobResponse200",
        ("Gateway_CancelJob", "mode"): "CancelJobMode",
    }
    derived = generator_input(document)
    post = derived["paths"]["/v1/jobs:cancel"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["title"] == "CancelJobBody"
    assert post["parameters"][0]["schema"] == {"$ref": "#/components/schemas/CancelJobMode"}
    assert derived["components"]["schemas"]["CancelJobMode"]["enum"] == ["A", "B"]


def test_names_do_not_depend_on_the_selection() -> None:
    """Collisions are settled over the whole document: cutting it down to fewer operations renames nothing."""
    document = load_spec().document
    whole = class_names(document)
    for operation_id in load_selection():
        derived = generator_input(document, (operation_id,))
        assert set(derived["components"]["schemas"]) <= set(whole.values())


def test_the_generated_client_uses_the_rules_names() -> None:
    """Every schema the selection reaches is a class under the rule's name, every inline answer and body of a
    selected operation too, and no class carries the home service's prefix."""
    document = load_spec().document
    names = names_for(document)
    classes = _model_classes(paths.GENERATED_DIR / paths.PACKAGE_NAME)
    assert {names.schemas[key] for key in load_spec().selected_schemas} <= classes
    inline = {name for (operation_id, _), name in names.inline.items() if operation_id in load_selection()}
    assert inline <= classes
    assert all(class_name_for(key) == names.schemas[key] for key in load_spec().selected_schemas)
    service = next(iter(load_selection())).split("_")[0]
    assert not [name for name in classes if name.startswith(service)], classes


@dataclass(frozen=True)
class RetitledRun:
    package: Path
    frozen_models: list[str]  # the model files of the frozen spec as published
    job_module: Path
    deprecated: tuple[str, str]  # the property flagged `deprecated: true`, the one titled Deprecated


@pytest.fixture(scope="module")
def retitled_and_deprecated(tmp_path_factory: pytest.TempPathFactory, frozen_generation: Path) -> RetitledRun:
    """One generation of the frozen spec with every schema titled as older pages title them ('Next ID: 49'), one job
    property `deprecated: true` and another titled 'Deprecated: …' instead of described."""
    root = tmp_path_factory.mktemp("retitled")
    for part in ("openapi", "generated"):
        shutil.copytree(frozen_generation / part, root / part)
    expected = sorted(p.name for p in (root / "generated" / paths.PACKAGE_NAME / "models").glob("*.py"))
    spec = _frozen()
    for schema in spec["components"]["schemas"].values():
        schema["title"] = "Next ID: 49"
    job_key = load_spec(FROZEN_SPEC).job_schema_name()
    props = spec["components"]["schemas"][job_key]["properties"]
    flagged, titled = [name for name, prop in props.items() if "Deprecated" not in str(prop.get("description"))][:2]
    props[flagged] = {**props[flagged], "deprecated": True}
    props[titled] = {key: value for key, value in props[titled].items() if key != "description"}
    props[titled]["title"] = "Deprecated: use something else"
    package = _generate(root, spec)
    job_module = package / "models" / f"{_snake(class_names(spec)[job_key])}.py"
    return RetitledRun(package, expected, job_module, (flagged, titled))


def test_titles_never_name_a_class(retitled_and_deprecated: RetitledRun) -> None:
    """Older pages title the job schema 'Next ID: 49' and Status 'Mimics [...]': generation still gives clean names."""
    run = retitled_and_deprecated
    assert sorted(p.name for p in (run.package / "models").glob("*.py")) == run.frozen_models


def test_a_colliding_schema_is_generated_under_its_package_name(project_copy: Path) -> None:
    """A spec that adds `googlerpcStatus` beside `gatewayStatus` (as the whole spec does) and reaches it generates
    both: `Status` stays the job's status, the newcomer is `GooglerpcStatus`."""
    spec = _frozen()
    schemas = spec["components"]["schemas"]
    status_key = next(key for key, name in class_names(spec).items() if name == "Status")
    schemas["googlerpcStatus"] = {**schemas[status_key], "description": "The RPC status."}
    job = schemas[load_spec(FROZEN_SPEC).job_schema_name()]
    job["properties"]["rpcStatus"] = {"$ref": "#/components/schemas/googlerpcStatus", "readOnly": True}
    package = _generate(project_copy, spec)
    assert {"Status", "GooglerpcStatus"} <= _model_classes(package)


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel).lower()


def test_deprecated_properties_say_so_in_their_docstring(retitled_and_deprecated: RetitledRun) -> None:
    """`deprecated: true` or a title starting with Deprecated makes the attribute's docstring say it is deprecated."""
    source = retitled_and_deprecated.job_module.read_text(encoding="utf-8")
    for name in retitled_and_deprecated.deprecated:
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


# --- slow proofs -------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_client_of_every_operation_of_the_whole_spec_holds_up(tmp_path: Path) -> None:
    """Names on any spec: the client of all the whole 4.259.0 spec's operations generates (the one operation the
    generator leaves out is the defective one validation warns about), every module imports, `mypy --strict`
    passes, and no file name is over 100 characters. Prints the generation time of 7 and of all operations."""
    source = WHOLE_SPEC if WHOLE_SPEC.exists() else paths.SPEC_PATH
    document = parse_spec_text(source.read_text(encoding="utf-8"))
    openapi = tmp_path / "openapi"
    shutil.copytree(paths.OPENAPI_DIR, openapi, ignore=shutil.ignore_patterns("pages", "operations.yaml"))
    shutil.copy2(source, openapi / "gateway.yaml")  # no operations.yaml beside it: every operation
    started = time.perf_counter()
    built = build_package(tmp_path / "all", openapi / "gateway.yaml", openapi / "generator.yaml",
                          openapi / "templates", strict=False)  # fmt: skip
    every = time.perf_counter() - started
    started = time.perf_counter()
    _check(paths.REPO_ROOT)  # the seven selected operations, generated the same way (into a temp dir)
    seven = time.perf_counter() - started
    methods = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
    operation_count = sum(1 for item in document["paths"].values() for key in item if key in methods)
    print(f"\ngeneration: {len(load_selection())} operations {seven:.1f} s, {operation_count} operations {every:.1f} s")

    from spec_tools.validate import load_candidate

    warned = {w.subject.split(" ")[0] for w in load_candidate(source, require_selection=False).warnings}
    skipped = [line for line in built.warnings if "Endpoint will not be generated" in line]
    assert len(skipped) == len(built.warnings) <= len(warned), built.warnings
    endpoints = list((built.path / "api").rglob("*.py"))
    assert len([p for p in endpoints if p.name != "__init__.py"]) == operation_count - len(skipped)

    names = [path.name for path in built.path.rglob("*") if "__pycache__" not in path.parts]
    assert max(len(name) for name in names) <= 100, max(names, key=len)
    classes = _model_classes(built.path)
    assert {"Status", "GooglerpcStatus", "SupervisedFineTuningJob"} <= classes

    importing = (
        "import importlib, pkgutil, fireworks_gateway as p; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]; "
        f"assert p.__file__.startswith({str(tmp_path / 'all')!r}), p.__file__"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    imported = subprocess.run([sys.executable, "-c", importing], cwd=tmp_path / "all", env=clean,
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert imported.returncode == 0, imported.stderr[-3000:]
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", paths.PACKAGE_NAME],
        cwd=tmp_path / "all", env=clean, capture_output=True, text=True, timeout=500, check=False,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_sdist_has_the_standard_name(tmp_path: Path) -> None:
    """`make dist` names the sdist as PEP 625 says: fireworks_gateway-<version>.tar.gz, like the wheel."""
    built = build_client_dist(tmp_path / "dist", tmp_path / "staging")
    version = load_spec().version
    assert sorted(path.name for path in built) == [
        f"fireworks_gateway-{version}-py3-none-any.whl",
        f"fireworks_gateway-{version}.tar.gz",
    ]


def test_the_spec_tools_import_the_generator_and_the_validator_only_when_used() -> None:
    """A diff, a refused bump or a suite run imports the spec tools without generating or validating: the
    generator's package (a quarter second of CPU, pydantic models) and the validator's load only when used."""
    probe = "import sys, spec_tools.bump, spec_tools.diff; print(sorted(m.split('.')[0] for m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    for heavy in ("openapi_python_client", "openapi_spec_validator"):
        assert f"'{heavy}'" not in loaded.stdout, heavy
