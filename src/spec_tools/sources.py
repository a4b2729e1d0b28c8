"""What `make bump` and `make spec-diff` take: one whole spec, one docs page, or several pages of one version (files
or a folder), assembled into one document whose shared components must agree.

Fireworks publishes one docs page per operation; each page is a complete OpenAPI document holding its operation
and every component that operation reaches, so the pages of one version repeat their shared components. Assembly
takes each path, operation and component once and refuses the set, naming the first schema and field that differ,
when two pages say different things about the same one.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .extract import SpecSourceError, read_spec_source
from .safe_text import inline
from .spec import parse_spec_text

__all__ = [
    "MAX_SOURCES",
    "Source",
    "SourceError",
    "assemble",
    "expand_arguments",
    "list_sources",
    "page_file_name",
    "read_source",
]

MAX_SOURCES = 500  # the whole API has about 200 operations: one page each, with room to spare
_SUFFIXES = (".md", ".markdown", ".yaml", ".yml", ".json")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class SourceError(ValueError):
    """The input cannot be read as a spec, or its pages do not make one spec; the message says which and where."""


@dataclass(frozen=True)
class Source:
    """One input file: its bytes as given, the spec text in it (a docs page's ```yaml block), and that parsed."""

    path: Path
    raw: bytes = field(repr=False)
    text: str = field(repr=False)
    first_line: int  # the file line of the spec text's line 1 (1 for a spec file)
    is_page: bool
    document: dict[str, Any] = field(repr=False, compare=False)

    @property
    def where(self) -> str:
        """How messages name it (a page's line numbers count from its yaml block, so say where that starts)."""
        if not self.is_page:
            return inline(self.path)
        return f"{inline(self.path)} (its ```yaml block, whose line 1 is page line {self.first_line})"


def expand_arguments(arguments: Sequence[str]) -> list[Path]:
    """The paths a command line names. A single argument that names no file but splits, shell-style, into names of
    files that all exist is that list (`make bump SPEC="a.md 'b c.md'"`), split here without a shell; anything else
    is taken as it is (so a missing file is reported under its whole name)."""
    if len(arguments) == 1 and not Path(arguments[0]).exists():
        try:
            parts = shlex.split(arguments[0])
        except ValueError:
            parts = []
        if len(parts) > 1 and all(Path(part).exists() for part in parts):
            return [Path(part) for part in parts]
    return [Path(argument) for argument in arguments]


def list_sources(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each file as given, each folder's spec files and pages (not its subfolders, not hidden
    files), sorted by name so that the same set gives the same spec whatever order it is named in."""
    if not paths:
        raise SourceError("no spec given")
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() in _SUFFIXES and not child.name.startswith(".") and not child.is_dir()
            )
            if not found:
                raise SourceError(f"the folder {inline(path)} holds no spec file or docs page ({', '.join(_SUFFIXES)})")
            files.extend(found)
        else:
            files.append(path)
    if len(files) > MAX_SOURCES:
        raise SourceError(f"{len(files)} files given: at most {MAX_SOURCES} pages make one spec")
    names = [page_file_name(file) for file in files]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate is not None:
        raise SourceError(f"two of the files given would be kept as {inline(duplicate)!r}; pages are kept by name")
    return sorted(files, key=lambda file: file.name) if len(files) > 1 else files


def read_source(path: Path) -> Source:
    """Read one file within bounds and parse its spec text; SourceError naming the file and the line."""
    try:
        spec_source = read_spec_source(path)
    except SpecSourceError as exc:
        message = str(exc) if inline(path) in str(exc) else f"{inline(path)}: {exc}"
        raise SourceError(f"{message}.") from None
    raw = spec_source.raw
    provisional = Source(path, raw, spec_source.text, spec_source.first_line, spec_source.is_page, {})
    try:
        document = parse_spec_text(spec_source.text)
    except ValueError as exc:
        raise SourceError(f"{provisional.where} is {exc}.") from None
    return Source(path, raw, spec_source.text, spec_source.first_line, spec_source.is_page, document)


def page_file_name(path: Path) -> str:
    """The name a page is kept under in openapi/pages/: its own when that is a plain file name, else the name with
    every other character replaced by `_` (a name from outside never reaches the tree as it is)."""
    name = path.name
    if _SAFE_NAME.fullmatch(name):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-") or "page"
    return cleaned[-100:]


# --- assembly ----------------------------------------------------------------------------------------------------


def assemble(sources: Sequence[Source]) -> dict[str, Any]:
    """One document from the pages of one version: each path, operation and component once.

    Top-level fields (info, servers, security) must agree too; tags are merged by name. Two pages that hold the
    same operation or component must hold it equal, or SourceError names the first schema (or operation) and
    field that differ and what each page says.
    """
    if len(sources) == 1:
        return sources[0].document
    first = sources[0]
    _same_version(sources)
    owners: dict[tuple[str, ...], Source] = {}
    top: dict[str, Any] = {}
    tags: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, dict[str, Any]] = {}
    for source in sources:
        for key, value in source.document.items():
            if key not in ("paths", "components", "tags"):
                _take(top, key, value, ("top", str(key)), source, owners)
        for tag in source.document.get("tags") or []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                tags.setdefault(tag["name"], tag)
        for path, item in (source.document.get("paths") or {}).items():
            kept = paths.setdefault(str(path), {})
            for key, value in (item or {}).items() if isinstance(item, dict) else ():
                _take(kept, key, value, ("paths", str(path), str(key)), source, owners)
        for section, entries in (source.document.get("components") or {}).items():
            kept = components.setdefault(str(section), {})
            for key, value in (entries or {}).items() if isinstance(entries, dict) else ():
                _take(kept, key, value, ("components", str(section), str(key)), source, owners)
    merged: dict[str, Any] = {"paths": paths, "components": components}
    if tags:
        merged["tags"] = list(tags.values())
    ordered = {key: merged.get(key, value) for key, value in first.document.items() if key != "tags" or tags}
    return {**ordered, **{key: value for key, value in merged.items() if key not in ordered}}


def _same_version(sources: Sequence[Source]) -> None:
    def version(source: Source) -> object:
        info = source.document.get("info")
        return info.get("version") if isinstance(info, dict) else None

    first = sources[0]
    for source in sources[1:]:
        if version(source) != version(first):
            raise SourceError(
                f"the pages are not of one version: {inline(first.path)} says {inline(version(first), 40)!r}, "
                f"{inline(source.path)} says {inline(version(source), 40)!r}"
            )


def _take(
    kept: dict[str, Any],
    key: Any,
    value: Any,
    where: tuple[str, ...],
    source: Source,
    owners: dict[tuple[str, ...], Source],
) -> None:
    if key not in kept:
        kept[key] = value
        owners[where] = source
        return
    difference = _first_difference(kept[key], value, [])
    if difference is None:
        return
    path, before, after = difference
    owner = owners[where]
    raise SourceError(
        f"the pages disagree on {_describe(where)}"
        f"{' at ' + _json_path(path) if path else ''}: {inline(owner.path)} says {_brief(before)}, "
        f"{inline(source.path)} says {_brief(after)}; pages of one version must agree on what they share"
    )


def _describe(where: tuple[str, ...]) -> str:
    if where[0] == "top":
        return f"the top-level field {inline(where[1], 60)}"
    if where[0] == "components":
        kind = "schema" if where[1] == "schemas" else f"components.{inline(where[1], 40)} entry"
        return f"{kind} {inline(where[2], 100)}"
    if where[2] in _METHODS:
        return f"operation {where[2].upper()} {inline(where[1], 150)}"
    return f"path {inline(where[1], 150)} ({inline(where[2], 40)})"


_MISSING = object()


def _first_difference(a: Any, b: Any, path: list[str | int]) -> tuple[list[str | int], Any, Any] | None:
    """The first place (depth first, in the first page's order) where two values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            found = _first_difference(a.get(key, _MISSING), b.get(key, _MISSING), [*path, key])
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for index in range(max(len(a), len(b))):
            left = a[index] if index < len(a) else _MISSING
            right = b[index] if index < len(b) else _MISSING
            found = _first_difference(left, right, [*path, index])
            if found is not None:
                return found
        return None
    if a == b and type(a) is type(b):
        return None
    return path, a, b


def _json_path(path: list[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{inline(part, 60)}" for part in path).lstrip(".")


def _brief(value: Any) -> str:
    if value is _MISSING:
        return "nothing (absent)"
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True).strip()
    except yaml.YAMLError:
        text = repr(value)
    text = text.removesuffix("\n...").removesuffix("...").strip()
    return repr(inline(text, 80))
