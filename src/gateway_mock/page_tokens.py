"""List page tokens: opaque to clients, tamper-evident (HMAC-SHA256 with a key of this process), and bound to the
collection, filter and order they came from (AIP-158). A token holds the sort key of the last job served, so the
next page starts right after it: jobs created during a walk never make it repeat one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

__all__ = ["MAX_TOKEN_LENGTH", "PageTokenError", "PageTokens"]

MAX_TOKEN_LENGTH = 16 * 1024
_VERSION = 1
_MAC_BYTES = 16


class PageTokenError(ValueError):
    """A page token this server did not issue for this request (400, INVALID_ARGUMENT)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tuples(value: Any) -> Any:
    """JSON lists back into the tuples sort keys are made of."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


class PageTokens:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or os.urandom(32)

    @staticmethod
    def _binding(scope: tuple[str, ...], filter_text: str, order_text: str) -> str:
        raw = json.dumps([list(scope), filter_text, order_text], separators=(",", ":")).encode()
        return hashlib.sha256(raw).hexdigest()[:16]

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def issue(self, scope: tuple[str, ...], filter_text: str, order_text: str, after: tuple[Any, ...]) -> str:
        payload = json.dumps(
            [_VERSION, self._binding(scope, filter_text, order_text), list(after)], separators=(",", ":")
        ).encode()
        return _b64(payload) + "." + _b64(self._mac(payload))

    def read(self, token: str, scope: tuple[str, ...], filter_text: str, order_text: str) -> tuple[Any, ...]:
        """The sort key to resume after; PageTokenError saying why the token is refused."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise PageTokenError("invalid page token: too long")
        payload_text, dot, mac_text = token.partition(".")
        try:
            payload, mac = _unb64(payload_text), _unb64(mac_text)
        except ValueError:
            raise PageTokenError("invalid page token: not one this server issued") from None
        if not dot or not hmac.compare_digest(mac, self._mac(payload)):
            raise PageTokenError("invalid page token: not one this server issued (or altered)")
        try:
            version, binding, after = json.loads(payload)
        except (ValueError, TypeError):
            raise PageTokenError("invalid page token: not one this server issued") from None
        if version != _VERSION or not isinstance(after, list):
            raise PageTokenError("invalid page token: from another version of the server")
        if binding != self._binding(scope, filter_text, order_text):
            raise PageTokenError(
                "invalid page token: it was issued for another filter, orderBy or collection; "
                "send the same parameters as the call that returned it"
            )
        return tuple(_tuples(item) for item in after)
