"""Keep secrets out of text: redaction of known values, masked URLs and mappings, and a filter for log records."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "forget_secret",
    "install_log_filters",
    "keys_repr",
    "mask_url",
    "redact",
    "remember_secrets",
]

REDACTED = "[REDACTED]"
# Shorter values would redact ordinary words; tokens and passwords are longer.
_MIN_SECRET_LENGTH = 4
# Remembered values outlive their client and apply to every client's text: a short one ("wrong", "test") would
# redact words of unrelated messages. Real keys are far longer; a short one is still redacted from its own
# requests' errors, which pass it explicitly.
_MIN_REMEMBERED_LENGTH = 8
# Loggers that may print request URLs or response headers (httpcore logs the latter at DEBUG).
_LOGGERS = (
    "fireworks_gateway",
    "httpx",
    "httpcore.connection",
    "httpcore.connection_pool",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

_secrets: set[str] = set()
_lock = threading.Lock()


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every given and every remembered secret replaced by REDACTED (longest first)."""
    with _lock:
        known = _secrets | {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def remember_secrets(values: Iterable[str]) -> None:
    """Register values that log records and errors must never show (tokens, header values, URL passwords)."""
    fresh = {value for value in values if isinstance(value, str) and len(value) >= _MIN_REMEMBERED_LENGTH}
    for value in list(fresh):
        credential = value.partition(" ")[2]
        if len(credential) >= _MIN_REMEMBERED_LENGTH:
            fresh.add(credential)  # "Bearer sk-..." -> the key alone too
    with _lock:
        _secrets.update(fresh)
    install_log_filters()


def forget_secret(value: str) -> None:
    with _lock:
        _secrets.discard(value)


def mask_url(url: object) -> str:
    """The URL with its password (and userinfo token) replaced by REDACTED; query strings of signed URLs kept out."""
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, has_password, _password = userinfo.partition(":")
        netloc = f"{user}:{REDACTED}@{host}" if has_password else f"{REDACTED}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def keys_repr(mapping: Mapping[str, Any]) -> str:
    """repr of a mapping that may hold credentials (headers, cookies, httpx arguments): its keys only."""
    return repr(dict.fromkeys(sorted(mapping), "***"))


class _RedactingFilter(logging.Filter):
    """Rewrites a record whose text holds a remembered secret; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = _RedactingFilter()


def install_log_filters() -> None:
    """Attach the redacting filter to the package's, httpx's and httpcore's loggers (idempotent).

    Filters on a logger see only that logger's records, so each logger that writes is named.
    """
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
