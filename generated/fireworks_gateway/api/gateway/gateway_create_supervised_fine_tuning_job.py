from http import HTTPStatus
from typing import Any

import httpx

from ..._lib.paths import path_segment
from ..._lib.responses import parse_model
from ...client import AuthenticatedClient, Client
from ...models.supervised_fine_tuning_job import SupervisedFineTuningJob
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    body: SupervisedFineTuningJob,
    supervised_fine_tuning_job_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["supervisedFineTuningJobId"] = supervised_fine_tuning_job_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/accounts/{account_id}/supervisedFineTuningJobs".format(
            account_id=path_segment("account_id", account_id),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    if params:  # httpx spends ~20 µs merging even an empty params mapping into the URL
        _kwargs["params"] = params
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SupervisedFineTuningJob:
    return parse_model(
        response,
        SupervisedFineTuningJob.from_dict,
        "SupervisedFineTuningJob",
        range(200, 201),
    )


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SupervisedFineTuningJob]:
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
    body: SupervisedFineTuningJob,
    supervised_fine_tuning_job_id: str | Unset = UNSET,
) -> Response[SupervisedFineTuningJob]:
    """Create Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str | Unset):
        body (SupervisedFineTuningJob):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SupervisedFineTuningJob,
    supervised_fine_tuning_job_id: str | Unset = UNSET,
) -> SupervisedFineTuningJob:
    """Create Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str | Unset):
        body (SupervisedFineTuningJob):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        SupervisedFineTuningJob
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        body=body,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SupervisedFineTuningJob,
    supervised_fine_tuning_job_id: str | Unset = UNSET,
) -> Response[SupervisedFineTuningJob]:
    """Create Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str | Unset):
        body (SupervisedFineTuningJob):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SupervisedFineTuningJob,
    supervised_fine_tuning_job_id: str | Unset = UNSET,
) -> SupervisedFineTuningJob:
    """Create Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str | Unset):
        body (SupervisedFineTuningJob):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        SupervisedFineTuningJob
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
            supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        )
    ).parsed
