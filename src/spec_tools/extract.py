"""Read a spec's text from a spec file or from a docs page that wraps it in a ```yaml fence, within bounds."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .safe_text import inline
from .safe_yaml import MAX_SPEC_BYTES

__all__ = [
    "MAX_PAGE_BYTES",
    "SpecSource",
    "SpecSourceError",
    "extract_fenced_yaml",
    "read_spec_source",
    "read_spec_text",
]

# A fence is three or more backticks; the docs pages use four and put the operation after "yaml".
_FENCE = re.compile(r"^(?P<fence>`{3,})yaml(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t\r]*$", re.S | re.M)
MAX_PAGE_BYTES = MAX_SPEC_BYTES  # published pages are about 30 KB, the whole spec 550 KB
_PAGE_SUFFIXES = frozenset({".md", ".markdown"})
_SPEC_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


class SpecSourceError(ValueError):
    """The given file holds no spec we can take."""


@dataclass(frozen=True)
class SpecSource:
    """The spec text taken from a file, and the file line its first line is (1 for a spec file)."""

    text: str
    first_line: int
    is_page: bool
    raw: bytes = b""  # the file's bytes as read (a page is kept verbatim beside the spec it gives)


def extract_fenced_yaml(page: str) -> str:
    """Return the body of the first ```yaml fenced block, byte for byte (no trailing-line trimming)."""
    match = _FENCE.search(page)
    if match is None:
        raise SpecSourceError("no fenced ```yaml block found in the docs page")
    return match.group("body")


def read_spec_source(path: Path) -> SpecSource:
    """The spec text of a `.yaml`/`.yml`/`.json` file as is, or of a `.md` docs page's yaml block, with its place."""
    suffix = path.suffix.lower()
    if suffix not in _PAGE_SUFFIXES | _SPEC_SUFFIXES:
        raise SpecSourceError(
            f"{inline(path)}: expected a .yaml, .yml, .json spec or a .md docs page, "
            f"got {inline(suffix or 'no suffix')!r}"
        )
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecSourceError(f"{inline(path)} is not UTF-8 text (byte {exc.start})") from None
    if suffix in _SPEC_SUFFIXES:
        return SpecSource(text, 1, is_page=False, raw=raw)
    match = _FENCE.search(text)
    if match is None:
        raise SpecSourceError("no fenced ```yaml block found in the docs page")
    return SpecSource(match.group("body"), text.count("\n", 0, match.start("body")) + 1, is_page=True, raw=raw)


def read_spec_text(path: Path) -> str:
    """The spec text of a `.yaml`/`.yml`/`.json` file as is, or of a `.md` docs page's yaml block."""
    return read_spec_source(path).text


def _read_bounded(path: Path) -> bytes:
    """At most MAX_PAGE_BYTES of a regular file; a FIFO, device or directory is refused without opening it."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise SpecSourceError(f"cannot read {inline(path)}: not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SpecSourceError(f"cannot read {inline(path)}: {exc.strerror or type(exc).__name__}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SpecSourceError(f"cannot read {inline(path)}: not a regular file")
        chunks: list[bytes] = []
        total = 0
        while total <= MAX_PAGE_BYTES:
            chunk = os.read(fd, min(1 << 16, MAX_PAGE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_PAGE_BYTES:
            raise SpecSourceError(
                f"{inline(path)} is over the {MAX_PAGE_BYTES}-byte cap for a spec or docs page "
                "(published pages are about 30 KB, the whole 4.259.0 spec 550 KB)"
            )
        return b"".join(chunks)
    except OSError as exc:
        raise SpecSourceError(f"cannot read {inline(path)}: {exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)
