"""Text from a spec or a file name, made safe to print on one line: in a terminal, a Markdown report, a changelog.

A property name or a file name may hold a newline (which would forge a Markdown heading in CHANGELOG.md), a
terminal escape sequence, or a bidi override; each such character is shown as its escape instead. In Markdown, a
name may also hold backticks, links, images or HTML (`![x](https://tracker/p.png)`), which must stay text.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["code_span", "inline", "markdown_text"]

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


def code_span(text: object, limit: int = 200) -> str:
    """`text` as one Markdown code span, whatever backticks it holds (the fence is longer than any run inside)."""
    content = inline(text, limit)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
    padded = f" {content} " if content.startswith("`") or content.endswith("`") else content
    return f"{fence}{padded}{fence}"


# What opens code, links, images and HTML; emphasis is left alone (harmless, and names are full of `_`).
_MARKDOWN_ACTIVE = re.compile(r"([\\`\[\]<>])")


def markdown_text(text: object, limit: int = 400) -> str:
    """`text` on one line as literal Markdown text: the characters that open code, links, images or HTML are
    backslash-escaped."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", inline(text, limit))
