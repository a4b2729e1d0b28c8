"""One request and its response, as the rules see them, whoever sent it (pytest, schemathesis)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from spec_tools.spec import load_spec

__all__ = ["NOT_JSON", "Credentials", "Exchange", "job_ids_from_path", "job_resource_name"]

Credentials = Literal["valid", "missing", "wrong"]


class _NotJson:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()

# From the spec's job path `/v1/accounts/{account_id}/supervisedFineTuningJobs/{..._job_id}`.
_PARTS = load_spec().job_operation().path.template.strip("/").split("/")
_PREFIX = tuple(_PARTS[:2])
_COLLECTION = _PARTS[3]


def job_resource_name(account: str | None, job_id: str | None) -> str:
    """The job's resource name, the job path without its version prefix: `accounts/{account}/<collection>/{job}`."""
    return f"{_PREFIX[1]}/{account}/{_COLLECTION}/{job_id}"


def job_ids_from_path(path: str) -> tuple[str | None, str | None]:
    """(account, job id) of a raw job URL path, percent-decoded; (None, None) for other paths."""
    parts = path.strip("/").split("/")
    if len(parts) == 5 and tuple(parts[:2]) == _PREFIX and parts[3] == _COLLECTION:
        return unquote(parts[2]), unquote(parts[4])
    return None, None


def _credentials(authorization: str | None, api_key: str) -> Credentials:
    if not authorization:
        return "missing"
    return "valid" if authorization == f"Bearer {api_key}" else "wrong"


@dataclass(frozen=True)
class Exchange:
    """What was asked and what came back."""

    method: str
    url: str
    status: int
    content_type: str | None
    text: str
    credentials: Credentials
    account: str | None = None
    job_id: str | None = None
    read_mask: str | None = None
    body: Any = field(default=NOT_JSON, repr=False)

    @classmethod
    def build(
        cls,
        *,
        method: str,
        url: str,
        status: int,
        headers: Any,
        content: bytes,
        authorization: str | None,
        api_key: str,
    ) -> Exchange:
        """From raw parts: `url` as sent (raw, percent-encoded path), response headers mapping, body bytes."""
        split = urlsplit(url)
        account, job_id = job_ids_from_path(split.path)
        masks = parse_qs(split.query, keep_blank_values=True).get("readMask")
        text = content.decode("utf-8", errors="replace")
        try:
            body = json.loads(text) if text else NOT_JSON
        except ValueError:
            body = NOT_JSON
        return cls(
            method=method.upper(),
            url=url,
            status=status,
            content_type=headers.get("content-type"),
            text=text,
            credentials=_credentials(authorization, api_key),
            account=account,
            job_id=job_id,
            read_mask=",".join(masks) if masks else None,  # repeated readMask parameters add up
            body=body,
        )

    @property
    def is_job_read(self) -> bool:
        """A successful read of a job: the responses the body rules hold to the job schema."""
        return self.method == "GET" and self.status == 200 and self.job_id is not None

    @property
    def mask_paths(self) -> tuple[str, ...] | None:
        """The read mask's field paths, or None when it asks for all fields (absent, empty or `*`)."""
        if self.read_mask is None:
            return None
        paths = tuple(p.strip() for p in self.read_mask.split(",") if p.strip())
        return None if not paths or paths == ("*",) else paths
