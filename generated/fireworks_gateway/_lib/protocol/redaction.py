"""What a secret is, and how to keep one out of text: one definition for the client, the suite and the mock.

A secret is a value given as a credential (an API key, a credential-like header's value, a URL password), or any
string a body holds under a secret-looking name (`apiKey`, `password`, `clientSecret`, a trailing `token`...).
Values shorter than 4 characters are never secrets: they would redact ordinary words.

A `Redactor` belongs to its owner (a client, a contract run): it holds that owner's secrets only, so its cost does
not grow with other clients. It finds a secret in text written as is, and also when the text escapes it:

- JSON and Python escapes (`\\/`, `\\u0066`, `\\x66`, `\\n`), as a reflected body or a bytes repr shows it;
- percent-encoding (`%66`), as a URL or a form does;
- XML and HTML entities (`&amp;`, `&#102;`), as a JUnit report does;
- base64, standard or URL-safe, at any alignment (inside `Basic` credentials or a longer encoded value);

escapes nested up to three deep (JSON quoting a percent-encoded URL). With `pieces`, any 8-character run of a
secret is a match too: a secret a gateway cut off still never shows. Learning from a body and scrubbing a text
each take time linear in their size, whatever number of secrets is already known.
"""

from __future__ import annotations

import base64
import bisect
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "MIN_SECRET_LENGTH",
    "PIECE",
    "REDACTED",
    "RedactingFilter",
    "Redactor",
    "UnusableKeyError",
    "clean_key",
    "is_secret_name",
    "mask_url",
    "scrub_url_queries",
]

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 4
PIECE = 8  # with `pieces`: no run of this many characters of a secret is ever shown
_MAX_LAYERS = 3
_FIND_PATTERNS = 64  # up to this many patterns, str.find per pattern beats a Python loop over the text

# --- names ----------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# A word that makes any name a secret's, wherever it stands.
_SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "credential", "credentials", "authorization", "auth", "cookie"}
)
# Words that make a secret's name only as the last word (`refreshToken`, `X-Session`), not `tokenizerConfig` or
# `inputTokens` (a count), nor `nextPageToken` (a page token is opaque, not a credential).
_LAST_WORDS = frozenset({"token", "session", "signature", "apikey"})
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "client", "signing", "encryption", "session"})


def _words(name: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(name)]


def is_secret_name(name: str) -> bool:
    """A field or header name whose value is a secret: `apiKey`, `X-Api-Key`, `Authorization`, `Cookie`,
    `password`, `clientSecret`, `refreshToken`, `X-Amz-Signature`, `credentials`...

    Not: `nextPageToken`, `inputTokens`, `tokenizerConfig`, `accessKeyId`, `groupingKey`, nor a reference to a
    stored secret named after what it holds (`credentialsSecret`, `sasTokenSecret`: their value is a resource name).
    """
    words = _words(name)
    if not words:
        return False
    if words[-1] == "secret" and any(w in _SECRET_WORDS or w in _LAST_WORDS for w in words[:-1]):
        return False  # `credentialsSecret`: the name of a Secret resource holding credentials
    if any(word in _SECRET_WORDS for word in words):
        return True
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    if last == "key":
        return before in _KEY_QUALIFIERS
    if last == "token":
        return before != "page"
    return last in _LAST_WORDS


class UnusableKeyError(ValueError):
    """A credential that cannot be sent: empty, or holding a control character. The message never quotes it."""


def clean_key(value: str, what: str) -> str:
    """`value` stripped of surrounding white space (a key read from a file or `echo | base64` often ends in a
    newline); UnusableKeyError naming `what`, never the value, when it is empty or holds a control character."""
    key = value.strip()
    if not key:
        raise UnusableKeyError(f"{what} is empty")
    bad = next((index for index, char in enumerate(key) if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F), None)
    if bad is not None:
        raise UnusableKeyError(
            f"{what} holds a control character at position {bad + 1} of {len(key)}: it cannot travel in an HTTP "
            "header (check how it was pasted or encoded)"
        )
    return key


# --- URLs -----------------------------------------------------------------------------------------------------

_URL_QUERY = re.compile(r"(https?://[^\s?\"'<>]+)\?[^\s\"'<>]*")


def mask_url(url: object, marker: str = REDACTED) -> str:
    """The URL with its password (or a userinfo token) replaced by `marker` and its query string left out (a
    signed URL's query is its credential)."""
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return marker
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, has_password, _password = userinfo.partition(":")
        netloc = f"{user}:{marker}@{host}" if has_password else f"{marker}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def scrub_url_queries(text: str, keep: Iterable[str] = (), marker: str = REDACTED) -> str:
    """Every URL's query string in `text` replaced by `marker`, except a query made only of parameters in `keep`
    (a request's own `readMask` is no secret; a signed URL's `Signature=` is)."""
    allowed = frozenset(keep)

    def replace(match: re.Match[str]) -> str:
        query = match.group(0).split("?", 1)[1]
        names = {part.split("=", 1)[0] for part in re.split(r"&(?:amp;)?", query)}
        return match.group(0) if allowed and names <= allowed else f"{match.group(1)}?{marker}"

    return _URL_QUERY.sub(replace, text)


# --- escapes ----------------------------------------------------------------------------------------------------

_ESCAPE = re.compile(
    r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2}|\\[\\/\"'bfnrt]"
    r"|(?:%[0-9a-fA-F]{2})+"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);"
)
_SIMPLE = {"\\\\": "\\", "\\/": "/", '\\"': '"', "\\'": "'", "\\b": "\b", "\\f": "\f", "\\n": "\n", "\\r": "\r"}
_SIMPLE["\\t"] = "\t"
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _unescape(escape: str) -> str:
    if escape in _SIMPLE:
        return _SIMPLE[escape]
    if escape in _ENTITIES:
        return _ENTITIES[escape]
    if escape[0] == "%":
        raw = bytes(int(escape[i + 1 : i + 3], 16) for i in range(0, len(escape), 3))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    if escape[0] == "&":
        number = int(escape[3:-1], 16) if escape[2] in "xX" else int(escape[2:-1])
    else:
        number = int(escape[2:], 16)
    return chr(number) if 0 < number <= 0x10FFFF else escape


class _Layer:
    """One decoding of a text: where each decoded character came from in the text it was decoded from."""

    def __init__(self, segments: list[tuple[int, int, int, int]]) -> None:
        # (decoded start, decoded end, source start, source end) of every escape; other characters map 1:1.
        self._starts = [segment[0] for segment in segments]
        self._segments = segments

    def _locate(self, position: int) -> tuple[int, int] | int:
        """The source span of the escape holding `position`, or the source position of a literal character."""
        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            return position
        _start, end, source_start, source_end = self._segments[index]
        if position < end:
            return source_start, source_end
        return position + (source_end - end)

    def source(self, start: int, end: int) -> tuple[int, int]:
        first, last = self._locate(start), self._locate(end - 1)
        return (first[0] if isinstance(first, tuple) else first, last[1] if isinstance(last, tuple) else last + 1)


def _decode(text: str) -> tuple[str, _Layer] | None:
    """`text` with every escape decoded, and how to map back; None when it holds no escape."""
    parts: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    position = decoded = 0
    for match in _ESCAPE.finditer(text):
        start, end = match.span()
        parts.append(text[position:start])
        decoded += start - position
        replacement = _unescape(match.group())
        parts.append(replacement)
        segments.append((decoded, decoded + len(replacement), start, end))
        decoded += len(replacement)
        position = end
    if not segments:
        return None
    parts.append(text[position:])
    return "".join(parts), _Layer(segments)


def _base64_forms(secret: str) -> set[str]:
    """The base64 text of `secret` at each of the three alignments it can have inside a longer encoded value, cut
    to the characters that depend on the secret alone; standard and URL-safe alphabets."""
    data = secret.encode("utf-8", "surrogatepass")
    forms: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data).decode("ascii")
        form = encoded[(8 * offset + 5) // 6 : (8 * (offset + len(data))) // 6]
        forms.update({form, form.translate(str.maketrans("+/", "-_"))})
    return forms


# --- the redactor -------------------------------------------------------------------------------------------------


class Redactor:
    """Keeps known secrets out of text: `scrub()` replaces each occurrence (escaped or not) with `marker`.

    `pieces`: also any 8-character run of a secret (the contract suite: a gateway may cut a key off itself).
    """

    def __init__(self, secrets: Iterable[str] = (), *, marker: str = REDACTED, pieces: bool = False) -> None:
        self.marker = marker
        self.pieces = pieces
        self._secrets: set[str] = set()
        self._literals: set[str] = set()  # the secrets and their base64 forms
        self._short: set[str] = set()  # literals shorter than a piece (matched whole even with `pieces`)
        self._windows: set[str] = set()  # with `pieces`: every PIECE-long run of a literal
        self.known_characters = 0  # of all secrets known: what the memory they take grows with
        for secret in secrets:
            self.add(secret)

    def __len__(self) -> int:
        return len(self._secrets)

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def add(self, secret: str, *, encoded: bool = True) -> bool:
        """Remember a secret (with `encoded`, its base64 forms too); False when it is too short to be one or is
        already known."""
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH or secret in self._secrets:
            return False
        self._secrets.add(secret)
        self.known_characters += len(secret)
        forms = {form for form in _base64_forms(secret) if len(form) >= PIECE} if encoded else set()
        for literal in {secret, *forms}:
            self._literals.add(literal)
            if not self.pieces:
                continue
            if len(literal) < PIECE:
                self._short.add(literal)
            else:
                self._windows.update(literal[i : i + PIECE] for i in range(len(literal) - PIECE + 1))
        return True

    def add_credential(self, value: str) -> None:
        """A header value and, for `Bearer <key>` and the like, the key alone."""
        self.add(value)
        self.add(value.partition(" ")[2].strip())

    def learn(self, body: Any, *, check: Callable[[], None] | None = None) -> int:
        """Remember every non-empty string a JSON body holds under a secret-looking name, at any depth (fields the
        spec does not know included); returns how many were new. Iterative and linear in the body's size;
        `check` is called now and then (it may raise to stop a long walk). A body's values come back as they
        were sent, so their base64 forms are not looked for (a credential's are: see `add`)."""
        learned, seen = 0, 0
        pending = [body]
        while pending:
            node = pending.pop()
            seen += 1
            if check is not None and seen % 4096 == 0:
                check()
            if isinstance(node, Mapping):
                for key, value in node.items():
                    secret = isinstance(key, str) and is_secret_name(key)
                    if isinstance(value, str):
                        learned += secret and self.add(value, encoded=False)
                    elif isinstance(value, Mapping | list):
                        pending.append(value)
                        if secret and isinstance(value, list):  # `"apiKeys": ["...", "..."]`
                            learned += sum(self.add(item, encoded=False) for item in value if isinstance(item, str))
            elif isinstance(node, list):
                pending.extend(item for item in node if isinstance(item, Mapping | list))
        return learned

    def scrub(self, text: str) -> str:
        """`text` with every known secret (and with `pieces` every 8-character run of one) replaced by `marker`,
        as written or escaped."""
        if not self._secrets or not text:
            return text
        spans = self._spans(text)
        layers: list[_Layer] = []
        current = text
        for _ in range(_MAX_LAYERS):
            decoded = _decode(current)
            if decoded is None:
                break
            current, layer = decoded
            layers.insert(0, layer)
            for start, end in self._spans(current):
                for outer in layers:
                    start, end = outer.source(start, end)
                spans.append((start, end))
        return self._replace(text, spans)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if not self.pieces:
            return self._find_all(text, self._literals)
        spans = self._find_all(text, self._short)
        if len(self._windows) <= _FIND_PATTERNS:
            return spans + [(start, end) for start, end in self._find_all(text, self._windows)]
        windows = self._windows
        # One pass, any number of secrets: each PIECE-long run of the text is looked up once.
        spans.extend((i, i + PIECE) for i in range(len(text) - PIECE + 1) if text[i : i + PIECE] in windows)
        return spans

    @staticmethod
    def _find_all(text: str, patterns: Iterable[str]) -> list[tuple[int, int]]:
        spans = []
        for pattern in patterns:
            index = text.find(pattern)
            while index >= 0:
                spans.append((index, index + len(pattern)))
                index = text.find(pattern, index + 1)
        return spans

    def _replace(self, text: str, spans: list[tuple[int, int]]) -> str:
        if not spans:
            return text
        spans.sort()
        out: list[str] = []
        position = 0
        current_start, current_end = spans[0]
        for start, end in spans[1:]:
            if start <= current_end:
                current_end = max(current_end, end)
                continue
            out += [text[position:current_start], self.marker]
            position = current_end
            current_start, current_end = start, end
        out += [text[position:current_start], self.marker, text[current_end:]]
        return "".join(out)


class RedactingFilter(logging.Filter):
    """Rewrites a log record whose text holds a secret of `redactor`; never drops one.

    Opt-in: attach it to a handler you own (`handler.addFilter(client.log_filter())`); nothing here attaches it
    to any logger.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._redactor.scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
