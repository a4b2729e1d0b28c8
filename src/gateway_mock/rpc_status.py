"""google.rpc.Status error bodies, with each code's HTTP status parsed from the spec's `Code` description."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from google.rpc import code_pb2  # type: ignore[import-untyped]

from gateway_protocol.spec_view import Spec

__all__ = ["CODE_NUMBERS", "StatusCodes", "http_status_by_code", "status_body"]


@dataclass(frozen=True)
class StatusCodes:
    """The codes the mock sends, each with its wire number and the HTTP status the spec maps it to."""

    http_status: dict[str, int]

    @classmethod
    def from_spec(cls, spec: Spec, needed: tuple[str, ...]) -> StatusCodes:
        mapping = http_status_by_code(spec)
        missing = [name for name in needed if name not in mapping]
        if missing:
            raise LookupError(
                f"the spec's {code_schema_name(spec)} description has no HTTP Mapping for {', '.join(missing)}"
            )
        return cls(mapping)

    def number(self, name: str) -> int:
        return CODE_NUMBERS[name]

    def status(self, name: str) -> int:
        return self.http_status[name]


# The reader of the spec's mapping, as spec_tools.rpc_codes has it: the installed mock cannot import the spec tools.
# TODO(protocol branch): one definition in gateway_protocol once its google.rpc code table lands.
CODE_NUMBERS: dict[str, int] = dict(code_pb2.Code.items())
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


def status_body(code: int, message: str) -> bytes:
    """A google.rpc.Status as grpc-gateway serializes it (the mock never sends details)."""
    return json.dumps({"code": code, "message": message, "details": []}, separators=(",", ":")).encode()
