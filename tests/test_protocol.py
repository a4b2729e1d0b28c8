"""gateway_protocol: each protocol fact, defined once, tested once (the client, the mock and the suite import it)."""

from __future__ import annotations

import base64
import json
import math
import time
import tracemalloc
import zlib
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from gateway_protocol import field_masks, money, proto_json, redaction, rpc
from gateway_protocol.bounded_http import BodyTooLarge, BodyUndecodable, deadline_at, read_body
from gateway_protocol.resource_names import PathTemplate, ResourceValueError, path_segment
from spec_tools.spec import load_spec

SPEC = load_spec()
JOB = SPEC.job_schema()


def gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip body of about inflated_mib KB that inflates to inflated_mib MiB of zeros: one compressed MiB of zeros,
    then the same fully flushed block again and again (no trailer: a bounded reader stops long before it)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(1 << 20)
    head = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (inflated_mib - 1)


# --- proto3 JSON -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "within"),
    [
        ("9223372036854775807", "int64", True),
        ("9223372036854775808", "int64", False),
        ("-9223372036854775808", "int64", True),
        ("18446744073709551615", "uint64", True),
        ("-1", "uint64", False),
        (2**31 - 1, "int32", True),
        (2**31, "int32", False),
        ("007", "int64", False),  # not canonical
        ("+7", "int64", False),
        ("7", "int32", False),  # a 32-bit integer is a JSON number
        ("9" * 5000, "int64", False),  # refused before any conversion
        (True, "int32", False),
    ],
)
def test_integers_have_their_formats_range_and_form(value: Any, fmt: str, within: bool) -> None:
    """64-bit integers are canonical decimal strings within range; 32-bit ones numbers; bools never integers."""
    assert proto_json.integer_in_range(value, fmt) is within


def test_long_digit_strings_are_refused_not_converted() -> None:
    """A 5,000-digit string is not an integer string (Python would refuse to convert it, with a ValueError)."""
    assert proto_json.parse_integer_string("9" * 5000) is None
    assert proto_json.is_int64_string("9" * 5000) is False
    assert proto_json.integer_value("12") == 12 and proto_json.integer_value(3.0) == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [("NaN", math.nan), ("Infinity", math.inf), ("-Infinity", -math.inf), ("1.5e3", 1500.0), (2, 2.0)],
)
def test_floats_read_proto3_json_specials(value: Any, expected: float) -> None:
    """Non-finite floats are the strings "NaN", "Infinity", "-Infinity"; numbers may come as strings."""
    got = proto_json.float_value(value)
    assert got is not None and (got == expected or (math.isnan(got) and math.isnan(expected)))


@pytest.mark.parametrize("value", [10**400, "1e999", "nan", True, "1" * 500, {}])
def test_what_no_double_holds_is_refused_without_raising(value: Any) -> None:
    """A 400-digit integer, an overflowing string, other spellings: None, never OverflowError."""
    assert proto_json.float_value(value) is None


@pytest.mark.parametrize(
    ("schema", "zero"),
    [
        ({"type": "object", "properties": {"a": {}}}, None),
        ({"type": "string", "format": "date-time"}, None),
        ({"type": "object", "additionalProperties": {"type": "string"}}, {}),
        ({"type": "array"}, []),
        ({"type": "boolean"}, False),
        ({"type": "integer", "format": "int32"}, 0),
        ({"type": "number"}, 0),
        ({"type": "string", "format": "int64"}, "0"),
        ({"type": "string"}, ""),
        ({"type": "string", "enum": ["JOB_STATE_UNSPECIFIED", "JOB_STATE_RUNNING"]}, "JOB_STATE_UNSPECIFIED"),
    ],
)
def test_zero_values_of_emit_unpopulated(schema: dict[str, Any], zero: Any) -> None:
    """null for messages and Timestamps, {} for maps, [] for repeated, "0" for 64-bit, an enum's first name."""
    assert proto_json.zero_value(schema) == zero
    assert proto_json.is_default(zero, schema)


def test_unpopulated_values_are_what_a_marshaler_writes_for_an_unset_field() -> None:
    """A message of zero values (or {}) and defaults are unpopulated; a set value or an unknown non-zero is not."""
    message = {"type": "object", "properties": {"percent": {"type": "integer"}, "epoch": {"type": "integer"}}}
    assert proto_json.is_unpopulated({"percent": 0, "epoch": 0}, message, SPEC.resolve)
    assert proto_json.is_unpopulated({}, message, SPEC.resolve)
    assert not proto_json.is_unpopulated({"percent": 3}, message, SPEC.resolve)
    assert proto_json.is_unpopulated({"x": {"y": ""}}, None, SPEC.resolve)
    assert not proto_json.is_unpopulated("x", None, SPEC.resolve)
    deep: Any = 0
    for _ in range(100_000):  # any depth: iterative
        deep = {"a": deep}
    assert proto_json.is_unpopulated(deep, None, SPEC.resolve)


@pytest.mark.parametrize(("snake", "camel"), [("display_name", "displayName"), ("estimate_cost", "estimateCost")])
def test_names_convert_between_proto_and_json(snake: str, camel: str) -> None:
    """JSON names are lowerCamelCase proto names; each form maps to the other and to itself."""
    assert proto_json.camel_case(snake) == camel and proto_json.snake_case(camel) == snake
    assert proto_json.camel_case(camel) == camel and proto_json.snake_case(snake) == snake


# --- Money -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "nanos", "currency", "fields"),
    [
        ("1", 500_000_000, "USD", []),
        (None, None, "", []),  # a zero Money on the wire
        ("1.5", 0, "USD", ["units"]),
        ("9223372036854775808", 0, "USD", ["units"]),
        ("9" * 5000, 0, "USD", ["units"]),
        ("1", 1_000_000_000, "USD", ["nanos"]),
        ("1", -1, "USD", ["nanos"]),
        ("-1", 1, "USD", ["nanos"]),
        ("0", -1, "USD", []),
        ("1", 0, "usd", ["currencyCode"]),
        ("1", 0, "XYZ", ["currencyCode"]),  # shaped like a code, but no ISO 4217 one (with the list given)
    ],
)
def test_every_money_rule(units: Any, nanos: Any, currency: Any, fields: list[str]) -> None:
    """int64-string units, nanos within +-999,999,999 and of units' sign, an ISO 4217 code."""
    problems = money.money_problems(units, nanos, currency, is_currency=lambda code: code != "XYZ")
    assert [problem.field for problem in problems] == fields


def test_money_shape_and_exact_decimals() -> None:
    """The spec's Money schema is recognised by shape; amounts convert exactly, toward zero, both ways."""
    assert any(money.is_money_schema(schema) for schema in SPEC.selected_schemas.values())
    assert money.from_decimal(Decimal("-1.75")) == ("-1", -750_000_000)
    assert money.to_decimal("9223372036854775807", 999_999_999) == Decimal("9223372036854775807.999999999")
    assert money.money_problems("1", 0, None, currency_required=True)[0].field == "currencyCode"


# --- field masks ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "paths"),
    [
        ("", None),
        (" , ", None),
        ("*", None),
        (["*"], None),
        ("name,display_name", ("name", "displayName")),
        (["name", "state,name"], ("name", "state")),  # repeated parameters add up
        ("job_progress.percent", ("jobProgress.percent",)),
        ("labels.*", ("labels.*",)),
    ],
)
def test_masks_parse_as_aip_157_and_161_say(raw: str | list[str], paths: tuple[str, ...] | None) -> None:
    """Empty or `*` alone: every field; JSON or proto names, canonical in JSON names; nested paths."""
    assert field_masks.parse_paths(raw) == paths


@pytest.mark.parametrize("raw", ["name,*", "*,name", "*.name", "a..b", ".a", "a-b", "a.b*"])
def test_a_star_beside_other_paths_and_malformed_paths_are_refused(raw: str) -> None:
    """`*` must not be used with other paths (AIP-161, as aip-go validates); segments are field names."""
    with pytest.raises(field_masks.FieldMaskError):
        field_masks.parse_paths(raw)


def test_paths_resolve_against_the_schema_at_any_depth() -> None:
    """Each name must be a field of the message it is in; `*` only after a repeated or map field."""
    nested = next(
        (f"{name}.{sub}", name)
        for name, node in JOB["properties"].items()
        for sub in (SPEC.resolve(node).get("properties") or {})
    )
    assert field_masks.resolve_paths([nested[0]], JOB, SPEC.resolve) == (nested[0],)
    with pytest.raises(field_masks.FieldMaskError, match="unknown field path"):
        field_masks.resolve_paths(["noSuchField"], JOB, SPEC.resolve)
    with pytest.raises(field_masks.FieldMaskError, match="repeated or map"):
        field_masks.resolve_paths([f"{nested[1]}.*"], JOB, SPEC.resolve)
    repeated = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}
    assert field_masks.resolve_paths(["tags.*"], repeated, SPEC.resolve) == ("tags",)


def test_a_mask_keeps_whole_fields_over_their_parts_and_cuts_bodies() -> None:
    """`a`, `a.b` keep all of `a`; `a.b`, `c` keep `b` of `a` and `c`; fields outside go."""
    assert field_masks.keep_tree(["a", "a.b"]) == {"a": None}
    assert field_masks.keep_tree(["a.b", "c"]) == {"a": {"b": None}, "c": None}
    body = {"a": {"b": 1, "x": 2}, "c": 3, "d": 4}
    assert field_masks.apply_mask(body, field_masks.keep_tree(["a.b", "c"])) == {"a": {"b": 1}, "c": 3}
    assert field_masks.covered_fields(["a.b", "c"]) == {"a", "c"}


# --- resource names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_path_values_never_rewrite_a_path(bad: str) -> None:
    """Empty, `.` and `..` are refused, naming the variable; other values are encoded whole (a `/` included)."""
    template = SPEC.job_operation().path
    with pytest.raises(ResourceValueError, match="account_id"):
        template.expand(dict.fromkeys(template.variables, bad))
    assert path_segment("job", "a/b") == "a%2Fb"
    assert PathTemplate("/v1/x/{id}").match("/v1/x/..") is None


# --- google.rpc, Retry-After, backoff -------------------------------------------------------------------------------


def test_code_table_is_google_rpc_code() -> None:
    """Seventeen codes, numbered in google/rpc/code.proto's order, each with its standard HTTP status."""
    assert len(rpc.CODE_NAMES) == 17 and rpc.CODE_NUMBERS["UNAUTHENTICATED"] == 16
    assert rpc.STANDARD_HTTP_STATUS["NOT_FOUND"] == 404 and set(rpc.STANDARD_HTTP_STATUS) == set(rpc.CODE_NAMES)
    assert rpc.code_name(5) == rpc.code_name("NOT_FOUND") == "NOT_FOUND"
    assert rpc.code_name(True) is None and rpc.code_name(99) is None and rpc.code_name("NOPE") is None


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        (" 0 ", 0.0),
        (time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(NOW + 30)), 30.0),  # IMF-fixdate
        (time.strftime("%A, %d-%b-%y %H:%M:%S GMT", time.gmtime(NOW + 30)), 30.0),  # obsolete RFC 850
        (time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(NOW + 30)), 30.0),  # obsolete asctime
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
        ("1.5", None),  # not delay-seconds: RFC 9110 has digits only
        ("-1", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),
        ("\u0663", None),  # a digit, but not an ASCII one
    ],
)
def test_retry_after_is_rfc_9110(value: str | None, seconds: float | None) -> None:
    """delay-seconds or an HTTP-date (three forms); fractions, signs and junk are unreadable: the caller backs off."""
    assert rpc.parse_retry_after(value, now=lambda: NOW) == seconds


def test_backoff_doubles_within_its_cap_with_jitter() -> None:
    """first * 2**attempt, capped, then 50 %..100 % of it."""
    lowest = [rpc.backoff_delay(attempt, 0.5, 8.0, uniform=lambda low, high: low) for attempt in range(7)]
    highest = [rpc.backoff_delay(attempt, 0.5, 8.0, uniform=lambda low, high: high) for attempt in range(7)]
    assert highest == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0] and lowest == [value / 2 for value in highest]
    assert rpc.backoff_delay(10_000, 0.5, 8.0) <= 8.0


# --- secrets ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("apiKey", True),
        ("X-Api-Key", True),
        ("Authorization", True),
        ("Cookie", True),
        ("password", True),
        ("clientSecret", True),
        ("refreshToken", True),
        ("X-Amz-Signature", True),
        ("credentials", True),
        ("credentialsSecret", False),  # the name of a Secret resource, not a secret
        ("nextPageToken", False),
        ("inputTokens", False),
        ("tokenizerConfigJson", False),
        ("accessKeyId", False),
        ("X-Request-Source", False),
    ],
)
def test_what_a_secret_name_is(name: str, secret: bool) -> None:
    """One rule for header and field names: credential words, a trailing token or qualified key."""
    assert redaction.is_secret_name(name) is secret


def test_keys_are_stripped_and_refused_with_control_characters_unquoted() -> None:
    """A trailing newline goes; a control character inside is refused, the error naming where, not the key."""
    assert redaction.clean_key("  sk-abc123\n", "KEY") == "sk-abc123"
    with pytest.raises(redaction.UnusableKeyError, match="KEY holds a control character") as caught:
        redaction.clean_key("sk-\x1b[31mabc", "KEY")
    assert "abc" not in str(caught.value)


SECRET = "sk-live/Q7vN2pX9+rT4mW8kZ"


@pytest.mark.parametrize(
    "written",
    [
        SECRET,
        json.dumps(SECRET).replace("/", "\\/"),
        "".join(f"\\u{ord(c):04x}" for c in SECRET),
        "".join(f"\\u{ord(c):04X}" if i % 2 else c for i, c in enumerate(SECRET)),
        quote(SECRET, safe=""),
        repr(SECRET.encode() + b"\n"),
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(b"user:" + SECRET.encode()).decode(),  # Basic credentials: another alignment
        base64.urlsafe_b64encode(b"xy" + SECRET.encode()).decode(),
        "&#115;" + SECRET[1:].replace("/", "&#x2F;"),
        json.dumps(json.dumps("".join(f"\\u{ord(c):04x}" for c in SECRET))),  # escaped twice over
    ],
)
def test_a_secret_is_found_however_it_is_escaped(written: str) -> None:
    """As written, JSON-escaped, percent-encoded, in a bytes repr, base64 at any alignment, as XML entities, or
    escaped twice: the secret is gone from the text and the text around it stays."""
    scrubbed = redaction.Redactor([SECRET]).scrub(f"before {written} after")
    assert scrubbed.startswith("before ") and scrubbed.endswith(" after") and redaction.REDACTED in scrubbed
    assert "Q7vN2pX9" not in scrubbed and "Q7vN2pX9" not in json.dumps(scrubbed)


def test_pieces_of_a_secret_are_found_with_pieces() -> None:
    """With `pieces`, any 8-character run of a secret is gone too, as written or escaped; 7 characters stay."""
    redactor = redaction.Redactor([SECRET], pieces=True)
    assert redactor.scrub(f"cut: {SECRET[4:12]} and {quote(SECRET[9:20], safe='')}") == (
        f"cut: {redaction.REDACTED} and {redaction.REDACTED}"
    )
    assert redactor.scrub(SECRET[4:11]) == SECRET[4:11]


def test_learning_finds_secret_fields_at_any_depth_and_each_redactor_knows_its_own() -> None:
    """Secret-looking fields anywhere (unknown ones, lists, any depth) are learnt; another redactor knows none."""
    body: Any = {"wandbConfig": {"apiKey": "learnt-key-1"}, "x": [{"password": "learnt-pass-2"}]}
    for _ in range(50_000):
        body = {"nested": body}
    redactor = redaction.Redactor()
    assert redactor.learn(body) == 2 and len(redactor) == 2
    assert redactor.scrub("learnt-key-1 learnt-pass-2") == f"{redaction.REDACTED} {redaction.REDACTED}"
    assert redaction.Redactor().scrub("learnt-key-1") == "learnt-key-1"


# --- the bounded reader ----------------------------------------------------------------------------------------------


def test_the_decoded_size_is_capped_with_bounded_memory() -> None:
    """A 1 MB gzip that inflates to 1 GiB stops at the cap; memory stays near the cap, never near a GiB."""
    bomb = gzip_bomb(1024)
    assert len(bomb) < 2 * 1024 * 1024
    cap = 8 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge, match="once decoded"):
            read_body((bomb[i : i + 65536] for i in range(0, len(bomb), 65536)), "gzip", cap)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * cap, peak


def test_codings_decode_and_the_rest_is_refused() -> None:
    """gzip, deflate (wrapped or raw) and identity decode; a corrupt body or an unknown coding is refused."""
    data = b'{"a": 1}' * 100
    raw = zlib.compressobj(wbits=-15)
    for coding, body in [
        ("gzip", zlib.compress(data, wbits=31)),
        ("deflate", zlib.compress(data)),
        ("deflate", raw.compress(data) + raw.flush()),
        (None, data),
        ("identity", data),
    ]:
        assert read_body([body[:7], body[7:]], coding, 10_000) == data
    with pytest.raises(BodyUndecodable, match="not valid gzip"):
        read_body([b"not gzip at all"], "gzip", 10_000)
    with pytest.raises(BodyUndecodable, match="not supported"):
        read_body([data], "br", 10_000)
    with pytest.raises(BodyTooLarge):
        read_body([data], None, 100)


def test_the_deadline_bounds_reading_between_chunks() -> None:
    """Past the deadline, reading stops with a timeout, whatever the transport."""
    with deadline_at(time.monotonic() - 1), pytest.raises(httpx.ReadTimeout):
        read_body([b"a", b"b"], None, 100)
