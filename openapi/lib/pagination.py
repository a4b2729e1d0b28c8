"""List pages (AIP-132, AIP-158): a page of models, the answer that parses one, and the walk that follows tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .bulk import BulkParser
from .errors import GatewayClientError, ResponseContractError
from .read_mask import masked

__all__ = ["Page", "PageAnswer", "PaginationLoopError", "TokenWalk"]

T = TypeVar("T")

# A token is opaque; this much of it is enough to tell two apart in a message.
_TOKEN_SHOWN = 24


class PaginationLoopError(GatewayClientError):
    """The server sent a page token it had already sent in this walk: following it would never end."""

    def __init__(self, token: str, pages: int) -> None:
        shown = token if len(token) <= _TOKEN_SHOWN else f"{token[:_TOKEN_SHOWN]}... ({len(token)} characters)"
        super().__init__(
            f"the server sent page token {shown!r} a second time after {pages} page(s): the pages loop; "
            "stopped instead of asking for the same pages again"
        )
        self.token = token
        self.pages = pages


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its jobs, the token of the next page (None on the last) and the total, when sent."""

    jobs: list[T]
    next_page_token: str | None
    total_size: int | None


class PageAnswer(Generic[T]):
    """Parses a list answer (``{items: [...], nextPageToken, totalSize}``) into a Page.

    The items go through `BulkParser` (a page at a time, every check of ``from_dict`` kept); the other fields
    through the answer's generated model, so that their types are checked as everywhere else.
    """

    def __init__(
        self,
        item: type[T],
        envelope: Any,
        *,
        items: str,
        next_page_token: str,
        total_size: str | None,
    ) -> None:
        self.item = item
        self._parser = BulkParser(item)
        self._envelope: Callable[[Any], Any] = envelope.from_dict
        self._items = items
        self._next_page_token = next_page_token
        self._total_size = total_size

    def __call__(self, body: Any, mask: frozenset[str] | None) -> Page[T]:
        if not isinstance(body, dict):
            raise ResponseContractError(f"a list answer is a JSON object, got {type(body).__name__}")
        items = body.get(self._items)
        if items is None:
            items = []  # an empty page: proto3 JSON leaves the empty list out
        elif not isinstance(items, list):
            raise ResponseContractError(f"field {self._items!r}: expected an array, got {type(items).__name__}")
        rest = self._envelope({key: value for key, value in body.items() if key != self._items}).to_dict()
        if mask is not None:
            items = [masked(item, mask) for item in items]
        token = rest.get(self._next_page_token) or None  # proto3 JSON writes the last page's token as ""
        total = rest.get(self._total_size) if self._total_size else None
        return Page(self._parser.parse(items, mask), token, total)


class TokenWalk:
    """The tokens of one walk over the pages: each next token, or PaginationLoopError on one seen before."""

    def __init__(self, first: str | None = None) -> None:
        self._seen: set[str] = set() if first is None else {first}
        self.pages = 0

    def next(self, token: str | None) -> str | None:
        """The token to ask for next after a page that carried `token`; None when the walk is over."""
        self.pages += 1
        if not token:
            return None
        if token in self._seen:
            raise PaginationLoopError(token, self.pages)
        self._seen.add(token)
        return token
