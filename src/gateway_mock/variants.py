"""Correct variants: behaviours LIFECYCLE.md lists as acceptable that the mock does not choose itself.

`--all-faults` serves each in its own account `variant-<name>`, seeded with the fixtures, beside the fault
accounts: the contract suite must find no violation there (a false alarm on a real gateway is as bad as a miss).
`gateway_mock.app` reads the names, as it reads the lifecycle faults'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["LIFECYCLE_VARIANTS", "VARIANT_PREFIX", "expand_names", "name_collections", "variant_account"]

VARIANT_PREFIX = "variant-"

LIFECYCLE_VARIANTS: dict[str, str] = {
    "hard-delete": "delete removes the job at once: a GET after it answers 404 (no deletion states)",
    "cancel-terminal-ok": "cancelling a job in a terminal state answers 200 {} and changes nothing",
    "unbound-page-tokens": "page tokens are not bound to their filter and order: a foreign or malformed token "
    "serves the first page",
    "first-state-pending": "a new job starts in JOB_STATE_PENDING, not JOB_STATE_CREATING, and stays there",
    "full-resource-names": "a resource-name field sent short (dataset: d) comes back as the full name "
    "(accounts/<account>/datasets/d)",
}


def variant_account(name: str) -> str:
    """The account under which `--all-faults` serves a correct variant: `variant-<name>`."""
    return VARIANT_PREFIX + name


def name_collections(fixtures: Mapping[str, Mapping[str, Any]], fields: tuple[str, ...]) -> dict[str, str]:
    """The fields among `fields` whose fixture values are resource names (`accounts/a/datasets/d`), each with its
    collection (`datasets`): read from the fixtures, so the spec's field names are never typed here."""
    found: dict[str, str] = {}
    for job in fixtures.values():
        for name in fields:
            value = job.get(name)
            parts = value.split("/") if isinstance(value, str) else []
            if name not in found and len(parts) >= 4 and parts[0] == "accounts":
                found[name] = parts[-2]
    return found


def expand_names(job: dict[str, Any], account: str, collections: Mapping[str, str]) -> dict[str, Any]:
    """The job with each short resource-name value expanded to its full name under the account."""
    expanded = dict(job)
    for name, collection in collections.items():
        value = job.get(name)
        if isinstance(value, str) and value and "/" not in value:
            expanded[name] = f"accounts/{account}/{collection}/{value}"
    return expanded
