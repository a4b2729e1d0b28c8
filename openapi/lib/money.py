"""google.type.Money helpers, mixed into every generated model shaped like Money (currencyCode, units, nanos).

The rules and the arithmetic are `protocol.money`'s, the same the contract suite and the mock apply.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from .protocol import money

__all__ = ["MoneyMixin"]


def _value(value: Any) -> Any:
    """None for an UNSET part (absent on the wire), the value otherwise."""
    from ..types import Unset

    return None if isinstance(value, Unset) else value


class MoneyMixin:
    """Exact decimal conversion and the spec's Money rules; the model supplies currency_code, units and nanos."""

    currency_code: Any
    units: Any
    nanos: Any

    def to_decimal(self) -> Decimal:
        """The exact amount, units + nanos / 10**9 (unset parts count as zero); no float on the way.

        Raises ValueError when units is not an integer string.
        """
        return money.to_decimal(_value(self.units), _value(self.nanos))

    @classmethod
    def from_decimal(cls, amount: Decimal | int | str, currency_code: str) -> Self:
        """The Money for an exact amount: units and nanos truncated toward zero, so they share its sign.

        Raises ValueError for more than 9 fractional digits, a non-finite amount, units beyond int64,
        or a currency code that is not three upper-case letters; TypeError for a float (inexact).
        """
        units, nanos = money.from_decimal(amount)
        built: Self = cls(currency_code=currency_code, units=units, nanos=nanos)  # type: ignore[call-arg]
        problems = built.violations()
        if problems:
            raise ValueError("; ".join(problems))
        return built

    def violations(self) -> list[str]:
        """What makes this amount invalid google.type.Money (empty when valid).

        Rules: units an int64 decimal string; nanos within +-999,999,999; units and nanos of the same
        sign (the money sign rule); currencyCode present and three upper-case letters (ISO 4217 shape).
        """
        problems = money.money_problems(
            _value(self.units), _value(self.nanos), _value(self.currency_code), currency_required=True
        )
        return [str(problem) for problem in problems]

    def validate(self) -> None:
        """Raise ValueError listing every violation; return None when the amount is valid Money."""
        problems = self.violations()
        if problems:
            raise ValueError("invalid Money: " + "; ".join(problems))
