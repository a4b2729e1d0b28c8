"""Errors raised by the client: a typed error per HTTP status kind, response contract errors, transport failures.

Every error the client raises derives from ``GatewayClientError``. Non-2xx responses raise an ``APIStatusError``
subclass carrying the HTTP status (any integer) and the parsed ``google.rpc.Status``; transport failures (refused
connection, DNS, TLS, timeouts) raise ``TransportFailure`` with the httpx exception as ``__cause__``. The request's
credentials are never part of an error's text, args or body, even when the server reflects them.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import math
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from .masking import mask_url, redact

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
    "MissingFieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseContractError",
    "ResponseTooLargeError",
    "ServerError",
    "TransportFailure",
    "UnauthenticatedError",
    "UnexpectedStatus",
    "api_error_from_response",
    "parse_retry_after",
    "transport_failure",
]

# google.rpc.Code numbers are the index; the gateway sends the number, other proxies the name.
RPC_CODE_NAMES: tuple[str, ...] = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
_RPC_CODE_NUMBERS = {name: number for number, name in enumerate(RPC_CODE_NAMES)}
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
    """The client is missing a setting; the message names the environment variable that provides it."""


class TransportFailure(GatewayClientError):
    """No usable response after any retries: connection refused, DNS, TLS, a dropped connection, a timeout.

    The httpx exception is ``__cause__``; the message names the host and the kind of failure, never credentials.
    """


class GatewayTimeoutError(TransportFailure, TimeoutError):
    """An attempt exceeded its timeout (connect, headers and the entire body together), after any retries."""


class ResponseContractError(GatewayClientError, ValueError):
    """A 2xx response body does not have the shape the spec promises.

    ``body`` is the raw response text (credentials redacted) and ``status_code`` its HTTP status (both None until
    the endpoint attaches them). The body is kept out of the message: job bodies hold signed URLs and keys.
    """

    def __init__(self, message: str, *, body: str | None = None, status_code: int | None = None) -> None:
        super().__init__(redact(message))
        self.body = body
        self.status_code = status_code

    def attach(self, response: httpx.Response) -> ResponseContractError:
        """Record the raw body (redacted) and status of the response this error came from; returns self."""
        self.body = redact(response.text, _credentials(response))
        self.status_code = response.status_code
        return self


class MissingFieldError(ResponseContractError):
    """A field the spec marks required is absent (or null) in a response body."""

    def __init__(self, field: str, model: str, *, body: str | None = None) -> None:
        super().__init__(f"response body has no required field {field!r} (model {model})", body=body)
        self.field = field
        self.model = model


class ResponseTooLargeError(ResponseContractError):
    """The response body exceeded the client's ``max_response_bytes``; reading stopped at the cap."""


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


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date); None when unparseable."""
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        return max(0.0, when.timestamp() - time.time())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _credentials(response: httpx.Response) -> list[str]:
    try:
        headers = response.request.headers
    except RuntimeError:  # a Response built without a request
        return []
    secrets = []
    for name in ("authorization", "proxy-authorization"):
        value = headers.get(name)
        if value:
            secrets.append(value)
            secrets.append(value.partition(" ")[2])
    return [secret for secret in secrets if secret]


def _code_of(raw: object) -> tuple[Code | None, int | None]:
    from ..models.code import Code

    if isinstance(raw, bool):
        return None, None
    if isinstance(raw, int):
        name = RPC_CODE_NAMES[raw] if 0 <= raw < len(RPC_CODE_NAMES) else str(raw)
        return Code(name), raw
    if isinstance(raw, str) and raw:
        return Code(raw), _RPC_CODE_NUMBERS.get(raw)
    return None, None


def api_error_from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for a non-2xx response: class by HTTP status, fields from the google.rpc.Status body."""
    from ..models.status import Status

    body = redact(response.text, _credentials(response))
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


def transport_failure(error: httpx.HTTPError, request: httpx.Request, attempts: int) -> TransportFailure:
    """The GatewayClientError for an httpx failure after `attempts` attempts (raise it `from error`)."""
    kind = GatewayTimeoutError if isinstance(error, httpx.TimeoutException) else TransportFailure
    reason = type(error).__name__
    detail = redact(str(error))[:_MAX_TEXT_IN_MESSAGE]
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    text = f"{request.method} {mask_url(request.url)} failed after {tries}: {reason}"
    return kind(f"{text} ({detail})" if detail else text)
