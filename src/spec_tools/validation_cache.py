"""Documents that openapi-spec-validator found valid, remembered between processes.

Validating the whole 4.259.0 spec takes about a second of CPU, and every `make bump`, `make spec-diff`, bump
verification and test worker validated the same documents again (96 validations in one `make test`, 93 of them of
valid documents). A document the validator walked to the end without an error leaves an empty marker, named by the
SHA-256 of the document's content key and of what decides validity: this package's validation code and the
versions of the validator and the libraries it validates with. A change to any of them makes every older marker
unreachable.

Only "valid" is remembered. A document with errors is validated afresh each time, so every refusal and every
warning comes from the validator itself. The markers live in the parse cache's folder (`GATEWAY_SPEC_CACHE`, in the
virtualenv by default; `off` turns both off); any fault of the cache falls back to validating.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

from .parse_cache import cache_folder, prune

__all__ = ["MAX_ENTRIES", "known_valid", "remember_valid"]

MAX_ENTRIES = 256  # empty files: a make test leaves about 80; the oldest go first
_SUBFOLDER = "valid-specs"
# What validates: openapi-spec-validator and the libraries it checks schemas and resolves references with.
_DISTRIBUTIONS = (
    "openapi-spec-validator",
    "openapi-schema-validator",
    "jsonschema",
    "jsonschema-path",
    "jsonschema-specifications",
    "referencing",
)
_SOURCES = ("validate.py", "refs.py")  # this package's validator subclass and its reference lock


@cache
def _rules() -> str | None:
    """What decides validity, as one string; None (no cache) when any part of it cannot be read."""
    parts = []
    try:
        for name in _SOURCES:
            parts.append(f"{name} {hashlib.sha256((Path(__file__).parent / name).read_bytes()).hexdigest()}")
        for distribution in _DISTRIBUTIONS:
            parts.append(f"{distribution} {metadata.version(distribution)}")
    except (OSError, metadata.PackageNotFoundError):
        return None
    return ", ".join(parts)


def _marker(content_key: str) -> Path | None:
    folder = cache_folder()
    rules = _rules()
    if folder is None or rules is None:
        return None
    return folder / _SUBFOLDER / hashlib.sha256(f"{rules}\0{content_key}".encode()).hexdigest()


def known_valid(content_key: str) -> bool:
    """Whether the document with this content key was found valid before, under the same rules."""
    marker = _marker(content_key)
    if marker is None or not marker.is_file():
        return False
    with contextlib.suppress(OSError):
        os.utime(marker)  # recently used: pruned last
    return True


def remember_valid(content_key: str) -> None:
    """Leave the marker of a document the validator walked to the end without an error."""
    marker = _marker(content_key)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        prune(marker.parent, "*", MAX_ENTRIES)
    except OSError:
        return
