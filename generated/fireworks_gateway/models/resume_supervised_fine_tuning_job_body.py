from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..types import UNSET

T = TypeVar("T", bound="ResumeSupervisedFineTuningJobBody")
_FIELD_KINDS: dict[str, str] = {}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {}  # for _lib.bulk


@_attrs_define
class ResumeSupervisedFineTuningJobBody:
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

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
            "ResumeSupervisedFineTuningJobBody",
            src_dict,
            _FIELD_KINDS,
            (),
            read_mask,
            _FIELD_TYPES,
        )
        resume_supervised_fine_tuning_job_body = cls()

        resume_supervised_fine_tuning_job_body.additional_properties = d
        return resume_supervised_fine_tuning_job_body

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


_lazy_dict(ResumeSupervisedFineTuningJobBody, "additional_properties")
