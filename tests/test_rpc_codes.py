"""google.rpc codes: numbers from gateway_protocol.rpc's table, HTTP statuses from the spec's Code description."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway_protocol.rpc import CODE_NUMBERS, STANDARD_HTTP_STATUS
from gateway_protocol.spec_codes import code_schema_name, http_status_by_code
from spec_tools.spec import load_spec

FROZEN = load_spec(Path(__file__).parent / "specs" / "gateway-4.259.0.yaml")


@pytest.mark.parametrize(
    ("name", "number", "http"),
    [
        ("OK", 0, 200),
        ("CANCELLED", 1, 499),
        ("INVALID_ARGUMENT", 3, 400),
        ("NOT_FOUND", 5, 404),
        ("PERMISSION_DENIED", 7, 403),
        ("RESOURCE_EXHAUSTED", 8, 429),
        ("UNIMPLEMENTED", 12, 501),
        ("UNAVAILABLE", 14, 503),
        ("UNAUTHENTICATED", 16, 401),
    ],
)
def test_known_code_pairs(name: str, number: int, http: int) -> None:
    """Wire numbers follow code.proto (not the spec's listing order) and statuses the spec's HTTP Mapping lines."""
    assert CODE_NUMBERS[name] == number
    assert http_status_by_code(FROZEN)[name] == http


def test_every_spec_code_has_a_number_and_a_status() -> None:
    """All 17 names the spec lists are known to code.proto and mapped to an HTTP status."""
    names = FROZEN.enum_values(code_schema_name(FROZEN))
    assert len(names) == 17
    assert set(names) == set(CODE_NUMBERS) == set(http_status_by_code(FROZEN))


def test_the_spec_maps_codes_as_code_proto_does() -> None:
    """Spec 4.259.0's HTTP Mapping lines agree with google/rpc/code.proto's, code for code: the table the mock and
    the suite fall back on is the one the gateway documents."""
    assert http_status_by_code(FROZEN) == STANDARD_HTTP_STATUS


def test_code_schema_is_found_through_the_job_status() -> None:
    """The Code enum is found by following status.code's $ref, so a renamed schema is still found."""
    assert code_schema_name(FROZEN) == "gatewayCode"
