"""Parsed specs kept between processes, so that a spec's YAML is read once per content, not once per process.

Parsing the whole 4.259.0 spec (550 KB) within bounds takes about 0.2 s of CPU, and a published docs page written
in YAML (20 KB, the 4.21.x ones) 0.12 s: every tool, suite run, mock start and test worker used to pay it again.
A document that parsed (every bound and key check passed) is kept as JSON under the SHA-256 of its text and of the
rules that read it, in the virtualenv running the tools (removed with it; never the working tree); reading it back
costs a few milliseconds. Only what JSON gives back unchanged is kept, so a hit returns exactly what parsing would.
Refused text is never kept: it is checked afresh each time.

`GATEWAY_SPEC_CACHE` names another folder, or `off` turns the cache off. Outside a virtualenv there is no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CACHE_ENV", "MAX_ENTRIES", "MIN_BYTES", "cache_folder", "cached_parse", "prune"]

CACHE_ENV = "GATEWAY_SPEC_CACHE"
MIN_BYTES = 8 * 1024  # below this, reading an entry back saves nothing; a 20 KB YAML page takes 0.12 s to parse
MAX_ENTRIES = 64  # the vendored spec, the shared one, a bump's pages and candidates; the oldest go first


def _rules() -> str | None:
    """What decides how text is read: the bounded loader's own source and PyYAML's version. A change to either makes
    every older entry unreachable, so nothing read under older rules is given back. None (no cache) when the
    loader's source cannot be read."""
    from . import safe_yaml

    try:
        source = hashlib.sha256(Path(safe_yaml.__file__).read_bytes()).hexdigest()
    except OSError:
        return None
    return f"safe_yaml {source}, PyYAML {yaml.__version__}"


_RULES = _rules()
_MAX_ENTRY_BYTES = 32 * 1024 * 1024


def cache_folder() -> Path | None:
    """The folder parsed specs are kept in, or None when there is none."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / ".cache" / "parsed-specs"


def cached_parse(text: str, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`parse(text)`, or the document it gave for the same text before. Any cache fault falls back to parsing."""
    folder = cache_folder() if len(text) >= MIN_BYTES else None
    if folder is None or _RULES is None:
        return parse(text)
    key = hashlib.sha256(f"{_RULES}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    entry = folder / f"{key}.json"
    document = _read(entry)
    if document is not None:
        return document
    document = parse(text)
    _write(folder, entry, document)
    return document


def _read(entry: Path) -> dict[str, Any] | None:
    try:
        with entry.open("rb") as stream:
            data = stream.read(_MAX_ENTRY_BYTES + 1)
        document = json.loads(data) if len(data) <= _MAX_ENTRY_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruned last
    return document


def _write(folder: Path, entry: Path, document: dict[str, Any]) -> None:
    """Keep `document` when JSON gives it back unchanged; written whole (a temporary file renamed) or not at all."""
    try:
        data = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if json.loads(data) != document:  # a date, bytes or a pair list would come back as something else
            return
    except (TypeError, ValueError, RecursionError):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(data)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        prune(folder, "*.json", MAX_ENTRIES)
    except OSError:
        return


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the `keep` most recently used entries (files matching `pattern`) of a cache folder."""
    entries = []
    for path in folder.glob(pattern):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        path.unlink(missing_ok=True)
