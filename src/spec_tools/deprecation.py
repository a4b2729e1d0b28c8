"""When the spec says a schema, property, parameter or operation is deprecated: the one definition.

The published pages carry proto comments as descriptions ("Deprecated: see mtp_enabled.") more often than the
`deprecated: true` keyword, so both count: the keyword, or a description or title whose first word is
"deprecated" in any case (`Deprecated:`, `DEPRECATED tags`, `deprecated.`). A first word that merely starts with
those letters (`Deprecatedness`) does not; nor does "deprecated" later in the text ("Not deprecated.").
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["deprecation_mark", "deprecation_text", "is_deprecated"]

_FIRST_WORD = re.compile(r"\s*deprecated\b", re.IGNORECASE)
_TEXT_KEYS = ("description", "title")


def deprecation_mark(node: Any) -> str | None:
    """How `node` says it is deprecated (`deprecated: true`, or `its description starts with 'Deprecated'`), or
    None when it does not."""
    if not isinstance(node, dict):
        return None
    if node.get("deprecated") is True:
        return "deprecated: true"
    for key in _TEXT_KEYS:
        text = node.get(key)
        if isinstance(text, str) and _FIRST_WORD.match(text):
            return f"its {key} starts with {text.strip()[:10]!r}"
    return None


def is_deprecated(node: Any) -> bool:
    return deprecation_mark(node) is not None


def deprecation_text(node: dict[str, Any]) -> str:
    """The node's description (or title) made to start with "Deprecated" when the node is deprecated: what the
    generated attribute's docstring says, whichever way the spec marks it."""
    text = node.get("description") if isinstance(node.get("description"), str) else node.get("title")
    text = text.strip() if isinstance(text, str) else ""
    if is_deprecated(node) and not _FIRST_WORD.match(text):
        text = f"Deprecated. {text}".strip()
    return text
