from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from .._lib.money import MoneyMixin
from ..types import UNSET, Unset

T = TypeVar("T", bound="Money")
_FIELD_KINDS: dict[str, str] = {
    "currencyCode": "str",
    "units": "str",
    "nanos": "int",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "currencyCode": "currency_code",
    "units": "units",
    "nanos": "nanos",
}  # for _lib.bulk


@_attrs_define
class Money(MoneyMixin):
    """Represents an amount of money with its currency type.

    Attributes:
        currency_code (str | Unset): The three-letter currency code defined in ISO 4217.
        units (str | Unset): The whole units of the amount.
            For example if `currencyCode` is `"USD"`, then 1 unit is one US dollar.
        nanos (int | Unset): Number of nano (10^-9) units of the amount.
            The value must be between -999,999,999 and +999,999,999 inclusive.
            If `units` is positive, `nanos` must be positive or zero.
            If `units` is zero, `nanos` can be positive, zero, or negative.
            If `units` is negative, `nanos` must be negative or zero.
            For example $-1.75 is represented as `units`=-1 and `nanos`=-750,000,000.
    """

    currency_code: str | Unset = UNSET
    units: str | Unset = UNSET
    nanos: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        currency_code = self.currency_code

        units = self.units

        nanos = self.nanos

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if currency_code is not UNSET:
            field_dict["currencyCode"] = currency_code
        if units is not UNSET:
            field_dict["units"] = units
        if nanos is not UNSET:
            field_dict["nanos"] = nanos

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
        d = _checked("Money", src_dict, _FIELD_KINDS, (), read_mask, _FIELD_TYPES)
        currency_code = d.pop("currencyCode", UNSET)

        units = d.pop("units", UNSET)

        nanos = d.pop("nanos", UNSET)

        money = cls(
            currency_code=currency_code,
            units=units,
            nanos=nanos,
        )

        money.additional_properties = d
        return money

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


_lazy_dict(Money, "additional_properties")
