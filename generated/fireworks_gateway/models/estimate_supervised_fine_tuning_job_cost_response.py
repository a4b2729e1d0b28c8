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
    from ..models.money import Money


T = TypeVar("T", bound="EstimateSupervisedFineTuningJobCostResponse")
_FIELD_KINDS: dict[str, str] = {
    "estimatedCost": "object",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "estimatedCost": "estimated_cost",
}  # for _lib.bulk


@_attrs_define
class EstimateSupervisedFineTuningJobCostResponse:
    """
    Attributes:
        estimated_cost (Money | Unset): Represents an amount of money with its currency type.
    """

    estimated_cost: Money | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        estimated_cost: dict[str, Any] | Unset = UNSET
        if not isinstance(self.estimated_cost, Unset):
            estimated_cost = self.estimated_cost.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if estimated_cost is not UNSET:
            field_dict["estimatedCost"] = estimated_cost

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
            "EstimateSupervisedFineTuningJobCostResponse",
            src_dict,
            _FIELD_KINDS,
            (),
            read_mask,
            _FIELD_TYPES,
        )
        _estimated_cost = d.pop("estimatedCost", UNSET)
        estimated_cost: Money | Unset
        if isinstance(_estimated_cost, Unset):
            estimated_cost = UNSET
        else:
            estimated_cost = Money.from_dict(_estimated_cost)

        estimate_supervised_fine_tuning_job_cost_response = cls(
            estimated_cost=estimated_cost,
        )

        estimate_supervised_fine_tuning_job_cost_response.additional_properties = d
        return estimate_supervised_fine_tuning_job_cost_response

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


_lazy_dict(EstimateSupervisedFineTuningJobCostResponse, "additional_properties")

# After the class, so that models referring to each other import in any order (was one import per from_dict call).
from ..models.money import Money  # noqa: E402
