"""Errors raised by the client: a typed error per HTTP status kind, response contract errors, configuration errors.

Non-2xx responses raise an ``APIStatusError`` subclass carrying the HTTP status (any integer), the parsed
``google.rpc.Status`` (code name and number, message, details) or the raw text when the body is not JSON.
The request's credentials are never part of an error's text.
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

if TYPE_CHECKING:
    from .models.code import Code
    from .models.status import Status

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
_REDACTED = "[REDACTED]"
_MAX_TEXT_IN_MESSAGE = 500


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class GatewayClientError(Exception):
    """Base class of every error this client raises itself (transport errors stay httpx exceptions)."""


class ConfigurationError(GatewayClientError, ValueError):
    """The client is missing a setting; the message names the environment variable that provides it."""


class ResponseContractError(GatewayClientError, ValueError):
    """A 2xx response body does not have the shape the spec promises.

    ``body`` is the raw response text and ``status_code`` its HTTP status (both None until the endpoint
    function attaches them). The body is kept out of the message: job bodies hold signed URLs and keys.
    """

    def __init__(
        self, message: str, *, body: str | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.body = body
        self.status_code = status_code

    def attach(self, response: httpx.Response) -> ResponseContractError:
        """Record the raw body and status of the response this error came from; returns self."""
        self.body = response.text
        self.status_code = response.status_code
        return self


class MissingFieldError(ResponseContractError):
    """A field the spec marks required is absent from a response body."""

    def __init__(self, field: str, model: str, *, body: str | None = None) -> None:
        super().__init__(
            f"response body has no required field {field!r} (model {model})", body=body
        )
        self.field = field
        self.model = model


class APIStatusError(UnexpectedStatus, GatewayClientError):
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
        self.retry_after = (
            parse_retry_after(retry_after) if retry_after is not None else None
        )
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
        authorization = response.request.headers.get("authorization")
    except RuntimeError:  # a Response built without a request
        return []
    if not authorization:
        return []
    secrets = [authorization]
    scheme, _, credential = authorization.partition(" ")
    if credential:
        secrets.append(credential)
    return secrets


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, _REDACTED)
    return text


def _code_of(raw: object) -> tuple[Code | None, int | None]:
    from .models.code import Code  # noqa: PLC0415 (models import this module)

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
    from .models.status import Status  # noqa: PLC0415 (models import this module)

    body = _redact(response.text, _credentials(response))
    status: Status | None = None
    code: Code | None = None
    code_number: int | None = None
    message = ""
    details: list[Any] = []
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
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
        fields = {
            key: value
            for key, value in parsed.items()
            if key not in ("code", "message")
        }
        status = Status.from_dict(fields)
        if code is not None:
            status.code = code
        if isinstance(raw_message, str):
            status.message = raw_message
    else:
        message = body.strip()[:_MAX_TEXT_IN_MESSAGE]
    status_code = response.status_code
    error_class = _ERRORS_BY_STATUS.get(status_code) or (
        ServerError if 500 <= status_code <= 599 else APIStatusError
    )
    return error_class(
        response,
        body=body,
        status=status,
        code=code,
        code_number=code_number,
        message=message,
        details=details,
    )


__all__ = [
    "RPC_CODE_NAMES",
    "APIStatusError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "GatewayClientError",
    "MissingFieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseContractError",
    "ServerError",
    "UnauthenticatedError",
    "UnexpectedStatus",
    "api_error_from_response",
    "parse_retry_after",
]
