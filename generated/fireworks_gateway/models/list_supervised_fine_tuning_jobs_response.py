from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.supervised_fine_tuning_job import SupervisedFineTuningJob


T = TypeVar("T", bound="ListSupervisedFineTuningJobsResponse")
_FIELD_KINDS: dict[str, str] = {
    "supervisedFineTuningJobs": "array",
    "nextPageToken": "str",
    "totalSize": "int",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "supervisedFineTuningJobs": "supervised_fine_tuning_jobs",
    "nextPageToken": "next_page_token",
    "totalSize": "total_size",
}  # for _lib.bulk


@_attrs_define
class ListSupervisedFineTuningJobsResponse:
    """
    Attributes:
        supervised_fine_tuning_jobs (list[SupervisedFineTuningJob] | Unset):
        next_page_token (str | Unset): A token, which can be sent as `page_token` to retrieve the next page.
            If this field is omitted, there are no subsequent pages.
        total_size (int | Unset):
    """

    supervised_fine_tuning_jobs: list[SupervisedFineTuningJob] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    total_size: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        supervised_fine_tuning_jobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.supervised_fine_tuning_jobs, Unset):
            supervised_fine_tuning_jobs = []
            for (
                supervised_fine_tuning_jobs_item_data
            ) in self.supervised_fine_tuning_jobs:
                supervised_fine_tuning_jobs_item = (
                    supervised_fine_tuning_jobs_item_data.to_dict()
                )
                supervised_fine_tuning_jobs.append(supervised_fine_tuning_jobs_item)

        next_page_token = self.next_page_token

        total_size = self.total_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if supervised_fine_tuning_jobs is not UNSET:
            field_dict["supervisedFineTuningJobs"] = supervised_fine_tuning_jobs
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token
        if total_size is not UNSET:
            field_dict["totalSize"] = total_size

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
        d = _checked(
            "ListSupervisedFineTuningJobsResponse",
            src_dict,
            _FIELD_KINDS,
            (),
            read_mask,
            _FIELD_TYPES,
        )
        _supervised_fine_tuning_jobs = d.pop("supervisedFineTuningJobs", UNSET)
        supervised_fine_tuning_jobs: list[SupervisedFineTuningJob] | Unset = UNSET
        if _supervised_fine_tuning_jobs is not UNSET:
            supervised_fine_tuning_jobs = []
            for supervised_fine_tuning_jobs_item_data in _supervised_fine_tuning_jobs:
                supervised_fine_tuning_jobs_item = SupervisedFineTuningJob.from_dict(
                    supervised_fine_tuning_jobs_item_data
                )

                supervised_fine_tuning_jobs.append(supervised_fine_tuning_jobs_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        total_size = d.pop("totalSize", UNSET)

        list_supervised_fine_tuning_jobs_response = cls(
            supervised_fine_tuning_jobs=supervised_fine_tuning_jobs,
            next_page_token=next_page_token,
            total_size=total_size,
        )

        list_supervised_fine_tuning_jobs_response.additional_properties = d
        return list_supervised_fine_tuning_jobs_response

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


_lazy_dict(ListSupervisedFineTuningJobsResponse, "additional_properties")

# After the class, so that models referring to each other import in any order (was one import per from_dict call).
from ..models.supervised_fine_tuning_job import SupervisedFineTuningJob  # noqa: E402
