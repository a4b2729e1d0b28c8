"""`make bump` vendors, regenerates and verifies a new spec as one change, or leaves the tree as it was.

Every test bumps a temp copy of the project (openapi/, generated/, CHANGELOG.md), never the repo itself.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spec_tools import bump as bump_module
from spec_tools import paths
from spec_tools.bump import CHANGELOG_HEADER, BumpFailed, BumpRefused, Project, bump, compare_versions
from spec_tools.codegen import generate
from spec_tools.extract import read_spec_text
from spec_tools.provenance import build_provenance, sha256_bytes, sha256_text, write_provenance
from spec_tools.selection import load_selection
from spec_tools.spec import Spec, load_spec, parse_spec_text
from spec_tools.validate import SpecInputError, load_candidate
from tests.helpers import load_script
from tests.spec_probes import FROZEN_SPEC
from tests.synthetic_pages import operation_pages, spec_text, write_pages

_JOB_PATH = load_spec().job_operation().path.template

# The bump is proven on a frozen 4.259.0 project (the seven selected operations), so these tests hold whatever spec
# is vendored later.
VENDORED = FROZEN_SPEC.read_bytes().decode("utf-8")
# Names and values the tests need, read from the frozen spec rather than repeated here.
FROZEN = load_spec(FROZEN_SPEC)
FROZEN_VERSION = FROZEN.version
JOB = FROZEN.job_schema_name()
STATES = FROZEN.schema_name(FROZEN.job_schema()["properties"]["state"]) or ""
LAST_STATE = FROZEN.enum_values(STATES)[-1]
MONEY = FROZEN.schema_name(FROZEN.job_schema()["properties"]["estimatedCost"]) or ""
SELECTED = load_selection()
TODAY = datetime.date(2026, 11, 27)


def _quiet(line: str) -> None:
    """Progress output is not under test here."""


@pytest.fixture(scope="module")
def frozen_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's openapi/ (config, templates, operation list) at spec 4.259.0, its generated/ and a one-entry
    changelog."""
    root = tmp_path_factory.mktemp("frozen") / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi", ignore=shutil.ignore_patterns("pages"))
    (root / "openapi" / "gateway.yaml").write_bytes(FROZEN_SPEC.read_bytes())
    write_provenance(build_provenance(VENDORED, parse_spec_text(VENDORED), source=FROZEN_SPEC.name),
                     root / "openapi" / "provenance.json")  # fmt: skip
    openapi = root / "openapi"
    generate(openapi / "gateway.yaml", openapi / "generator.yaml", openapi / "templates", root / "generated")
    first_entry = f"## Spec {FROZEN_VERSION} — 2026-11-27\n\nInitial vendoring.\n"
    (root / "CHANGELOG.md").write_text(f"{CHANGELOG_HEADER}\n{first_entry}")
    return root


@pytest.fixture
def project(frozen_project: Path, tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    shutil.copytree(frozen_project, root, ignore=shutil.ignore_patterns("__pycache__"))
    return Project(root)


@pytest.fixture
def no_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests about what a bump reads, vendors and restores, not what it generates: regeneration is skipped."""
    monkeypatch.setattr(bump_module, "generate", lambda spec, config, templates, generated: generated)


def _snapshot(project: Project) -> dict[str, bytes]:
    """Every file under openapi/ and generated/ plus the changelog, by path, with its bytes."""
    files = {"CHANGELOG.md": project.changelog.read_bytes()}
    for top in (project.openapi_dir, project.generated):
        for path in sorted(top.rglob("*")):
            if path.is_file():
                files[str(path.relative_to(project.root))] = path.read_bytes()
    return files


def _docs_page(path: Path, spec_text: str) -> Path:
    """A docs page shaped like the published ones: prose, then the spec in a four-backtick ```yaml fence."""
    path.write_text(
        f"# Get Supervised Fine-tuning Job\n\n## OpenAPI\n\n````yaml get {_JOB_PATH}\n{spec_text}````\n",
        encoding="utf-8",
    )
    return path


@functools.cache
def _vendored_json() -> str:
    return json.dumps(parse_spec_text(VENDORED))


def _doc() -> dict[str, Any]:
    """A fresh copy of the vendored spec, parsed once per process."""
    return dict(json.loads(_vendored_json()))


def _versioned(version: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    document = copy.deepcopy(document) if document is not None else _doc()
    document["info"]["version"] = version
    return document


def _job(document: dict[str, Any]) -> dict[str, Any]:
    job: dict[str, Any] = document["components"]["schemas"][JOB]
    return job


def _with_new_property(document: dict[str, Any]) -> dict[str, Any]:
    _job(document)["properties"]["rolloutStrategy"] = {"type": "string"}
    return document


def _version(text: str, version: str) -> str:
    old = f"  version: {FROZEN_VERSION}\n"
    assert text.count(old) == 1
    return text.replace(old, f"  version: {version}\n")


def _done_when_doc() -> dict[str, Any]:
    """4.260.0: adds a JobState value, removes `nodes`, retypes `epochs` to string, adds optional `rolloutStrategy`."""
    document = _with_new_property(_versioned("4.260.0"))
    document["components"]["schemas"][STATES]["enum"].append("JOB_STATE_ROLLOUT")
    properties = _job(document)["properties"]
    del properties["nodes"]
    properties["epochs"] = {"type": "string"}
    return document


def _done_when_spec() -> str:
    return spec_text(_done_when_doc())


def _next_spec() -> str:
    """A newer version with one optional property more: the smallest forward step."""
    return spec_text(_with_new_property(_versioned("4.260.0")))


def _light_verify(project: Project, marker: Path) -> str:
    """check-generated on the copy, then import the regenerated package from the copy, probe it, write `marker`."""
    python = shlex.quote(sys.executable)
    probe = (
        "import attrs, fireworks_gateway as fg; from fireworks_gateway.models import JobState, SupervisedFineTuningJob;"
        f"assert fg.__file__.startswith({str(project.generated)!r}), fg.__file__;"
        "names = {f.name for f in attrs.fields(SupervisedFineTuningJob)};"
        "assert 'rollout_strategy' in names and 'nodes' not in names, names;"
        f"open({str(marker)!r}, 'w').write(JobState.JOB_STATE_ROLLOUT)"
    )
    check = f"{python} {shlex.quote(str(paths.REPO_ROOT / 'scripts' / 'generate.py'))} --check " + " ".join(
        f"--{flag} {shlex.quote(str(path))}"
        for flag, path in (
            ("spec", project.spec),
            ("config", project.generator_config),
            ("templates", project.templates),
            ("generated", project.generated),
        )
    )
    return f"{check} && PYTHONPATH={shlex.quote(str(project.generated))} {python} -c {shlex.quote(probe)}"


def test_done_when_a_docs_page_bump_vendors_regenerates_classifies_and_verifies(
    project: Project, tmp_path: Path
) -> None:
    """The issue's scenario end to end: verbatim spec, provenance, regenerated client, four classified changes,
    verification passed, and a changelog entry above the previous one."""
    page = _docs_page(tmp_path / "get-supervised-fine-tuning-job-4.260.0.md", _done_when_spec())
    marker = tmp_path / "verified"
    result = bump(page, project, verify=_light_verify(project, marker), today=TODAY, echo=_quiet)

    assert result.bumped and (result.old_version, result.new_version) == (FROZEN_VERSION, "4.260.0")
    assert project.spec.read_bytes() == read_spec_text(page).encode("utf-8") == _done_when_spec().encode("utf-8")
    provenance = json.loads(project.provenance.read_text(encoding="utf-8"))
    assert provenance["version"] == "4.260.0"
    assert provenance["sha256"] == sha256_text(_done_when_spec())
    assert provenance["source"] == page.name

    models = project.generated / paths.PACKAGE_NAME / "models"
    assert 'JOB_STATE_ROLLOUT = "JOB_STATE_ROLLOUT"' in (models / "job_state.py").read_text()
    job_model = (models / "supervised_fine_tuning_job.py").read_text()
    assert "rollout_strategy: str | Unset" in job_model and "epochs: str | Unset" in job_model
    assert "nodes" not in job_model

    assert sorted((c.location, c.change, c.severity.value) for c in result.changes) == sorted(
        [
            (f"{STATES}.JOB_STATE_ROLLOUT", "enum-value-added", "warning"),
            (f"{JOB}.epochs", "type-changed", "breaking"),
            (f"{JOB}.nodes", "property-removed", "breaking"),
            (f"{JOB}.rolloutStrategy", "property-added", "non-breaking"),
        ]
    )
    report = json.loads((project.reports / "spec-diff.json").read_text(encoding="utf-8"))
    assert len(report) == 4
    assert marker.read_text() == "JOB_STATE_ROLLOUT", "the verify step did not run against the regenerated client"

    changelog = project.changelog.read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    newest, previous = changelog.index("## Spec 4.260.0 — 2026-11-27"), changelog.index(f"## Spec {FROZEN_VERSION}")
    assert newest < previous
    entry = changelog[newest:previous]
    assert "2 breaking, 1 warning, 0 deprecation, 1 non-breaking" in entry
    assert f"**breaking** `{JOB}.nodes`" in entry and f"**warning** `{STATES}.JOB_STATE_ROLLOUT`" in entry
    readers = {c.location: c.operations for c in result.changes}
    assert set(readers[f"{JOB}.nodes"]) == {op.operation_id for op in FROZEN.operations if _reaches(op, JOB)}
    assert f"touches {', '.join(readers[f'{JOB}.nodes'])}" in entry  # each entry names the operations it touches


def _reaches(operation: Any, key: str) -> bool:
    """Whether an operation's body, answer or parameters reach the schema `key` (read from the spec)."""
    return key in Spec(FROZEN.document, (operation.operation_id,)).selected_schemas


def test_failed_verification_restores_the_tree_and_shows_the_output(project: Project, tmp_path: Path) -> None:
    """When the verify command fails after regeneration, every byte of openapi/ and generated/ comes back
    and the error carries the end of the command's output."""
    before = _snapshot(project)
    source = tmp_path / "next.yaml"
    source.write_text(_next_spec(), encoding="utf-8")
    with pytest.raises(BumpFailed, match="exit 7") as failure:
        bump(source, project, verify="echo first; echo the-test-that-failed; exit 7", echo=_quiet)
    assert "the-test-that-failed" in str(failure.value)
    assert _snapshot(project) == before


def test_ctrl_c_during_regeneration_restores_the_tree(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt midway (spec written, generated/ half replaced) still leaves the old tree exactly."""
    before = _snapshot(project)

    def interrupted_generate(spec: Path, config: Path, templates: Path, generated: Path) -> Path:
        (generated / paths.PACKAGE_NAME / "models" / "money.py").unlink()
        (generated / paths.PACKAGE_NAME / "half_written.py").write_text("x = 1\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(bump_module, "generate", interrupted_generate)
    source = tmp_path / "next.yaml"
    source.write_text(_next_spec(), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        bump(source, project, verify="true", echo=_quiet)
    assert _snapshot(project) == before


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _invalid_parameter() -> tuple[str, str]:
    """A selected operation's query parameter placed `in: querystring`, and the line the refusal must name."""
    document = _doc()
    raw = document["paths"][FROZEN.job_operation().path.template]["get"]
    index = next(i for i, p in enumerate(raw["parameters"]) if p["in"] == "query")
    raw["parameters"][index]["in"] = "querystring"
    text = spec_text(document)
    line = _line_of(text, "in: querystring")
    return text, rf"querystring.* at line {line}, column \d+ \(\$\.paths\..*\.parameters\[{index}\]\.in\)"


def _dangling_ref() -> str:
    document = _doc()
    _job(document)["properties"]["estimatedCost"]["$ref"] += "-gone"
    return spec_text(document)


def _without(operation_id: str) -> str:
    document = _doc()
    for item in document["paths"].values():
        for method in [
            m for m, raw in item.items() if isinstance(raw, dict) and raw.get("operationId") == operation_id
        ]:
            del item[method]
    return spec_text(document)


def _invalid_parameter_input() -> tuple[str, str, str]:
    text, at = _invalid_parameter()
    return "spec.yaml", text, f"not valid OpenAPI 3\\.1: .*{at}"


# Built when their case runs: each parses and dumps the whole spec, which collection should not pay for.
BAD_INPUTS: dict[str, Callable[[], tuple[str, str, str]]] = {
    "invalid YAML": lambda: (
        "spec.yaml",
        "openapi: 3.1.0\ninfo:\n  title: [unclosed\n",
        r"spec\.yaml is not valid YAML at line 4",
    ),
    "YAML that is not OpenAPI": lambda: ("spec.yaml", "name: job\nstate: RUNNING\n", r"not an OpenAPI 3\.1 document"),
    "OpenAPI 3.0, not 3.1": lambda: (
        "spec.yaml",
        _edit(VENDORED, "openapi: 3.1.0", "openapi: 3.0.3"),
        r"`openapi: 3\.0\.3`",
    ),
    "invalid OpenAPI in a selected operation": _invalid_parameter_input,
    "dangling $ref": lambda: (
        "spec.yaml",
        _dangling_ref(),
        rf"\$ref that points nowhere: '#/components/schemas/{MONEY}-gone' at line \d+",
    ),
    "spec lacking a selected operation": lambda: (
        "spec.yaml",
        _without(SELECTED[-1]),
        rf"lacks the operation {SELECTED[-1]}, which openapi/operations\.yaml selects",
    ),
    "docs page without a yaml fence": lambda: ("page.md", "# Title\n\n```json\n{}\n```\n", r"no fenced ```yaml block"),
    "docs page with broken YAML": lambda: (
        "page.md",
        "# Title\n\n````yaml get /x\nopenapi: 3.1.0\ninfo: [\n````\n",
        r"page\.md \(its ```yaml block, whose line 1 is page line 4\) is not valid YAML",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_with_where_and_changes_nothing(project: Project, tmp_path: Path, case: str) -> None:
    """Each bad input raises one message naming the file and the place, and leaves the tree byte-identical."""
    name, text, message = BAD_INPUTS[case]()
    before = _snapshot(project)
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    with pytest.raises(SpecInputError, match=message) as refusal:
        bump(source, project, verify="false", echo=_quiet)
    assert "\n" not in str(refusal.value).strip()
    assert _snapshot(project) == before
    assert not project.reports.exists()


@pytest.mark.parametrize(
    ("case", "text", "message"),
    [
        ("downgrade", _version(VENDORED, "4.258.3"), f"older than the vendored {FROZEN_VERSION}"),
        (
            "same version, different content",
            spec_text(_with_new_property(_doc())),
            "like the vendored spec, but its content",
        ),
    ],
)
def test_backward_or_ambiguous_versions_are_refused(
    project: Project, tmp_path: Path, case: str, text: str, message: str
) -> None:
    """Without FORCE, a bump must move forward: the refusal explains why and changes nothing."""
    before = _snapshot(project)
    source = tmp_path / "spec.yaml"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(BumpRefused, match=message):
        bump(source, project, verify="false", echo=_quiet)
    assert _snapshot(project) == before


def test_same_content_is_already_current(project: Project, tmp_path: Path) -> None:
    """A docs page carrying the vendored bytes is 'already at 4.259.0': nothing runs, nothing changes."""
    before = _snapshot(project)
    lines: list[str] = []
    result = bump(_docs_page(tmp_path / "page.md", VENDORED), project, verify="false", echo=lines.append)
    assert not result.bumped and result.changes == ()
    assert any(f"already at {FROZEN_VERSION}" in line for line in lines)
    assert _snapshot(project) == before


def test_force_env_lets_a_downgrade_through(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make bump SPEC=... FORCE=1` (FORCE in the environment) vendors an older spec; without it the exit is 3."""
    monkeypatch.setattr(bump_module, "generate", lambda spec, config, templates, generated: generated)
    source = tmp_path / "older.yaml"
    source.write_text(_version(VENDORED, "4.258.0"), encoding="utf-8")
    argv = [str(source), "--root", str(project.root), "--verify", "true"]
    script = load_script("bump")

    monkeypatch.delenv("FORCE", raising=False)
    assert script.main(argv) == 3
    assert "FORCE=1" in capsys.readouterr().err

    monkeypatch.setenv("FORCE", "1")
    assert script.main(argv) == 0
    assert project.spec.read_text(encoding="utf-8") == _version(VENDORED, "4.258.0")
    assert "(forced)" in project.changelog.read_text(encoding="utf-8")


def test_bump_script_exit_codes_for_bad_input_and_current_spec(project: Project, tmp_path: Path) -> None:
    """Invalid input exits 2; the vendored spec itself exits 0 ('already at')."""
    script = load_script("bump")
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [\n", encoding="utf-8")
    assert script.main([str(bad), "--root", str(project.root), "--verify", "false"]) == 2
    assert script.main([str(project.spec), "--root", str(project.root), "--verify", "false"]) == 0


@pytest.mark.parametrize(
    ("old", "new", "order"),
    [
        ("4.259.0", "4.260.0", 1),
        ("4.259.9", "4.259.10", 1),
        ("4.259.0", "4.259", 0),
        ("4.260.0", "4.259.99", -1),
        ("4.260.0-rc1", "4.260.0", 1),
        ("4.260.0", "4.260.0-rc1", -1),
        ("4.259.0", "latest", None),
    ],
)
def test_versions_compare_numerically(old: str, new: str, order: int | None) -> None:
    """Dotted versions compare part by part as numbers (4.259.10 > 4.259.9); a release beats its pre-release."""
    assert compare_versions(old, new) == order


def _gone(pid: int) -> bool:
    """True once `pid` no longer runs (absent, or a zombie waiting for a reaper)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("no_generation")
def test_a_hung_verification_is_stopped_with_all_it_started(project: Project, tmp_path: Path) -> None:
    """A verification past its time budget is killed with its whole process group (a background child included),
    the bump fails saying so, and the tree comes back byte for byte."""
    before = _snapshot(project)
    source = tmp_path / "next.yaml"
    source.write_text(_next_spec(), encoding="utf-8")
    pidfile = tmp_path / "child.pid"
    hang = f"echo started; sleep 120 & echo $! > {shlex.quote(str(pidfile))}; wait"
    with pytest.raises(BumpFailed, match=r"timed out after 2 s and was stopped") as failure:
        bump(source, project, verify=hang, verify_timeout=2, echo=_quiet)
    assert "started" in str(failure.value)
    assert _snapshot(project) == before
    child = int(pidfile.read_text())
    for _ in range(50):
        if _gone(child):
            break
        time.sleep(0.1)
    assert _gone(child), "the verification's background child survived"


@pytest.mark.usefixtures("no_generation")
def test_verification_output_is_bounded_in_the_failure_message(project: Project, tmp_path: Path) -> None:
    """A verification that writes megabytes on one line fails with a message of bounded size."""
    source = tmp_path / "next.yaml"
    source.write_text(_next_spec(), encoding="utf-8")
    flood = f"{shlex.quote(sys.executable)} -c \"import sys; sys.stdout.write('x' * 5_000_000)\"; exit 3"
    with pytest.raises(BumpFailed, match="exit 3") as failure:
        bump(source, project, verify=flood, echo=_quiet)
    assert len(str(failure.value)) < 100_000


# --- per-operation docs pages ------------------------------------------------------------------------------------


def _pages(tmp_path: Path, document: dict[str, Any], name: str = "pages") -> Path:
    """The folder of the selected operations' docs pages of `document`, one page each."""
    return write_pages(tmp_path / name, operation_pages(document))


def test_a_folder_of_pages_is_assembled_vendored_and_kept(project: Project, tmp_path: Path) -> None:
    """A bump from the seven operations' pages of a newer version vendors the spec they assemble into, keeps each
    page byte for byte in openapi/pages/ with its sha256 in the provenance, and reports the change once."""
    newer = _with_new_property(_versioned("4.260.0"))
    folder = _pages(tmp_path, newer)
    lines: list[str] = []
    result = bump(folder, project, verify="true", echo=lines.append, today=TODAY)

    assert result.bumped and result.new_version == "4.260.0"
    assert parse_spec_text(project.spec.read_text(encoding="utf-8")) == newer
    kept = {path.name: path.read_bytes() for path in project.pages.iterdir()}
    assert kept == {path.name: path.read_bytes() for path in folder.iterdir()}
    provenance = json.loads(project.provenance.read_text(encoding="utf-8"))
    assert provenance["pages"] == {name: sha256_bytes(data) for name, data in kept.items()}
    assert provenance["sha256"] == sha256_text(project.spec.read_text(encoding="utf-8"))
    assert provenance["source"].startswith(f"{len(SELECTED)} pages (")
    assert [(c.location, c.change) for c in result.changes] == [(f"{JOB}.rolloutStrategy", "property-added")]
    assert any(f"its {len(SELECTED)} pages in openapi/pages/" in line for line in lines), lines
    job_model = (project.generated / paths.PACKAGE_NAME / "models" / "supervised_fine_tuning_job.py").read_text()
    assert "rollout_strategy" in job_model


@pytest.mark.usefixtures("no_generation")
def test_pages_named_one_by_one_or_in_one_argument_are_one_spec(project: Project, tmp_path: Path) -> None:
    """The scripts `make spec-diff` and `make bump` run take a folder, the files one by one, or their names in one
    argument separated by spaces (`make spec-diff NEW="a.md b.md"`): the same spec each time."""
    folder = _pages(tmp_path, _with_new_property(_versioned("4.260.0")), name="pages with spaces")
    files = sorted(str(path) for path in folder.iterdir())
    script = load_script("spec_diff")
    outputs = []
    for new in ([str(folder)], [shlex.join(files)]):
        assert script.main([str(FROZEN_SPEC), *new, "--reports", str(tmp_path / "r")]) == 0
        outputs.append(json.loads((tmp_path / "r" / "spec-diff.json").read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1] and [c["change"] for c in outputs[0]] == ["property-added"]
    assert load_script("bump").main([*files, "--root", str(project.root), "--verify", "true"]) == 0
    assert project.spec.read_text(encoding="utf-8") == load_candidate([folder]).text
    assert sorted(path.name for path in project.pages.iterdir()) == sorted(Path(name).name for name in files)


def test_pages_that_disagree_are_refused_naming_the_schema_and_field(project: Project, tmp_path: Path) -> None:
    """Two pages of one version that say different things about a shared schema stop the bump before anything is
    written, naming the schema, the field, both pages and what each says."""
    newer = _versioned("4.260.0")
    folder = _pages(tmp_path, newer)
    pages = sorted(folder.iterdir())
    holding = [page for page in pages if f"{JOB}:".encode() in page.read_bytes()]
    assert len(holding) >= 2, "the job schema is shared by several operations' pages"
    field = next(name for name, prop in _job(newer)["properties"].items() if prop.get("type") == "integer")
    altered = copy.deepcopy(newer)
    _job(altered)["properties"][field] = {"type": "string"}
    operation_id = holding[-1].stem
    holding[-1].write_bytes(operation_pages(altered, (operation_id,))[holding[-1].name])
    before = _snapshot(project)
    with pytest.raises(SpecInputError) as refusal:
        bump(folder, project, verify="false", echo=_quiet)
    message = str(refusal.value)
    assert f"disagree on schema {JOB} at properties.{field}.type" in message
    assert holding[0].name in message and holding[-1].name in message
    assert "'integer'" in message and "'string'" in message
    assert _snapshot(project) == before and not project.reports.exists()


def test_pages_lacking_a_selected_operation_are_refused_naming_it(project: Project, tmp_path: Path) -> None:
    """A set of pages without one selected operation is refused, naming it; the tree is untouched."""
    folder = _pages(tmp_path, _with_new_property(_versioned("4.260.0")))
    missing = SELECTED[len(SELECTED) // 2]
    (folder / f"{missing}.md").unlink()
    before = _snapshot(project)
    with pytest.raises(SpecInputError, match=rf"lacks the operation {missing}, .*add the page of that operation"):
        bump(folder, project, verify="false", echo=_quiet)
    assert _snapshot(project) == before and not project.reports.exists()


def test_pages_of_two_versions_are_refused(project: Project, tmp_path: Path) -> None:
    """Pages that say different versions are not one spec: refused, naming both versions."""
    folder = _pages(tmp_path, _versioned("4.260.0"))
    first = sorted(folder.iterdir())[0]
    first.write_bytes(operation_pages(_versioned("4.261.0"), (first.stem,))[first.name])
    with pytest.raises(SpecInputError, match=r"not of one version: .* says '4\.261\.0', .* says '4\.260\.0'"):
        bump(folder, project, verify="false", echo=_quiet)


@pytest.mark.usefixtures("no_generation")
def test_a_failed_bump_from_pages_leaves_no_pages_behind(project: Project, tmp_path: Path) -> None:
    """When verification fails, openapi/pages/ goes as it came: absent, like everything else restored."""
    before = _snapshot(project)
    with pytest.raises(BumpFailed):
        bump(_pages(tmp_path, _versioned("4.260.0")), project, verify="exit 4", echo=_quiet)
    assert _snapshot(project) == before and not project.pages.exists()


@pytest.mark.usefixtures("no_generation")
def test_a_whole_spec_after_pages_removes_the_pages(project: Project, tmp_path: Path) -> None:
    """openapi/pages/ holds the pages of the spec vendored now: a later bump to a whole spec removes them."""
    bump(_pages(tmp_path, _versioned("4.260.0")), project, verify="true", echo=_quiet)
    assert project.pages.is_dir()
    whole = tmp_path / "whole.yaml"
    whole.write_text(spec_text(_with_new_property(_versioned("4.261.0"))), encoding="utf-8")
    bump(whole, project, verify="true", echo=_quiet)
    assert not project.pages.exists()
    assert "pages" not in json.loads(project.provenance.read_text(encoding="utf-8"))


def _with_defect_outside_the_selection(document: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The document plus an unselected operation that declares a path parameter its path lacks (as 4.259.0's
    Gateway_GetApiKey does), reaching a schema of its own."""
    document = copy.deepcopy(document)
    document["components"]["schemas"]["gatewayProbeKey"] = {"type": "object", "properties": {"k": {"type": "string"}}}
    operation_id = "Gateway_GetProbeKey"
    assert operation_id not in SELECTED
    document["paths"]["/v1/accounts/{account_id}/probeKeys"] = {
        "get": {
            "operationId": operation_id,
            "parameters": [
                {"name": "keyId", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "account_id", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/gatewayProbeKey"}}},
                }
            },
        }
    }
    return document, operation_id


@pytest.mark.usefixtures("no_generation")
def test_defects_outside_the_selection_are_warned_not_refused(project: Project, tmp_path: Path) -> None:
    """openapi-spec-validator refuses a whole document for one operation's undeclared path parameter. The bump
    holds the selected operations to the full standard but only warns about that one, naming it and the line."""
    document, operation_id = _with_defect_outside_the_selection(_with_new_property(_versioned("4.260.0")))
    source = tmp_path / "whole.yaml"
    text = spec_text(document)
    source.write_text(text, encoding="utf-8")
    lines: list[str] = []
    result = bump(source, project, verify="true", echo=lines.append)
    assert result.bumped
    warnings = [line for line in lines if "warning" in line and operation_id in line]
    parameter_line = _line_of(text, "- name: keyId")
    assert len(warnings) == 1 and f"at line {parameter_line}," in warnings[0] and "keyId" in warnings[0], lines
    assert not any(c.location.startswith((operation_id, "gatewayProbeKey")) for c in result.changes)


def test_the_same_defect_in_a_selected_operation_is_refused(project: Project, tmp_path: Path) -> None:
    """A selected operation declaring a path parameter its path lacks is refused, naming it: no line is lost."""
    document = _versioned("4.260.0")
    get = FROZEN.job_operation()
    raw = document["paths"][get.path.template]["get"]
    raw["parameters"].append({"name": "keyId", "in": "path", "required": True, "schema": {"type": "string"}})
    source = tmp_path / "whole.yaml"
    source.write_text(spec_text(document), encoding="utf-8")
    before = _snapshot(project)
    with pytest.raises(SpecInputError, match=r"not valid OpenAPI 3\.1: .*keyId.* at line \d+"):
        bump(source, project, verify="true", echo=_quiet)
    assert _snapshot(project) == before
