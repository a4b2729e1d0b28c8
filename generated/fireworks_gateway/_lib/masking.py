"""Keep a client's secrets out of text: its own redactor, masked URLs and mappings, an opt-in log filter.

What a secret is and how it is found (escaped, percent-encoded, base64, in a bytes repr) is defined once in
`protocol.redaction`. Each client has its own `Redactor` holding its secrets only: nothing is remembered
process-wide, and no logger is touched (``client.log_filter()`` gives a filter to attach to a handler you own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .protocol.redaction import REDACTED, RedactingFilter, Redactor, is_secret_name, mask_url

__all__ = [
    "REDACTED",
    "REDACTOR_EXTENSION",
    "RedactingFilter",
    "Redactor",
    "client_redactor",
    "keys_repr",
    "mask_url",
    "redactor_of",
]

REDACTOR_EXTENSION = "fireworks_gateway.redactor"
"""The key under which the transport leaves its client's redactor in each response's `extensions`."""


def client_redactor(base_url: str, headers: Mapping[str, str]) -> Redactor:
    """The redactor of one client: the values of its credential-like headers (the bearer key alone too) and the
    password of its base URL."""
    redactor = _credentials(headers)
    try:
        password = httpx.URL(base_url).password
    except (httpx.InvalidURL, TypeError):
        password = None
    if password:
        redactor.add(password)
    return redactor


def redactor_of(response: httpx.Response) -> Redactor:
    """The redactor of the client a response came to; for a response built elsewhere, one that knows the
    credentials of its request."""
    redactor = response.extensions.get(REDACTOR_EXTENSION)
    if isinstance(redactor, Redactor):
        return redactor
    try:
        return _credentials(response.request.headers)
    except RuntimeError:  # a Response built without a request
        return Redactor()


def _credentials(headers: Mapping[str, str]) -> Redactor:
    redactor = Redactor()
    for name, value in headers.items():
        if is_secret_name(name):
            redactor.add_credential(value)
    return redactor


def keys_repr(mapping: Mapping[str, Any]) -> str:
    """repr of a mapping that may hold credentials (headers, cookies, httpx arguments): its keys only."""
    return repr(dict.fromkeys(sorted(mapping), "***"))
