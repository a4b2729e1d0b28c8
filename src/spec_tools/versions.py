"""Spec versions: the grammar `info.version` must follow, and their order.

A version ends up in shell lines, file names and CHANGELOG.md headings, so anything that is not a plain version
(quotes, newlines, 5000-digit numbers) is refused at the door rather than escaped everywhere it is used.
"""

from __future__ import annotations

import re

__all__ = ["VERSION_RULE", "compare_versions", "is_version"]

VERSION_RULE = (
    "dot-separated numbers (1 to 4 parts of at most 9 digits), optionally followed by a -pre-release and/or "
    "+build suffix of letters, digits, dots and hyphens, at most 64 characters in all (e.g. 4.260.0, 4.260.0-rc.1)"
)
_MAX_LENGTH = 64
_IDENTIFIERS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
# ASCII digits only: `\d` would also take fullwidth (U+FF14...) or Arabic-Indic digits, which int() reads as
# numbers but no person, shell or file system treats as the same version.
_VERSION = re.compile(
    rf"(?P<numbers>[0-9]{{1,9}}(?:\.[0-9]{{1,9}}){{0,3}})(?:-(?P<pre>{_IDENTIFIERS}))?(?:\+{_IDENTIFIERS})?",
    re.ASCII,
)


def is_version(value: object) -> bool:
    """True when `value` is a string that follows VERSION_RULE."""
    return isinstance(value, str) and len(value) <= _MAX_LENGTH and _VERSION.fullmatch(value) is not None


def compare_versions(old: str, new: str) -> int | None:
    """-1, 0 or 1 as `new` is older, equal or newer than `old`; None when either is not a version."""
    old_key, new_key = _version_key(old), _version_key(new)
    if old_key is None or new_key is None:
        return None
    return (new_key > old_key) - (new_key < old_key)


def _version_key(version: str) -> tuple[tuple[int, ...], int, str] | None:
    # "4.260.0" > "4.260.0-rc1" > "4.259.10" > "4.259.9": numeric parts, then a release beats a pre-release;
    # build metadata (+...) does not order.
    match = _VERSION.fullmatch(version) if is_version(version) else None
    if match is None:
        return None
    numbers = tuple(int(part) for part in match.group("numbers").split("."))
    numbers += (0,) * (4 - len(numbers))
    pre = match.group("pre") or ""
    return numbers, 0 if pre else 1, pre
