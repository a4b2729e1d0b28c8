"""What a request body of a resource may hold, and the id a create always carries.

Output-only fields (AIP-203; ``readOnly`` in the spec) are the server's: a create or an estimate that sets one is
refused here, naming each, before anything is sent. The generated facade passes the fields, derived from the spec
at generation time, as a tree: ``{json name: (attribute, None | subtree)}``; a subtree applies to a message
field, or to each item of a repeated one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

__all__ = ["RESOURCE_ID", "OutputOnly", "new_resource_id", "refuse_output_only"]

OutputOnly: TypeAlias = Mapping[str, tuple[str, "OutputOnly | None"]]
"""JSON name -> (attribute name, None when the whole field is output-only, else the tree of its message)."""

RESOURCE_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
"""A resource id as AIP-122 writes it: what the ids this client makes always match."""

_ID_PREFIX = "job-"


def new_resource_id() -> str:
    """A fresh id matching RESOURCE_ID (128 random bits), so that a create can be retried without making two."""
    return f"{_ID_PREFIX}{secrets.token_hex(16)}"


def _set_fields(body: Any, tree: OutputOnly, json_path: str, attribute_path: str) -> Iterator[tuple[str, str]]:
    if isinstance(body, list):
        for index, item in enumerate(body):
            yield from _set_fields(item, tree, f"{json_path}[{index}]", f"{attribute_path}[{index}]")
        return
    if not isinstance(body, Mapping):
        return
    for name, (attribute, subtree) in tree.items():
        if name not in body:
            continue
        here, attribute_here = f"{json_path}{name}", f"{attribute_path}{attribute}"
        if subtree is None:
            yield here, attribute_here
        else:
            yield from _set_fields(body[name], subtree, f"{here}.", f"{attribute_here}.")


def refuse_output_only(body: Mapping[str, Any], tree: OutputOnly, what: str) -> None:
    """ValueError naming every output-only field set in `body` (a model's ``to_dict()``); nothing when none is."""
    found = list(_set_fields(body, tree, "", f"{what}."))
    if found:
        names = ", ".join(f"{json_path} ({attribute})" for json_path, attribute in found)
        raise ValueError(
            f"output-only field(s) set: {names}. The server sets them (readOnly in the spec) and would ignore "
            "them; leave them unset. Nothing was sent."
        )
