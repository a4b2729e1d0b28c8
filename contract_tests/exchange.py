"""One request and its response, as the rules see them, whoever sent it (pytest, schemathesis)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from gateway_protocol.field_masks import FieldMaskError, parse_paths
from gateway_protocol.resource_names import PathTemplate

__all__ = ["NOT_JSON", "Credentials", "Exchange", "parse_body"]

Credentials = Literal["valid", "missing", "wrong"]
# Python refuses to convert longer decimal strings (sys.get_int_max_str_digits); a JSON number that long is not a
# value any proto3 type can hold, so the body is reported rather than the conversion attempted.
_MAX_INTEGER_DIGITS = 4300


class _NotJson:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()


class _TooLong(ValueError):
    pass


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise _TooLong(text[:1])
    return int(text)


def parse_body(text: str) -> tuple[Any, str | None]:
    """(the JSON value, None), or (NOT_JSON, why it could not be read) for an empty body, text that is not JSON,
    JSON nested deeper than the parser goes, or a number longer than any proto3 type holds."""
    if not text:
        return NOT_JSON, "an empty body"
    try:
        return json.loads(text, parse_int=_bounded_int), None
    except _TooLong:
        return NOT_JSON, f"a JSON number of more than {_MAX_INTEGER_DIGITS} digits"
    except RecursionError:
        return NOT_JSON, "JSON nested too deep to read"
    except ValueError:
        return NOT_JSON, "not JSON"


def _default_job_path() -> PathTemplate:
    from spec_tools.spec import load_spec

    return load_spec().job_operation().path


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
    body_problem: str | None = None  # why `body` is NOT_JSON

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
        job_path: PathTemplate | None = None,
    ) -> Exchange:
        """From raw parts: `url` as sent (raw, percent-encoded path), response headers mapping, body bytes.

        `job_path` is the job's path template (the vendored spec's job read when not given): a URL it matches
        names the account and job the exchange is about.
        """
        split = urlsplit(url)
        template = job_path or _default_job_path()
        values = template.match(split.path) or {}
        account = values.get(template.variables[0]) if template.variables else None
        job_id = values.get(template.last_variable) if template.last_variable else None
        masks = parse_qs(split.query, keep_blank_values=True).get("readMask")
        text = content.decode("utf-8", errors="replace")
        body, problem = parse_body(text)
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
            body_problem=problem,
        )

    @property
    def is_job_read(self) -> bool:
        """A successful read of a job: the responses the body rules hold to the job schema."""
        return self.method == "GET" and self.status == 200 and self.job_id is not None

    @property
    def mask_paths(self) -> tuple[str, ...] | None:
        """The read mask's canonical field paths, or None when it asks for all fields (absent, empty or `*`), or
        is one no gateway can honour (`*` beside other paths): then no field is held to it."""
        if self.read_mask is None:
            return None
        try:
            return parse_paths(self.read_mask)
        except FieldMaskError:
            return None
