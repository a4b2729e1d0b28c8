"""``client.jobs.get(job_id)``: one obvious way to read a job, with the client's own account id by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.supervised_fine_tuning_job import SupervisedFineTuningJob

__all__ = ["AsyncJobs", "Jobs"]


def _read_mask(read_mask: str | Sequence[str] | None) -> Any:
    from ..types import UNSET

    return UNSET if read_mask is None else read_mask


class Jobs:
    """Supervised fine-tuning jobs of one client (sync)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def get(
        self, job_id: str, *, read_mask: str | Sequence[str] | None = None, account_id: str | None = None
    ) -> SupervisedFineTuningJob:
        """The job `job_id` of `account_id` (default: the client's); raises a GatewayClientError on any failure."""
        from ..api.gateway import gateway_get_supervised_fine_tuning_job as operation

        account = account_id or self._client.account_id
        return operation.sync(account, job_id, client=self._client, read_mask=_read_mask(read_mask))


class AsyncJobs:
    """Supervised fine-tuning jobs of one client (async)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    async def get(
        self, job_id: str, *, read_mask: str | Sequence[str] | None = None, account_id: str | None = None
    ) -> SupervisedFineTuningJob:
        """The asynchronous twin of ``Jobs.get``."""
        from ..api.gateway import gateway_get_supervised_fine_tuning_job as operation

        account = account_id or self._client.account_id
        return await operation.asyncio(account, job_id, client=self._client, read_mask=_read_mask(read_mask))
