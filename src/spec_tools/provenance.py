"""The record kept beside the vendored spec: what it is, where it came from, what generates from it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .paths import PROVENANCE_PATH

__all__ = ["GENERATOR", "build_provenance", "read_provenance", "sha256_bytes", "sha256_text", "write_provenance"]

GENERATOR = "openapi-python-client"


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_provenance(
    spec_text: str, document: dict[str, Any], source: str, pages: Sequence[tuple[str, bytes]] = ()
) -> dict[str, Any]:
    """The record of a vendored spec; `pages` (name, bytes) when it was assembled from docs pages kept beside it."""
    info = document.get("info", {})
    record: dict[str, Any] = {
        "title": str(info.get("title", "")),
        "version": str(info.get("version", "")),
        "sha256": sha256_text(spec_text),
        "source": source,
        "generator": f"{GENERATOR} {metadata.version(GENERATOR)}",
    }
    if pages:
        record["pages"] = {name: sha256_bytes(data) for name, data in pages}
    return record


def read_provenance(path: Path = PROVENANCE_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_provenance(record: dict[str, Any], path: Path = PROVENANCE_PATH) -> None:
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
