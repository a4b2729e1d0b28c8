from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobProgress")
_FIELD_KINDS: dict[str, str] = {
    "percent": "int",
    "epoch": "int",
    "totalInputRequests": "int",
    "totalProcessedRequests": "int",
    "successfullyProcessedRequests": "int",
    "failedRequests": "int",
    "outputRows": "int",
    "inputTokens": "int",
    "outputTokens": "int",
    "cachedInputTokenCount": "int",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "percent": "percent",
    "epoch": "epoch",
    "totalInputRequests": "total_input_requests",
    "totalProcessedRequests": "total_processed_requests",
    "successfullyProcessedRequests": "successfully_processed_requests",
    "failedRequests": "failed_requests",
    "outputRows": "output_rows",
    "inputTokens": "input_tokens",
    "outputTokens": "output_tokens",
    "cachedInputTokenCount": "cached_input_token_count",
}  # for _lib.bulk


@_attrs_define
class JobProgress:
    """Progress of a job, e.g. RLOR, EVJ, BIJ etc.

    Attributes:
        percent (int | Unset): Progress percent, within the range from 0 to 100.
        epoch (int | Unset): The epoch for which the progress percent is reported, usually starting from 0.
            This is optional for jobs that don't run in an epoch fasion, e.g. BIJ, EVJ.
        total_input_requests (int | Unset): Total number of input requests/rows in the job.
        total_processed_requests (int | Unset): Total number of requests that have been processed (successfully or
            failed).
        successfully_processed_requests (int | Unset): Number of requests that were processed successfully.
        failed_requests (int | Unset): Number of requests that failed to process.
        output_rows (int | Unset): Number of output rows generated.
        input_tokens (int | Unset): Total number of input tokens processed.
        output_tokens (int | Unset): Total number of output tokens generated.
        cached_input_token_count (int | Unset): The number of input tokens that hit the prompt cache.
    """

    percent: int | Unset = UNSET
    epoch: int | Unset = UNSET
    total_input_requests: int | Unset = UNSET
    total_processed_requests: int | Unset = UNSET
    successfully_processed_requests: int | Unset = UNSET
    failed_requests: int | Unset = UNSET
    output_rows: int | Unset = UNSET
    input_tokens: int | Unset = UNSET
    output_tokens: int | Unset = UNSET
    cached_input_token_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        percent = self.percent

        epoch = self.epoch

        total_input_requests = self.total_input_requests

        total_processed_requests = self.total_processed_requests

        successfully_processed_requests = self.successfully_processed_requests

        failed_requests = self.failed_requests

        output_rows = self.output_rows

        input_tokens = self.input_tokens

        output_tokens = self.output_tokens

        cached_input_token_count = self.cached_input_token_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if percent is not UNSET:
            field_dict["percent"] = percent
        if epoch is not UNSET:
            field_dict["epoch"] = epoch
        if total_input_requests is not UNSET:
            field_dict["totalInputRequests"] = total_input_requests
        if total_processed_requests is not UNSET:
            field_dict["totalProcessedRequests"] = total_processed_requests
        if successfully_processed_requests is not UNSET:
            field_dict["successfullyProcessedRequests"] = (
                successfully_processed_requests
            )
        if failed_requests is not UNSET:
            field_dict["failedRequests"] = failed_requests
        if output_rows is not UNSET:
            field_dict["outputRows"] = output_rows
        if input_tokens is not UNSET:
            field_dict["inputTokens"] = input_tokens
        if output_tokens is not UNSET:
            field_dict["outputTokens"] = output_tokens
        if cached_input_token_count is not UNSET:
            field_dict["cachedInputTokenCount"] = cached_input_token_count

        return {
            key: value for key, value in field_dict.items() if value is not UNSET
        }  # a masked required field

    @classmethod
    def from_dict(
        cls: type[T],
        src_dict: Mapping[str, Any],
        *,
        read_mask: Collection[str] | None = None,
    ) -> T:
        """The model of a JSON object; ResponseContractError (MissingFieldError) names a field of the wrong type.

        read_mask: the top-level JSON names a read mask covered; required fields outside it are then UNSET.
        """
        d = _checked("JobProgress", src_dict, _FIELD_KINDS, (), read_mask, _FIELD_TYPES)
        percent = d.pop("percent", UNSET)

        epoch = d.pop("epoch", UNSET)

        total_input_requests = d.pop("totalInputRequests", UNSET)

        total_processed_requests = d.pop("totalProcessedRequests", UNSET)

        successfully_processed_requests = d.pop("successfullyProcessedRequests", UNSET)

        failed_requests = d.pop("failedRequests", UNSET)

        output_rows = d.pop("outputRows", UNSET)

        input_tokens = d.pop("inputTokens", UNSET)

        output_tokens = d.pop("outputTokens", UNSET)

        cached_input_token_count = d.pop("cachedInputTokenCount", UNSET)

        job_progress = cls(
            percent=percent,
            epoch=epoch,
            total_input_requests=total_input_requests,
            total_processed_requests=total_processed_requests,
            successfully_processed_requests=successfully_processed_requests,
            failed_requests=failed_requests,
            output_rows=output_rows,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_input_token_count=cached_input_token_count,
        )

        job_progress.additional_properties = d
        return job_progress

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


_lazy_dict(JobProgress, "additional_properties")
