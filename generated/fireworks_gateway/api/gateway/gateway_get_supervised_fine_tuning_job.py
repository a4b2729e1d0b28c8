from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.supervised_fine_tuning_job import SupervisedFineTuningJob
from ...types import UNSET, Response, Unset, as_http_status


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
    }

    if params:  # httpx spends ~20 µs merging even an empty params mapping into the URL
        _kwargs["params"] = params
    return _kwargs


def _read_mask_fields(read_mask: str | Unset) -> frozenset[str] | None:
    """The top-level JSON names the read mask covers; None without a mask or with an empty or `*` one (all fields).

    Paths are camelCase or snake_case; a nested path such as `jobProgress.percent` covers its top-level field.
    """
    if isinstance(read_mask, Unset) or not read_mask:
        return None
    covered: set[str] = set()
    for path in read_mask.split(","):
        head = path.strip().partition(".")[0]
        if head == "*":
            return None
        if head:
            first, *rest = head.split("_")
            covered.add(first + "".join(word[:1].upper() + word[1:] for word in rest))
    return frozenset(covered) if covered else None


def _masked(body: Any, covered: frozenset[str] | None) -> Any:
    """The body without the top-level fields outside the mask.

    grpc-gateway's EmitUnpopulated writes them as zero values ("", 0, false, null, ...) instead of omitting them;
    dropped here, they parse as UNSET either way.
    """
    if covered is None or not isinstance(body, dict):
        return body
    return {name: value for name, value in body.items() if name in covered}


def _parse_response(
    *,
    client: AuthenticatedClient | Client,
    response: httpx.Response,
    read_mask: str | Unset,
) -> SupervisedFineTuningJob | None:
    if not 200 <= response.status_code < 300:
        raise errors.api_error_from_response(response)
    if response.status_code == 200:
        try:
            covered = _read_mask_fields(read_mask)
            if covered is None:
                response_200 = SupervisedFineTuningJob.from_dict(response.json())
            else:
                response_200 = SupervisedFineTuningJob.from_dict(
                    _masked(response.json(), covered),
                    absent_ok=tuple(
                        name for name in ("dataset",) if name not in covered
                    ),
                )
            return response_200
        except errors.ResponseContractError as error:
            raise error.attach(response) from None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise errors.ResponseContractError(
                f"HTTP {response.status_code} body does not match SupervisedFineTuningJob: {error}"
            ).attach(response) from error
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *,
    client: AuthenticatedClient | Client,
    response: httpx.Response,
    read_mask: str | Unset,
) -> Response[SupervisedFineTuningJob]:
    parsed = _parse_response(client=client, response=response, read_mask=read_mask)
    return Response(
        status_code=as_http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
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
            Comma-separated field paths, camelCase or snake_case; empty or "*" means all fields. Fields
            outside the mask are UNSET in the parsed model, required ones included, even when the server
            writes them as zero values (grpc-gateway's EmitUnpopulated).

    Raises:
        errors.APIStatusError: If the server answers with a non-2xx status, after any retries; a subclass per
            kind (errors.NotFoundError, errors.UnauthenticatedError, errors.RateLimitedError, errors.ServerError, ...).
        errors.ResponseContractError: If a 2xx body does not match the spec (errors.MissingFieldError for a
            missing required field that the read mask covers).
        errors.UnexpectedStatus: If the server returns an undocumented 2xx status code and
            Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout, after any retries.
        httpx.TransportError: If the connection fails, after any retries.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        read_mask=read_mask,
    )

    response = client.request(**kwargs)

    return _build_response(client=client, response=response, read_mask=read_mask)


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
            Comma-separated field paths, camelCase or snake_case; empty or "*" means all fields. Fields
            outside the mask are UNSET in the parsed model, required ones included, even when the server
            writes them as zero values (grpc-gateway's EmitUnpopulated).

    Raises:
        errors.APIStatusError: If the server answers with a non-2xx status, after any retries; a subclass per
            kind (errors.NotFoundError, errors.UnauthenticatedError, errors.RateLimitedError, errors.ServerError, ...).
        errors.ResponseContractError: If a 2xx body does not match the spec (errors.MissingFieldError for a
            missing required field that the read mask covers).
        errors.UnexpectedStatus: If the server returns an undocumented 2xx status code and
            Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout, after any retries.
        httpx.TransportError: If the connection fails, after any retries.

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
            Comma-separated field paths, camelCase or snake_case; empty or "*" means all fields. Fields
            outside the mask are UNSET in the parsed model, required ones included, even when the server
            writes them as zero values (grpc-gateway's EmitUnpopulated).

    Raises:
        errors.APIStatusError: If the server answers with a non-2xx status, after any retries; a subclass per
            kind (errors.NotFoundError, errors.UnauthenticatedError, errors.RateLimitedError, errors.ServerError, ...).
        errors.ResponseContractError: If a 2xx body does not match the spec (errors.MissingFieldError for a
            missing required field that the read mask covers).
        errors.UnexpectedStatus: If the server returns an undocumented 2xx status code and
            Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout, after any retries.
        httpx.TransportError: If the connection fails, after any retries.

    Returns:
        Response[SupervisedFineTuningJob]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        supervised_fine_tuning_job_id=supervised_fine_tuning_job_id,
        read_mask=read_mask,
    )

    response = await client.arequest(**kwargs)

    return _build_response(client=client, response=response, read_mask=read_mask)


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
            Comma-separated field paths, camelCase or snake_case; empty or "*" means all fields. Fields
            outside the mask are UNSET in the parsed model, required ones included, even when the server
            writes them as zero values (grpc-gateway's EmitUnpopulated).

    Raises:
        errors.APIStatusError: If the server answers with a non-2xx status, after any retries; a subclass per
            kind (errors.NotFoundError, errors.UnauthenticatedError, errors.RateLimitedError, errors.ServerError, ...).
        errors.ResponseContractError: If a 2xx body does not match the spec (errors.MissingFieldError for a
            missing required field that the read mask covers).
        errors.UnexpectedStatus: If the server returns an undocumented 2xx status code and
            Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout, after any retries.
        httpx.TransportError: If the connection fails, after any retries.

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
