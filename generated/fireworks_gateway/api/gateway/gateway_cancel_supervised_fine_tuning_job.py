from http import HTTPStatus
from typing import Any

import httpx

from ..._lib.paths import path_segment
from ..._lib.responses import parse_model
from ...client import AuthenticatedClient, Client
from ...models.cancel_supervised_fine_tuning_job_body import (
    CancelSupervisedFineTuningJobBody,
)
from ...models.cancel_supervised_fine_tuning_job_response_200 import (
    CancelSupervisedFineTuningJobResponse200,
)
from ...types import Response


def _get_kwargs(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    body: CancelSupervisedFineTuningJobBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/accounts/{account_id}/supervisedFineTuningJobs/{supervised_fine_tuning_job_id}:cancel".format(
            account_id=path_segment("account_id", account_id),
            supervised_fine_tuning_job_id=path_segment(
                "supervised_fine_tuning_job_id", supervised_fine_tuning_job_id
            ),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CancelSupervisedFineTuningJobResponse200:
    return parse_model(
        response,
        CancelSupervisedFineTuningJobResponse200.from_dict,
        "CancelSupervisedFineTuningJobResponse200",
        range(200, 201),
    )


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CancelSupervisedFineTuningJobResponse200]:
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
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancelSupervisedFineTuningJobBody,
) -> Response[CancelSupervisedFineTuningJobResponse200]:
    """Cancel Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        body (CancelSupervisedFineTuningJobBody):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[CancelSupervisedFineTuningJobResponse200]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        body=body,
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
    body: CancelSupervisedFineTuningJobBody,
) -> CancelSupervisedFineTuningJobResponse200:
    """Cancel Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        body (CancelSupervisedFineTuningJobBody):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        CancelSupervisedFineTuningJobResponse200
    """

    return sync_detailed(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancelSupervisedFineTuningJobBody,
) -> Response[CancelSupervisedFineTuningJobResponse200]:
    """Cancel Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        body (CancelSupervisedFineTuningJobBody):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        Response[CancelSupervisedFineTuningJobResponse200]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    supervised_fine_tuning_job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CancelSupervisedFineTuningJobBody,
) -> CancelSupervisedFineTuningJobResponse200:
    """Cancel Supervised Fine-tuning Job

    Args:
        account_id (str):
        supervised_fine_tuning_job_id (str):
        body (CancelSupervisedFineTuningJobBody):

    Raises:
        errors.GatewayClientError: On any failure, after any retries: errors.APIStatusError (a subclass per non-2xx
            kind), errors.ResponseContractError (errors.MissingFieldError), errors.TransportFailure (cause: the httpx
            exception; errors.GatewayTimeoutError when an attempt outlasts Client.timeout), errors.UnexpectedStatus.

    Returns:
        CancelSupervisedFineTuningJobResponse200
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
            client=client,
            body=body,
        )
    ).parsed
