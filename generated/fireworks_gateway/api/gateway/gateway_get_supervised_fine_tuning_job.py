from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.supervised_fine_tuning_job import SupervisedFineTuningJob
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    read_mask: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["readMask"] = read_mask

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts/{account_id}/supervisedFineTuningJobs/{supervised_fine_tuning_job_id}".format(
            account_id=quote(str(account_id), safe=""),
            supervised_fine_tuning_job_id=quote(
                str(supervised_fine_tuning_job_id), safe=""
            ),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SupervisedFineTuningJob | None:
    if response.status_code == 200:
        response_200 = SupervisedFineTuningJob.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SupervisedFineTuningJob]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    read_mask: str | Unset = UNSET,
) -> Response[SupervisedFineTuningJob]:
    """Get Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        read_mask=read_mask,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    read_mask: str | Unset = UNSET,
) -> SupervisedFineTuningJob | None:
    """Get Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SupervisedFineTuningJob
    """

    return sync_detailed(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        client=client,
        read_mask=read_mask,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    read_mask: str | Unset = UNSET,
) -> Response[SupervisedFineTuningJob]:
    """Get Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        read_mask=read_mask,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    read_mask: str | Unset = UNSET,
) -> SupervisedFineTuningJob | None:
    """Get Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        read_mask (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SupervisedFineTuningJob
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
            client=client,
            read_mask=read_mask,
        )
    ).parsed
