"""google.type.Money helpers, mixed into every generated model shaped like Money (currencyCode, units, nanos)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Self

__all__ = ["MoneyMixin"]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_NANOS_PER_UNIT = 1_000_000_000
_INT64_STRING = re.compile(r"-?(?:0|[1-9][0-9]*)")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def _unset(value: Any) -> bool:
    from ..types import Unset

    return isinstance(value, Unset)


class MoneyMixin:
    """Exact decimal conversion and the spec's Money rules; the model supplies currency_code, units and nanos."""

    currency_code: Any
    units: Any
    nanos: Any

    def to_decimal(self) -> Decimal:
        """The exact amount, units + nanos / 10**9 (unset parts count as zero); no float on the way.

        Raises ValueError when units is not an integer string.
        """
        units = 0 if _unset(self.units) else int(self.units)
        nanos = 0 if _unset(self.nanos) else self.nanos
        # Built from a string, the Decimal is exact whatever the context precision (int64 + 9 digits is 28+).
        return Decimal(f"{units * _NANOS_PER_UNIT + nanos}E-9")

    @classmethod
    def from_decimal(cls, amount: Decimal | int | str, currency_code: str) -> Self:
        """The Money for an exact amount: units and nanos truncated toward zero, so they share its sign.

        Raises ValueError for more than 9 fractional digits, a non-finite amount, units beyond int64,
        or a currency code that is not three upper-case letters; TypeError for a float (inexact).
        """
        if isinstance(amount, float):
            raise TypeError("Money.from_decimal needs an exact amount (Decimal, int or str), not a float")
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
        money: Self = cls(currency_code=currency_code, units=str(whole), nanos=nanos)  # type: ignore[call-arg]
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
        if not _unset(self.units):
            if not isinstance(self.units, str) or not _INT64_STRING.fullmatch(self.units):
                problems.append(f"units must be an int64 decimal string, got {self.units!r}")
                units = None
            elif not _INT64_MIN <= int(self.units) <= _INT64_MAX:
                problems.append(f"units {self.units} is outside the int64 range")
                units = None
            else:
                units = int(self.units)
        nanos = 0 if _unset(self.nanos) else self.nanos
        if not isinstance(nanos, int) or isinstance(nanos, bool) or not -999_999_999 <= nanos <= 999_999_999:
            problems.append(f"nanos must be an integer within -999999999..999999999, got {nanos!r}")
        elif units is not None and ((units > 0 and nanos < 0) or (units < 0 and nanos > 0)):
            problems.append(f"units {units} and nanos {nanos} have opposite signs (money_sign_rule)")
        if _unset(self.currency_code):
            problems.append("currencyCode is missing")
        elif not isinstance(self.currency_code, str) or not _CURRENCY_CODE.fullmatch(self.currency_code):
            problems.append(f"currencyCode must be three upper-case letters (ISO 4217), got {self.currency_code!r}")
        return problems

    def validate(self) -> None:
        """Raise ValueError listing every violation; return None when the amount is valid Money."""
        problems = self.violations()
        if problems:
            raise ValueError("invalid Money: " + "; ".join(problems))
