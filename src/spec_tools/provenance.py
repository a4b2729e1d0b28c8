"""The record kept beside the vendored spec: what it is, where it came from, what generates from it."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from .paths import PROVENANCE_PATH

__all__ = ["GENERATOR", "build_provenance", "read_provenance", "sha256_text", "write_provenance"]

GENERATOR = "openapi-python-client"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_provenance(spec_text: str, document: dict[str, Any], source: str) -> dict[str, str]:
    info = document.get("info", {})
    return {
        "title": str(info.get("title", "")),
        "version": str(info.get("version", "")),
        "sha256": sha256_text(spec_text),
        "source": source,
        "generator": f"{GENERATOR} {metadata.version(GENERATOR)}",
    }


def read_provenance(path: Path = PROVENANCE_PATH) -> dict[str, str]:
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_provenance(record: dict[str, str], path: Path = PROVENANCE_PATH) -> None:
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
