"""From an httpx response to a model or a typed error: the one parsing path every endpoint function takes."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import httpx

from .errors import ResponseContractError, UnexpectedStatus, api_error_from_response
from .read_mask import covered, masked

__all__ = ["parse_model"]

T = TypeVar("T")


def parse_model(response: httpx.Response, from_dict: Callable[..., T], model: str, documented: Collection[int]) -> T:
    """The model of a documented 2xx body; APIStatusError for a non-2xx, UnexpectedStatus for an undocumented 2xx.

    A body that is not a JSON object, nests too deep, or breaks the model's types raises ResponseContractError
    (MissingFieldError for a missing required field the read mask covers) carrying the redacted raw body.
    """
    status = response.status_code
    if not 200 <= status < 300:
        raise api_error_from_response(response)
    if status not in documented:
        raise UnexpectedStatus(status, response.content)
    # Failures are raised after the except blocks: the original exception, whose text may quote a reflected
    # credential, must not ride along as __context__.
    failure: ResponseContractError
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError) as error:
        reason = "nests too deep" if isinstance(error, RecursionError) else "is not JSON"
        failure = ResponseContractError(f"HTTP {status} body {reason} ({model} expected)")
    else:
        names = covered(response.request)
        try:
            return from_dict(masked(body, names), read_mask=names)
        except ResponseContractError as error:
            failure = error
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            detail: Any = type(error).__name__ if isinstance(error, RecursionError) else error
            failure = ResponseContractError(f"HTTP {status} body does not match {model}: {detail}")
    failure.__context__ = None
    raise failure.attach(response) from None
