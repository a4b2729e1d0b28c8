"""Text from a spec or a file name, made safe to print on one line: in a terminal, a Markdown report, a changelog.

A property name or a file name may hold a newline (which would forge a Markdown heading in CHANGELOG.md), a
terminal escape sequence, or a bidi override; each such character is shown as its escape instead.
"""

from __future__ import annotations

import unicodedata

__all__ = ["inline"]

# Control, format (bidi overrides, zero-width), line/paragraph separators, surrogates and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def inline(text: object, limit: int = 200) -> str:
    """`text` on one line with every unsafe character escaped (`\\n`, `\\x1b`, `\\u202e`), cut to `limit` chars."""
    parts: list[str] = []
    length = 0
    for char in str(text):
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            piece = char.encode("unicode_escape").decode("ascii")
        else:
            piece = char
        if length + len(piece) > limit:
            parts.append("…")
            break
        parts.append(piece)
        length += len(piece)
    return "".join(parts)
