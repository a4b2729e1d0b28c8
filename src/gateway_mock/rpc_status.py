"""google.rpc.Status error bodies, with each code's HTTP status parsed from the spec's `Code` description."""

from __future__ import annotations

import json
from dataclasses import dataclass

from gateway_protocol.rpc import CODE_NUMBERS
from gateway_protocol.spec_codes import code_schema_name, http_status_by_code
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


def status_body(code: int, message: str) -> bytes:
    """A google.rpc.Status as grpc-gateway serializes it (the mock never sends details)."""
    return json.dumps({"code": code, "message": message, "details": []}, separators=(",", ":")).encode()
