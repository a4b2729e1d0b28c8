"""Read masks: what a request's readMask covers, and the body without the fields outside it.

How a mask is read (`*`, nested paths, JSON or proto names) is `protocol.field_masks`'s, as for the mock and
the suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from .protocol.field_masks import FieldMaskError, covered_fields, parse_paths

__all__ = ["covered", "covered_by", "masked", "to_param"]

_PARAM = "readMask"


def to_param(mask: str | Sequence[str] | Any) -> Any:
    """The query value of a mask given as a string or a list of field paths (other values pass through)."""
    if isinstance(mask, str) or not isinstance(mask, Sequence):
        return mask
    return ",".join(str(path).strip() for path in mask)


def covered_by(mask: str) -> frozenset[str] | None:
    """The top-level JSON names a mask covers; None for an empty or `*` mask (all fields).

    Paths are camelCase or snake_case; a nested path such as `jobProgress.percent` covers its top-level field. A
    mask the AIPs rule out (`*` beside other paths) is not the client's to refuse: a gateway that answers it with
    a 200 is taken at its word, as if it had sent every field.
    """
    try:
        return covered_fields(parse_paths(mask))
    except FieldMaskError:
        return None


def covered(request: httpx.Request) -> frozenset[str] | None:
    """What the request's readMask parameters (repeated ones add up) cover; None without a mask."""
    if b"readMask=" not in request.url.query:  # the common unmasked read skips parsing the query string
        return None
    values = request.url.params.get_list(_PARAM)
    return covered_by(",".join(values)) if values else None


def masked(body: Any, names: frozenset[str] | None) -> Any:
    """The body without the top-level fields outside the mask.

    grpc-gateway's EmitUnpopulated writes them as zero values ("", 0, false, null, ...) instead of omitting them;
    dropped here, they parse as UNSET either way.
    """
    if names is None or not isinstance(body, dict):
        return body
    return {name: value for name, value in body.items() if name in names}
