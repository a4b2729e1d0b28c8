from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_NANOS_PER_UNIT = 1_000_000_000
_INT64_STRING = re.compile(r"-?(?:0|[1-9][0-9]*)")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")

T = TypeVar("T", bound="Money")


@_attrs_define
class Money:
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency_code = self.currency_code

        units = self.units

        nanos = self.nanos

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if currency_code is not UNSET:
            field_dict["currencyCode"] = currency_code
        if units is not UNSET:
            field_dict["units"] = units
        if nanos is not UNSET:
            field_dict["nanos"] = nanos

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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

    def to_decimal(self) -> Decimal:
        """The exact amount, units + nanos / 10**9 (unset parts count as zero); no float on the way.

        Raises ValueError when units is not an integer string.
        """
        units = 0 if isinstance(self.units, Unset) else int(self.units)
        nanos = 0 if isinstance(self.nanos, Unset) else self.nanos
        # Built from a string, the Decimal is exact whatever the context precision (int64 + 9 digits is 28+).
        return Decimal(f"{units * _NANOS_PER_UNIT + nanos}E-9")

    @classmethod
    def from_decimal(
        cls: type[T], amount: Decimal | int | str, currency_code: str
    ) -> T:
        """The Money for an exact amount: units and nanos truncated toward zero, so they share its sign.

        Raises ValueError for more than 9 fractional digits, a non-finite amount, units beyond int64,
        or a currency code that is not three upper-case letters; TypeError for a float (inexact).
        """
        if isinstance(amount, float):
            raise TypeError(
                "Money.from_decimal needs an exact amount (Decimal, int or str), not a float"
            )
        value = Decimal(amount)
        if not value.is_finite():
            raise ValueError(f"amount must be finite, got {value}")
        if value and value.adjusted() > 18:
            raise ValueError(f"amount {value} does not fit int64 units")
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        coefficient = int("".join(map(str, digits)) or "0")
        if exponent >= -9:
            total_nanos = coefficient * 10 ** (exponent + 9)
        else:
            total_nanos, rest = divmod(coefficient, 10 ** (-9 - exponent))
            if rest:
                raise ValueError(f"amount {value} has more than 9 fractional digits")
        whole, nanos = divmod(total_nanos, _NANOS_PER_UNIT)
        if sign:
            whole, nanos = -whole, -nanos
        money = cls(currency_code=currency_code, units=str(whole), nanos=nanos)
        problems = money.violations()
        if problems:
            raise ValueError("; ".join(problems))
        return money

    def violations(self) -> list[str]:
        """What makes this amount invalid google.type.Money (empty when valid).

        Rules: units an int64 decimal string; nanos within +-999,999,999; units and nanos of the same
        sign (money_sign_rule); currencyCode three upper-case letters (ISO 4217 shape).
        """
        problems: list[str] = []
        units: int | None = 0
        if not isinstance(self.units, Unset):
            if not isinstance(self.units, str) or not _INT64_STRING.fullmatch(
                self.units
            ):
                problems.append(
                    f"units must be an int64 decimal string, got {self.units!r}"
                )
                units = None
            elif not _INT64_MIN <= int(self.units) <= _INT64_MAX:
                problems.append(f"units {self.units} is outside the int64 range")
                units = None
            else:
                units = int(self.units)
        nanos = 0 if isinstance(self.nanos, Unset) else self.nanos
        if (
            not isinstance(nanos, int)
            or isinstance(nanos, bool)
            or not -999_999_999 <= nanos <= 999_999_999
        ):
            problems.append(
                f"nanos must be an integer within -999999999..999999999, got {nanos!r}"
            )
        elif units is not None and (
            (units > 0 and nanos < 0) or (units < 0 and nanos > 0)
        ):
            problems.append(
                f"units {units} and nanos {nanos} have opposite signs (money_sign_rule)"
            )
        if isinstance(self.currency_code, Unset):
            problems.append("currencyCode is missing")
        elif not isinstance(self.currency_code, str) or not _CURRENCY_CODE.fullmatch(
            self.currency_code
        ):
            problems.append(
                f"currencyCode must be three upper-case letters (ISO 4217), got {self.currency_code!r}"
            )
        return problems

    def validate(self) -> None:
        """Raise ValueError listing every violation; return None when the amount is valid Money."""
        problems = self.violations()
        if problems:
            raise ValueError("invalid Money: " + "; ".join(problems))

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
