"""From an httpx response to a model or a typed error: the one parsing path every endpoint function takes."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import httpx

from .errors import ResponseContractError, UnexpectedStatus, api_error_from_response
from .read_mask import covered, masked

__all__ = ["parse_answer", "parse_model"]

T = TypeVar("T")


def parse_answer(
    response: httpx.Response,
    parse: Callable[[Any, frozenset[str] | None], T],
    model: str,
    documented: Collection[int],
) -> T:
    """`parse(body, mask)` of a documented 2xx JSON body, `mask` being what the request's readMask covers (None
    without one); APIStatusError for a non-2xx, UnexpectedStatus for an undocumented 2xx.

    A body that is not JSON, nests too deep, or that `parse` refuses (a ValueError, TypeError, KeyError or
    AttributeError naming the field) raises ResponseContractError carrying the redacted raw body.
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
        try:
            return parse(body, covered(response.request))
        except ResponseContractError as error:
            failure = error
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            detail: Any = type(error).__name__ if isinstance(error, RecursionError) else error
            failure = ResponseContractError(f"HTTP {status} body does not match {model}: {detail}")
    failure.__context__ = None
    raise failure.attach(response) from None


def parse_model(response: httpx.Response, from_dict: Callable[..., T], model: str, documented: Collection[int]) -> T:
    """The model of a documented 2xx body (see `parse_answer`).

    Fields outside the request's read mask are dropped before parsing (grpc-gateway writes them as zero values),
    and required ones among them come back UNSET (MissingFieldError for a missing required field the mask covers).
    """

    def parse(body: Any, mask: frozenset[str] | None) -> T:
        return from_dict(masked(body, mask), read_mask=mask)

    return parse_answer(response, parse, model, documented)
