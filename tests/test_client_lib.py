"""The client's hand-written modules (openapi/lib, shipped as fireworks_gateway._lib), tested directly."""

from __future__ import annotations

import logging
import math

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway._lib import fields, masking
from fireworks_gateway._lib.errors import MissingFieldError, ResponseContractError
from fireworks_gateway._lib.retry import RETRY_EXTENSION, RETRYABLE_STATUSES, RetryMode, RetryPolicy, retry_mode
from fireworks_gateway.types import UNSET


def test_mask_url_hides_passwords_and_query_strings() -> None:
    """userinfo passwords become [REDACTED]; signed-URL query strings are dropped; plain URLs pass unchanged."""
    assert masking.mask_url("https://u:p4ssw0rd@host:1/x?sig=abc") == "https://u:[REDACTED]@host:1/x"
    assert masking.mask_url("https://tok3n@host/x") == "https://[REDACTED]@host/x"
    assert masking.mask_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"


def test_remembered_secrets_are_redacted_from_text_and_log_records(caplog: pytest.LogCaptureFixture) -> None:
    """A remembered token (and the credential after 'Bearer ') vanishes from redact() and from httpx's records."""
    masking.remember_secrets(["Bearer lib-test-secret-42"])
    assert masking.redact("got lib-test-secret-42 back") == f"got {masking.REDACTED} back"
    with caplog.at_level(logging.DEBUG, logger="httpx"):
        logging.getLogger("httpx").debug("header %s", "lib-test-secret-42")
    assert "lib-test-secret-42" not in caplog.text and masking.REDACTED in caplog.text


def test_a_short_token_is_redacted_from_its_own_errors_only() -> None:
    """A client keyed "wrong" keeps its key out of its own errors, but another client's "it went wrong" stays."""
    short = "wrong"
    AuthenticatedClient(base_url="http://127.0.0.1:9", token=short)
    assert masking.redact("it went wrong") == "it went wrong"
    assert masking.redact("it went wrong", [short]) == f"it went {masking.REDACTED}"
    masking.remember_secrets([f"Bearer {short}"])
    assert masking.redact("it went wrong") == "it went wrong"


def test_retry_policy_decides_by_status_error_and_retry_after() -> None:
    """Retryable statuses and transport errors get a delay; others none; Retry-After wins, capped."""
    policy = RetryPolicy(max_retries=2, backoff=1.0, backoff_max=8.0, retry_after_max=5.0)
    request = httpx.Request("GET", "http://x")
    for status in sorted(RETRYABLE_STATUSES):
        delay = policy.delay_after(0, httpx.Response(status, request=request), None)
        assert delay is not None and 0.5 <= delay <= 1.0
    for status in (200, 400, 404, 500, 501):
        assert policy.delay_after(0, httpx.Response(status, request=request), None) is None
    assert policy.delay_after(0, httpx.Response(429, headers={"Retry-After": "60"}, request=request), None) == 5.0
    assert policy.delay_after(0, None, httpx.ConnectError("x")) is not None
    assert policy.delay_after(0, None, httpx.UnsupportedProtocol("x")) is None
    assert policy.retries_for("POST") == 0 and policy.retries_for("get") == 2


def test_retry_modes_decide_per_request() -> None:
    """A request's mode (an httpx extension) wins over its method: a POST in mode SAFE is retried like a GET; in
    mode UNSENT only a connect error is retried, never an answer or a failure after sending; NEVER never."""
    policy = RetryPolicy(max_retries=2, backoff=1.0)
    post = httpx.Request("POST", "http://x", extensions={RETRY_EXTENSION: RetryMode.UNSENT})
    assert retry_mode(post) is RetryMode.UNSENT and retry_mode(httpx.Request("POST", "http://x")) is RetryMode.NEVER
    assert retry_mode(httpx.Request("DELETE", "http://x")) is RetryMode.SAFE
    assert policy.retries_for("POST", RetryMode.SAFE) == 2 and policy.retries_for("GET", RetryMode.NEVER) == 0
    unavailable = httpx.Response(503, request=post)
    assert policy.delay_after(0, unavailable, None, RetryMode.SAFE) is not None
    assert policy.delay_after(0, unavailable, None, RetryMode.UNSENT) is None
    assert policy.delay_after(0, None, httpx.ConnectError("x"), RetryMode.UNSENT) is not None
    assert policy.delay_after(0, None, httpx.ConnectTimeout("x"), RetryMode.UNSENT) is not None
    assert policy.delay_after(0, None, httpx.ReadTimeout("x"), RetryMode.UNSENT) is None
    assert policy.delay_after(0, None, httpx.ConnectError("x"), RetryMode.NEVER) is None


def test_field_checks_follow_proto3_json() -> None:
    """Scalars convert as proto3 JSON says; wrong types and nulls raise naming the field, never quoting it."""
    kinds = {"f": "float", "i": "int", "b": "bool", "s": "str", "m": "object"}
    out = fields.checked("M", {"f": "Infinity", "i": "-7", "b": True, "s": "x", "m": None}, kinds, ("s",))
    assert out == {"f": math.inf, "i": -7, "b": True, "s": "x"}
    assert math.isnan(fields.checked("M", {"f": "NaN"}, kinds, ())["f"])
    with pytest.raises(ResponseContractError, match=r"field 'b' of M: expected a boolean, got str") as caught:
        fields.checked("M", {"b": "secret-value"}, kinds, ())
    assert "secret-value" not in str(caught.value)
    with pytest.raises(MissingFieldError, match="'s'"):
        fields.checked("M", {"s": None}, kinds, ("s",))
    assert fields.checked("M", {}, kinds, ("s",), read_mask={"f"})["s"] is UNSET
    with pytest.raises(ResponseContractError, match="field 'i'"):
        fields.checked("M", {"i": 1.5}, kinds, ())


def test_jobs_facade_uses_the_clients_account_unless_given() -> None:
    """client.jobs.get(job_id) reads from the client's own account; account_id= overrides it."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"dataset": "d"})

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        account_id="own",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    assert client.jobs.get("j1").dataset == "d"
    client.jobs.get("j2", account_id="other", read_mask=["dataset"])
    assert seen == ["/v1/accounts/own/supervisedFineTuningJobs/j1", "/v1/accounts/other/supervisedFineTuningJobs/j2"]


def test_only_credential_like_header_values_are_redacted() -> None:
    """A custom credential header's value is redacted everywhere; an ordinary header's value stays readable."""
    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="lib-token-0001",
        headers={"X-Api-Token": "custom-credential-77", "X-Request-Source": "readable-source-value"},
        httpx_args={"transport": httpx.MockTransport(lambda request: httpx.Response(200, json={"dataset": "d"}))},
    )
    client.get_httpx_client()
    text = masking.redact("custom-credential-77 readable-source-value lib-token-0001")
    assert text == f"{masking.REDACTED} readable-source-value {masking.REDACTED}"


def test_credentials_never_follow_a_redirect_to_another_origin() -> None:
    """With follow_redirects on, a redirect to another host gets no Authorization; the base URL's host does."""
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("authorization")
        if request.url.host == "gateway.test":
            return httpx.Response(302, headers={"Location": "https://elsewhere.test/job"})
        return httpx.Response(200, json={"dataset": "d"})

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="redirect-token-1",
        follow_redirects=True,
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    assert client.get_httpx_client().get("/job").status_code == 200
    assert seen == {"gateway.test": "Bearer redirect-token-1", "elsewhere.test": None}
