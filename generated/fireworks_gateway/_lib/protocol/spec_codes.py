"""google.rpc.Code as a spec states it: each code's HTTP status, from the "HTTP Mapping: NNN" lines of the spec's
Code description (the spec lists names only, not in numeric order; wire numbers are `rpc.CODE_NUMBERS`)."""

from __future__ import annotations

import re
from typing import Any

from .spec_view import Spec

__all__ = ["code_schema_name", "http_status_by_code"]

_FALLBACK_SCHEMA = "gatewayCode"
_ENTRY = re.compile(r"^\s*- ([A-Z][A-Z_]*):", re.MULTILINE)
_MAPPING = re.compile(r"HTTP Mapping:\s*(\d{3})")


def code_schema_name(spec: Spec) -> str:
    """The enum behind the job's `status.code` (gatewayCode in 4.259.0)."""
    job: dict[str, Any] = spec.job_schema()
    status = job.get("properties", {}).get("status")
    code = spec.resolve(status).get("properties", {}).get("code") if status is not None else None
    return (spec.schema_name(code) if code is not None else None) or _FALLBACK_SCHEMA


def http_status_by_code(spec: Spec) -> dict[str, int]:
    """Code name -> HTTP status, from each "- NAME: ... HTTP Mapping: NNN" entry of the Code description."""
    description = str(spec.schemas.get(code_schema_name(spec), {}).get("description", ""))
    starts = [(match.start(), match.group(1)) for match in _ENTRY.finditer(description)]
    mapping: dict[str, int] = {}
    for index, (start, name) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(description)
        found = _MAPPING.search(description, start, end)
        if found is not None:
            mapping[name] = int(found.group(1))
    return mapping
