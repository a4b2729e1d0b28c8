"""Fuzz: whatever a gateway answers (malformed bodies, codings, statuses) and whatever its transport does, the
client returns a job or raises a GatewayClientError, and never one that shows its key. Bounded and seeded."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from typing import Any
from urllib.parse import quote

import httpx
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.errors import GatewayClientError
from fireworks_gateway.models import SupervisedFineTuningJob
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spec_tools.spec import load_spec

TOKEN = "fw-fuzz/key+0123456789abcdef"
PROPERTIES = list(load_spec().job_schema()["properties"])
# Bounded and reproducible: the same cases every run, few enough for make test.
FUZZ = settings(
    max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=10**300, max_value=10**400),  # far past a double
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "9" * 30, "", "2026-13-45T99:99:99Z", TOKEN]),
    st.text(max_size=20),
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(PROPERTIES) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)
_job_like = st.dictionaries(st.sampled_from(PROPERTIES), _json, max_size=12)


def _reflected(token: str, how: str) -> str:
    return {
        "plain": token,
        "escaped": "".join(f"\\u{ord(c):04x}" for c in token),
        "slash": token.replace("/", "\\/"),
        "percent": quote(token, safe=""),
        "base64": base64.b64encode(token.encode()).decode(),
    }[how]


@st.composite
def _answers(draw: Any) -> tuple[int, dict[str, str], bytes] | Exception:
    """One gateway answer, or the transport failure it ends in."""
    if draw(st.integers(0, 9)) == 0:
        failure = draw(
            st.sampled_from(
                [httpx.ConnectError, httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ProxyError]
            )
        )
        return failure(f"failed, key {TOKEN}")
    status = draw(st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 404, 429, 500, 502, 520, 599]))
    kind = draw(st.sampled_from(["job", "json", "text", "bytes", "deep", "status"]))
    if kind == "job":
        text = json.dumps(draw(_job_like))
    elif kind == "json":
        text = json.dumps(draw(_json))
    elif kind == "text":
        text = draw(st.text(max_size=200))
    elif kind == "deep":
        depth = draw(st.integers(500, 50_000))
        text = "[" * depth + "]" * depth
    elif kind == "status":
        message = (
            f"bad key {_reflected(TOKEN, draw(st.sampled_from(['plain', 'escaped', 'slash', 'percent', 'base64'])))}"
        )
        code, details = json.dumps(draw(_scalars)), json.dumps(draw(_json))
        text = f'{{"code": {code}, "message": "{message}", "details": {details}}}'
    else:
        text = draw(st.binary(max_size=200)).decode("latin-1")
    body = text.encode("utf-8", "surrogatepass")
    headers = {"content-type": draw(st.sampled_from(["application/json", "text/html", "application/json; charset=x"]))}
    coding = draw(st.sampled_from([None, None, "gzip", "deflate", "br", "gzip, gzip", "bogus"]))
    if coding is not None:
        headers["content-encoding"] = coding
        if coding == "gzip" and draw(st.booleans()):
            body = gzip.compress(body)
        elif coding == "deflate" and draw(st.booleans()):
            body = zlib.compress(body)
    if draw(st.booleans()):
        headers["retry-after"] = draw(st.sampled_from(["1", "1.5", "-3", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]))
    if status == 301:
        headers["location"] = "/v1/again"
    return status, headers, body


@FUZZ
@given(answers=st.lists(_answers(), min_size=1, max_size=3), follow=st.booleans())
def test_every_answer_is_a_job_or_a_gateway_client_error(
    answers: list[tuple[int, dict[str, str], bytes] | Exception], follow: bool
) -> None:
    """Bodies, codings, statuses and transport failures in any order: a job, or a GatewayClientError (never
    OverflowError, httpx.DecodingError, TooManyRedirects, RecursionError...) whose text never shows the key."""
    pending = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = pending.pop(0) if len(pending) > 1 else pending[0]
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token=TOKEN,
        account_id="acme",
        follow_redirects=follow,
        sleep=lambda seconds: None,
        httpx_args={"transport": httpx.MockTransport(handler), "max_redirects": 3},
    )
    try:
        with client:
            assert isinstance(client.jobs.get("j1"), SupervisedFineTuningJob)
    except GatewayClientError as error:
        text = f"{error} {error!r} {getattr(error, 'body', '')} {getattr(error, 'details', '')}"
        assert TOKEN not in text
