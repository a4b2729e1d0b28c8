"""What bump and spec-diff take in: files and folders named on a command line, and pages of one version assembled
into one spec that they must agree on (spec_tools.sources)."""

from __future__ import annotations

import copy
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_tools.sources import (
    MAX_SOURCES,
    SourceError,
    assemble,
    expand_arguments,
    list_sources,
    page_file_name,
    read_source,
)
from spec_tools.spec import load_spec
from tests.spec_probes import FROZEN_SPEC
from tests.synthetic_pages import operation_pages, write_pages

FROZEN = load_spec(FROZEN_SPEC)


def _sources(folder: Path) -> list[Any]:
    return [read_source(path) for path in list_sources([folder])]


def test_a_folder_is_its_pages_and_specs_sorted_by_name(tmp_path: Path) -> None:
    """A folder stands for its .md/.yaml/.yml/.json files, by name; hidden files, other suffixes and subfolders
    are not pages."""
    for name in ("b.md", "a.yaml", "c.json", ".hidden.md", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.md").mkdir()
    assert [p.name for p in list_sources([tmp_path])] == ["a.yaml", "b.md", "c.json"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: [d], "holds no spec file or docs page"),
        (lambda d: [d / "x" / "a.md", d / "y" / "a.md"], "two of the files given would be kept as 'a.md'"),
        (lambda d: [d / "a b.md", d / "a_b.md"], "two of the files given would be kept as 'a_b.md'"),
        (lambda d: [d / f"{i}.md" for i in range(MAX_SOURCES + 1)], f"at most {MAX_SOURCES} pages"),
        (lambda d: [], "no spec given"),
    ],
    ids=["empty folder", "same name twice", "same name once made plain", "too many", "nothing"],
)
def test_sets_that_cannot_be_one_spec_are_refused(tmp_path: Path, make: Any, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        list_sources(make(tmp_path))


def test_one_argument_splits_only_into_files_that_exist(tmp_path: Path) -> None:
    """`SPEC="a.md 'b c.md'"` is two files when both exist; a single missing name with a space (or a newline) is
    kept whole, so the error names it as given; an existing name with a space is never split."""
    a, b = tmp_path / "a.md", tmp_path / "b c.md"
    a.write_text("x")
    b.write_text("x")
    assert expand_arguments([shlex.join([str(a), str(b)])]) == [a, b]
    assert expand_arguments([str(b)]) == [b]
    missing = f"{a} {tmp_path / 'gone.md'}"
    assert expand_arguments([missing]) == [Path(missing)]
    assert expand_arguments([str(a), str(b)]) == [a, b]


def test_page_names_are_kept_when_plain_and_made_plain_otherwise() -> None:
    """A page is stored under its own name when that is a plain file name; anything else never reaches the tree
    as it is."""
    assert page_file_name(Path("get-supervised-fine-tuning-job.md")) == "get-supervised-fine-tuning-job.md"
    assert page_file_name(Path("Get Job\n## Spec 9.md")) == "Get_Job____Spec_9.md"
    assert page_file_name(Path("..md")) == "md"
    assert page_file_name(Path("$(touch x)`id`.md")) == "touch_x__id_.md"


def test_pages_assemble_into_the_spec_they_were_cut_from(tmp_path: Path) -> None:
    """The selected operations' pages of a spec give back that spec: each operation and component once, tags merged
    by name, top-level fields as they were."""
    folder = write_pages(tmp_path / "pages", operation_pages(FROZEN.document))
    assert assemble(_sources(folder)) == FROZEN.document


def _disagreeing(tmp_path: Path, change: Any) -> list[Any]:
    altered = copy.deepcopy(FROZEN.document)
    change(altered)
    pages = operation_pages(FROZEN.document)
    last = sorted(pages)[-1]
    pages[last] = operation_pages(altered, (last.removesuffix(".md"),))[last]
    return _sources(write_pages(tmp_path / "pages", pages))


def test_a_top_level_field_must_agree(tmp_path: Path) -> None:
    """Pages that name different servers are not pages of one spec."""

    def other_server(document: dict[str, Any]) -> None:
        document["servers"] = [{"url": "https://elsewhere.example"}]

    with pytest.raises(SourceError, match=r"disagree on the top-level field servers at \[0\]\.url: .* says "
                       r"'https://api\.fireworks\.ai', .* says 'https://elsewhere\.example'"):  # fmt: skip
        assemble(_disagreeing(tmp_path, other_server))


def test_an_absent_field_is_a_difference_too(tmp_path: Path) -> None:
    """A field one page has and another lacks is named, with `nothing (absent)` for the page without it."""
    job = FROZEN.job_schema_name()
    name = next(iter(FROZEN.schemas[job]["properties"]))

    def drop(document: dict[str, Any]) -> None:
        del document["components"]["schemas"][job]["properties"][name]

    with pytest.raises(SourceError, match=rf"schema {job} at properties\.{name}: .* says nothing \(absent\)"):
        assemble(_disagreeing(tmp_path, drop))


def test_a_page_of_broken_yaml_is_named_with_its_line(tmp_path: Path) -> None:
    """A page that does not parse is refused by its own name and line, counted from its yaml block."""
    page = tmp_path / "bad.md"
    page.write_text("# Bad\n\n````yaml get /x\nopenapi: 3.1.0\ninfo: [\n````\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad\.md \(its ```yaml block, whose line 1 is page line 4\) is not valid"):
        read_source(page)


def test_the_assembled_text_reads_back_as_the_pages_say(tmp_path: Path) -> None:
    """What a bump vendors for a set of pages parses back to exactly the assembled document."""
    from spec_tools.validate import render_spec

    folder = write_pages(tmp_path / "pages", operation_pages(FROZEN.document))
    document = assemble(_sources(folder))
    assert yaml.safe_load(render_spec(document)) == document
