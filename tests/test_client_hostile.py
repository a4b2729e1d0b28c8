"""The client against a loopback server that misbehaves: every failure is a GatewayClientError, nothing leaks.

Self-contained (the client, attrs, httpx, pytest and the standard library only), so that `tests/test_client_wheel.py`
runs this very module against the wheel installed in a fresh venv outside the repo. Field names come from the
installed model's own field table, never from a hand-kept list.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import resource
import socket
import sys
import threading
import time
import traceback
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import attrs
import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.errors import (
    ConfigurationError,
    GatewayClientError,
    GatewayTimeoutError,
    InvalidResourceIdError,
    MissingFieldError,
    ResponseContractError,
    ResponseDecodingError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TransportFailure,
    UnauthenticatedError,
)
from fireworks_gateway.models import SupervisedFineTuningJob
from fireworks_gateway.models import supervised_fine_tuning_job as job_module

TOKEN = "sk-hostile-test-token-0123456789"
PASSWORD = "url-password-9876543210"
KINDS: dict[str, str] = job_module._FIELD_KINDS
REQUIRED = [f.name for f in attrs.fields(SupervisedFineTuningJob) if f.default is attrs.NOTHING]


def _json_name(attribute: str) -> str:
    first, *rest = attribute.split("_")
    return first + "".join(word.title() for word in rest)


def _field(kind: str) -> str:
    """The first job field of a kind (str, int, float, bool, datetime, ...) in the installed model."""
    return next(name for name, k in KINDS.items() if k == kind and _attribute(name) not in REQUIRED)


def _attribute(json_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in json_name)


REQUIRED_STR = _json_name(next(name for name in REQUIRED if KINDS.get(_json_name(name)) == "str"))
BASE = {name: "x" for name in map(_json_name, REQUIRED)}
CHUNK = b"x" * 65536
HUGE_BYTES = 200 * 1024 * 1024
TRICKLE_SECONDS = 60
ESCAPABLE_TOKEN = "sk-esc/aped+token=0123456789"  # a '/' and '+': what JSON, URLs and base64 escape


def _gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip body of about inflated_mib KB inflating to inflated_mib MiB: one flushed MiB of zeros, repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (inflated_mib - 1)


BOMB_MIB = 128
BOMB = _gzip_bomb(BOMB_MIB)


def _escaped(token: str) -> list[str]:
    """A token as a server may reflect it inside a JSON string, escaped four ways."""
    return [
        json.dumps(token)[1:-1].replace("/", "\\/"),
        "".join(f"\\u{ord(c):04x}" for c in token),
        "".join(f"\\u{ord(c):04X}" if index % 2 else c for index, c in enumerate(token)),
        json.dumps(json.dumps({"key": token.replace("/", "\\/")}))[1:-1],  # JSON text quoted as a string
    ]


def _encoded(authorization: str) -> list[str]:
    """A credential as a server may reflect it encoded: percent, base64 (plain and as Basic), a bytes repr."""
    token = authorization.partition(" ")[2] or authorization
    return [
        quote(token, safe=""),
        base64.b64encode(token.encode()).decode(),
        base64.b64encode(f"user:{token}".encode()).decode(),
        repr(authorization.encode() + b"\n"),
    ]


def _raw(scenario: str, authorization: str, path: str) -> tuple[int, dict[str, str], bytes] | None:
    """Answers that are not one JSON document the server builds: escaped text, broken codings, redirects."""
    token = authorization.partition(" ")[2] or authorization
    if scenario == "reflect-escaped":
        first, *rest = _escaped(token)
        details = ", ".join(f'{{"seen": "{variant}"}}' for variant in rest)
        return 401, {}, f'{{"code": 16, "message": "bad credentials {first}", "details": [{details}]}}'.encode()
    if scenario == "reflect-encoded":
        first, *rest = _encoded(authorization)
        payload = {"code": 16, "message": f"bad credentials {first}", "details": [{"seen": v} for v in rest]}
        return 401, {}, json.dumps(payload).encode()
    if scenario == "echo-auth":
        return 200, {}, json.dumps({**BASE, _field("str"): authorization}).encode()
    if scenario == "huge-float":
        return 200, {}, (json.dumps(BASE)[:-1] + f', "{_field("float")}": 1{"0" * 400}}}').encode()
    if scenario == "bad-gzip":
        return 200, {"Content-Encoding": "gzip"}, b"\x1f\x8b\x08 not really gzip"
    if scenario == "bomb":
        return 200, {"Content-Encoding": "gzip"}, BOMB
    if scenario == "loop":
        return 302, {"Location": path}, b""
    return None


def _body(scenario: str, authorization: str, mask: str = "") -> tuple[int, bytes]:
    """What the server answers for a scenario (the last path segment)."""
    answers: dict[str, Callable[[], tuple[int, Any]]] = {
        "echo-mask": lambda: (200, {**BASE, _field("str"): mask}),
        "reflect": lambda: (200, {**BASE, _field("datetime"): authorization, _field("str"): authorization}),
        "reflect-401": lambda: (401, {"code": 16, "message": f"bad credentials {authorization}"}),
        "nan": lambda: (200, {**BASE, _field("float"): "NaN"}),
        "infinity": lambda: (200, {**BASE, _field("float"): "-Infinity"}),
        "int-string": lambda: (200, {**BASE, _field("int"): "5"}),
        "null-required": lambda: (200, {**BASE, REQUIRED_STR: None}),
        "bool-string": lambda: (200, {**BASE, _field("bool"): "true"}),
        "object-number": lambda: (200, {**BASE, _field("float"): {"value": 1}}),
    }
    if scenario == "deep":
        return 200, b"[" * 100_000 + b"]" * 100_000
    status, payload = answers[scenario]()
    return status, json.dumps(payload).encode()


class _QuietServer(ThreadingHTTPServer):
    """tests.helpers.LoopbackServer's rule, here because this module also runs alone against the installed wheel."""

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client resetting is what these tests do
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read logs
        return

    def do_GET(self) -> None:
        scenario = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        authorization = self.headers.get("Authorization") or self.headers.get("X-Api-Key") or ""
        try:
            if scenario == "trickle":
                self._headers(200, 10_000, echo=authorization)
                for _ in range(TRICKLE_SECONDS * 5):  # bounded: at most 60 s, one byte each 0.2 s
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            if scenario == "huge":
                self._headers(200, HUGE_BYTES)
                for _ in range(HUGE_BYTES // len(CHUNK)):
                    self.wfile.write(CHUNK)
                return
            raw = _raw(scenario, authorization, self.path)
            if raw is not None:
                status, extra, body = raw
                self._headers(status, len(body), extra=extra)
                self.wfile.write(body)
                return
            query = parse_qs(urlsplit(self.path).query)
            status, body = _body(scenario, authorization, ",".join(query.get("readMask", [])))
            self._headers(status, len(body), echo=authorization)
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up, as it should

    def _headers(self, status: int, length: int, echo: str = "", extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if echo:
            self.send_header("X-Echo", echo)  # a server reflecting the credential into a header
        self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The misbehaving server on 127.0.0.1 and a free port, stopped after the module."""
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _client(base_url: str, **kwargs: Any) -> AuthenticatedClient:
    kwargs.setdefault("sleep", lambda seconds: None)
    kwargs.setdefault("timeout", 5)
    return AuthenticatedClient(base_url=base_url, token=TOKEN, account_id="acme", **kwargs)


def _get(client: AuthenticatedClient, scenario: str) -> SupervisedFineTuningJob:
    with client:
        return client.jobs.get(scenario)


def _assert_no_secret(error: BaseException, *secrets: str) -> None:
    """Neither the error nor any error in its cause/context chain shows a secret in str, repr, args or body."""
    seen: BaseException | None = error
    while seen is not None:
        texts = [str(seen), repr(seen), repr(seen.args), str(getattr(seen, "body", ""))]
        for secret in secrets:
            assert not any(secret in text for text in texts), (type(seen).__name__, secret)
        seen = seen.__cause__ or seen.__context__


def test_reflected_token_in_a_200_never_leaks(server: str) -> None:
    """A 200 whose timestamp reflects the Authorization header: a contract error with the token nowhere in it."""
    with pytest.raises(ResponseContractError) as caught:
        _get(_client(server), "reflect")
    _assert_no_secret(caught.value, TOKEN)


def test_reflected_token_in_an_error_body_never_leaks(server: str) -> None:
    """A 401 whose message reflects the token: UnauthenticatedError, the token redacted from text and body."""
    with pytest.raises(UnauthenticatedError) as caught:
        _get(_client(server), "reflect-401")
    _assert_no_secret(caught.value, TOKEN)
    assert "bad credentials" in caught.value.body


def test_non_finite_floats_are_floats(server: str) -> None:
    """ "NaN" and "-Infinity" (proto3 JSON) become floats, not strings."""
    value = getattr(_get(_client(server), "nan"), _attribute(_field("float")))
    assert isinstance(value, float) and value != value
    assert getattr(_get(_client(server), "infinity"), _attribute(_field("float"))) == float("-inf")


def test_int32_as_decimal_string_is_an_int(server: str) -> None:
    """An int32 sent as "5" becomes the int 5."""
    value = getattr(_get(_client(server), "int-string"), _attribute(_field("int")))
    assert value == 5 and type(value) is int


@pytest.mark.parametrize(
    ("scenario", "error", "field"),
    [
        ("null-required", MissingFieldError, lambda: REQUIRED_STR),
        ("bool-string", ResponseContractError, lambda: _field("bool")),
        ("object-number", ResponseContractError, lambda: _field("float")),
    ],
)
def test_wrong_types_raise_naming_the_field(
    server: str, scenario: str, error: type[Exception], field: Callable[[], str]
) -> None:
    """null in a required string, a string in a boolean, an object in a number: a contract error naming the field."""
    with pytest.raises(error) as caught:
        _get(_client(server), scenario)
    assert repr(field()) in str(caught.value)


def test_deep_json_is_a_contract_error_not_recursion(server: str) -> None:
    """JSON nested 100,000 deep raises ResponseContractError, never a bare RecursionError."""
    with pytest.raises(ResponseContractError, match="nests too deep"):
        _get(_client(server), "deep")


@pytest.mark.timeout(30)
def test_trickling_body_ends_at_the_whole_attempt_deadline(server: str) -> None:
    """A body that trickles forever ends in GatewayTimeoutError after each attempt's 1 s (not per read)."""
    with pytest.raises(GatewayTimeoutError) as caught:
        _get(_client(server, timeout=1, max_retries=1), "trickle")
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    assert "2 attempts" in str(caught.value)


@pytest.mark.timeout(60)
def test_huge_body_stops_at_the_size_cap(server: str) -> None:
    """A 200 MB body raises ResponseTooLargeError after at most the cap; memory grows far less than the body."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ResponseTooLargeError):
        _get(_client(server), "huge")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    scale = 1 if sys.platform != "darwin" else 1024  # ru_maxrss is KiB on Linux, bytes on macOS
    assert grown_kib / scale < 150 * 1024


def test_refused_connection_is_a_gateway_client_error() -> None:
    """Connection refused (after retries) raises TransportFailure with httpx's ConnectError as __cause__."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransportFailure) as caught:
        _get(_client(f"http://127.0.0.1:{port}", max_retries=1), "any")
    assert isinstance(caught.value, GatewayClientError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_reprs_show_no_secret(server: str) -> None:
    """repr of the client, its httpx client and headers hide the token, custom auth header values, URL passwords."""
    host = server.removeprefix("http://")
    client = AuthenticatedClient(
        base_url=f"http://user:{PASSWORD}@{host}",
        token=TOKEN,
        prefix="",
        auth_header_name="X-Api-Key",
        headers={"X-Custom-Auth": TOKEN + "-custom"},
    )
    httpx_client = client.get_httpx_client()
    texts = (repr(client), str(client), repr(httpx_client), repr(httpx_client.headers), repr(httpx_client.base_url))
    for text in texts:
        assert TOKEN not in text and PASSWORD not in text, text
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = AuthenticatedClient(
        base_url=f"http://user:{PASSWORD}@127.0.0.1:{port}", token=TOKEN, account_id="a", max_retries=0
    )
    with pytest.raises(TransportFailure) as caught:
        _get(refused, "any")
    _assert_no_secret(caught.value, TOKEN, PASSWORD)


def test_debug_logs_show_no_secret_and_no_logger_is_reconfigured(server: str, caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG, with the server echoing the credential in a header and the body: the package's and httpx's records
    never show a secret; httpcore's trace of the echoed header is redacted by the client's opt-in log filter; and
    building the client added no filter to any logger."""
    host = server.removeprefix("http://")
    loggers = ("", "fireworks_gateway", "httpx", "httpcore", "httpcore.http11", "httpcore.connection")
    before = {name: list(logging.getLogger(name).filters) for name in loggers}
    with caplog.at_level(logging.DEBUG):
        client = _client(f"http://user:{PASSWORD}@{host}")
        with pytest.raises(ResponseContractError):
            _get(client, "reflect")
        own = [r.getMessage() for r in caplog.records if r.name.startswith(("fireworks_gateway", "httpx"))]
        assert own and not any(TOKEN in text or PASSWORD in text for text in own), own
        caplog.clear()
        caplog.handler.addFilter(client.log_filter())
        with pytest.raises(ResponseContractError):
            _get(_client(f"http://user:{PASSWORD}@{host}"), "reflect")
    assert {name: list(logging.getLogger(name).filters) for name in loggers} == before
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert any(record.name.startswith("httpcore") for record in caplog.records), "httpcore logged nothing"
    assert TOKEN not in text and PASSWORD not in text


def test_tls_failure_is_a_gateway_client_error(server: str) -> None:
    """https:// to a server that speaks plain HTTP: the TLS handshake fails, raised as TransportFailure."""
    with pytest.raises(TransportFailure) as caught:
        _get(_client(server.replace("http://", "https://"), max_retries=0), "any")
    assert isinstance(caught.value.__cause__, httpx.HTTPError)


def test_dns_failure_is_a_gateway_client_error() -> None:
    """A name that does not resolve (simulated offline: the transport raises what httpx raises for it)."""

    def unresolvable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    client = _client(
        "http://gateway.invalid", max_retries=1, httpx_args={"transport": httpx.MockTransport(unresolvable)}
    )
    with pytest.raises(TransportFailure) as caught:
        _get(client, "any")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.timeout(30)
def test_async_calls_are_bounded_and_typed_alike(server: str) -> None:
    """The async path shares the transport's behaviour: a trickling body times out per attempt, a huge one is
    capped, and a reflected token stays out of the error."""

    async def scenario(name: str, **kwargs: Any) -> None:
        async with _client(server, **kwargs) as client:
            await client.async_jobs.get(name)

    async def no_wait(seconds: float) -> None:
        return None

    with pytest.raises(GatewayTimeoutError) as timed_out:
        asyncio.run(scenario("trickle", timeout=1, max_retries=1, async_sleep=no_wait))
    assert isinstance(timed_out.value.__cause__, httpx.TimeoutException)
    with pytest.raises(ResponseTooLargeError):
        asyncio.run(scenario("huge", max_response_bytes=1024 * 1024))
    with pytest.raises(ResponseContractError) as reflected:
        asyncio.run(scenario("reflect"))
    _assert_no_secret(reflected.value, TOKEN)


def test_one_obvious_call_shape(server: str) -> None:
    """client.jobs.get: the client's own account, a list read_mask sent as one comma-separated mask, the job typed
    (never None; with a mask, the partial model), and the generated sync() returning the job."""
    from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job

    field = _field("str")
    client = _client(server)
    with client:
        job = client.jobs.get("echo-mask", read_mask=[REQUIRED_STR, field])
        # A partial job: the job's fields, none of them required (a mask may leave any out).
        partial_fields = attrs.fields(type(job))
        assert {f.name for f in partial_fields} == {f.name for f in attrs.fields(SupervisedFineTuningJob)}
        assert all(f.default is not attrs.NOTHING for f in partial_fields if f.init)
        assert getattr(job, _attribute(field)) == f"{REQUIRED_STR},{field}"
        assert isinstance(get_job.sync(client.account_id, "nan", client=client), SupervisedFineTuningJob)


def _no_leak(error: BaseException, token: str, forms: list[str]) -> None:
    """The token shows nowhere, as itself or in any of the forms it was sent back in: not in str, repr, args,
    message, details, body, nor the formatted traceback."""
    texts = [
        str(error),
        repr(error),
        repr(error.args),
        str(getattr(error, "message", "")),
        json.dumps(getattr(error, "details", []), ensure_ascii=False),
        str(getattr(error, "body", "")),
        "".join(traceback.format_exception(error)),
    ]
    body = getattr(error, "body", None)
    if body:
        texts.append(json.dumps(json.loads(body), ensure_ascii=False))  # the body's strings, escapes undone
    leaked = [(form, text) for form in (token, *forms) for text in texts if form in text]
    assert not leaked, leaked


@pytest.mark.parametrize("scenario", ["reflect-escaped", "reflect-encoded"])
def test_a_key_reflected_escaped_or_encoded_never_leaks(server: str, scenario: str) -> None:
    """A 401 reflecting the key JSON-escaped (`\\/`, `\\u0066`, mixed, quoted twice) or encoded (percent, base64,
    Basic, a bytes repr): the key shows in no part of the error, its traceback included."""
    client = AuthenticatedClient(base_url=server, token=ESCAPABLE_TOKEN, account_id="acme", max_retries=0)
    with client, pytest.raises(UnauthenticatedError) as caught:
        client.jobs.get(scenario)
    forms = _escaped(ESCAPABLE_TOKEN) if scenario == "reflect-escaped" else _encoded(f"Bearer {ESCAPABLE_TOKEN}")
    _no_leak(caught.value, ESCAPABLE_TOKEN, forms)
    assert "bad credentials" in caught.value.message


def test_a_key_with_a_trailing_newline_is_stripped_and_one_with_a_control_character_refused(server: str) -> None:
    """`echo key | base64`-style keys end in a newline: from_env strips it and the request carries the key; a key
    holding a control character is refused before any request, naming the variable and never quoting the key."""
    client = AuthenticatedClient.from_env(
        environ={"FIREWORKS_API_KEY": f"  {TOKEN}\n", "FIREWORKS_ACCOUNT_ID": "acme", "FIREWORKS_BASE_URL": server}
    )
    with client:
        job = client.jobs.get("echo-auth")
    assert getattr(job, _attribute(_field("str"))) == f"Bearer {TOKEN}"
    for make in (
        lambda: AuthenticatedClient.from_env(environ={"FIREWORKS_API_KEY": f"{TOKEN[:10]}\x1b[2K{TOKEN[10:]}"}),
        lambda: AuthenticatedClient(base_url=server, token=f"{TOKEN}\n{TOKEN}"),
        lambda: AuthenticatedClient(base_url=server, token=TOKEN, headers={"X-Api-Key": f"{TOKEN[:5]}\r\n{TOKEN[5:]}"}),
    ):
        with pytest.raises(ConfigurationError, match="control character") as refused:
            make()
        assert TOKEN[:10] not in str(refused.value)


@pytest.mark.parametrize(("job_id", "account_id"), [("..", "acme"), (".", "acme"), ("", "acme"), ("j1", "..")])
def test_dot_segments_are_refused_before_anything_is_sent(job_id: str, account_id: str) -> None:
    """`jobs.get("..")` would send GET /v1/accounts/acme (httpx removes dot segments) with the key: refused first."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=BASE)

    client = _client("http://gateway.test", httpx_args={"transport": httpx.MockTransport(record)})
    with pytest.raises(InvalidResourceIdError):
        client.jobs.get(job_id, account_id=account_id)
    assert sent == []


@pytest.mark.parametrize(
    ("scenario", "error", "kwargs"),
    [
        ("huge-float", ResponseContractError, {}),
        ("bad-gzip", ResponseDecodingError, {}),
        ("loop", TooManyRedirectsError, {"follow_redirects": True}),
    ],
)
def test_escapes_are_typed(server: str, scenario: str, error: type[Exception], kwargs: dict[str, Any]) -> None:
    """A 400-digit integer in a float field (OverflowError), a bad gzip body (httpx.DecodingError) and a redirect
    loop (httpx.TooManyRedirects) each end in a GatewayClientError."""
    with pytest.raises(error) as caught:
        _get(_client(server, **kwargs), scenario)
    assert isinstance(caught.value, GatewayClientError)


def test_a_gzip_bomb_stops_at_the_cap_in_bounded_memory(server: str) -> None:
    """128 KB of gzip inflating to 128 MiB, against a 2 MiB cap: ResponseTooLargeError, and the client's peak
    allocation stays near the cap (it counts decoded bytes, not received ones)."""
    cap = 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError, match="once decoded"):
            _get(_client(server, max_response_bytes=cap), "bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * cap, f"{peak / 1024 / 1024:.0f} MiB for a {BOMB_MIB} MiB bomb"
