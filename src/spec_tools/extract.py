"""Read a spec's text from a spec file or from a docs page that wraps it in a ```yaml fence."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["SpecSourceError", "extract_fenced_yaml", "read_spec_text"]

# A fence is three or more backticks; the docs pages use four and put the operation after "yaml".
_FENCE = re.compile(r"^(?P<fence>`{3,})yaml(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t\r]*$", re.S | re.M)


class SpecSourceError(ValueError):
    """The given file holds no spec we can take."""


def extract_fenced_yaml(page: str) -> str:
    """Return the body of the first ```yaml fenced block, byte for byte (no trailing-line trimming)."""
    match = _FENCE.search(page)
    if match is None:
        raise SpecSourceError("no fenced ```yaml block found in the docs page")
    return match.group("body")


def read_spec_text(path: Path) -> str:
    """The spec text of a `.yaml`/`.yml`/`.json` file as is, or of a `.md` docs page's yaml block."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecSourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecSourceError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    suffix = path.suffix.lower()
    if suffix in {".md", ".markdown"}:
        return extract_fenced_yaml(text)
    if suffix in {".yaml", ".yml", ".json"}:
        return text
    raise SpecSourceError(
        f"{path}: expected a .yaml, .yml, .json spec or a .md docs page, got {suffix or 'no suffix'!r}"
    )
