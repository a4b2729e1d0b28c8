"""A requests transport adapter over the bounded sender, so schemathesis's generated cases (sent through a
requests Session) get the same deadline, body cap, run budget, throttling waits and rate as every other request."""

from __future__ import annotations

import io

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from .bounded_http import BoundedSender

__all__ = ["bounded_session"]


class _BoundedAdapter(BaseAdapter):
    def __init__(self, sender: BoundedSender) -> None:
        super().__init__()
        self._sender = sender

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        body = request.body
        content = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None
        headers = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in request.headers.items()}
        answer = self._sender.send(request.method or "GET", request.url or "", headers=headers, content=content)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=urllib3.HTTPHeaderDict(answer.headers.multi_items()),
            status=answer.status_code,
            version=11,
            preload_content=False,
            decode_content=False,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response.encoding = get_encoding_from_headers(response.headers) or "utf-8"
        response.raw = raw
        response.reason = answer.reason_phrase
        response.url = request.url or ""
        response.request = request
        response._content = answer.content
        return response

    def close(self) -> None:
        """The sender owns the connections."""


def bounded_session(sender: BoundedSender) -> requests.Session:
    """A requests Session whose every request goes through `sender`; no default headers of its own."""
    session = requests.Session()
    session.headers.clear()
    adapter = _BoundedAdapter(sender)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
