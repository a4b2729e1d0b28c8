"""Every non-2xx answer raises a typed error carrying the HTTP status and the parsed google.rpc.Status."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import (
    APIStatusError,
    BadRequestError,
    ConflictError,
    GatewayClientError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnauthenticatedError,
    UnexpectedStatus,
)
from fireworks_gateway.models import Code, Status

JOB = {"dataset": "accounts/acme/datasets/d"}


def client_answering(response: httpx.Response, **kwargs: object) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://gateway.test",
        token="fw-test-token",
        httpx_args={"transport": httpx.MockTransport(lambda request: response)},
        max_retries=0,
        **kwargs,  # type: ignore[arg-type]
    )


def rpc_status(code: int | str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, object]:
    return {"code": code, "message": message, "details": details or []}


def raised_by(response: httpx.Response) -> APIStatusError:
    with pytest.raises(APIStatusError) as caught:
        get_job.sync("acme", "j1", client=client_answering(response))
    return caught.value


@pytest.mark.parametrize(
    ("http_status", "rpc_code", "error_class"),
    [
        (400, 3, BadRequestError),
        (401, 16, UnauthenticatedError),
        (403, 7, PermissionDeniedError),
        (404, 5, NotFoundError),
        (409, 6, ConflictError),
        (429, 8, RateLimitedError),
        (500, 13, ServerError),
        (501, 12, ServerError),
        (502, 14, ServerError),
        (503, 14, ServerError),
        (504, 4, ServerError),
        (520, 2, ServerError),
        (499, 1, APIStatusError),
        (405, 12, APIStatusError),
        (418, 2, APIStatusError),
    ],
)
def test_each_status_raises_its_error_class(http_status: int, rpc_code: int, error_class: type[APIStatusError]) -> None:
    """The class follows the HTTP status (unofficial 499/520 included) and the google.rpc.Status is parsed."""
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "X"}]
    error = raised_by(httpx.Response(http_status, json=rpc_status(rpc_code, "it went wrong", details)))
    assert type(error) is error_class
    assert error.status_code == http_status
    assert error.code_number == rpc_code
    assert isinstance(error.code, Code) and not error.code.is_unknown
    assert error.message == "it went wrong"
    assert error.details == details
    assert isinstance(error.status, Status) and error.status.code is error.code
    assert error.status.message == "it went wrong"
    assert str(http_status) in str(error) and "it went wrong" in str(error)


def test_not_found_names_the_code_in_its_message() -> None:
    """A 404 with code 5 reads 'HTTP 404 Not Found, NOT_FOUND (5): ...' and is a NotFoundError."""
    error = raised_by(httpx.Response(404, json=rpc_status(5, "job j1 not found")))
    assert isinstance(error, NotFoundError)
    assert error.code is Code.NOT_FOUND
    assert str(error) == "HTTP 404 Not Found, NOT_FOUND (5): job j1 not found"


def test_code_given_as_name_is_accepted() -> None:
    """A proxy that sends the code name instead of its number still gives code and code_number."""
    error = raised_by(httpx.Response(403, json=rpc_status("PERMISSION_DENIED", "no")))
    assert error.code is Code.PERMISSION_DENIED
    assert error.code_number == 7


def test_google_json_error_wrapper_is_understood() -> None:
    """The {"error": {"code": 404, "status": "NOT_FOUND", ...}} form gives the same fields."""
    body = {"error": {"code": 404, "message": "gone", "status": "NOT_FOUND", "details": []}}
    error = raised_by(httpx.Response(404, json=body))
    assert isinstance(error, NotFoundError)
    assert error.code is Code.NOT_FOUND and error.code_number == 5 and error.message == "gone"


def test_unknown_code_number_is_kept() -> None:
    """A code number newer than google.rpc.Code is kept as an unknown Code, not a crash."""
    error = raised_by(httpx.Response(500, json=rpc_status(42, "new code")))
    assert error.code_number == 42
    assert error.code is not None and error.code.is_unknown and error.code.value == "42"


def test_non_json_body_is_kept_as_raw_text() -> None:
    """An HTML 502 from a proxy raises ServerError whose message and body are the raw text, status None."""
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    error = raised_by(httpx.Response(502, text=html, headers={"content-type": "text/html"}))
    assert isinstance(error, ServerError)
    assert error.status is None and error.code is None and error.code_number is None
    assert error.body == html
    assert error.message == html
    assert "502 Bad Gateway" in str(error)


def test_empty_body_still_raises_with_status() -> None:
    """A bare 503 with no body raises ServerError with status 503 and an empty message."""
    error = raised_by(httpx.Response(503))
    assert isinstance(error, ServerError) and error.status_code == 503 and error.message == ""


def test_errors_stay_catchable_as_unexpected_status() -> None:
    """Code written for the stock client (except errors.UnexpectedStatus) still catches the new errors."""
    error = raised_by(httpx.Response(404, json=rpc_status(5, "nope")))
    assert isinstance(error, UnexpectedStatus)
    assert json.loads(error.content) == rpc_status(5, "nope")


def test_detailed_call_raises_too() -> None:
    """sync_detailed raises the typed error instead of returning a Response with parsed=None."""
    with pytest.raises(UnauthenticatedError):
        get_job.sync_detailed("acme", "j1", client=client_answering(httpx.Response(401, json=rpc_status(16, "x"))))


def test_async_raises_the_same_typed_error() -> None:
    """asyncio() raises the same class with the same fields as the sync call."""
    client = client_answering(httpx.Response(404, json=rpc_status(5, "job j1 not found")))
    with pytest.raises(NotFoundError) as caught:
        asyncio.run(get_job.asyncio("acme", "j1", client=client))
    assert caught.value.code is Code.NOT_FOUND and caught.value.message == "job j1 not found"


@pytest.mark.parametrize("unofficial", [299, 226, 204])
def test_undocumented_2xx_raises_unexpected_status(unofficial: int) -> None:
    """A 2xx the spec does not document raises UnexpectedStatus (a GatewayClientError), never returns None."""
    with pytest.raises(UnexpectedStatus) as caught:
        get_job.sync_detailed("acme", "j1", client=client_answering(httpx.Response(unofficial, json=JOB)))
    assert isinstance(caught.value, GatewayClientError) and caught.value.status_code == unofficial


def test_response_status_code_is_httpstatus_when_official() -> None:
    """For a 200 the status is still the HTTPStatus member, as before."""
    response = get_job.sync_detailed("acme", "j1", client=client_answering(httpx.Response(200, json=JOB)))
    assert response.status_code is HTTPStatus.OK
    assert response.parsed.dataset == JOB["dataset"]


def test_undocumented_2xx_raises_unexpected_status_when_asked() -> None:
    """raise_on_unexpected_status still applies to undocumented 2xx statuses."""
    client = client_answering(httpx.Response(299, json=JOB), raise_on_unexpected_status=True)
    with pytest.raises(UnexpectedStatus) as caught:
        get_job.sync("acme", "j1", client=client)
    assert caught.value.status_code == 299
    assert not isinstance(caught.value, APIStatusError)
