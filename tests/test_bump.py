"""`make bump` vendors, regenerates and verifies a new spec as one change, or leaves the tree as it was.

Every test bumps a temp copy of the project (openapi/, generated/, CHANGELOG.md), never the repo itself.
"""

from __future__ import annotations

import datetime
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest

from spec_tools import bump as bump_module
from spec_tools import paths
from spec_tools.bump import CHANGELOG_HEADER, BumpFailed, BumpRefused, Project, bump, compare_versions
from spec_tools.codegen import generate
from spec_tools.extract import read_spec_text
from spec_tools.provenance import build_provenance, sha256_text, write_provenance
from spec_tools.spec import load_spec, parse_spec_text
from spec_tools.validate import SpecInputError
from tests.helpers import load_script

_JOB_PATH = load_spec().job_operation().path.template

# The bump is proven on a frozen 4.259.0 project, so these tests hold whatever spec is vendored later.
FROZEN_SPEC = Path(__file__).parent / "specs" / "gateway-4.259.0.yaml"
VENDORED = FROZEN_SPEC.read_bytes().decode("utf-8")
# Names and values the tests need, read from the frozen spec rather than repeated here.
FROZEN = load_spec(FROZEN_SPEC)
FROZEN_VERSION = FROZEN.version
JOB = FROZEN.job_schema_name()
STATES = FROZEN.schema_name(FROZEN.job_schema()["properties"]["state"]) or ""
LAST_STATE = FROZEN.enum_values(STATES)[-1]
MONEY = FROZEN.schema_name(FROZEN.job_schema()["properties"]["estimatedCost"]) or ""
TODAY = datetime.date(2026, 11, 27)


def _quiet(line: str) -> None:
    """Progress output is not under test here."""


@pytest.fixture(scope="module")
def frozen_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's openapi/ (config, templates) at spec 4.259.0, its generated/ and a one-entry changelog."""
    root = tmp_path_factory.mktemp("frozen") / "repo"
    shutil.copytree(paths.OPENAPI_DIR, root / "openapi")
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


def _snapshot(project: Project) -> dict[str, bytes]:
    """Every file under openapi/ and generated/ plus the changelog, by path, with its bytes."""
    files = {"CHANGELOG.md": project.changelog.read_bytes()}
    for top in (project.openapi_dir, project.generated):
        for path in sorted(top.rglob("*")):
            if path.is_file():
                files[str(path.relative_to(project.root))] = path.read_bytes()
    return files


def _docs_page(path: Path, spec_text: str) -> Path:
    """A docs page shaped like the published one: prose, then the spec in a four-backtick ```yaml fence."""
    path.write_text(
        f"# Get Supervised Fine-tuning Job\n\n## OpenAPI\n\n````yaml get {_JOB_PATH}\n{spec_text}````\n",
        encoding="utf-8",
    )
    return path


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _version(text: str, version: str) -> str:
    return _edit(text, f"  version: {FROZEN_VERSION}\n", f"  version: {version}\n")


def _with_new_property(text: str) -> str:
    anchor = "          description: Scheduling purpose for this job.\n"
    return _edit(text, anchor, anchor + "        rolloutStrategy:\n          type: string\n")


def _done_when_spec() -> str:
    """4.260.0: adds a JobState value, removes `nodes`, retypes `epochs` to string, adds optional `rolloutStrategy`."""
    text = _with_new_property(_version(VENDORED, "4.260.0"))
    text = _edit(text, f"        - {LAST_STATE}\n", f"        - {LAST_STATE}\n        - JOB_STATE_ROLLOUT\n")
    text = text[: text.index("        nodes:\n")] + text[text.index("        batchSize:\n") :]
    return _edit(
        text,
        "        epochs:\n          type: integer\n          format: int32\n",
        "        epochs:\n          type: string\n",
    )


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


def test_failed_verification_restores_the_tree_and_shows_the_output(project: Project, tmp_path: Path) -> None:
    """When the verify command fails after regeneration, every byte of openapi/ and generated/ comes back
    and the error carries the end of the command's output."""
    before = _snapshot(project)
    source = tmp_path / "next.yaml"
    source.write_text(_with_new_property(_version(VENDORED, "4.260.0")), encoding="utf-8")
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
    source.write_text(_with_new_property(_version(VENDORED, "4.260.0")), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        bump(source, project, verify="true", echo=_quiet)
    assert _snapshot(project) == before


BAD_INPUTS = {
    "invalid YAML": (
        "spec.yaml",
        "openapi: 3.1.0\ninfo:\n  title: [unclosed\n",
        r"spec\.yaml is not valid YAML at line 4",
    ),
    "YAML that is not OpenAPI": ("spec.yaml", "name: job\nstate: RUNNING\n", r"not an OpenAPI 3\.1 document"),
    "OpenAPI 3.0, not 3.1": ("spec.yaml", _edit(VENDORED, "openapi: 3.1.0", "openapi: 3.0.3"), r"`openapi: 3\.0\.3`"),
    "invalid OpenAPI": (
        "spec.yaml",
        _edit(VENDORED, "          in: query\n", "          in: querystring\n"),
        r"not valid OpenAPI 3\.1: .*querystring.* at line 23, column 15 \(\$\.paths\..*\.parameters\[0\]\.in\)",
    ),
    "dangling $ref": (
        "spec.yaml",
        _edit(VENDORED, f"schemas/{MONEY}'", f"schemas/{MONEY}-gone'"),
        rf"\$ref that points nowhere: '#/components/schemas/{MONEY}-gone' at line \d+",
    ),
    "spec missing the job operation": (
        "spec.yaml",
        VENDORED.replace("/supervisedFineTuningJobs/", "/fineTuningJobs/"),
        r"has no GET /v1/accounts/\{account_id\}/supervisedFineTuningJobs",
    ),
    "docs page without a yaml fence": ("page.md", "# Title\n\n```json\n{}\n```\n", r"no fenced ```yaml block"),
    "docs page with broken YAML": (
        "page.md",
        "# Title\n\n````yaml get /x\nopenapi: 3.1.0\ninfo: [\n````\n",
        r"page\.md \(its ```yaml block, whose line 1 is page line 4\) is not valid YAML",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_with_where_and_changes_nothing(project: Project, tmp_path: Path, case: str) -> None:
    """Each bad input raises one message naming the file and the place, and leaves the tree byte-identical."""
    name, text, message = BAD_INPUTS[case]
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
        ("same version, different content", _with_new_property(VENDORED), "like the vendored spec, but its content"),
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
def test_a_hung_verification_is_stopped_with_all_it_started(project: Project, tmp_path: Path) -> None:
    """A verification past its time budget is killed with its whole process group (a background child included),
    the bump fails saying so, and the tree comes back byte for byte."""
    before = _snapshot(project)
    source = tmp_path / "next.yaml"
    source.write_text(_with_new_property(_version(VENDORED, "4.260.0")), encoding="utf-8")
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


def test_verification_output_is_bounded_in_the_failure_message(project: Project, tmp_path: Path) -> None:
    """A verification that writes megabytes on one line fails with a message of bounded size."""
    source = tmp_path / "next.yaml"
    source.write_text(_with_new_property(_version(VENDORED, "4.260.0")), encoding="utf-8")
    flood = f"{shlex.quote(sys.executable)} -c \"import sys; sys.stdout.write('x' * 5_000_000)\"; exit 3"
    with pytest.raises(BumpFailed, match="exit 3") as failure:
        bump(source, project, verify=flood, echo=_quiet)
    assert len(str(failure.value)) < 100_000
