from http import HTTPStatus
from typing import Any

import httpx

from ..._lib.paths import path_segment
from ..._lib.read_mask import to_param as read_mask_param
from ..._lib.responses import parse_model
from ...client import AuthenticatedClient, Client
from ...models.list_supervised_fine_tuning_jobs_response import (
    ListSupervisedFineTuningJobsResponse,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    filter_: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
    read_mask: str | list[str] | Unset = UNSET,
) -> dict[str, Any]:

    read_mask = read_mask_param(read_mask)
    params: dict[str, Any] = {}

    params["pageSize"] = page_size

    params["pageToken"] = page_token

    params["filter"] = filter_

    params["orderBy"] = order_by

    params["readMask"] = read_mask

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts/{account_id}/supervisedFineTuningJobs".format(
            account_id=path_segment("account_id", account_id),
        ),
    }

    if params:  # httpx spends ~20 µs merging even an empty params mapping into the URL
        _kwargs["params"] = params
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ListSupervisedFineTuningJobsResponse:
    return parse_model(
        response,
        ListSupervisedFineTuningJobsResponse.from_dict,
        "ListSupervisedFineTuningJobsResponse",
        range(200, 201),
    )


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ListSupervisedFineTuningJobsResponse]:
    # Parsed first: a non-2xx raises its typed error before HTTPStatus() could refuse an unofficial status.
    parsed = _parse_response(client=client, response=response)
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    filter_: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
    read_mask: str | list[str] | Unset = UNSET,
) -> Response[ListSupervisedFineTuningJobsResponse]:
    """List Supervised Fine-tuning Jobs

    Args:
        account_id (str):
        page_size (int | Unset):
        page_token (str | Unset):
        filter_ (str | Unset):
        order_by (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[ListSupervisedFineTuningJobsResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        page_size=page_size,
        page_token=page_token,
        filter_=filter_,
        order_by=order_by,
        read_mask=read_mask,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    filter_: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
    read_mask: str | list[str] | Unset = UNSET,
) -> ListSupervisedFineTuningJobsResponse:
    """List Supervised Fine-tuning Jobs

    Args:
        account_id (str):
        page_size (int | Unset):
        page_token (str | Unset):
        filter_ (str | Unset):
        order_by (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        ListSupervisedFineTuningJobsResponse
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        page_size=page_size,
        page_token=page_token,
        filter_=filter_,
        order_by=order_by,
        read_mask=read_mask,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    filter_: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
    read_mask: str | list[str] | Unset = UNSET,
) -> Response[ListSupervisedFineTuningJobsResponse]:
    """List Supervised Fine-tuning Jobs

    Args:
        account_id (str):
        page_size (int | Unset):
        page_token (str | Unset):
        filter_ (str | Unset):
        order_by (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[ListSupervisedFineTuningJobsResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        page_size=page_size,
        page_token=page_token,
        filter_=filter_,
        order_by=order_by,
        read_mask=read_mask,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    filter_: str | Unset = UNSET,
    order_by: str | Unset = UNSET,
    read_mask: str | list[str] | Unset = UNSET,
) -> ListSupervisedFineTuningJobsResponse:
    """List Supervised Fine-tuning Jobs

    Args:
        account_id (str):
        page_size (int | Unset):
        page_token (str | Unset):
        filter_ (str | Unset):
        order_by (str | Unset):
        read_mask (str | Unset):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        ListSupervisedFineTuningJobsResponse
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            page_size=page_size,
            page_token=page_token,
            filter_=filter_,
            order_by=order_by,
            read_mask=read_mask,
        )
    ).parsed
