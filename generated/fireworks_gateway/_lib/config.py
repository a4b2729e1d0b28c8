"""Configuration like the official SDK: environment variables, default host, timeouts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx

from .errors import ConfigurationError
from .protocol.redaction import UnusableKeyError, clean_key

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ENV_ACCOUNT_ID",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "NO_TIMEOUT",
    "checked_credential",
    "coerce_timeout",
    "from_env",
]

ENV_API_KEY = "FIREWORKS_API_KEY"
ENV_ACCOUNT_ID = "FIREWORKS_ACCOUNT_ID"
ENV_BASE_URL = "FIREWORKS_BASE_URL"
DEFAULT_BASE_URL = "https://api.fireworks.ai"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Each attempt, as a whole (connect, headers and the entire body), ends within 60 s; connecting within 10 s.

Used when ``timeout`` is omitted or None. A number ``t`` bounds each attempt as a whole by ``t`` seconds.
"""
NO_TIMEOUT = httpx.Timeout(None)
"""Pass ``timeout=NO_TIMEOUT`` to wait forever; ``timeout=None`` means the default, not "no timeout"."""

T = TypeVar("T")


def checked_credential(value: str, what: str) -> str:
    """A key or credential header value stripped of surrounding white space; ConfigurationError naming `what`
    (never quoting the value) when it is empty or holds a control character."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{what} must be a string, not {type(value).__name__}")
    try:
        return clean_key(value, what)
    except UnusableKeyError as error:
        raise ConfigurationError(str(error)) from None


def coerce_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    """An httpx.Timeout from a Timeout, a number of seconds, or None (DEFAULT_TIMEOUT)."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value)


def from_env(
    cls: type[T],
    *,
    api_key: str | None = None,
    account_id: str | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> T:
    """Build `cls` like the official SDK: explicit arguments win over the environment.

    - token from ``api_key`` or FIREWORKS_API_KEY (required: ConfigurationError names the variable),
    - account id from ``account_id`` or FIREWORKS_ACCOUNT_ID (optional here; using the client's ``account_id``
      while it is unset raises a ConfigurationError naming the variable),
    - base URL from ``base_url`` or FIREWORKS_BASE_URL, default https://api.fireworks.ai.

    ``environ`` replaces os.environ (for tests); other keyword arguments go to the constructor.
    """
    env = os.environ if environ is None else environ
    token = api_key or env.get(ENV_API_KEY)
    if not token or not token.strip():
        raise ConfigurationError(f"no API key: set {ENV_API_KEY} or pass api_key=...")
    token = checked_credential(token, ENV_API_KEY if api_key is None else "api_key")
    return cls(
        base_url=base_url or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL,  # type: ignore[call-arg]
        token=token,
        account_id=account_id or env.get(ENV_ACCOUNT_ID) or None,
        **kwargs,
    )
