"""Errors raised by the client: a typed error per HTTP status kind, response contract errors, transport failures.

Every error the client raises derives from ``GatewayClientError``. Non-2xx responses raise an ``APIStatusError``
subclass carrying the HTTP status (any integer) and the parsed ``google.rpc.Status``; transport failures (refused
connection, DNS, TLS, timeouts) raise ``TransportFailure`` with the httpx exception as ``__cause__``. The request's
credentials are never part of an error's text, args or body, even when the server reflects them.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from .masking import Redactor, mask_url, redactor_of
from .protocol.rpc import CODE_NAMES, CODE_NUMBERS
from .protocol.rpc import parse_retry_after as parse_retry_after

if TYPE_CHECKING:
    from ..models.code import Code
    from ..models.status import Status

__all__ = [
    "RPC_CODE_NAMES",
    "APIStatusError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "GatewayClientError",
    "GatewayTimeoutError",
    "InvalidResourceIdError",
    "MissingFieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseContractError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ServerError",
    "TooManyRedirectsError",
    "TransportFailure",
    "UnauthenticatedError",
    "UnexpectedStatus",
    "api_error_from_response",
    "parse_retry_after",
    "transport_failure",
]

# google.rpc.Code names by number (the gateway sends the number, other proxies the name): protocol.rpc's table.
RPC_CODE_NAMES: tuple[str, ...] = CODE_NAMES
_MAX_TEXT_IN_MESSAGE = 500


class GatewayClientError(Exception):
    """Base class of every error this client raises."""


class UnexpectedStatus(GatewayClientError):
    """A 2xx status the spec does not document (e.g. 204 where a job was promised)."""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content
        super().__init__(f"Unexpected status code: {status_code} ({len(content)} bytes of content)")


class ConfigurationError(GatewayClientError, ValueError):
    """The client is missing a setting or has one it cannot use; the message names the setting (the environment
    variable that provides it), never a credential's value."""


class InvalidResourceIdError(GatewayClientError, ValueError):
    """An account or job id that cannot name a resource (empty, `.` or `..`), refused before anything is sent: an
    HTTP client removes dot segments, so `..` would turn a job read into a read of the account."""


class TransportFailure(GatewayClientError):
    """No usable response after any retries: connection refused, DNS, TLS, a dropped connection, a timeout.

    The httpx exception is ``__cause__``; the message names the host and the kind of failure, never credentials.
    """


class GatewayTimeoutError(TransportFailure, TimeoutError):
    """An attempt exceeded its timeout (connect, headers and the entire body together), after any retries."""


class TooManyRedirectsError(TransportFailure):
    """With ``follow_redirects``, the redirects did not end within ``max_redirects`` (a loop, most likely)."""


class ResponseContractError(GatewayClientError, ValueError):
    """A 2xx response body does not have the shape the spec promises.

    ``body`` is the raw response text (credentials redacted) and ``status_code`` its HTTP status (both None until
    the endpoint attaches them). The body is kept out of the message: job bodies hold signed URLs and keys.
    """

    def __init__(self, message: str, *, body: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.body = body
        self.status_code = status_code

    def attach(self, response: httpx.Response) -> ResponseContractError:
        """Record the raw body and status of the response this error came from, with the client's secrets
        redacted from both the body and the message; returns self."""
        redactor = redactor_of(response)
        self.args = tuple(redactor.scrub(arg) if isinstance(arg, str) else arg for arg in self.args)
        self.body = redactor.scrub(_text(response))
        self.status_code = response.status_code
        return self


class MissingFieldError(ResponseContractError):
    """A field the spec marks required is absent (or null) in a response body."""

    def __init__(self, field: str, model: str, *, body: str | None = None) -> None:
        super().__init__(f"response body has no required field {field!r} (model {model})", body=body)
        self.field = field
        self.model = model


class ResponseTooLargeError(ResponseContractError):
    """The response body, as received or once decoded, exceeded the client's ``max_response_bytes``; reading
    stopped at the cap."""


class ResponseDecodingError(ResponseContractError):
    """The response body's Content-Encoding is corrupt (a bad gzip stream) or one the client does not decode."""


class APIStatusError(UnexpectedStatus):
    """The server answered with a non-2xx status.

    Attributes:
        status_code: The HTTP status, any integer (499 and 520 included).
        status: The body parsed as google.rpc.Status (None when the body is not a JSON object).
        code: The google.rpc code as a Code member (an unknown-but-kept member for codes newer than the spec).
        code_number: The google.rpc code number (e.g. 5 for NOT_FOUND), when known.
        message: The server's message, or the start of the raw text when the body is not a status.
        details: google.rpc.Status details (a list, possibly empty).
        body: The raw response text, credentials redacted.
        content: The same as bytes (as on UnexpectedStatus, which this class extends).
        retry_after: Seconds the server asked to wait (Retry-After), if it did.
        response: The httpx.Response.
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        body: str,
        status: Status | None,
        code: Code | None,
        code_number: int | None,
        message: str,
        details: list[Any],
    ) -> None:
        self.status_code = response.status_code
        self.content = body.encode()
        self.response = response
        self.body = body
        self.status = status
        self.code = code
        self.code_number = code_number
        self.message = message
        self.details = details
        retry_after = response.headers.get("retry-after")
        self.retry_after = parse_retry_after(retry_after) if retry_after is not None else None
        Exception.__init__(self, self._describe())

    def _describe(self) -> str:
        try:
            reason = f" {HTTPStatus(self.status_code).phrase}"
        except ValueError:
            reason = ""
        text = f"HTTP {self.status_code}{reason}"
        if self.code is not None:
            number = "" if self.code_number is None else f" ({self.code_number})"
            text += f", {self.code.value}{number}"
        return f"{text}: {self.message}" if self.message else text


class BadRequestError(APIStatusError):
    """400: the request is invalid (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE)."""


class UnauthenticatedError(APIStatusError):
    """401: missing or invalid credentials (UNAUTHENTICATED)."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this (PERMISSION_DENIED)."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist (NOT_FOUND)."""


class ConflictError(APIStatusError):
    """409: ALREADY_EXISTS or ABORTED."""


class RateLimitedError(APIStatusError):
    """429: throttled (RESOURCE_EXHAUSTED); ``retry_after`` says how long the server asked to wait."""


class ServerError(APIStatusError):
    """Any 5xx, official or not (500, 502, 503, 504, 520, ...)."""


_ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthenticatedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def _text(response: httpx.Response) -> str:
    """The body as text, whatever charset the server claims (an unknown one is read as UTF-8)."""
    try:
        return response.text
    except (LookupError, ValueError):
        return response.content.decode("utf-8", "replace")


def _code_of(raw: object) -> tuple[Code | None, int | None]:
    from ..models.code import Code

    if isinstance(raw, bool):
        return None, None
    if isinstance(raw, int):
        name = RPC_CODE_NAMES[raw] if 0 <= raw < len(RPC_CODE_NAMES) else str(raw)
        return Code(name), raw
    if isinstance(raw, str) and raw:
        return Code(raw), CODE_NUMBERS.get(raw)
    return None, None


def api_error_from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for a non-2xx response: class by HTTP status, fields from the google.rpc.Status body."""
    from ..models.status import Status

    body = redactor_of(response).scrub(_text(response))
    status: Status | None = None
    code: Code | None = None
    code_number: int | None = None
    message = ""
    details: list[Any] = []
    try:
        parsed = json.loads(body) if body else None
    except (ValueError, RecursionError):
        parsed = None
    # google.rpc.Status as grpc-gateway sends it, or wrapped the Google JSON way ({"error": {..., "status": NAME}}).
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        wrapped = dict(parsed["error"])
        wrapped["code"] = wrapped.pop("status", None)
        parsed = wrapped
    if isinstance(parsed, dict):
        code, code_number = _code_of(parsed.get("code"))
        raw_message = parsed.get("message")
        message = raw_message if isinstance(raw_message, str) else ""
        raw_details = parsed.get("details")
        details = raw_details if isinstance(raw_details, list) else []
        try:
            status = Status.from_dict({key: value for key, value in parsed.items() if key not in ("code", "message")})
        except (ValueError, TypeError):
            status = Status()
        if code is not None:
            status.code = code
        if isinstance(raw_message, str):
            status.message = raw_message
    else:
        message = body.strip()[:_MAX_TEXT_IN_MESSAGE]
    status_code = response.status_code
    error_class = _ERRORS_BY_STATUS.get(status_code) or (ServerError if 500 <= status_code <= 599 else APIStatusError)
    return error_class(
        response,
        body=body,
        status=status,
        code=code,
        code_number=code_number,
        message=message,
        details=details,
    )


def transport_failure(
    error: httpx.HTTPError, request: httpx.Request, attempts: int, redactor: Redactor
) -> TransportFailure:
    """The GatewayClientError for an httpx failure after `attempts` attempts (raise it `from error`)."""
    kind = GatewayTimeoutError if isinstance(error, httpx.TimeoutException) else TransportFailure
    reason = type(error).__name__
    detail = redactor.scrub(str(error))[:_MAX_TEXT_IN_MESSAGE]
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    text = f"{request.method} {mask_url(request.url)} failed after {tries}: {reason}"
    return kind(f"{text} ({detail})" if detail else text)
