"""The URL httpx makes of a request path, kept per client for the next request to the same path."""

from __future__ import annotations

import httpx

__all__ = ["KeptUrls", "merge"]


def merge(base: httpx.URL, path: str) -> httpx.URL:
    """The URL httpx makes of a request `path` on a client's `base` URL (`httpx.Client._merge_url`: the base's
    path, then the path without its leading '/')."""
    relative = httpx.URL(path)
    if not relative.is_relative_url:
        return relative
    return base.copy_with(raw_path=base.raw_path + relative.raw_path.lstrip(b"/"))


class KeptUrls:
    """The URLs httpx makes of request paths on one client's base URL (`merge`), kept for the next request to the
    same path: httpx parses the path and then the merged URL on every request (some 30 us, a tenth of a keep-alive
    GET over loopback), and a job read again (a wait polling it, the list's next page) is the same URL.

    Each client keeps its own, at most `LIMIT` (then it starts afresh): nothing is shared between clients or
    outlives one, and the base URL is checked on every use, so a changed base URL gets fresh URLs."""

    LIMIT = 256

    def __init__(self) -> None:
        self._kept: dict[str, tuple[httpx.URL, httpx.URL]] = {}

    def __call__(self, base: httpx.URL, path: str) -> httpx.URL:
        kept = self._kept.get(path)
        if kept is not None and (kept[0] is base or kept[0] == base):
            return kept[1]
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        url = merge(base, path)
        self._kept[path] = (base, url)
        return url

    def __len__(self) -> int:
        return len(self._kept)
