"""The client's hand-written modules (openapi/lib, shipped as fireworks_gateway._lib), tested directly."""

from __future__ import annotations

import copy
import gc
import logging
import math
import pickle

import attrs
import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway._lib import fields, masking
from fireworks_gateway._lib.errors import MissingFieldError, ResponseContractError, UnauthenticatedError
from fireworks_gateway._lib.retry import RETRY_EXTENSION, RETRYABLE_STATUSES, RetryMode, RetryPolicy, retry_mode
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.types import UNSET

from spec_tools.spec import load_spec
from tests.client_spec_bodies import model_class
from tests.helpers import job_path


def test_mask_url_hides_passwords_and_query_strings() -> None:
    """userinfo passwords become [REDACTED]; signed-URL query strings are dropped; plain URLs pass unchanged."""
    assert masking.mask_url("https://u:p4ssw0rd@host:1/x?sig=abc") == "https://u:[REDACTED]@host:1/x"
    assert masking.mask_url("https://tok3n@host/x") == "https://[REDACTED]@host/x"
    assert masking.mask_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"


def _echo_client(token: str, echo: str = "") -> AuthenticatedClient:
    """A client whose gateway answers 401 quoting the Authorization header it got, the word "wrong" and `echo`."""

    def handler(request: httpx.Request) -> httpx.Response:
        text = f"it went wrong{echo} for {request.headers.get('authorization')}"
        return httpx.Response(401, json={"code": 16, "message": text, "details": []})

    return AuthenticatedClient(
        base_url="https://gateway.test", token=token, httpx_args={"transport": httpx.MockTransport(handler)}
    )


def _error_of(client: AuthenticatedClient) -> str:
    with pytest.raises(UnauthenticatedError) as caught:
        get_job.sync("acme", "j1", client=client)
    return str(caught.value)


def test_each_client_redacts_its_own_secrets_and_no_one_elses() -> None:
    """A client's errors lose its own token, however many other clients exist: their keys are not its secrets
    (nothing is remembered process-wide, so its cost does not grow with them, and a short key such as "wrong"
    redacts nothing of another client's text)."""
    quiet = httpx.MockTransport(lambda request: httpx.Response(204))
    for number in range(300):
        other = AuthenticatedClient("https://gateway.test", f"other-key-{number:06d}", httpx_args={"transport": quiet})
        other.get_httpx_client()
    prefix = "HTTP 401 Unauthorized, UNAUTHENTICATED (16): it went"
    assert _error_of(_echo_client("wrong")) == f"{prefix} {masking.REDACTED} for {masking.REDACTED}"
    quoting = _echo_client("lib-test-secret-42", echo=" near other-key-000007")
    assert _error_of(quoting) == f"{prefix} wrong near other-key-000007 for {masking.REDACTED}"


def test_the_log_filter_is_opt_in_and_redacts_the_clients_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Building clients adds no filter to any logger; `client.log_filter()` on a handler redacts that client's
    token (and the key after 'Bearer ') from every record the handler sees, httpx's included."""
    loggers = ("", "fireworks_gateway", "httpx", "httpcore", "httpcore.http11", "httpcore.connection")
    before = {name: list(logging.getLogger(name).filters) for name in loggers}
    client = AuthenticatedClient(base_url="https://u:lib-url-password-7@gateway.test", token="lib-test-secret-42")
    client.get_httpx_client()
    client.get_async_httpx_client()
    assert {name: list(logging.getLogger(name).filters) for name in loggers} == before
    caplog.handler.addFilter(client.log_filter())
    with caplog.at_level(logging.DEBUG, logger="httpx"):
        logging.getLogger("httpx").debug("header %s and %s", "Bearer lib-test-secret-42", "lib-url-password-7")
    assert "lib-test-secret-42" not in caplog.text and "lib-url-password-7" not in caplog.text
    assert masking.REDACTED in caplog.text


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
    assert seen == [job_path("own", "j1"), job_path("other", "j2")]


def test_only_credential_like_header_values_are_redacted() -> None:
    """A custom credential header's value is redacted from errors; an ordinary header's value stays readable."""

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = f"{request.headers['x-api-token']} {request.headers['x-request-source']}"
        return httpx.Response(401, json={"code": 16, "message": echoed, "details": []})

    client = AuthenticatedClient(
        base_url="https://gateway.test",
        token="lib-token-0001",
        headers={"X-Api-Token": "custom-credential-77", "X-Request-Source": "readable-source-value"},
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    assert _error_of(client).endswith(f": {masking.REDACTED} readable-source-value")


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


def test_additional_properties_are_a_dict_made_on_first_use() -> None:
    """A model's additional_properties is not allocated per object (a page of jobs would carry a dict per model),
    yet reads, writes, compares, copies and pickles as the plain dict field it was."""
    job_class = model_class(load_spec().job_schema_name())
    required = {field.name: "x" for field in attrs.fields(job_class) if field.init and field.default is attrs.NOTHING}
    gc.disable()
    try:
        before = gc.get_count()[0]
        jobs = [job_class(**required) for _ in range(100)]
        assert gc.get_count()[0] - before <= 101  # the models (and the list), no dict each
    finally:
        gc.enable()
    fresh, used = jobs[0], jobs[1]
    assert repr(fresh).endswith("additional_properties={})") and fresh == used
    used["later"] = 1
    assert used.additional_properties == {"later": 1} and "later" in used and fresh != used
    assert used.to_dict()["later"] == 1 and "later" not in fresh.to_dict()
    assert pickle.loads(pickle.dumps(used)).additional_properties == {"later": 1}
    assert copy.deepcopy(used).additional_properties == {"later": 1} and copy.copy(fresh) == fresh
    used.additional_properties = {"other": 2}
    assert used.additional_keys == ["other"] and attrs.asdict(used)["additional_properties"] == {"other": 2}
    del used["other"]
    assert used == fresh


@pytest.mark.parametrize("base", ["http://127.0.0.1:8080", "https://gw.example/sub/path/", "https://u:p@gw.example/v"])
@pytest.mark.parametrize("path", ["/v1/accounts/a/jobs/x%2Fy:cancel", "v1/accounts/a%20b/jobs", "/"])
def test_the_kept_request_url_is_the_one_httpx_makes(base: str, path: str) -> None:
    """A client keeps the URL of a request path (KeptUrls): it equals httpx's own merge, a changed base URL gets a
    fresh one, and each client keeps its own, bounded."""
    from fireworks_gateway._lib.urls import KeptUrls

    kept_urls = KeptUrls()
    unused = httpx.MockTransport(lambda request: httpx.Response(599))  # nothing is sent: no CA bundle loaded
    with httpx.Client(base_url=base, transport=unused) as client:
        expected = client.build_request("GET", path).url
        kept = kept_urls(client.base_url, path)
        assert (str(kept), kept.raw_path, kept.userinfo) == (str(expected), expected.raw_path, expected.userinfo)
        assert kept_urls(client.base_url, path) is kept
    with httpx.Client(base_url="https://other.example/", transport=unused) as other:
        assert kept_urls(other.base_url, path).host == "other.example"
    assert len(KeptUrls()) == 0  # nothing shared between facades
    for n in range(KeptUrls.LIMIT * 2):
        kept_urls(httpx.URL(base), f"/v1/jobs/{n}")
    assert 0 < len(kept_urls) <= KeptUrls.LIMIT
