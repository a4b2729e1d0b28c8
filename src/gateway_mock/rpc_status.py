"""google.rpc.Status error bodies, with each code's HTTP status parsed from the spec's `Code` description."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from spec_tools.spec import Spec

__all__ = [
    "CODE_NUMBERS",
    "CODE_SCHEMA_NAME",
    "StatusCodes",
    "http_status_by_code",
    "status_body",
]

CODE_SCHEMA_NAME = "gatewayCode"

# The wire numbers come from google/rpc/code.proto; the spec lists only the names (in a different order).
CODE_NUMBERS: dict[str, int] = {
    "OK": 0,
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}

_ENTRY = re.compile(r"^\s*- ([A-Z][A-Z_]*):", re.MULTILINE)
_MAPPING = re.compile(r"HTTP Mapping:\s*(\d{3})")


def http_status_by_code(spec: Spec) -> dict[str, int]:
    """Code name -> HTTP status, read from the "HTTP Mapping: NNN" lines of the spec's `Code` description."""
    description = str(spec.schemas.get(CODE_SCHEMA_NAME, {}).get("description", ""))
    starts = [(match.start(), match.group(1)) for match in _ENTRY.finditer(description)]
    mapping: dict[str, int] = {}
    for index, (start, name) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(description)
        found = _MAPPING.search(description, start, end)
        if found is not None:
            mapping[name] = int(found.group(1))
    return mapping


@dataclass(frozen=True)
class StatusCodes:
    """The codes the mock sends, each with its wire number and the HTTP status the spec maps it to."""

    http_status: dict[str, int]

    @classmethod
    def from_spec(cls, spec: Spec, needed: tuple[str, ...]) -> StatusCodes:
        mapping = http_status_by_code(spec)
        missing = [name for name in needed if name not in mapping]
        if missing:
            raise LookupError(f"the spec's {CODE_SCHEMA_NAME} description has no HTTP Mapping for {', '.join(missing)}")
        return cls(mapping)

    def number(self, name: str) -> int:
        return CODE_NUMBERS[name]

    def status(self, name: str) -> int:
        return self.http_status[name]


def status_body(code: int, message: str) -> bytes:
    """A google.rpc.Status as grpc-gateway serializes it (the mock never sends details)."""
    return json.dumps({"code": code, "message": message, "details": []}, separators=(",", ":")).encode()
