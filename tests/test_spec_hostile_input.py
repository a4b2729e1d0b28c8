"""Spec tools read nothing they should not: local references only, bounded YAML, versions that are versions, and
file names and spec text that reach no shell and forge no changelog entry (issue 12, items 1-4)."""

from __future__ import annotations

import datetime
import re
import shlex
import shutil
import signal
from pathlib import Path

import pytest

from spec_tools import bump as bump_module
from spec_tools import paths, validate
from spec_tools.bump import BumpRefused, Project, bump
from spec_tools.extract import MAX_PAGE_BYTES
from spec_tools.safe_yaml import MAX_DEPTH, load_bounded_yaml
from spec_tools.spec import load_spec, parse_spec_text
from spec_tools.validate import SpecInputError, load_candidate
from spec_tools.versions import compare_versions, is_version
from tests.helpers import load_script
from tests.spec_probes import (
    FROZEN_SPEC,
    copy_project,
    docs_page,
    listening,
    recording_opens,
    run_make,
    tree_digest,
    with_property_ref,
    with_version,
)

pytestmark = pytest.mark.timeout(60)


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The frozen spec plus an `x-bomb` of nested anchors: a few hundred bytes standing for width**levels nodes."""
    lines = ["x-bomb:", f"  l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"  l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * width)}]" for k in range(1, levels)]
    return with_version("9999.0.0") + "\n".join(lines) + "\n"


# --- references --------------------------------------------------------------------------------------------------


def test_a_file_ref_is_refused_without_opening_the_file(tmp_path: Path) -> None:
    """`$ref: file://...` is refused quoting the ref; the referenced file (a FIFO that records readers) is never
    opened, and nothing it holds reaches the message."""
    with recording_opens(tmp_path / "target.yaml") as target:
        page = docs_page(tmp_path / "page.md", with_property_ref(f"file://{target.path}"))
        with pytest.raises(SpecInputError, match="leads outside the document") as refusal:
            load_candidate(page)
    assert f"file://{target.path}" in str(refusal.value)
    assert not target.opened
    assert "CANARY" not in str(refusal.value)


def test_a_url_ref_is_refused_without_fetching(tmp_path: Path) -> None:
    """`$ref: http://127.0.0.1:PORT/ref.yaml` is refused; the loopback listener receives no connection."""
    with listening() as listener:
        page = docs_page(tmp_path / "page.md", with_property_ref(listener.url))
        with pytest.raises(SpecInputError, match="only local references"):
            load_candidate(page)
    assert listener.connections == []


@pytest.mark.parametrize(
    "ref", ["ref.yaml", "ref.yaml#/components/schemas/X", "./sub/ref.json#/X", "//evil.example/x", "#components"]
)
def test_relative_refs_are_refused_without_opening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref: str) -> None:
    """A relative ref (next to the page or the working directory) is refused before anything opens it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with recording_opens(tmp_path / "ref.yaml") as beside, recording_opens(tmp_path / "sub" / "ref.json") as nested:
        page = docs_page(tmp_path / "page.md", with_property_ref(ref))
        with pytest.raises(SpecInputError, match="leads outside the document") as refusal:
            load_candidate(page)
    assert not beside.opened and not nested.opened
    assert repr(ref) in str(refusal.value)


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("$id", "http://127.0.0.1:9/base/"), ("$schema", "http://127.0.0.1:9/meta"), ("$dynamicRef", "#meta")],
)
def test_base_changing_keywords_are_refused(tmp_path: Path, keyword: str, value: str) -> None:
    """Keywords that move the base a resolver starts from, or refer dynamically, are refused like external refs."""
    text = with_property_ref("#/components/schemas/typeMoney")
    text = text.replace("          $ref: '#/components/schemas/typeMoney'\n", f"          {keyword}: '{value}'\n", 1)
    page = docs_page(tmp_path / "page.md", text)
    with pytest.raises(SpecInputError, match=rf"has a \{keyword} that leads outside"):
        load_candidate(page)


def test_the_validator_itself_retrieves_nothing() -> None:
    """Second lock: the OpenAPI validator, handed an external ref directly (past the first check), fetches
    nothing and reports a refusal instead."""
    with listening() as listener:
        document = parse_spec_text(with_property_ref(listener.url))
        with pytest.raises(SpecInputError, match="could not be validated") as refusal:
            list(validate._errors(document))
    assert listener.connections == []
    assert "only local #/ references" in str(refusal.value)


def test_local_refs_still_resolve(tmp_path: Path) -> None:
    """A local `#/components/schemas/...` ref is accepted (the vendored shape)."""
    page = docs_page(tmp_path / "page.md", with_property_ref("#/components/schemas/typeMoney"))
    assert "probeRef" in load_candidate(page).spec.job_schema()["properties"]


# --- bounded YAML ------------------------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """Nested anchors standing for 9**9 nodes are refused as an alias bomb (well within the 2 s the issue allows;
    the timeout bounds the test, it does not measure it)."""
    page = docs_page(tmp_path / "page.md", _alias_bomb())
    with pytest.raises(SpecInputError, match="alias bomb"):
        load_candidate(page)


def test_small_aliases_are_fine_and_cycles_are_refused() -> None:
    """Aliases that expand to little are read as usual; an alias inside its own anchor is refused."""
    assert load_bounded_yaml("a: &a [1, 2]\nb: [*a, *a]\n") == {"a": [1, 2], "b": [[1, 2], [1, 2]]}
    with pytest.raises(ValueError, match="recursive"):
        load_bounded_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
        ("a: !include other.yaml\n", "could not determine a constructor"),
        ("a: " + "9" * 5000 + "\n", "not valid YAML"),
        ("[" * (MAX_DEPTH + 10) + "]" * (MAX_DEPTH + 10) + "\n", "nested too deeply"),
    ],
    ids=["python tag", "custom tag", "5000-digit integer", "deep nesting"],
)
def test_custom_tags_huge_numbers_and_deep_nesting_are_refused(text: str, message: str) -> None:
    """Only plain YAML is read: no tags beyond the safe ones, no integer over Python's limit, no deep nesting."""
    with pytest.raises(ValueError, match=message):
        parse_spec_text(text)


def _with_key(text: str, key_yaml: str) -> str:
    """The frozen spec text with one more job property, its key written as `key_yaml` (as it appears in YAML)."""
    return text.replace("        probeRef:\n", f"        {key_yaml}:\n", 1)


def test_a_duplicate_key_is_refused_naming_it_and_both_lines(tmp_path: Path) -> None:
    """YAML keeps the last of two equal keys without a word; a spec holding one is refused, naming the key and the
    lines of both, so neither value is silently dropped."""
    text = with_property_ref("#/components/schemas/typeMoney")
    text = _with_key(text, "displayName")  # the job already has displayName
    page = docs_page(tmp_path / "page.md", text)
    with pytest.raises(SpecInputError, match=r"the key 'displayName' appears twice in one mapping, at line \d+ and at "
                       r"line \d+, column 9") as refusal:  # fmt: skip
        load_candidate(page)
    found = re.search(r"at line (\d+) and at line (\d+)", str(refusal.value))
    assert found is not None
    lines = text.splitlines()
    first, second = int(found.group(1)), int(found.group(2))
    assert first < second and lines[first - 1].strip() == lines[second - 1].strip() == "displayName:"


@pytest.mark.parametrize(
    ("key", "kind"),
    [("yes", "a boolean"), ("off", "a boolean"), ("null", "null"), ("~", "null"), (".nan", "a number"),
     ("1.5", "a number"), ("2024-01-01", "a date")],
)  # fmt: skip
def test_a_yaml_1_1_key_that_is_not_a_name_is_refused(tmp_path: Path, key: str, kind: str) -> None:
    """An unquoted property name `yes`, `null` or `.nan` is a boolean, null or number to YAML 1.1, not the name it
    looks like: refused, naming the key and its line, with the quoted spelling to use instead."""
    text = _with_key(with_property_ref("#/components/schemas/typeMoney"), key)
    line = text[: text.index(f"        {key}:\n")].count("\n") + 1
    page = docs_page(tmp_path / "page.md", text)
    with pytest.raises(SpecInputError, match=rf"the key '{re.escape(key)}' at line {line}, column 9 is read as "
                       rf"{kind}, not as the name it looks like; quote it \('{re.escape(key)}'\)"):  # fmt: skip
        load_candidate(page)


def test_quoted_names_and_numeric_status_keys_read_as_names() -> None:
    """Quoted, those names are plain strings; an unquoted response code `200:` is the string "200" an OpenAPI
    document means by it."""
    assert load_bounded_yaml("p: {'yes': 1, 'null': 2, '.nan': 3}\nr: {200: ok}\n") == {
        "p": {"yes": 1, "null": 2, ".nan": 3},
        "r": {"200": "ok"},
    }


def test_an_oversized_page_is_refused_unread(tmp_path: Path) -> None:
    """A page over the size cap is refused naming the cap."""
    page = tmp_path / "page.md"
    page.write_bytes(b"# big\n" + b"x" * MAX_PAGE_BYTES)
    with pytest.raises(SpecInputError, match=f"over the {MAX_PAGE_BYTES}-byte cap"):
        load_candidate(page)


def test_a_fifo_as_the_spec_is_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO (or device) given as SPEC is refused as not a regular file; nothing waits on it."""
    with recording_opens(tmp_path / "spec.yaml") as fifo:
        with pytest.raises(SpecInputError, match="not a regular file"):
            load_candidate(fifo.path)
        assert not fifo.opened


# --- versions ----------------------------------------------------------------------------------------------------

NOT_VERSIONS = {
    "quoted shell": "4.260.0'; touch pwned; echo '",
    "newline": "4.260.0\n\n## Spec 9.9.9 — forged",
    "5000 digits": "4." + "9" * 5000,
    "word": "nightly",
    "v prefix": "v4.260.0",
    "empty": "",
    "spaces": "4.260.0 ",
    "five parts": "1.2.3.4.5",
    "ten-digit part": "4.1234567890.0",
    "backtick": "4.260.0-`id`",
    "fullwidth digits": "\uff14.\uff12\uff16\uff10.\uff10",
    "arabic-indic digits": "\u0664.\u0662\u0666\u0660.\u0660",
}


@pytest.mark.parametrize("case", list(NOT_VERSIONS))
def test_a_version_outside_the_grammar_is_refused_naming_the_rule(tmp_path: Path, case: str) -> None:
    """`info.version` must be dot-separated numbers with an optional -pre/+build suffix; anything else is one
    clear refusal on one line, naming the rule."""
    quoted = '"' + NOT_VERSIONS[case].encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    page = docs_page(tmp_path / "page.md", with_version(quoted))
    with pytest.raises(SpecInputError, match=r"info\.version that is not a version") as refusal:
        load_candidate(page)
    message = str(refusal.value)
    assert "expected dot-separated numbers" in message
    assert "\n" not in message and len(message) < 1000


@pytest.mark.parametrize("version", ["4.260.0", "4.21.6", "5.10", "4.260.0-rc.1", "4.260.0+build.7", "1"])
def test_versions_in_the_grammar_pass(version: str) -> None:
    assert is_version(version)


def test_an_unquoted_number_version_is_refused(tmp_path: Path) -> None:
    """`version: 4.5` is a YAML float, not a string: refused as not a version (it would lose its zeros)."""
    page = docs_page(tmp_path / "page.md", with_version("4.50"))
    with pytest.raises(SpecInputError, match="not a version: a float"):
        load_candidate(page)


def test_versions_order_numerically_with_pre_releases_first() -> None:
    assert compare_versions("4.259.9", "4.259.10") == 1
    assert compare_versions("4.260.0", "4.260.0-rc.1") == -1
    assert compare_versions("4.260.0", "4.260.0+build.2") == 0
    assert compare_versions("4.259.0", "4.259.0'; touch x") is None


# --- printed shell lines and the changelog -----------------------------------------------------------------------


@pytest.fixture
def light_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A copy of openapi/ at the frozen spec, with generation stubbed out (the tests here are about text)."""
    root = tmp_path / "repo"
    shutil.copytree(Path(bump_module.paths.OPENAPI_DIR), root / "openapi")
    shutil.copy2(FROZEN_SPEC, root / "openapi" / "gateway.yaml")
    (root / "generated").mkdir()
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## Spec 4.259.0 — 2026-11-27\n\nFirst.\n", "utf-8")
    monkeypatch.setattr(bump_module, "generate", lambda spec, config, templates, generated: generated)
    return Project(root)


def _with_state(text: str, value_yaml: str) -> str:
    """The spec text with one more value (a YAML scalar) after the last value of the job's state enum."""
    frozen = load_spec(FROZEN_SPEC)
    states = frozen.schema_name(frozen.job_schema()["properties"]["state"]) or ""
    last = frozen.enum_values(states)[-1]
    match = re.search(rf"^( *)- {last}\n", text, re.M)
    assert match is not None and text.count(match.group(0)) == 1
    return text.replace(match.group(0), f"{match.group(0)}{match.group(1)}- {value_yaml}\n")


def test_the_printed_commit_line_is_one_quoted_argument(light_project: Project, tmp_path: Path) -> None:
    """The suggested `git commit -m ...` line splits, as a shell would, into exactly git, commit, -m, message."""
    lines: list[str] = []
    page = docs_page(tmp_path / "page.md", with_property_ref("#/components/schemas/typeMoney"))
    bump(page, light_project, verify="true", echo=lines.append)
    commit = next(line for line in lines if "git commit" in line)
    argv = shlex.split(commit)
    assert argv[:3] == ["git", "commit", "-m"] and len(argv) == 4
    assert argv[3].startswith("Bump spec to 9999.0.0: ")


def test_spec_text_cannot_forge_a_changelog_heading(light_project: Project, tmp_path: Path) -> None:
    """A property name and an enum value carrying newlines and a `## Spec` heading stay inside one entry line,
    escaped; the file name of the page does too, and the page is kept under a plain name."""
    forged = "## Spec 9.9.9 — forged"
    text = with_property_ref("#/components/schemas/typeMoney")
    text = text.replace("        probeRef:\n", f'        "x\\n\\n{forged}":\n', 1)
    text = _with_state(text, f'"Y\\r\\n{forged}"')
    page = docs_page(tmp_path / f"page\n{forged}.md", text)
    bump(page, light_project, verify="true", echo=lambda line: None, today=datetime.date(2026, 11, 28))
    changelog = light_project.changelog.read_text(encoding="utf-8")
    headings = [line for line in changelog.splitlines() if line.startswith("#")]
    assert headings == ["# Changelog", "## Spec 9999.0.0 — 2026-11-28", "## Spec 4.259.0 — 2026-11-27"]
    assert "x\\n\\n## Spec 9.9.9" in changelog
    kept = [path.name for path in light_project.pages.iterdir()]
    assert (
        kept == ["page____Spec_9.9.9___forged.md"] and (light_project.pages / kept[0]).read_bytes() == page.read_bytes()
    )


def _outside_code_spans(line: str) -> str:
    """The line without its CommonMark code spans (a run of N backticks up to the next run of exactly N)."""
    out, at = [], 0
    for opening in re.finditer(r"`+", line):
        if opening.start() < at:
            continue
        closing = re.compile(rf"(?<!`){opening.group()}(?!`)").search(line, opening.end())
        if closing is None:
            continue
        out.append(line[at : opening.start()])
        at = closing.end()
    return "".join(out) + line[at:]


def test_spec_text_cannot_inject_links_images_or_html(light_project: Project, tmp_path: Path) -> None:
    """A property name and an enum value carrying backticks, an image, a link and HTML stay literal text in the
    CHANGELOG entry and spec-diff.md: outside code spans, every `[`, `<` and backtick is escaped."""
    name = "a`![x](http://127.0.0.1:9/p.png)`<img src=x>"
    value = "<img src=y>[l](http://127.0.0.1:9/)"
    text = with_property_ref("#/components/schemas/typeMoney")
    text = text.replace("        probeRef:\n", f"        '{name}':\n", 1)
    text = _with_state(text, f"'{value}'")
    bump(docs_page(tmp_path / "page.md", text), light_project, verify="true", echo=lambda line: None)
    entry = light_project.changelog.read_text(encoding="utf-8").split("\n## Spec 4.259.0")[0]
    report = (light_project.reports / "spec-diff.md").read_text(encoding="utf-8")
    for line in [*entry.splitlines(), *report.splitlines()]:
        assert re.search(r"(?<!\\)[\[<`]", _outside_code_spans(line)) is None, line
    assert name in report and value in report  # still readable, inside code spans


def test_newline_version_with_force_is_refused_before_the_changelog(light_project: Project, tmp_path: Path) -> None:
    """Even with FORCE=1, a newline in the version is refused at validation: the changelog is untouched."""
    before = light_project.changelog.read_bytes()
    page = docs_page(tmp_path / "page.md", with_version('"4.260.0\\n\\n## Spec 9.9.9 — forged"'))
    with pytest.raises(SpecInputError, match="not a version"):
        bump(page, light_project, force=True, verify="true", echo=lambda line: None)
    assert light_project.changelog.read_bytes() == before
    with pytest.raises(BumpRefused):  # and FORCE is still needed for an older, valid version
        bump(docs_page(tmp_path / "old.md", with_version("4.21.6")), light_project, verify="true", echo=print)


# --- real make invocations ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("make") / "repo")


PROBES = ("file ref", "url ref", "relative ref", "alias bomb", "quoted version", "newline version")
# Each probe goes through the real `make` target once (the first target for the first half of the probes, the other
# for the rest); the other target's entry point runs in this process: the refusals live in Python, and a make run
# costs half a second of CPU for the plumbing the real runs already prove.
REAL_MAKE = {(probe, "spec-diff" if i < len(PROBES) // 2 else "bump") for i, probe in enumerate(PROBES)}


def _entry(root: Path, args: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`make ARGS` as its recipe would run it, in this process: the script's main() with the same values."""
    values = dict(arg.split("=", 1) for arg in args[1:])
    if args[0] == "bump":
        argv = ["--root", str(root), "--verify", env["BUMP_VERIFY"], *(["--force"] if env["FORCE"] else [])]
        argv += ["--", values["SPEC"]]
        script = "bump"
    else:
        argv = ["--reports", str(root / "reports"), "--", values["OLD"], values["NEW"]]
        script = "spec_diff"
    previous = signal.getsignal(signal.SIGTERM)  # bump's main takes SIGTERM over to restore the tree
    try:
        code = load_script(script).main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.timeout(180)
@pytest.mark.parametrize("target", ["spec-diff", "bump"])
@pytest.mark.parametrize("probe", PROBES)
def test_make_refuses_each_hostile_page(
    make_project: Path, tmp_path: Path, target: str, probe: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's 'done when': each hostile page is refused by the real `make` target within 60 s (exit 2, one
    message), the tree byte-identical, no referenced file opened, no URL fetched, no command run, no forged
    changelog heading (the newline version runs with FORCE=1). Each probe meets real make once (REAL_MAKE)."""
    marker = tmp_path / "pwned"
    before = tree_digest(make_project)
    with listening() as listener, recording_opens(tmp_path / "ref.yaml") as referenced:
        text = {
            "file ref": lambda: with_property_ref(f"file://{referenced.path}"),
            "url ref": lambda: with_property_ref(listener.url),
            "relative ref": lambda: with_property_ref("ref.yaml#/components/schemas/X"),
            "alias bomb": _alias_bomb,
            "quoted version": lambda: with_version(f"\"9999.0.0'; touch {marker}; echo '\""),
            "newline version": lambda: with_version('"9999.0.0\\n\\n## Spec 9.9.9 — forged"'),
        }[probe]()
        page = docs_page(tmp_path / "page.md", text)
        args = ["spec-diff", f"OLD={FROZEN_SPEC}", f"NEW={page}"] if target == "spec-diff" else ["bump"]
        if target == "bump":
            args.append(f"SPEC={page}")
        env = {"BUMP_VERIFY": f"touch {marker}", "FORCE": "1" if probe == "newline version" else ""}
        if (probe, target) in REAL_MAKE:
            result = run_make(make_project, *args, env=env, timeout=60)
            code, output = result.returncode, result.stdout + result.stderr
        else:
            code, output = _entry(make_project, args, env, capsys)
    assert code == 2, output
    assert "error: " in output and "Traceback" not in output
    assert tree_digest(make_project) == before
    assert not referenced.opened and listener.connections == []
    assert not marker.exists()
    assert "## Spec 9.9.9" not in (make_project / "CHANGELOG.md").read_text(encoding="utf-8")


SHELL_NAME = "q'uote $HOME `touch pwned-backtick` $(touch pwned-dollar) $(shell touch pwned-make).md"


@pytest.mark.timeout(180)
def test_make_passes_file_names_through_untouched(make_project: Path, tmp_path: Path) -> None:
    """A file name with a quote, `$HOME`, backticks, `$(...)` and make's `$(shell ...)` reaches spec-diff and bump
    as is: both read that very file, and neither make nor a shell runs anything in it."""
    work = tmp_path / "work"
    work.mkdir()
    page = docs_page(work / SHELL_NAME, with_property_ref("#/components/schemas/typeMoney"))
    diff = run_make(make_project, "spec-diff", f"OLD={FROZEN_SPEC}", f"NEW={page}")
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "probeRef: property-added" in diff.stdout
    bumped = run_make(make_project, "bump", f"SPEC={page}", env={"BUMP_VERIFY": "true"}, timeout=120)
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "9999.0.0" in (make_project / "openapi" / "gateway.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in work.iterdir()) == [SHELL_NAME]
    assert not list(make_project.glob("pwned*")) and not list(Path.cwd().glob("pwned*"))


def test_a_copy_never_edits_its_original(tmp_path: Path) -> None:
    """`make bump` in a copy of the project that shares this checkout's virtualenv (whose .pth points here) works on
    the copy: the Makefile puts the copy's own src/ and generated/ first, whatever venv runs them. (The verification
    step records where it runs, then fails, so even a regression would leave this checkout restored.)"""
    copy = copy_project(tmp_path / "copy")
    before = tree_digest(paths.REPO_ROOT)
    marker = tmp_path / "bumped-in"
    page = docs_page(tmp_path / "page.md", with_property_ref("#/components/schemas/typeMoney"))
    env = {"BUMP_VERIFY": f"pwd -P > {shlex.quote(str(marker))}; exit 1"}
    bumped = run_make(copy, "bump", f"SPEC={page}", env=env, timeout=120)
    assert bumped.returncode != 0 and "restored" in bumped.stderr, bumped.stdout + bumped.stderr
    assert marker.read_text(encoding="utf-8").strip() == str(copy.resolve())
    assert (copy / "reports" / "spec-diff.json").is_file()
    assert tree_digest(paths.REPO_ROOT) == before


def test_make_usage_errors_without_arguments(make_project: Path) -> None:
    """No SPEC (or no OLD/NEW) is a usage message and exit 2."""
    assert "usage: make bump" in run_make(make_project, "bump").stderr
    assert run_make(make_project, "spec-diff", "OLD=x.yaml").returncode == 2


def test_scripts_name_a_missing_file_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing path with a newline in its name is reported escaped, on one line."""
    missing = tmp_path / "no\nsuch.yaml"
    assert load_script("spec_diff").main([str(missing), str(missing)]) == 2
    err = capsys.readouterr().err
    assert "no\\nsuch.yaml" in err and err.count("\n") == 1
